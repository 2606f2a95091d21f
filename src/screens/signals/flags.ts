import type { SignalFields, SignalFlag } from './signal-fields.js';

/** Where each flag trips (README "Signals"). */
export const FLAG_THRESHOLDS = {
  rvol: 2.5,
  rs7dPct: 10,
  squeezePct: 10,
  oversold: 30,
  overbought: 70,
} as const;

type FlagFields = Pick<SignalFields, 'rvol' | 'breakout' | 'rs7dPct' | 'squeezePct' | 'rsi14' | 'rsi14h'>;

/**
 * Whether a row carries `flag`. `oversold`/`overbought` read the daily and the hourly RSI: either
 * one past its bound trips the flag.
 */
export function hasSignalFlag(fields: FlagFields, flag: SignalFlag): boolean {
  switch (flag) {
    case 'rvol':
      return fields.rvol !== null && fields.rvol >= FLAG_THRESHOLDS.rvol;
    case 'breakout':
      return fields.breakout !== null;
    case 'rs':
      return fields.rs7dPct !== null && fields.rs7dPct >= FLAG_THRESHOLDS.rs7dPct;
    case 'squeeze':
      return fields.squeezePct !== null && fields.squeezePct <= FLAG_THRESHOLDS.squeezePct;
    case 'oversold':
      return below(fields.rsi14, FLAG_THRESHOLDS.oversold) || below(fields.rsi14h, FLAG_THRESHOLDS.oversold);
    case 'overbought':
      return above(fields.rsi14, FLAG_THRESHOLDS.overbought) || above(fields.rsi14h, FLAG_THRESHOLDS.overbought);
  }
}

function below(value: number | null, bound: number): boolean {
  return value !== null && value < bound;
}

function above(value: number | null, bound: number): boolean {
  return value !== null && value > bound;
}
