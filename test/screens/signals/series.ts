import { type CandleInterval, type CandleSeries, INTERVAL_MS } from '../../../src/candle.js';

/** 2026-01-01T00:00:00Z: the first bar of the hand-made series unless told otherwise. */
export const START = Date.UTC(2026, 0, 1);

export interface SeriesParts {
  close: readonly number[];
  /** Defaults to the closes (as CoinGecko-sourced series have it). */
  high?: readonly number[];
  /** Defaults to 1,000 a bar. */
  quoteVolume?: readonly number[];
  start?: number;
  interval?: CandleInterval;
}

/** A gap-free series of closed bars from columns; open and low are the close (no signal reads them). */
export function makeSeries(parts: SeriesParts): CandleSeries {
  const interval = parts.interval ?? '1d';
  const start = parts.start ?? START;
  const n = parts.close.length;
  return {
    interval,
    openTime: Array.from({ length: n }, (_, i) => start + i * INTERVAL_MS[interval]),
    open: [...parts.close],
    high: [...(parts.high ?? parts.close)],
    low: [...parts.close],
    close: [...parts.close],
    quoteVolume: [...(parts.quoteVolume ?? parts.close.map(() => 1000))],
  };
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32), so failures reproduce. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A random walk of `n` closes from `first`, each step within ±`stepPct` percent; highs up to 2% above. */
export function randomWalk(n: number, seed: number, first = 100, stepPct = 3): { close: number[]; high: number[]; quoteVolume: number[] } {
  const random = seededRandom(seed);
  const close: number[] = [];
  const high: number[] = [];
  const quoteVolume: number[] = [];
  let price = first;
  for (let i = 0; i < n; i++) {
    price *= 1 + ((random() * 2 - 1) * stepPct) / 100;
    close.push(price);
    high.push(price * (1 + random() * 0.02));
    quoteVolume.push(1e6 * (0.5 + random()));
  }
  return { close, high, quoteVolume };
}
