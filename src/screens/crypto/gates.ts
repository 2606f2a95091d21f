/**
 * Hard gates applied before ranking. Each returns the reason a coin is kept out, which goes into
 * JSON `excluded` and the stderr count line. Checked in this order (the first reason wins):
 *   1. `no price`              — no source quoted a usable price.
 *   2. `stablecoin`            — a known stablecoin or fiat token (list below, or a USD-named ticker).
 *   3. `wrapped token`         — wrapped, bridged, pegged or liquid-staking derivatives of another coin.
 *   4. `leveraged token`       — <SYMBOL>UP/DOWN/BULL/BEAR/3L/3S… of another listed coin, or a leverage name.
 *   5. `stablecoin (7d range 0.4%)` — behaves like one: the 7-day sparkline spans under 2% of the price.
 *   6. `volume unknown` / `volume below $1M` — under the `--min-volume` floor.
 * Coins the user named with `--symbols` skip gates 2–5 (asking for USDT by name means wanting it).
 */
import { formatUsdThreshold } from './compact-usd.js';
import type { MergedCoin } from './merge.js';

export interface GateOptions {
  /** `--min-volume`: 24 h volume floor in USD. @default 1_000_000 */
  minVolumeUsd: number;
  /** Upper-cased symbols named by `--symbols`: exempt from the category gates. */
  namedSymbols?: ReadonlySet<string>;
  /** Every symbol in the merged list (upper-cased), to recognise `<SYMBOL>UP`-style tokens (only `has` is asked). */
  knownSymbols: Pick<ReadonlySet<string>, 'has'>;
  /** A 7-day range (max − min) under this share of the price means "stablecoin". @default 0.02 */
  stableRangeRatio?: number;
}

export const DEFAULT_STABLE_RANGE_RATIO = 0.02;
/** Fewer sparkline points than this (a day of hourly prices) say nothing about stability. */
const MIN_SPARKLINE_POINTS = 24;

/** Stablecoins and fiat tokens by symbol (lower-case). */
export const STABLECOIN_SYMBOLS: ReadonlySet<string> = new Set([
  'usdt',
  'usdc',
  'dai',
  'fdusd',
  'tusd',
  'usde',
  'pyusd',
  'usdd',
  'frax',
  'busd',
  'usds',
  'usdp',
  'gusd',
  'lusd',
  'susd',
  'usdb',
  'usd0',
  'usdx',
  'usdy',
  'rlusd',
  'usd1',
  'gho',
  'crvusd',
  'mim',
  'dola',
  'usdg',
  'ausd',
  'usdf',
  'usdtb',
  'bfusd',
  'frxusd',
  'fxusd',
  'usr',
  'eurc',
  'eurs',
  'eurt',
  'eur',
  'aeur',
  'eurq',
  'eurr',
  'euri',
  'xsgd',
  'gyen',
  'bidr',
  'idrt',
  'try',
  'brl',
]);

/** Wrapped, bridged and liquid-staking tokens by symbol (lower-case). */
export const WRAPPED_SYMBOLS: ReadonlySet<string> = new Set([
  'wbtc',
  'weth',
  'steth',
  'wsteth',
  'cbbtc',
  'cbeth',
  'reth',
  'weeth',
  'eeth',
  'wbeth',
  'wbnb',
  'wtrx',
  'wavax',
  'wmatic',
  'wpol',
  'wsol',
  'jitosol',
  'msol',
  'bnsol',
  'jupsol',
  'stsol',
  'bsol',
  'meth',
  'cmeth',
  'ezeth',
  'rseth',
  'lseth',
  'oseth',
  'sweth',
  'ankreth',
  'sfrxeth',
  'frxeth',
  'lbtc',
  'solvbtc',
  'tbtc',
  'btcb',
  'renbtc',
  'hbtc',
  'fbtc',
  'ebtc',
  'pumpbtc',
  'clbtc',
  'stkaave',
  'wbt',
  'whype',
  'khype',
  'sthype',
]);

