/** How randomness spreads retries so that many clients do not retry in lockstep. */
export type JitterMode = 'full' | 'decorrelated' | 'none';

export interface BackoffOptions {
  /** Delay before the first retry (without jitter), in ms. @default 2000 */
  baseDelayMs?: number;
  /** Upper bound for any delay, in ms. @default 30_000 */
  maxDelayMs?: number;
  /**
   * `full`: uniform in [0, base × 2^(attempt-1)); `decorrelated`: uniform in
   * [base, previous × 3); `none`: exactly base × 2^(attempt-1). All capped at `maxDelayMs`.
   * @default 'full'
   */
  jitter?: JitterMode;
  /** A source of numbers in [0, 1). @default Math.random */
  random?: () => number;
  /** The delay used before the previous retry (decorrelated jitter grows from it). @default baseDelayMs */
  previousDelayMs?: number;
}

/**
 * The wait before retry number `attempt` (1 = the first retry), in ms: exponential on a
 * 2 s, 4 s, 8 s scale by default, capped, with jitter (AWS "Exponential Backoff and Jitter").
 */
export function computeBackoffMs(attempt: number, options: BackoffOptions = {}): number {
  const { baseDelayMs = 2000, maxDelayMs = 30_000, jitter = 'full', random = Math.random } = options;
  if (!Number.isInteger(attempt) || attempt < 1) {
    throw new RangeError(`computeBackoffMs: expected attempt to be an integer >= 1, got ${String(attempt)}`);
  }
  if (!Number.isFinite(baseDelayMs) || baseDelayMs < 0) {
    throw new RangeError(`computeBackoffMs: expected baseDelayMs to be a finite number >= 0, got ${String(baseDelayMs)}`);
  }
  if (!(maxDelayMs >= 0)) {
    throw new RangeError(`computeBackoffMs: expected maxDelayMs to be a number >= 0, got ${String(maxDelayMs)}`);
  }
  switch (jitter) {
    case 'none':
      return exponential(attempt, baseDelayMs, maxDelayMs);
    case 'full':
      return random() * exponential(attempt, baseDelayMs, maxDelayMs);
    case 'decorrelated': {
      const previous = Math.max(baseDelayMs, options.previousDelayMs ?? baseDelayMs);
      return Math.min(maxDelayMs, baseDelayMs + random() * (previous * 3 - baseDelayMs));
    }
    default:
      throw new RangeError(`computeBackoffMs: expected jitter to be 'full', 'decorrelated' or 'none', got ${String(jitter as unknown)}`);
  }
}

function exponential(attempt: number, baseDelayMs: number, maxDelayMs: number): number {
  // 2 ** attempt overflows to Infinity for huge attempts, which the cap absorbs (0 × Infinity is NaN).
  if (baseDelayMs === 0) return 0;
  return Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
}
