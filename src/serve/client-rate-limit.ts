import { LRUCache } from 'lru-cache';
import type { Clock } from '../time/clock.js';

export interface ClientRateLimitOptions {
  /** Requests a client may make in a burst, and per `windowMs` on average. @default 120 */
  requestsPerWindow?: number;
  /** The window the average is taken over, in ms. @default 10_000 */
  windowMs?: number;
  /** Clients remembered at once; the least recently seen is forgotten first. @default 10_000 */
  maxClients?: number;
  clock: Clock;
}

/** The server's own rate limit's defaults: a dashboard makes a handful of requests, a script one every few seconds. */
export const CLIENT_RATE_LIMIT_DEFAULTS = { requestsPerWindow: 120, windowMs: 10_000, maxClients: 10_000 } as const;

interface Bucket {
  tokens: number;
  /** Epoch ms the tokens were last counted. */
  at: number;
}

/**
 * A token bucket per client (by address): each holds `requestsPerWindow` tokens, refilled
 * continuously over `windowMs`; a request takes one. Time is the injected clock's, so tests
 * need no sleeps. Memory is bounded by `maxClients`.
 */
export class ClientRateLimit {
  readonly #capacity: number;
  readonly #refillPerMs: number;
  readonly #clock: Clock;
  readonly #buckets: LRUCache<string, Bucket>;

  constructor(options: ClientRateLimitOptions) {
    const requests = options.requestsPerWindow ?? CLIENT_RATE_LIMIT_DEFAULTS.requestsPerWindow;
    const windowMs = options.windowMs ?? CLIENT_RATE_LIMIT_DEFAULTS.windowMs;
    if (!Number.isInteger(requests) || requests < 1) {
      throw new RangeError(`ClientRateLimit: expected requestsPerWindow to be an integer >= 1, got ${String(requests)}`);
    }
    if (!Number.isFinite(windowMs) || windowMs <= 0) {
      throw new RangeError(`ClientRateLimit: expected windowMs to be a number > 0, got ${String(windowMs)}`);
    }
    this.#capacity = requests;
    this.#refillPerMs = requests / windowMs;
    this.#clock = options.clock;
    this.#buckets = new LRUCache({ max: options.maxClients ?? CLIENT_RATE_LIMIT_DEFAULTS.maxClients });
  }

  /** Takes a token for `client`: 0 when the request may go ahead, else the ms until the next token. */
  take(client: string): number {
    const now = this.#clock.now();
    let bucket = this.#buckets.get(client);
    if (!bucket) {
      bucket = { tokens: this.#capacity, at: now };
      this.#buckets.set(client, bucket);
    } else {
      bucket.tokens = Math.min(this.#capacity, bucket.tokens + Math.max(0, now - bucket.at) * this.#refillPerMs);
      bucket.at = now;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - bucket.tokens) / this.#refillPerMs);
  }
}
