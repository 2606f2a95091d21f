import { DEFAULT_MARKET_OPTIONS, type MarketOptions } from '../commands/market.js';
import { MARKET_SORT_KEYS } from '../screens/market/rows.js';
import { parseChoice } from './parse-values.js';

type Raw = Record<string, unknown>;
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Symbols from the command line, upper-cased; `--symbols-file` is read by the command. */
export function toMarketOptions(args: string[], raw: Raw): MarketOptions {
  return {
    symbols: args.map((s) => s.trim().toUpperCase()).filter(Boolean),
    symbolsFile: str(raw.symbolsFile),
    sort: str(raw.sort) ? parseChoice('--sort', str(raw.sort)!, MARKET_SORT_KEYS) : DEFAULT_MARKET_OPTIONS.sort,
    ascending: raw.asc === true,
  };
}
