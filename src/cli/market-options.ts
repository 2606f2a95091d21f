import { DEFAULT_MARKET_OPTIONS, type MarketOptions } from '../commands/market.js';
import { MARKET_SORT_KEYS } from '../screens/market/rows.js';
import { optionString, parseChoice } from './parse-values.js';

type Raw = Record<string, unknown>;

/** Symbols from the command line, upper-cased; `--symbols-file` is read by the command. */
export function toMarketOptions(args: string[], raw: Raw): MarketOptions {
  return {
    symbols: args.map((s) => s.trim().toUpperCase()).filter(Boolean),
    symbolsFile: optionString(raw.symbolsFile),
    sort: optionString(raw.sort) ? parseChoice('--sort', optionString(raw.sort)!, MARKET_SORT_KEYS) : DEFAULT_MARKET_OPTIONS.sort,
    ascending: raw.asc === true,
  };
}
