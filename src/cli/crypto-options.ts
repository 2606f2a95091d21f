import { DEFAULT_CRYPTO_OPTIONS, MAX_CRYPTO_TOP, type CryptoOptions } from '../commands/crypto.js';
import { CRYPTO_SORT_KEYS } from '../screens/crypto/sort.js';
import { parseAmount, parseChoice, parsePositiveInt } from './parse-values.js';
import { usageError } from './settings.js';

// One file per command, so a run loads only its own command's modules.
type Raw = Record<string, unknown>;
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Flags of `screen crypto`, validated; unset flags take the documented defaults. */
export function toCryptoOptions(raw: Raw): CryptoOptions {
  const symbols = str(raw.symbols)
    ?.split(',')
    .map((s) => s.trim().toUpperCase())
    .filter(Boolean);
  if (symbols && symbols.length === 0) throw usageError('--symbols expects a comma-separated list like BTC,ETH');
  return {
    top: str(raw.top) ? parsePositiveInt('--top', str(raw.top)!, MAX_CRYPTO_TOP) : DEFAULT_CRYPTO_OPTIONS.top,
    sort: str(raw.sort) ? parseChoice('--sort', str(raw.sort)!, CRYPTO_SORT_KEYS) : DEFAULT_CRYPTO_OPTIONS.sort,
    ascending: raw.asc === true,
    minVolumeUsd: str(raw.minVolume) ? parseAmount('--min-volume', str(raw.minVolume)!) : DEFAULT_CRYPTO_OPTIONS.minVolumeUsd,
    minMarketCapUsd: str(raw.minMcap) ? parseAmount('--min-mcap', str(raw.minMcap)!) : undefined,
    maxRank: str(raw.maxRank) ? parsePositiveInt('--max-rank', str(raw.maxRank)!) : undefined,
    symbols,
  };
}
