import { describe, expect, it } from 'vitest';
import type { CryptoRow } from '../../src/screens/crypto/crypto-row.js';
import { NO_SIGNAL_FIELDS } from '../../src/screens/signals/signal-fields.js';
import { cryptoSection, SPIKY_ROW } from '../helpers/crypto-section.js';

const ROW: CryptoRow = {
  ...SPIKY_ROW,
  rvol: 3.44,
  breakout: '20d',
  rs7dPct: 21.2,
  rsi14: 74.6,
  squeezePct: 40,
  listedDays: 400,
  historyAsOf: '2026-03-01T23:59:59.999Z',
  why: 'vol×3.4 · +21% vs market 7d · 20d high<script>',
  scoreBasis: 'signals',
};

function section(rows: CryptoRow[]): string {
  return cryptoSection(rows);
}

describe('the dashboard crypto table', () => {
  it('has RVol, RS 7d, RSI and a Why column with each flag as a badge, all sortable', () => {
    const html = section([ROW, { ...ROW, ...NO_SIGNAL_FIELDS, id: 'plain', scoreBasis: 'snapshot' }]);
    for (const key of ['rvol', 'rs7d', 'rsi', 'why']) expect(html).toContain(`<button type="button" data-key="${key}" data-type="num">`);
    expect(html).toContain('<span class="flag flag-rvol">rvol</span><span class="flag flag-breakout">breakout</span>');
    expect(html).toContain('<span class="flag flag-rs">rs</span><span class="flag flag-overbought">overbought</span>');
    expect(html).toContain('<td class="why-cell wide-only" data-v="4">');
    expect(html).toContain('vol×3.4 · +21% vs market 7d · 20d high&lt;script&gt;');
    expect(html).toContain('<td class="num wide-only" data-v="3.44">3.4</td>');
    // A row without history sorts last on Why and shows dashes.
    expect(html).toContain('<td class="why-cell wide-only" data-v="">–</td>');
  });
});
