import type { SourceName } from './source-names.js';

/**
 * The spacing each API's published limits ask for: a host's starting delay and its floor (the
 * limiter adds a small margin for arrival jitter and never goes faster; a delay learned in
 * earlier runs replaces the start).
 * - coingecko: keyless/demo budget taken as 30 calls/min (api-notes: the current figure is unconfirmed).
 * - binance: 6000 weight/min per IP, a budget of weight rather than a rate: a run's ticker costs
 *   80 (+20 for exchangeInfo once a day) and a klines request 2, which candle history takes from
 *   its own weight budget (README "History"). So the gap here is only what keeps a burst of
 *   klines polite (at most 250 requests a second: 3 ms, which the limiter's margin and its
 *   whole-millisecond timers make 4 ms apart; a 4 here was 5 ms apart, a second bottleneck beside
 *   ten requests in flight), and X-MBX-USED-WEIGHT-1M sets the pace when the minute's budget runs low.
 * - coincap: v3 limits unpublished; v2 allowed 500/min with a key.
 * - google_news: no published limit; heavy polling draws blocks, so stay gentle.
 * - hn: about 10,000 requests/hour per IP.
 * - gdelt: "one request every 5 seconds"; 5.5 s leaves margin, as other clients do.
 * - newsapi: 100 requests/day on the free plan, enforced as a daily budget (src/commands/news/run.ts);
 *   the per-call pace is not the constraint.
 * - finnhub: 60 calls/min on the free plan.
 * - alphavantage: 25 calls/day, no per-minute limit: the daily budget is enforced separately.
 * - stooq: unpublished daily limit and IP bans; one batched request a second.
 */
export const DOCUMENTED_DELAY_MS: Record<SourceName, number> = {
  coingecko: 2000,
  binance: 3,
  coincap: 500,
  google_news: 1000,
  hn: 400,
  gdelt: 5500,
  newsapi: 1000,
  finnhub: 1000,
  alphavantage: 0,
  stooq: 1000,
};

/**
 * How a host with no documented rate is paced (a redirect target, an unknown mirror): it starts
 * at one request a second and, until its first rate limit, doubles its rate for every second of
 * back-to-back successes, so it finds a real limit of 20/s within seconds, not minutes.
 */
export const UNDOCUMENTED_HOST_PACING = { defaultDelayMs: 1000, rampUpHalvingMs: 1000 } as const;

/**
 * Calls a day the free plans allow, counted across runs in the state file under the source's name
 * (`rt.budgets`) and never exceeded: Alpha Vantage 25 (since early 2024), NewsAPI 100 (Developer plan).
 */
export const DAILY_BUDGETS = { alphavantage: 25, newsapi: 100 } as const satisfies Partial<Record<SourceName, number>>;
