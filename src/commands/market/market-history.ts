/**
 * The market run's daily bars: the stored Massive grouped-daily series of the scanned symbols,
 * read only (`screen history` fills them with a `MASSIVE_API_KEY`). Without a history store, or
 * for a symbol with nothing stored, there are none, and its signal fields stay null.
 */
import type { CandleSeries } from '../../candle.js';
import type { Runtime } from '../../runtime/runtime.js';

export async function storedMarketBars(rt: Runtime, symbols: readonly string[]): Promise<ReadonlyMap<string, CandleSeries> | undefined> {
  const candles = rt.history?.candles;
  if (!candles || symbols.length === 0) return undefined;
  const bars = new Map<string, CandleSeries>();
  await Promise.all(
    symbols.map(async (symbol) => {
      const stored = await candles.read({ source: 'massive', interval: '1d', asset: symbol });
      if (stored && stored.series.close.length > 0) bars.set(symbol, stored.series);
    }),
  );
  return bars;
}
