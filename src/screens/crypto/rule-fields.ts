import type { RuleFields } from '../alerts/rule-fields.js';
import { signalRuleFields } from '../signals/signal-rule-fields.js';
import type { CryptoRow } from './crypto-row.js';

/** What `--alert` rules of `screen crypto` may name: the JSON result fields (`sources` as one comma-separated text), the signal fields among them. */
export const CRYPTO_RULE_FIELDS: RuleFields<CryptoRow> = {
  rank: { type: 'number', get: (row) => row.rank },
  id: { type: 'text', get: (row) => row.id },
  symbol: { type: 'text', get: (row) => row.symbol },
  name: { type: 'text', get: (row) => row.name },
  priceUsd: { type: 'number', get: (row) => row.priceUsd },
  change1hPct: { type: 'number', get: (row) => row.change1hPct },
  change24hPct: { type: 'number', get: (row) => row.change24hPct },
  change7dPct: { type: 'number', get: (row) => row.change7dPct },
  volume24hUsd: { type: 'number', get: (row) => row.volume24hUsd },
  marketCapUsd: { type: 'number', get: (row) => row.marketCapUsd },
  turnover: { type: 'number', get: (row) => row.turnover },
  score: { type: 'number', get: (row) => row.score },
  sources: { type: 'text', get: (row) => row.sources.join(',') },
  ...signalRuleFields<CryptoRow>(),
  scoreBasis: { type: 'text', get: (row) => row.scoreBasis },
};
