import { DEFAULT_CRYPTO_OPTIONS, MAX_CRYPTO_TOP, type CryptoOptions } from '../commands/crypto.js';
import { CRYPTO_SORT_KEYS } from '../screens/crypto/sort.js';
import { optionString, parseAmount, parseChoice, parsePositiveInt, usageError } from './parse-values.js';

// One file per command, so a run loads only its own command's modules.
type Raw = Record<string, unknown>;

/** Flags of `screen crypto`, validated; unset flags take the documented defaults. */
export function toCryptoOptions(raw: Raw): CryptoOptions {
  const symbols = optionString(raw.symbols)
    ?.split(',')
    .map((s) => s.trim().toUpperCase())
    .filter(Boolean);
  if (symbols && symbols.length === 0) throw usageError('--symbols expects a comma-separated list like BTC,ETH');
  return {
    top: optionString(raw.top) ? parsePositiveInt('--top', optionString(raw.top)!, MAX_CRYPTO_TOP) : DEFAULT_CRYPTO_OPTIONS.top,
    sort: optionString(raw.sort) ? parseChoice('--sort', optionString(raw.sort)!, CRYPTO_SORT_KEYS) : DEFAULT_CRYPTO_OPTIONS.sort,
    ascending: raw.asc === true,
    minVolumeUsd: optionString(raw.minVolume)
      ? parseAmount('--min-volume', optionString(raw.minVolume)!)
      : DEFAULT_CRYPTO_OPTIONS.minVolumeUsd,
    minMarketCapUsd: optionString(raw.minMcap) ? parseAmount('--min-mcap', optionString(raw.minMcap)!) : undefined,
    maxRank: optionString(raw.maxRank) ? parsePositiveInt('--max-rank', optionString(raw.maxRank)!) : undefined,
    symbols,
  };
}
