import type { Clock } from '../../time/clock.js';
import type { Step } from '../chain.js';
import type { HostPacing } from '../../resilience/host-policies.js';
import { readRateLimitSignals } from '../rate-limit-headers.js';

const MINUTE_MS = 60_000;

/**
 * Reads what every answer's headers say about the host's budget (Retry-After, Binance's used
 * weight, X-RateLimit-Remaining/Reset; see `rate-limit-headers.ts`) and applies it to the hop's
 * limiter: a block, or a slower pace. Headers may only slow a host down; speeding up is the
 * limiter's own decision. The Retry-After goes on with the response for the classify step.
 */
export function createRateLimitHeadersStep(deps: { limiter: HostPacing; clock: Clock }): Step {
  const { limiter, clock } = deps;
  /** Last `X-MBX-USED-WEIGHT-1M` per host, to estimate what one request costs. */
  const lastWeight = new Map<string, { minute: number; used: number }>();
  return (next) => async (context) => {
    const response = await next(context);
    const headers = response.headers;
    // Most answers carry none of them.
    if (
      headers['retry-after'] === undefined &&
      headers['x-mbx-used-weight-1m'] === undefined &&
      headers['x-ratelimit-remaining'] === undefined
    ) {
      return response;
    }
    const host = context.url.host;
    const now = clock.now();
    const signals = readRateLimitSignals(headers, now, requestWeight(lastWeight, host, headers, now));
    if (signals.blockUntilMs !== undefined) limiter.blockUntil(host, signals.blockUntilMs);
    if (signals.paceMs !== undefined && signals.paceMs > limiter.delayMs(host)) limiter.setPace(host, signals.paceMs);
    return signals.retryAfterMs === undefined ? response : { ...response, retryAfterMs: signals.retryAfterMs };
  };
}

/** Weight of the last request, from the growth of Binance's used-weight counter (at least 1). */
function requestWeight(
  lastWeight: Map<string, { minute: number; used: number }>,
  host: string,
  headers: Readonly<Record<string, string>>,
  now: number,
): number {
  const used = Number(headers['x-mbx-used-weight-1m']);
  if (!Number.isFinite(used)) return 1;
  const minute = Math.floor(now / MINUTE_MS);
  const last = lastWeight.get(host);
  lastWeight.set(host, { minute, used });
  return last && last.minute === minute && used > last.used ? used - last.used : 1;
}
