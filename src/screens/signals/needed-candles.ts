/**
 * How many closed candles each signal needs (README "Signals"); with fewer, the signal is null.
 * One table, so the functions, the docs' counts and the boundary tests cannot drift apart.
 */
export const NEEDED_CANDLES = {
  /** The last day and the 30 before it. */
  rvol: 31,
  /** The last close and the 20 highs before it. */
  breakout20d: 21,
  /** The last close and the 364 closes before it. */
  breakout52w: 365,
  rs7d: 8,
  rs30d: 31,
  /** 180 Bollinger widths, each over 20 closes: 180 + 19. */
  squeeze: 199,
  /** Wilder's RSI(14) settles only after a long warm-up; fewer candles leave it visibly off. */
  rsi: 100,
  trend: 200,
} as const;

/** The bar lengths and look-backs the definitions name. */
export const RVOL_BASE_DAYS = 30;
export const BREAKOUT_HIGH_DAYS = 20;
export const BREAKOUT_52W_DAYS = 364;
export const BOLLINGER_PERIOD = 20;
export const SQUEEZE_WIDTHS = 180;
export const RSI_PERIOD = 14;
export const TREND_FAST = 50;
export const TREND_SLOW = 200;
