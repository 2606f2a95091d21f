import type { LimiterSnapshot } from './adaptive-rate-limiter.js';
import type { BreakerSnapshot, BreakerStateChange, BreakerStateName } from './circuit-breaker.js';

/**
 * What the chain needs of each host's pacing: `AdaptiveRateLimiter` in one process, or a schedule
 * every process shares (`SharedPacer`). Outcomes are reported synchronously; a shared schedule
 * writes them behind the request and lands them before the host's next slot. Times are epoch ms.
 */
export interface HostPacing {
  /** Resolves at the caller's turn on `host`; rejects with the signal's reason on abort. */
  wait(host: string, signal?: AbortSignal): Promise<void>;
  onSuccess(host: string): void;
  /** @param sentAt when the limited request was sent (one sent before the last slow-down teaches nothing new) */
  onRateLimit(host: string, retryAfterMs?: number, sentAt?: number): void;
  onError(host: string): void;
  /** No request to `host` before `epochMs`. */
  blockUntil(host: string, epochMs: number): void;
  /** Sets the delay directly (rate-limit headers). */
  setPace(host: string, delayMs: number): void;
  /** Back to the host's starting delay (it recovered from an outage). */
  resetDelay(host: string): void;
  /** The current delay, ms. */
  delayMs(host: string): number;
  /** Before this, no request to `host` starts (0: not blocked). */
  blockedUntil(host: string): number;
  /** What was learned, as plain JSON. */
  toJSON(): LimiterSnapshot;
}

/**
 * What the chain needs of a host's circuit breaker: `CircuitBreaker` in one process, or one whose
 * state every process shares (`SharedBreaker`), whose admission is then asynchronous.
 */
export interface HostBreaker {
  /** The state a call made now would meet, as far as this process knows. */
  readonly state: BreakerStateName;
  /** Ms until a call would be admitted, as far as this process knows (0: now). */
  retryAfterMs(): number;
  /** Admits one call (a half-open probe only while probes are free) or throws `CircuitOpenError`. */
  tryAcquire(): void | Promise<void>;
  recordSuccess(): void;
  recordFailure(): void;
  /** @returns a function that removes the listener */
  onStateChange(listener: (change: BreakerStateChange) => void): () => void;
  toJSON(): BreakerSnapshot;
}
