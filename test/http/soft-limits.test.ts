import { describe, expect, it } from 'vitest';
import { isCircuitOpenError } from '../../src/errors.js';
import { AsyncAPIClient } from '../../src/http/async-api-client.js';
import type { RateLimitEvent } from '../../src/http/client-events.js';
import type { HttpGetter } from '../../src/http/types.js';
import { AdaptiveRateLimiter } from '../../src/resilience/adaptive-rate-limiter.js';
import { CircuitBreaker } from '../../src/resilience/circuit-breaker.js';
import { fetchAlphaVantageQuote } from '../../src/sources/alphavantage.js';
import { fetchCoinCapAssets } from '../../src/sources/coincap.js';
import { fetchCoinGeckoMarkets } from '../../src/sources/coingecko.js';
import { fetchFinnhubNews } from '../../src/sources/finnhub-news.js';
import { fetchFinnhubQuote } from '../../src/sources/finnhub-quote.js';
import { fetchGdelt } from '../../src/sources/gdelt.js';
import { fetchNewsApi } from '../../src/sources/newsapi.js';
import { fetchStooqQuotes } from '../../src/sources/stooq.js';
import { driveClock } from '../helpers/drive-clock.js';
import type { FakeApi, RouteSpec } from '../helpers/fake-api/index.js';
import { useFakeApi } from './use-fake-api.js';
import { ManualClock } from '../helpers/manual-clock.js';

/**
 * Issue 11: a "slow down" inside an HTTP 200 is judged inside the attempt by the source's own
 * `classify`, before any feedback, so it slows the limiter (× 2) and counts against the breaker
 * like a 429, and never reaches the source as data. Each body is the API's real wording
 * (api-notes.md), served by the fake API through the real client and the real adapter.
 */

const KEY = 'soft-limit-test-key-1234';
const THRESHOLD = 5;
const START_DELAY_MS = 100;

interface Case {
  name: string;
  path: string;
  reply: RouteSpec;
  call: (http: HttpGetter, baseUrl: string) => Promise<unknown>;
}

const newsParams = (http: HttpGetter, baseUrl: string) => ({
  http,
  baseUrl,
  query: 'bitcoin etf',
  fromMs: Date.UTC(2026, 10, 28),
  nowMs: Date.UTC(2026, 10, 29),
  apiKey: KEY,
});

const CASES: Case[] = [
  {
    name: 'Alpha Vantage Note',
    path: '/query',
    reply: {
      json: {
        Note: 'Thank you for using Alpha Vantage! Our standard API call frequency is 5 calls per minute and 500 calls per day.',
      },
    },
    call: (http, baseUrl) => fetchAlphaVantageQuote(http, { baseUrl, apiKey: KEY, symbol: 'IBM' }),
  },
  {
    name: 'Alpha Vantage Information',
    path: '/query',
    reply: {
      json: {
        Information: `We have detected your API key as ${KEY} and our standard API rate limit is 25 requests per day. Please subscribe to any of the premium plans.`,
      },
    },
    call: (http, baseUrl) => fetchAlphaVantageQuote(http, { baseUrl, apiKey: KEY, symbol: 'IBM' }),
  },
  {
    name: "GDELT's 'Please limit requests' text",
    path: '/api/v2/doc/doc',
    reply: {
      body: 'Please limit requests to one every 5 seconds or contact kalev.leetaru5@gmail.com for larger queries.',
      headers: { 'content-type': 'text/html; charset=utf-8' },
    },
    call: (http, baseUrl) => fetchGdelt(newsParams(http, baseUrl)),
  },
  {
    name: 'NewsAPI rateLimited',
    path: '/v2/everything',
    reply: {
      json: {
        status: 'error',
        code: 'rateLimited',
        message: 'You have made too many requests recently. Developer accounts are limited to 100 requests over a 24 hour period.',
      },
    },
    call: (http, baseUrl) => fetchNewsApi(newsParams(http, baseUrl)),
  },
  {
    name: "CoinGecko's 429 body at 200",
    path: '/coins/markets',
    reply: {
      json: {
        status: {
          error_code: 429,
          error_message: "You've exceeded the Rate Limit. Please visit https://www.coingecko.com/en/api/pricing.",
        },
      },
    },
    call: (http, baseUrl) => fetchCoinGeckoMarkets(http, { baseUrl, top: 250 }),
  },
  {
    name: 'Finnhub "API limit reached" (quote)',
    path: '/quote',
    reply: { json: { error: 'API limit reached. Please try again later. Remaining Limit: 0' } },
    call: (http, baseUrl) => fetchFinnhubQuote(http, { baseUrl, apiKey: KEY, symbol: 'AAPL' }),
  },
  {
    name: 'Finnhub "API limit reached" (news)',
    path: '/news',
    reply: { json: { error: 'API limit reached. Please try again later. Remaining Limit: 0' } },
    call: (http, baseUrl) => fetchFinnhubNews(newsParams(http, baseUrl)),
  },
  {
    name: "Stooq's daily hits text",
    path: '/q/l/',
    reply: { body: 'Exceeded the daily hits limit', headers: { 'content-type': 'text/plain' } },
    call: (http, baseUrl) => fetchStooqQuotes(http, { baseUrl, apiKey: KEY, symbols: ['AAPL', 'MSFT'] }),
  },
  {
    name: "CoinCap's error",
    path: '/assets',
    reply: { json: { error: 'rate limit exceeded, too many requests', timestamp: 1764410400000 } },
    call: (http, baseUrl) => fetchCoinCapAssets(http, { baseUrl, apiKey: KEY, limit: 100 }),
  },
];

