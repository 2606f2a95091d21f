/** `screen market [SYMBOL...]`: its own options and its place in the data-run pipeline (data/spec.ts). */
import { defineOption } from '../../options/option-record.js';
import { pathValue } from '../../options/path-value.js';
import { sortOptions } from '../../options/sort-options.js';
import { marketColumns } from '../../screens/market/columns.js';
import { quoteTtlMs } from '../../screens/market/market-hours.js';
import { MARKET_SORT_KEYS } from '../../screens/market/rows.js';
import { MARKET_SOURCES } from '../../sources/source-names.js';
import { dataCommand } from '../data/spec.js';
import { DEFAULT_MARKET_LIMIT, DEFAULT_MARKET_OPTIONS, runMarket } from './run.js';

const MARKET_OPTIONS = [
  defineOption({
    key: 'symbolsFile',
    flags: '--symbols-file <path>',
    description: 'symbols to scan, one per line or comma-separated (# comments)',
    ...pathValue(),
  }),
  ...sortOptions(MARKET_SORT_KEYS, DEFAULT_MARKET_OPTIONS.sort),
] as const;

/** `screen market [SYMBOL...]`: scan stock quotes across Finnhub, Alpha Vantage and Stooq. */
export const marketCommand = dataCommand({
  name: 'market',
  sources: MARKET_SOURCES,
  defaultLimit: DEFAULT_MARKET_LIMIT,
  args: [{ name: '[symbols...]', description: 'tickers, e.g. AAPL MSFT (default: the Dow 30)' }],
  options: MARKET_OPTIONS,
  // Upper-cased here, validated by the command (together with --symbols-file's and a watchlist's).
  parse: (values, args, watchlist) => ({
    symbols: [...args, ...(watchlist?.entries ?? [])].map((symbol) => symbol.trim().toUpperCase()).filter(Boolean),
    ...values,
  }),
  screen: runMarket,
  alertExample: 'changePct < -3 and symbol == "AAPL"',
  columns: (result) => marketColumns(result.results),
  identity: { labelKey: 'symbol', id: (row) => row.symbol, label: (row) => row.symbol },
  ruleFields: async () => (await import('../../screens/market/rule-fields.js')).MARKET_RULE_FIELDS,
  watchIntervalMs: (_options, nowMs) => quoteTtlMs(nowMs),
});
