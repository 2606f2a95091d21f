/**
 * The universe `--basis backfill` rebuilds the journal from: every asset with stored daily
 * candles of the screen's sources (crypto: Binance klines, else CoinGecko; market: Massive). Only
 * assets whose candles are stored today can be in it: the survivors. Hourly candles are not read:
 * the hourly RSI is context (no flag and no score term reads it), and reading them would double
 * the command's time, so backfilled rows have `rsi14h` null.
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
    const keys = (await candles.keys(source)).filter((key) => key.interval === '1d');
    const series = await Promise.all(keys.map((key) => candles.read(key)));
    keys.forEach((key, i) => {
      const daily = series[i];
      if (!daily || daily.series.openTime.length === 0) return;
      const { asset } = key;
      const symbol = source === 'binance' ? asset.replace(USDT, '') : asset.toUpperCase();
      coins.push({ id: `${source}:${asset}`, symbol, history: { daily: daily.series, hourly: null } });
    });
  }
  return coins;
}
