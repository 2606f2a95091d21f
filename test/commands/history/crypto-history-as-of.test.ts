import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INTERVAL_MS } from '../../../src/candle.js';
import { loadCryptoHistory } from '../../../src/commands/history/crypto-history.js';
import type { Runtime } from '../../../src/runtime/runtime.js';
import { coinSignalsAsOf } from '../../../src/screens/signals/coin-signals.js';
import { isSummary } from '../../../src/screens/signals/series-signals.js';
import { signalsDocument } from '../../../src/screens/signals/summary-document.js';
import { FileCandleStore } from '../../../src/store/file/file-candle-store.js';
import { MemoryWeightBudget } from '../../../src/store/history/weight-budget.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { makeSeries, randomWalk } from '../../screens/signals/series.js';
import { makeTempDir, removeDir } from '../../store/store-helpers.js';

/**
 * The crypto run takes its signals as of its start; its history is read a moment later. A series
 * whose last bar closed in between (another process wrote it meanwhile) must come whole, cut as of
 * the start, never as a summary that does not hold then.
 */

const SERIES = makeSeries({ ...randomWalk(300, 9), start: Date.UTC(2025, 0, 1) });
const CLOSED_BY = SERIES.openTime.at(-1)! + INTERVAL_MS['1d'];

describe('the crypto run reads the history as of its start', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(async () => {
    await removeDir(dir);
  });

  it('gives the summary where it holds then, the series where it does not', async () => {
    const clock = new ManualClock(CLOSED_BY + 5_000);
    const candles = new FileCandleStore(dir, { clock });
    await candles.write(
      { source: 'binance', interval: '1d', asset: 'BTCUSDT' },
      { series: SERIES, fetchedAt: CLOSED_BY },
      signalsDocument(SERIES),
    );
    const rt = { history: { candles, weight: new MemoryWeightBudget(clock) }, clock, env: {} } as unknown as Runtime;
    const load = (asOfMs: number) =>
      loadCryptoHistory(rt, {
        coins: [{ id: 'bitcoin', symbol: 'btc' }],
        usdSymbols: async () => undefined,
        budget: 0,
        fetch: false,
        sources: new Set(),
        asOfMs,
      });

    const late = (await load(CLOSED_BY))?.byCoin.get('bitcoin');
    expect(late?.daily && isSummary(late.daily)).toBe(true);
    expect(coinSignalsAsOf(late, CLOSED_BY)).toEqual(coinSignalsAsOf({ daily: SERIES, hourly: null }, CLOSED_BY));

    // The run started a moment before the last bar closed: the series whole, cut before that bar.
    const early = (await load(CLOSED_BY - 1))?.byCoin.get('bitcoin');
    expect(early?.daily && !isSummary(early.daily)).toBe(true);
    const signals = coinSignalsAsOf(early, CLOSED_BY - 1);
    expect(signals).toEqual(coinSignalsAsOf({ daily: SERIES, hourly: null }, CLOSED_BY - 1));
    expect(signals.close).toBe(SERIES.close.at(-2));
  });

  it('reads each series once when a run plans (something is due): the planner takes what was just read', async () => {
    const clock = new ManualClock(CLOSED_BY + 3 * INTERVAL_MS['1d']);
    const candles = new FileCandleStore(dir, { clock });
    await candles.write(
      { source: 'binance', interval: '1d', asset: 'BTCUSDT' },
      { series: SERIES, fetchedAt: CLOSED_BY },
      signalsDocument(SERIES),
    );
    const heads: string[] = [];
    const readHead = candles.readHead.bind(candles);
    candles.readHead = (key) => {
      heads.push(`${key.source}/${key.interval}/${key.asset}`);
      return readHead(key);
    };
    const rt = {
      history: { candles, weight: new MemoryWeightBudget(clock) },
      clock,
      env: {},
      http: async () => ({}),
    } as unknown as Runtime;
    const history = await loadCryptoHistory(rt, {
      coins: [{ id: 'bitcoin', symbol: 'btc' }],
      usdSymbols: async () => [{ symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT' }],
      budget: 60,
      fetch: true,
      // No source may be called: the due series stay pending.
      sources: new Set(),
    });
    expect(history?.pending).toBe(2);
    expect(heads.sort()).toEqual(['binance/1d/BTCUSDT', 'binance/1h/BTCUSDT']);
  });
});
