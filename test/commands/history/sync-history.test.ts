import { describe, expect, it } from 'vitest';
import { INTERVAL_MS } from '../../../src/candle.js';
import type { SeriesTarget } from '../../../src/commands/history/history-targets.js';
import { syncHistory } from '../../../src/commands/history/sync-history.js';
import type { HttpGetter, HttpResponse } from '../../../src/http/types.js';
import type { CandleStore } from '../../../src/store/history/candle-store.js';
import type { StoredSeries } from '../../../src/store/history/series-codec.js';
import { type SeriesKey, seriesName } from '../../../src/store/history/series-key.js';
import { MemoryWeightBudget } from '../../../src/store/history/weight-budget.js';
import { systemClock } from '../../../src/time/clock.js';

const DAY = INTERVAL_MS['1d'];
const TODAY = Math.floor(Date.now() / DAY) * DAY;

function targets(count: number): SeriesTarget[] {
  return Array.from({ length: count }, (_, rank) => ({
    coinId: `c${rank}`,
    rank,
    key: { source: 'binance', interval: '1d', asset: `C${rank}USDT` },
  }));
}

/** Two closed daily bars and the open one, as Binance answers. */
function klinesBody(): string {
  const row = (open: number) => [open, '1', '2', '0.5', '1.5', '10', open + DAY - 1, '15', 3, '5', '7', '0'];
  return JSON.stringify([row(TODAY - 2 * DAY), row(TODAY - DAY), row(TODAY)]);
}

/** Series in memory; `beforeWrite` may hold a write back. */
function memoryStore(beforeWrite: (key: SeriesKey) => Promise<void> = async () => undefined): CandleStore & { written: string[] } {
  const series = new Map<string, StoredSeries>();
  const written: string[] = [];
  return {
    label: 'memory',
    written,
    read: async (key) => series.get(seriesName(key)),
    // No summaries kept: the head says the series was read (a run then uses the series).
    readHead: async (key) => {
      const stored = series.get(seriesName(key));
      if (!stored) return undefined;
      const { openTime } = stored.series;
      return { fetchedAt: stored.fetchedAt, count: openTime.length, lastOpen: openTime.at(-1), summary: undefined, stored };
    },
    write: async (key, stored) => {
      await beforeWrite(key);
      series.set(seriesName(key), stored);
      written.push(key.asset);
    },
    lock: async () => ({ release: async () => undefined }),
    list: async () => [],
    keys: async () => [],
    clear: async () => 0,
  };
}

/** Answers every klines request after `hold` resolves for it; counts requests in flight. */
function heldHttp(hold: (symbol: string) => Promise<void> = () => new Promise((resolve) => setTimeout(resolve, 5))) {
  const state = { inFlight: 0, maxInFlight: 0, sent: [] as string[] };
  const http: HttpGetter = {
    request: async (url) => {
      const symbol = new URL(url).searchParams.get('symbol') ?? '';
      state.sent.push(symbol);
      state.inFlight++;
      state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
      try {
        await hold(symbol);
      } finally {
        state.inFlight--;
      }
      return { status: 200, headers: {}, text: klinesBody(), url } satisfies HttpResponse;
    },
    fetchJson: () => Promise.reject(new Error('unused')),
    fetchText: () => Promise.reject(new Error('unused')),
  };
  return { http, state };
}

function sync(candles: CandleStore, http: HttpGetter, count: number, concurrency: number) {
  return syncHistory({
    ports: { candles, weight: new MemoryWeightBudget(systemClock) },
    http: async () => http,
    clock: systemClock,
    baseUrl: async () => 'http://binance.test',
    targets: targets(count),
    mode: 'fill',
    concurrency,
  });
}

describe('syncHistory request slots', () => {
  it('keeps at most `concurrency` requests in flight and fetches each due series once', async () => {
    const candles = memoryStore();
    const { http, state } = heldHttp();
    const result = await sync(candles, http, 12, 3);
    expect(state.maxInFlight).toBe(3);
    expect(result.fetched).toBe(12);
    expect([...state.sent].sort()).toEqual(
      targets(12)
        .map((t) => t.key.asset)
        .sort(),
    );
    expect(candles.written).toHaveLength(12);
  });

  it('a series writing what it fetched does not hold its request slot', async () => {
    // One slot: the first series' write waits until the second series' request is sent. Were the
    // slot held through the write, neither could go on.
    let secondSent: () => void = () => undefined;
    const second = new Promise<void>((resolve) => {
      secondSent = resolve;
    });
    const candles = memoryStore(async (key) => {
      if (key.asset === 'C0USDT') await second;
    });
    const { http, state } = heldHttp(async (symbol) => {
      if (symbol === 'C1USDT') secondSent();
    });
    const result = await sync(candles, http, 2, 1);
    expect(result.fetched).toBe(2);
    expect(state.maxInFlight).toBe(1);
    expect([...candles.written].sort()).toEqual(['C0USDT', 'C1USDT']);
  });
});
