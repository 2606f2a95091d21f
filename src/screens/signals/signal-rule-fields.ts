import type { RuleFields } from '../alerts/rule-fields.js';
import type { SignalFields } from './signal-fields.js';

/**
 * The signal fields as `--alert` rules name them, for any row that carries them (crypto, market):
 * numbers compare as numbers, `breakout`, `trend`, `historyAsOf` and `why` as text
 * (`breakout ~ "20d"`). A null value satisfies no comparison.
 */
export function signalRuleFields<Row extends Partial<SignalFields>>(): RuleFields<Row> {
  return {
    rvol: { type: 'number', get: (row) => row.rvol ?? null },
    breakout: { type: 'text', get: (row) => row.breakout ?? null },
    rs7dPct: { type: 'number', get: (row) => row.rs7dPct ?? null },
    rs30dPct: { type: 'number', get: (row) => row.rs30dPct ?? null },
    squeezePct: { type: 'number', get: (row) => row.squeezePct ?? null },
    rsi14: { type: 'number', get: (row) => row.rsi14 ?? null },
    rsi14h: { type: 'number', get: (row) => row.rsi14h ?? null },
    trend: { type: 'text', get: (row) => row.trend ?? null },
    listedDays: { type: 'number', get: (row) => row.listedDays ?? null },
    historyAsOf: { type: 'text', get: (row) => row.historyAsOf ?? null },
    why: { type: 'text', get: (row) => row.why ?? null },
  };
}
