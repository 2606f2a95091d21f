import { describe, expect, it } from 'vitest';
import type { CryptoRow } from '../../src/screens/crypto/crypto-row.js';
import { compactSignals } from '../../src/screens/signals/signal-columns.js';
import { NO_SIGNAL_FIELDS } from '../../src/screens/signals/signal-fields.js';
import { cryptoSection, SPIKY_ROW } from '../helpers/crypto-section.js';

const ROW: CryptoRow = {
  ...SPIKY_ROW,
  rvol: 3.44,
  breakout: '20d',
  listedDays: 400,
  historyAsOf: '2026-03-01T23:59:59.999Z',
  scoreBasis: 'signals',
  verdicts: { rvol: 'helps', breakout: 'too early' },
};

const VERDICTS = {
  rvol: 'helps',
  breakout: 'too early',
  rs: 'hurts',
  squeeze: 'no evidence',
  oversold: 'too early',
  overbought: 'too early',
};

function section(evidence: unknown): string {
  return cryptoSection([ROW], evidence);
}

describe("the flags' 7-day verdicts where traders look", () => {
  it('the dashboard shows them under the Why header, and on each flag badge', () => {
    const html = section({ horizonDays: 7, basis: 'journal', asOf: '2026-02-23', verdicts: VERDICTS });
    expect(html).toContain(
      '<small class="evidence" title="screen eval, 7-day forward return vs the median coin">rvol ✓ helps · rs ✗ hurts · squeeze no evidence</small>',
    );
    expect(html).toContain('<span class="flag flag-rvol verdict-helps" title="rvol: helps (7-day, screen eval)">rvol ✓</span>');
    expect(html).toContain(
      '<span class="flag flag-breakout verdict-too-early" title="breakout: too early (7-day, screen eval)">breakout</span>',
    );
  });

  it('says `too early` once while every flag is, and nothing without a journal', () => {
    const early = Object.fromEntries(Object.keys(VERDICTS).map((flag) => [flag, 'too early']));
    expect(section({ horizonDays: 7, basis: 'journal', asOf: null, verdicts: early })).toContain('>7d evidence: too early</small>');
    expect(section(undefined)).not.toContain('class="evidence"');
  });

  it("the table's Signals cell marks a flag that helps ✓ and one that hurts ✗", () => {
    const fields = { ...NO_SIGNAL_FIELDS, rvol: 3.44, breakout: '20d' as const, rs7dPct: 12 };
    expect(compactSignals(fields, { rvol: 'helps', breakout: 'no evidence', rs: 'hurts' })).toBe('vol×3.4✓ 20d rs+12✗');
    expect(compactSignals(fields)).toBe('vol×3.4 20d rs+12');
  });
});
