import type { RuleFields } from '../alerts/rule-fields.js';
import { signalRuleFields } from '../signals/signal-rule-fields.js';
import { MARKET_SIGNAL_KEYS } from './market-signals.js';
import type { MarketRow } from './rows.js';

const SIGNAL_FIELDS = signalRuleFields<MarketRow>();

/** What `--alert` rules of `screen market` may name: the JSON result fields (`sources` as one comma-separated text), its signal fields among them. */
export const MARKET_RULE_FIELDS: RuleFields<MarketRow> = {
  symbol: { type: 'text', get: (row) => row.symbol },
  name: { type: 'text', get: (row) => row.name },
  price: { type: 'number', get: (row) => row.price },
  changePct: { type: 'number', get: (row) => row.changePct },
  changeBasis: { type: 'text', get: (row) => row.changeBasis },
  volume: { type: 'number', get: (row) => row.volume },
  score: { type: 'number', get: (row) => row.score },
  sources: { type: 'text', get: (row) => row.sources.join(',') },
  ...Object.fromEntries(MARKET_SIGNAL_KEYS.map((key) => [key, SIGNAL_FIELDS[key]!])),
};
