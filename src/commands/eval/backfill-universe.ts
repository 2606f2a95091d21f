/**
 * The universe `--basis backfill` rebuilds the journal from: every asset with stored daily
 * candles of the screen's sources (crypto: Binance klines, else CoinGecko; market: Massive), with
 * its hourly candles where they are kept. Only assets whose candles are stored today can be in it:
 * the survivors.
 */
import type { BackfillCoin } from '../../screens/eval/backfill.js';
import type { JournalScreen } from '../../screens/eval/journal-record.js';
import type { CandleStore } from '../../store/history/candle-store.js';
import type { HistorySource } from '../../store/history/series-key.js';

const SOURCES: Readonly<Record<JournalScreen, readonly HistorySource[]>> = {
  crypto: ['binance', 'coingecko'],
  market: ['massive'],
};

/** Binance's pairs are `<BASE>USDT`: the base is the coin's symbol. */
const USDT = /USDT$/;

export async function backfillUniverse(candles: CandleStore, screen: JournalScreen): Promise<BackfillCoin[]> {
  const coins: BackfillCoin[] = [];
  for (const source of SOURCES[screen]) {
    const listings = await candles.list(source);
    const hourly = new Set(listings.filter((listing) => listing.key.interval === '1h').map((listing) => listing.key.asset));
    for (const listing of listings) {
      if (listing.key.interval !== '1d' || listing.count === 0) continue;
      const { asset } = listing.key;
      const [daily, hourlySeries] = await Promise.all([
        candles.read(listing.key),
        hourly.has(asset) ? candles.read({ ...listing.key, interval: '1h' }) : undefined,
      ]);
      if (!daily) continue;
      const symbol = source === 'binance' ? asset.replace(USDT, '') : asset.toUpperCase();
      coins.push({ id: `${source}:${asset}`, symbol, history: { daily: daily.series, hourly: hourlySeries?.series ?? null } });
    }
  }
  return coins;
}