let api: FakeApi;
let client: AsyncAPIClient | undefined;

useFakeApi(
  (started) => (api = started),
  async () => {
    await client?.close();
    client = undefined;
  },
);

function softLimitedClient(
  clock: ManualClock,
  maxRetries = 0,
): { client: AsyncAPIClient; limiter: AdaptiveRateLimiter; events: RateLimitEvent[] } {
  const limiter = new AdaptiveRateLimiter({ clock, defaultDelayMs: START_DELAY_MS });
  const created = new AsyncAPIClient({
    clock,
    limiter,
    maxRetries,
    retryBaseDelayMs: 1000,
    breakerFor: (host) => new CircuitBreaker({ clock, name: host, failureThreshold: THRESHOLD, recoveryTimeoutMs: 60_000 }),
  });
  const events: RateLimitEvent[] = [];
  created.onRateLimit((event) => events.push(event));
  return { client: created, limiter, events };
}

describe.each(CASES)('soft rate limit: $name', ({ path, reply, call }) => {
  it('opens the breaker after the threshold and slows the limiter; never data', async () => {
    const clock = new ManualClock();
    const made = softLimitedClient(clock);
    client = made.client;
    api.route('GET', path, reply);

    for (let i = 1; i <= THRESHOLD; i++) {
      const outcome = await driveClock(
        clock,
        call(client, api.url).catch((error: unknown) => error),
      );
      expect(outcome).toMatchObject({ code: 'QAHT_ERR_RATE_LIMITED' });
      expect(String((outcome as Error).message)).not.toContain(KEY);
      expect(made.limiter.delayMs(api.host)).toBe(START_DELAY_MS * 2 ** i);
    }
    expect(client.breakers.get(api.host)?.state).toBe('OPEN');
    expect(made.events).toHaveLength(THRESHOLD);
    expect(made.events[0]).toMatchObject({ host: api.host, status: 200, soft: true });

    // Open: the next call is refused without reaching the API.
    const refused = await driveClock(
      clock,
      call(client, api.url).catch((error: unknown) => error),
    );
    expect(isCircuitOpenError(refused)).toBe(true);
    expect(api.requestCount(path)).toBe(THRESHOLD);
  });
});

describe('soft rate limits and retries', () => {
  it('are retried like a 429 where a retry spends no daily budget (CoinGecko)', async () => {
    const clock = new ManualClock();
    const made = softLimitedClient(clock, 3);
    client = made.client;
    const coingecko = CASES.find((c) => c.path === '/coins/markets')!;
    api.route('GET', coingecko.path, coingecko.reply);
    const outcome = await driveClock(
      clock,
      coingecko.call(client, api.url).catch((error: unknown) => error),
    );
    expect(outcome).toMatchObject({ code: 'QAHT_ERR_RATE_LIMITED' });
    expect(api.requestCount(coingecko.path)).toBe(4);
  });

  it('are not retried where every call spends a daily budget (Alpha Vantage, NewsAPI)', async () => {
    const clock = new ManualClock();
    const made = softLimitedClient(clock, 3);
    client = made.client;
    for (const budgeted of CASES.filter((c) => c.name === 'Alpha Vantage Information' || c.name === 'NewsAPI rateLimited')) {
      api.route('GET', budgeted.path, budgeted.reply);
      const outcome = await driveClock(
        clock,
        budgeted.call(client, api.url).catch((error: unknown) => error),
      );
      expect(outcome).toMatchObject({ code: 'QAHT_ERR_RATE_LIMITED' });
      expect(api.requestCount(budgeted.path)).toBe(1);
    }
  });

  it('a stated wait (Retry-After on the 200) blocks the host for that long', async () => {
    const clock = new ManualClock();
    const made = softLimitedClient(clock);
    client = made.client;
    const coingecko = CASES.find((c) => c.path === '/coins/markets')!;
    api.route('GET', coingecko.path, { ...coingecko.reply, retryAfter: '30' });
    const outcome = await driveClock(
      clock,
      coingecko.call(client, api.url).catch((error: unknown) => error),
    );
    expect(outcome).toMatchObject({ code: 'QAHT_ERR_RATE_LIMITED', retryAfterMs: 30_000 });
    expect(made.limiter.blockedUntil(api.host)).toBe(clock.now() + 30_000);
    expect(made.events[0]).toMatchObject({ soft: true, retryAfterMs: 30_000 });
  });
});
