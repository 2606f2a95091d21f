import type { JsonDocument } from '../../src/output/render-json.js';
import type { CryptoRow } from '../../src/screens/crypto/crypto-row.js';
import { NO_SIGNAL_FIELDS } from '../../src/screens/signals/signal-fields.js';
import { screenSection } from '../../src/serve/page/screen-sections.js';

/** A dashboard crypto row with its snapshot fields set and no signal figures yet: tests add the signals they show. */
export const SPIKY_ROW: CryptoRow = {
  rank: 7,
  id: 'spiky',
  symbol: 'SPK',
  name: 'Spiky',
  priceUsd: 2,
  change24hPct: 12,
  change7dPct: 30,
  volume24hUsd: 5e7,
  marketCapUsd: 1e9,
  score: 91.3,
  sources: ['coingecko'],
  change1hPct: 1,
  turnover: 0.05,
  sparkline7d: null,
  flags: [],
  ...NO_SIGNAL_FIELDS,
  scoreBasis: 'signals',
};

/** The dashboard's crypto section for `rows` (with `evidence` when given), rendered 5 s after the document. */
export function cryptoSection(rows: CryptoRow[], evidence?: unknown): string {
  const document = {
    command: 'crypto',
    generatedAt: '2026-03-02T10:00:00.000Z',
    sources: [],
    results: rows,
    excluded: [],
    metrics: {},
    ...(evidence === undefined ? {} : { evidence }),
  } as JsonDocument;
  return screenSection(
    { id: 'crypto', screen: 'crypto', query: undefined, document, failure: undefined },
    Date.parse('2026-03-02T10:00:05Z'),
  );
}
