/**
 * The demo's candle history, generated on the fly instead of shipped: every bar is a pure
 * function of (asset, interval, open time), so any window a request asks for agrees with any
 * other, a rerun gets the same closed bars, and nothing large sits in the package. This is
 * synthetic data in the APIs' real shapes, not a recording of any market.
 *
 * The model: log price = a per-asset level + two slow waves (periods 97 and 23 days) + smooth
 * value noise (hashed at whole days and hours, interpolated); a bar opens at the price at its
 * open time and closes at the price at its close; its high and low reach past both by a hashed
 * fraction of 1.5%; quote volume is a per-asset level times hashed noise, with a surge (×3–6) on
 * about 3% of bars. The open candle (still forming) gets a `salt`, so its values change between
 * runs as a real forming candle's do, while closed bars never change.
 */
import { type CandleInterval, INTERVAL_MS } from '../candle.js';

const DAY_MS = INTERVAL_MS['1d'];

/** One bar in plain numbers. */
export interface GeneratedBar {
  openTime: number;
  open: number;
  high: number;
  low: number;
  close: number;
  /** Base-asset volume and quote-currency volume. */
  volume: number;
  quoteVolume: number;
}

/** 32-bit FNV-1a of a string, then mixed: a stable seed per asset. */
function seedOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A uniform number in [0, 1) from a seed and an integer (a stateless hash, splitmix-style). */
function unit(seed: number, n: number): number {
  let x = (seed ^ Math.imul(n | 0, 0x9e3779b1) ^ Math.imul(Math.floor(n / 4294967296), 0x85ebca77)) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x21f0aaad) >>> 0;
  x = Math.imul(x ^ (x >>> 15), 0x735a2d97) >>> 0;
  return ((x ^ (x >>> 15)) >>> 0) / 4294967296;
}

/** Value noise in [-1, 1] at `t` (in steps), smooth between whole steps. */
function noise(seed: number, t: number): number {
  const i = Math.floor(t);
  const f = t - i;
  const s = f * f * (3 - 2 * f);
  return (unit(seed, i) * (1 - s) + unit(seed, i + 1) * s) * 2 - 1;
}

/** The model's price of `asset` at epoch ms `at`. */
export function priceAt(asset: string, at: number): number {
  const seed = seedOf(asset);
  const level = 10 ** (unit(seed, -1) * 5 - 1);
  const days = at / DAY_MS;
  const phase = unit(seed, -2) * 2 * Math.PI;
  const log =
    0.35 * Math.sin((2 * Math.PI * days) / 97 + phase) +
    0.12 * Math.sin((2 * Math.PI * days) / 23 + 2 * phase) +
    0.25 * noise(seed ^ 0x1234, days / 9) +
    0.06 * noise(seed ^ 0x5678, days) +
    0.01 * noise(seed ^ 0x9abc, at / INTERVAL_MS['1h']);
  return level * Math.exp(log);
}

/** The bar of `asset` opening at `openTime`; `salt` (non-zero) perturbs a still-forming bar. */
export function generatedBar(asset: string, interval: CandleInterval, openTime: number, salt = 0): GeneratedBar {
  const seed = seedOf(`${asset}/${interval}`);
  const step = INTERVAL_MS[interval];
  const open = priceAt(asset, openTime);
  let close = priceAt(asset, openTime + step);
  if (salt !== 0) close *= 1 + (unit(seed, salt) - 0.5) * 0.02;
  const n = Math.floor(openTime / step);
  const high = Math.max(open, close) * (1 + unit(seed, n * 3 + 1) * 0.015);
  const low = Math.min(open, close) * (1 - unit(seed, n * 3 + 2) * 0.015);
  const surge = unit(seed, n * 7 + 5) < 0.03 ? 3 + unit(seed, n * 7 + 6) * 3 : 1;
  const level = 10 ** (6 + unit(seedOf(asset), -3) * 3) * (step / DAY_MS);
  const quoteVolume = level * (0.6 + unit(seed, n * 3 + 3) * 0.8) * surge;
  return { openTime, open, high, low, close, volume: quoteVolume / ((open + close) / 2), quoteVolume };
}
