import type { SignalFields, SignalFlag } from './signal-fields.js';

/** Where each flag trips (README "Signals"). */
export const FLAG_THRESHOLDS = {
  rvol: 2.5,
  rs7dPct: 10,
  squeezePct: 10,
  oversold: 30,
  overbought: 70,
} as const;

type FlagFields = Pick<SignalFields, 'rvol' | 'breakout' | 'rs7dPct' | 'squeezePct' | 'rsi14'>;

/**
 * Whether a row carries `flag`. `oversold`/`overbought` read the daily RSI, the one every other
 * flag shares its day with (and `screen eval` scores over daily closes); the hourly RSI past the
 * same bounds is named in `why` as context only.
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
      return fields.rsi14 !== null && fields.rsi14 < FLAG_THRESHOLDS.oversold;
    case 'overbought':
      return fields.rsi14 !== null && fields.rsi14 > FLAG_THRESHOLDS.overbought;
  }
}