const WRAPPED_NAME = /\b(?:wrapped|bridged|binance-peg|restaked|staked)\b/i;
const WRAPPED_ID = /^(?:wrapped-|bridged-|binance-peg-|binance-bridged-)/;
const LEVERAGED_SUFFIX = /^(.{2,}?)(?:UP|DOWN|BULL|BEAR|HEDGE|HALF|[1-5][LS])$/;
const LEVERAGED_NAME = /\b\d+(?:\.\d+)?x\s+(?:long|short)\b|\b(?:long|short)\s+\d+(?:\.\d+)?x\b|\bleverag(?:e|ed)\b/i;
const USD_TICKER = /^USD|USD$/;

/** The reason `coin` is kept out of the results, or undefined when it passes every gate. */
export function exclusionReason(coin: MergedCoin, options: GateOptions): string | undefined {
  if (coin.priceUsd === null || coin.priceUsd <= 0) return 'no price';
  if (!options.namedSymbols?.has(coin.symbol)) {
    const category = categoryReason(coin, options);
    if (category) return category;
  }
  if (options.minVolumeUsd > 0) {
    if (coin.volume24hUsd === null) return 'volume unknown';
    if (coin.volume24hUsd < options.minVolumeUsd) return volumeReason(options.minVolumeUsd);
  }
  return undefined;
}

/** The last floor's reason, kept: thousands of thin coins share it, and formatting it is not free. */
let lastVolumeReason: { floorUsd: number; reason: string } | undefined;

function volumeReason(floorUsd: number): string {
  if (lastVolumeReason?.floorUsd !== floorUsd) lastVolumeReason = { floorUsd, reason: `volume below ${formatUsdThreshold(floorUsd)}` };
  return lastVolumeReason.reason;
}

function categoryReason(coin: MergedCoin, options: GateOptions): string | undefined {
  const symbol = coin.symbol.toLowerCase();
  if (STABLECOIN_SYMBOLS.has(symbol) || USD_TICKER.test(coin.symbol)) return 'stablecoin';
  if (WRAPPED_SYMBOLS.has(symbol) || WRAPPED_ID.test(coin.id) || WRAPPED_NAME.test(coin.name)) return 'wrapped token';
  if (isLeveraged(coin, options.knownSymbols)) return 'leveraged token';
  const range = flatRange(coin, options.stableRangeRatio ?? DEFAULT_STABLE_RANGE_RATIO);
  if (range !== null) return `stablecoin (7d range ${(range * 100).toFixed(1)}%)`;
  return undefined;
}

/**
 * `sparklineRangeRatio` when it is under `ratio`, else null, without reading a whole week of a
 * coin that moves: the scan stops as soon as the range reaches `ratio` (it can only grow), which
 * for most coins is within the first few points.
 */
function flatRange(coin: Pick<MergedCoin, 'sparkline7d' | 'priceUsd'>, ratio: number): number | null {
  const points = coin.sparkline7d;
  const price = coin.priceUsd;
  if (!points || points.length < MIN_SPARKLINE_POINTS || price === null || price <= 0) return null;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < points.length; i++) {
    const point = points[i]!;
    if (point >= min && point <= max) continue;
    if (point < min) min = point;
    if (point > max) max = point;
    if ((max - min) / price >= ratio) return null;
  }
  return (max - min) / price;
}

function isLeveraged(coin: MergedCoin, knownSymbols: GateOptions['knownSymbols']): boolean {
  if (LEVERAGED_NAME.test(coin.name)) return true;
  // Only when the prefix is itself a listed coin: SYRUP or JUP end in "UP" but are not BTCUP.
  const match = LEVERAGED_SUFFIX.exec(coin.symbol);
  const prefix = match?.[1];
  return prefix !== undefined && knownSymbols.has(prefix);
}

/** (max − min) / price over the 7-day sparkline, or null without enough points. */
export function sparklineRangeRatio(coin: Pick<MergedCoin, 'sparkline7d' | 'priceUsd'>): number | null {
  const points = coin.sparkline7d;
  if (!points || points.length < MIN_SPARKLINE_POINTS || coin.priceUsd === null || coin.priceUsd <= 0) return null;
  let min = Infinity;
  let max = -Infinity;
  for (const point of points) {
    if (point < min) min = point;
    if (point > max) max = point;
  }
  return (max - min) / coin.priceUsd;
}
