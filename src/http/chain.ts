import type { QahtError } from '../errors.js';
import type { Disposer } from './client-events.js';
import type { HttpMethod, HttpResponse } from './types.js';

/**
 * One attempt of one request as the steps see it. The request's own fields stay the same for
 * every attempt; `url` and `headers` are the hop being sent (the redirect step replaces them),
 * and `deadline` is set by the deadline step for the steps inside it.
 */
export interface AttemptContext {
  /** The URL the caller asked for. Its `host` (`host:port`) keys the breaker and the limiter. */
  readonly target: URL;
  readonly host: string;
  /** `target` with secrets redacted: what messages and events show. */
  readonly safeUrl: string;
  /** The caller's secrets plus key-like query values of the URL. */
  readonly secrets: readonly string[];
  readonly source: string | undefined;
  /** GET, or POST with `body`. */
  readonly method: HttpMethod;
  /** The request body (a POST's), sent again on every attempt. */
  readonly body: string | undefined;
  readonly signal: AbortSignal | undefined;
  /** The attempt's whole time limit, in ms. */
  readonly timeoutMs: number;
  readonly classify: ((response: HttpResponse) => QahtError | undefined) | undefined;
  /** `RequestOptions.onPaced`: called by the pacing step once the attempt has its slot. */
  readonly onPaced: (() => void) | undefined;
  /** Headers for the target's origin (the caller's included). */
  readonly headers: Readonly<Record<string, string>>;
  /** Headers for any other origin: the caller's (API keys) are for the target only. */
  readonly crossOriginHeaders: Readonly<Record<string, string>>;
  /** The hop being sent: `target`, or where a redirect pointed. */
  readonly url: URL;
  readonly deadline?: AttemptDeadline;
}

/** A response inside the chain: any status, plus what the rate-limit headers said. */
export interface ChainResponse extends HttpResponse {
  /** `Retry-After`, in ms from when it was read. */
  retryAfterMs?: number;
}

/** One attempt, from some step inwards. */
export type Attempt = (context: AttemptContext) => Promise<ChainResponse>;

/** A step wraps the rest of the chain (cockatiel's `wrap`, undici's `Dispatcher.compose`). */
export type Step = (next: Attempt) => Attempt;

/** Composes steps around `send`, outermost first: `composeSteps([a, b], send)` is `a(b(send))`. */
export function composeSteps(steps: readonly Step[], send: Attempt): Attempt {
  return steps.reduceRight<Attempt>((next, step) => step(next), send);
}

/**
 * An attempt's cut-off, handed to the steps inside the deadline step: its time limit or the
 * caller's abort, whichever comes first.
 */
export interface AttemptDeadline {
  /** For undici, only when the caller can abort (see `createDeadlineStep`). */
  readonly signal: AbortSignal | undefined;
  /** Why the attempt was cut off (QAHT_ERR_TIMEOUT or QAHT_ERR_ABORTED), once it was. */
  readonly error: QahtError | undefined;
  /** Runs `fn` at the cut-off (at once when it already came); returns a disposer. */
  onCutOff(fn: (error: QahtError) => void): Disposer;
}
