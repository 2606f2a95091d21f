/** `screen crypto`: its own options (universe, filters, sort, history budget, currency, signals) and its place in the data-run pipeline (data/spec.ts). */
import { defineOption } from '../../options/option-record.js';
import { amount, choice, integer, quoteValue, usageError } from '../../options/parse-values.js';
import { CRYPTO_TABLE_LEGEND, cryptoColumns } from '../../screens/crypto/columns.js';
import { CURRENCIES } from '../../screens/crypto/currency.js';
import { CRYPTO_SORT_KEYS } from '../../screens/crypto/sort.js';
import { SIGNAL_FLAGS } from '../../screens/signals/signal-fields.js';
import { sortOptions } from '../../options/sort-options.js';
import { CRYPTO_SOURCES } from '../../sources/source-names.js';
import { CRYPTO_TTL_MS, DEFAULT_CRYPTO_LIMIT, DEFAULT_CRYPTO_OPTIONS, MAX_CRYPTO_TOP, runCrypto } from './run.js';
import { dataCommand } from '../data/spec.js';

/** Largest `--min-volume` or `--min-mcap`: a quadrillion USD, past any market. */
const MAX_AMOUNT_USD = 1e15;
/** Largest `--history-budget`: a full fill of 2,500 coins, daily and hourly. */
const MAX_HISTORY_BUDGET = 5000;
/** A coin symbol as `--symbols` takes it: letters and digits, then also `.`, `-`, `_` or `+`. */
const SYMBOL = /^[A-Z0-9][A-Z0-9._+-]{0,19}$/;

/** `--symbols BTC,ETH`: upper-cased, each one a plausible coin symbol. */
function symbolList() {
  return {
    type: 'list' as const,
    parse: (raw: string, label: string): string[] => {
      const symbols = raw
        .split(',')
        .map((symbol) => symbol.trim().toUpperCase())
        .filter(Boolean);
      if (symbols.length === 0) throw usageError(`${label} expects a comma-separated list like BTC,ETH`);
      const bad = symbols.find((symbol) => !SYMBOL.test(symbol));
      if (bad !== undefined) throw usageError(`${label} expects coin symbols like BTC,ETH, got ${quoteValue(bad)}`);
      return symbols;
    },
  };
}

const CRYPTO_OPTIONS = [
  defineOption({
    key: 'top',
    flags: '--top <n>',
    description: 'universe: the top N coins by market cap, fetched in pages of 250',
    default: DEFAULT_CRYPTO_OPTIONS.top,
    ...integer(1, MAX_CRYPTO_TOP),
  }),
  ...sortOptions(CRYPTO_SORT_KEYS, DEFAULT_CRYPTO_OPTIONS.sort),
  defineOption({
    key: 'minVolumeUsd',
    flags: '--min-volume <usd>',
    description: 'minimum 24h volume in USD; accepts 5M, 2.5e6, 750K',
    default: DEFAULT_CRYPTO_OPTIONS.minVolumeUsd,
    defaultLabel: '1M',
    ...amount(MAX_AMOUNT_USD),
  }),
  defineOption({ key: 'minMarketCapUsd', flags: '--min-mcap <usd>', description: 'minimum market cap in USD', ...amount(MAX_AMOUNT_USD) }),
  defineOption({
    key: 'maxRank',
    flags: '--max-rank <n>',
    description: 'only coins with market-cap rank at most N',
    ...integer(1, 1_000_000),
  }),
  defineOption({ key: 'symbols', flags: '--symbols <list>', description: 'only these symbols, e.g. BTC,ETH', ...symbolList() }),
  defineOption({
    key: 'historyBudget',
    flags: '--history-budget <n>',
    description: 'candle history requests this run may send (0: use only what is stored)',
    env: 'SCREEN_HISTORY_BUDGET',
    default: DEFAULT_CRYPTO_OPTIONS.historyBudget,
    ...integer(0, MAX_HISTORY_BUDGET),
  }),
  defineOption({
    key: 'currency',
    flags: '--currency <code>',
    description: 'prices, volumes and caps also in this currency: an ISO 4217 code such as eur, gbp, jpy, or btc, eth',
    default: DEFAULT_CRYPTO_OPTIONS.currency,
    type: 'text',
    parse: (raw: string, label: string): string => {
      const code = raw.trim().toLowerCase();
      if (!(CURRENCIES as readonly string[]).includes(code))
        throw usageError(`${label} ${quoteValue(raw)} is not a currency CoinGecko quotes (e.g. usd, eur, gbp, jpy, btc)`);
      return code;
    },
  }),
  defineOption({
    key: 'signals',
    flags: '--signal <name>',
    description: 'only rows with this signal flagged (repeatable: every one given)',
    repeatable: true,
    ...choice(SIGNAL_FLAGS),
  }),
] as const;

/** `screen crypto`: rank the top coins from CoinGecko, Binance and CoinCap. */
export const cryptoCommand = dataCommand({
  name: 'crypto',
  sources: CRYPTO_SOURCES,
  defaultLimit: DEFAULT_CRYPTO_LIMIT,
  options: CRYPTO_OPTIONS,
  // A watchlist's symbols join --symbols' (and skip the same gates).
  parse: (values, _args, watchlist) => {
    if (!watchlist) return values;
    const listed = symbolList().parse(watchlist.entries.join(','), watchlist.label);
    return { ...values, symbols: [...new Set([...(values.symbols ?? []), ...listed])] };
  },
  screen: runCrypto,
  columns: (result) => cryptoColumns(typeof result.document?.currency === 'string' ? result.document.currency : 'usd'),
  legend: CRYPTO_TABLE_LEGEND,
  alertExample: 'change24hPct > 10 and volume24hUsd > 5M',
  identity: { labelKey: 'symbol', id: (row) => row.id, label: (row) => row.symbol },
  ruleFields: async () => (await import('../../screens/crypto/rule-fields.js')).CRYPTO_RULE_FIELDS,
  // exchangeInfo's day-long TTL is left out: it only maps symbols, the prices live 60 s.
  watchIntervalMs: () => Math.min(CRYPTO_TTL_MS.coingeckoMarkets, CRYPTO_TTL_MS.binanceTicker, CRYPTO_TTL_MS.coincapAssets),
});
