import type { SignalFields } from '../../../src/screens/signals/signal-fields.js';

/** A row's signal fields with nothing known. */
export const NO_SIGNAL_FIELDS_FOR_TEST: Readonly<SignalFields> = Object.freeze({
  rvol: null,
  breakout: null,
  rs7dPct: null,
  rs30dPct: null,
  squeezePct: null,
  rsi14: null,
  rsi14h: null,
  trend: null,
  listedDays: null,
  historyAsOf: null,
  why: '',
});
