import type { CandleStore } from './candle-store.js';
import type { WeightBudget } from './weight-budget.js';

/** What a run keeps its candle history in: the series, and Binance's weight budget. */
export interface HistoryPorts {
  readonly candles: CandleStore;
  readonly weight: WeightBudget;
}
