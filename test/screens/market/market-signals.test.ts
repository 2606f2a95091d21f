import { describe, expect, it } from 'vitest';
import { NO_MARKET_SIGNALS, withMarketSignals } from '../../../src/screens/market/market-signals.js';
import type { MarketRow } from '../../../src/screens/market/rows.js';
import { makeSeries, randomWalk, START } from '../signals/series.js';

const row = (symbol: string): MarketRow => ({
  symbol,
  name: null,
  price: 1,
  changePct: 1,
  changeBasis: 'prevClose',
  volume: 1e6,
  score: 1,
  sources: ['finnhub'],
  ...NO_MARKET_SIGNALS,
});

describe('withMarketSignals', () => {
  it('fills the daily signals of rows with bars, rs against the median of those, and leaves the others null', () => {
    const walks = [randomWalk(260, 1), randomWalk(260, 2), randomWalk(260, 3)];
    walks[0]!.quoteVolume[259] = 1e8;
    const daily = new Map(['AAPL', 'MSFT', 'KO'].map((symbol, i) => [symbol, makeSeries(walks[i]!)]));
    const asOf = START + 260 * 86_400_000;
    const rows = withMarketSignals([row('AAPL'), row('MSFT'), row('KO'), row('IBM')], daily, asOf);
    const returns = walks.map((w) => (w.close[259]! / w.close[252]! - 1) * 100);
    const median = [...returns].sort((a, b) => a - b)[1]!;
    expect(rows[0]!.rs7dPct).toBeCloseTo(returns[0]! - median, 10);
    expect(rows[0]!.rvol).toBeGreaterThan(50);
    expect(rows[0]!.why).toMatch(/^vol×/);
    expect(rows[1]!.trend).not.toBeNull();
    expect(rows[1]!.rsi14).not.toBeNull();
    expect(rows[2]!.historyAsOf).toBe(new Date(asOf - 1).toISOString());
    expect(rows[3]).toEqual(row('IBM'));
    expect(Object.keys(rows[0]!)).toEqual(Object.keys(row('AAPL')));
  });

  it('returns the rows as they were without bars', () => {
    expect(withMarketSignals([row('AAPL')], undefined, 0)).toEqual([row('AAPL')]);
  });
});
