/**
 * The candle history a crypto run hands the screen: for each ranked coin (by CoinGecko id) its
 * closed daily and hourly series, `null` where none is stored yet (or the source keeps none:
 * CoinGecko-only coins have no hourly series). A series may come as its summary (the figures the
 * signals read, computed when it was stored): a run reads those instead of the whole series.
 */
import type { CoinHistoryViews } from '../signals/coin-signals.js';

export interface CryptoHistory {
  /** Every ranked coin's series, by coin id; a coin missing here has none. */
  readonly byCoin: ReadonlyMap<string, CoinHistoryViews>;
  /** Series that were due and are left for a later run (over budget, waiting on a limit, failed). */
  readonly pending: number;
}
