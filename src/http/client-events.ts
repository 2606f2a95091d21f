import type { QahtErrorCode } from '../errors.js';

/** Removes the listener it was returned for. Safe to call twice. */
export type Disposer = () => void;

/** What every event says about the request it comes from. `at` is epoch ms on the client's clock. */
export interface RequestEvent {
  /** `host:port` of the URL asked for (the breaker's and limiter's key). */
  host: string;
  /** `RequestOptions.source`, when the caller named one. */
  source: string | undefined;
  /** The URL asked for, secrets redacted. */
  url: string;
  at: number;
}

/** An attempt that went to the wire (admitted by the breaker), with how it ended. */
export interface AttemptEvent extends RequestEvent {
  /** Admission to settlement, in ms. */
  durationMs: number;
  /** The HTTP status, when an answer arrived. */
  status: number | undefined;
  /** The failure's code; undefined for a success. */
  code: QahtErrorCode | undefined;
}

/** The host said "slow down": an HTTP 429/418, or a soft limit the source found in a 2xx body. */
export interface RateLimitEvent extends RequestEvent {
  /** The HTTP status of the answer (200 for a soft limit). */
  status: number | undefined;
  soft: boolean;
  /** The wait the host asked for (Retry-After or a stated wait), in ms. */
  retryAfterMs: number | undefined;
  /** The host's delay after the limiter learned from it, in ms. */
  delayMs: number;
}

/** The retry policy will try again after `delayMs`. */
export interface RetryEvent extends RequestEvent {
  /** The attempt that failed (1 = the first). */
  attempt: number;
  delayMs: number;
  code: QahtErrorCode | undefined;
}

/** An open breaker refused the attempt without sending it. */
export interface BreakerRejectionEvent extends RequestEvent {
  retryAfterMs: number;
}

/** The attempt is about to wait for its slot on the host's limiter (`waiting`), or its slot came (not `waiting`). */
export interface QueueEvent extends RequestEvent {
  waiting: boolean;
  /** When the host said it may be asked again (Retry-After, a spent budget), if it did and that is later than now. */
  blockedUntil: number | undefined;
}

/** The attempt waited for its slot on the host's limiter before it was sent. */
export interface PacingEvent extends RequestEvent {
  waitedMs: number;
}

type Listener<T> = (event: T) => void;

/** One event stream. Listener errors are swallowed: observers must never change an outcome. */
export class Emitter<T> {
  readonly #listeners = new Set<Listener<T>>();

  /** Calls `listener` on every event until the returned disposer is called. */
  on(listener: Listener<T>): Disposer {
    // Wrapped, so the same function can be subscribed twice and disposed independently.
    const entry: Listener<T> = (event) => listener(event);
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  /** True when someone listens (lets hot paths skip building an event). */
  get active(): boolean {
    return this.#listeners.size > 0;
  }

  emit(event: T): void {
    // A Set iterates safely while listeners are removed (and visits ones added meanwhile).
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // See the class comment.
      }
    }
  }
}

/** The client's event streams, emitted by the steps where each thing happens. */
export class ClientEvents {
  readonly attempt = new Emitter<AttemptEvent>();
  readonly rateLimit = new Emitter<RateLimitEvent>();
  readonly retry = new Emitter<RetryEvent>();
  readonly breakerRejection = new Emitter<BreakerRejectionEvent>();
  readonly pacing = new Emitter<PacingEvent>();
  readonly queue = new Emitter<QueueEvent>();
}
