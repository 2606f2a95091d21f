/**
 * The crypto screen, pure: merge the sources → each coin's signals from its stored candles → gate
 * (with reasons, the listing age among them) → signals against the ranked coins → score → filter →
 * sort → cut.
 */
import { applyLimit } from '../apply-limit.js';
import type { RankedCoinForJournal } from '../eval/journal-rows.js';
import { type CoinSignals, coinSignalsAsOf } from '../signals/coin-signals.js';
import { hasSignalFlag } from '../signals/flags.js';
import { listingAgeExclusion, rankSignals } from '../signals/rank-signals.js';
import type { SignalFields, SignalFlag } from '../signals/signal-fields.js';
import type { CryptoRow, CryptoSource, Exclusion, ScoreBasis } from './crypto-row.js';
import { formatUsdThreshold } from './compact-usd.js';
import { exclusionReason } from './gates.js';
import { DEFAULT_PRICE_MISMATCH_RATIO, mergeCryptoSources, type CryptoSourceData, type MergedCoin } from './merge.js';
import { scoreCoin } from './score.js';
import { sortCryptoRows, type CryptoSortKey, type SortableRow } from './sort.js';
import { downsample, SPARKLINE_JSON_POINTS } from './sparkline.js';

export interface CryptoScreenOptions {
  sort: CryptoSortKey;
  ascending: boolean;
  /** Gate: 24 h volume floor, USD. */
  minVolumeUsd: number;
  /** Filter: market cap floor, USD (unknown caps fail it). Undefined = off. */
  minMarketCapUsd?: number | undefined;
  /** Filter: market-cap rank at most this (unranked coins fail it). Undefined = off. */
  maxRank?: number | undefined;
  /** Filter: only these symbols (any case). Undefined or empty = off. */
  symbols?: readonly string[] | undefined;
  /** Rows returned. Undefined = all. */
  limit?: number | undefined;
  /** @default 0.10 */
  priceMismatchRatio?: number;
  /** Signals read only bars closed before this instant: the run's clock. @default Infinity (every stored bar) */
  asOfMs?: number | undefined;
  /** `--signal`: only rows carrying every one of these flags. Undefined or empty = off. */
  signals?: readonly SignalFlag[] | undefined;
}

export interface CryptoScreen {
  /** Sorted and cut to `limit`. */
  rows: CryptoRow[];
  /** Every gated coin with its reason, in universe order. */
  excluded: Exclusion[];
  /** Human lines for stderr. */
  notes: string[];
  universe: CryptoSource | undefined;
  /** Rows that passed gates and filters, before the limit. */
  matched: number;
  /** Every coin that passed the gates, shown or not, as the signal journal records it (built on demand). */
  journalRows(): RankedCoinForJournal[];
}

/** Runs the whole screen over what the sources returned. */
export function screenCrypto(data: CryptoSourceData, options: CryptoScreenOptions): CryptoScreen {
  const ratio = options.priceMismatchRatio ?? DEFAULT_PRICE_MISMATCH_RATIO;
  const { coins, universe } = mergeCryptoSources(data, { priceMismatchRatio: ratio });
  const namedSymbols =
    options.symbols && options.symbols.length > 0 ? new Set(options.symbols.map((s) => s.trim().toUpperCase())) : undefined;
  // Built on first use: only a `<SYMBOL>UP`-style ticker asks (most screens, never).
  let symbols: ReadonlySet<string> | undefined;
  const knownSymbols = {
    has(symbol: string): boolean {
      symbols ??= new Set(coins.map((coin) => coin.symbol));
      return symbols.has(symbol);
    },
  };

  const excluded: Exclusion[] = [];
  const passed: MergedCoin[] = [];
  const passedSignals: CoinSignals[] = [];
  const asOfMs = options.asOfMs ?? Number.POSITIVE_INFINITY;
  // Without stored candles every signal is null and every row keeps its snapshot score.
  const histories = data.history?.byCoin;
  for (const coin of coins) {
    const history = histories?.get(coin.id);
    const own = history ? coinSignalsAsOf(history, asOfMs) : NO_SIGNALS;
    const reason =
      exclusionReason(coin, { minVolumeUsd: options.minVolumeUsd, namedSymbols, knownSymbols }) ?? listingAgeExclusion(own.fields);
    if (reason) excluded.push({ id: coin.id, reason });
    else {
      passed.push(coin);
      passedSignals.push(own);
    }
  }
  // Relative strength and the score's percentiles are measured across the ranked coins only.
  const signals = histories ? rankSignals(passedSignals) : undefined;
  const ranked = passed.map((coin, at) => rankedCoin(coin, options.sort === 'turnover', signals?.[at]));
  const filtered = ranked.filter((row) => passesFilters(row, options, namedSymbols));
  // Sorted as light records; full rows (sparkline downsampling, flags) only for the rows shown.
  const sorted = sortCryptoRows(filtered, options.sort, options.ascending);
  const cut = applyLimit(sorted, options.limit, 'coins');
  const limited = { ...cut, rows: cut.rows.map(toRow) };

  const notes = [
    ...universeNotes(universe, data),
    ...unknownSymbolNotes(namedSymbols, coins),
    ...exclusionNotes(excluded),
    ...filterNotes(ranked.length - filtered.length, options),
    ...mismatchNotes(coins, ratio),
  ];
  if (limited.note) notes.push(limited.note);
  const journalRows = (): RankedCoinForJournal[] =>
    ranked.map((row, at) => ({
      id: row.id,
      symbol: row.symbol,
      score: row.score,
      fields: row.fields,
      candleClose: passedSignals[at]!.close,
      priceUsd: row.coin.priceUsd,
    }));
  return { rows: limited.rows, excluded, notes, universe, matched: sorted.length, journalRows };
}

/** A coin's signals when it has no stored candles: all null, shared (most runs before the first history fill). */
const NO_SIGNALS: CoinSignals = coinSignalsAsOf(null, 0);

/** A coin that passed the gates, with what filters and the sort read; rows are built from it for the shown coins only. */
interface RankedCoin extends SortableRow {
  coin: MergedCoin;
  symbol: string;
  fields: SignalFields;
  scoreBasis: ScoreBasis;
}

/**
 * `withTurnover`: only a sort by turnover needs it for every coin; the shown rows get it in `toRow`.
 * `signals`: the coin's signals measured against the ranked coins; its score replaces the snapshot
 * score when the row has one.
 */
function rankedCoin(
  coin: MergedCoin,
  withTurnover: boolean,
  signals: { fields: SignalFields; score: number | null } | undefined,
): RankedCoin {
  const fields = signals?.fields ?? NO_SIGNALS.fields;
  const signalScore = signals?.score ?? null;
  return {
    coin,
    fields,
    rvol: fields.rvol,
    rs7dPct: fields.rs7dPct,
    squeezePct: fields.squeezePct,
    rsi14: fields.rsi14,
    scoreBasis: signalScore === null ? 'snapshot' : 'signals',
    id: coin.id,
    symbol: coin.symbol,
    rank: coin.rank,
    change24hPct: coin.change24hPct,
    change7dPct: coin.change7dPct,
    volume24hUsd: coin.volume24hUsd,
    marketCapUsd: coin.marketCapUsd,
    turnover: withTurnover ? turnoverOf(coin) : null,
    score:
      signalScore ??
      scoreCoin({
        change1hPct: coin.change1hPct,
        change24hPct: coin.change24hPct,
        change7dPct: coin.change7dPct,
        volume24hUsd: coin.volume24hUsd,
        marketCapUsd: coin.marketCapUsd,
        agreeingSources: coin.agreeing.length,
        mismatchedSources: coin.mismatched.length,
      }),
  };
}

/** 24 h volume over market cap, to 6 significant digits; null without both. */
function turnoverOf(coin: MergedCoin): number | null {
  return coin.volume24hUsd !== null && coin.marketCapUsd !== null && coin.marketCapUsd > 0
    ? Number((coin.volume24hUsd / coin.marketCapUsd).toPrecision(6))
    : null;
}

function toRow({ coin, score, fields, scoreBasis }: RankedCoin): CryptoRow {
  return {
    rank: coin.rank,
    id: coin.id,
    symbol: coin.symbol,
    name: coin.name,
    priceUsd: coin.priceUsd,
    change24hPct: coin.change24hPct,
    change7dPct: coin.change7dPct,
    volume24hUsd: coin.volume24hUsd,
    marketCapUsd: coin.marketCapUsd,
    score,
    sources: coin.sources,
    change1hPct: coin.change1hPct,
    turnover: turnoverOf(coin),
    sparkline7d: coin.sparkline7d ? downsample(coin.sparkline7d, SPARKLINE_JSON_POINTS) : null,
    flags: coin.mismatched.map((source) => `price_mismatch:${source}`),
    ...fields,
    scoreBasis,
  };
}

function passesFilters(row: RankedCoin, options: CryptoScreenOptions, namedSymbols: ReadonlySet<string> | undefined): boolean {
  if (
    options.minMarketCapUsd !== undefined &&
    options.minMarketCapUsd > 0 &&
    (row.marketCapUsd === null || row.marketCapUsd < options.minMarketCapUsd)
  )
    return false;
  if (options.maxRank !== undefined && (row.rank === null || row.rank > options.maxRank)) return false;
  if (namedSymbols && !namedSymbols.has(row.symbol)) return false;
  if (options.signals && !options.signals.every((flag) => hasSignalFlag(row.fields, flag))) return false;
  return true;
}

/** `--symbols` that no source listed: said, not silently dropped (the coin may rank below `--top`, or not exist). */
function unknownSymbolNotes(named: ReadonlySet<string> | undefined, coins: readonly MergedCoin[]): string[] {
  if (!named || coins.length === 0) return [];
  const listed = new Set(coins.map((coin) => coin.symbol));
  const unknown = [...named].filter((symbol) => !listed.has(symbol));
  if (unknown.length === 0) return [];
  const which = unknown.length === 1 ? 'symbol' : 'symbols';
  return [`${unknown.length} ${which} not among the ${coins.length} coins fetched: ${unknown.join(', ')} (a larger --top may list them)`];
}

function universeNotes(universe: CryptoSource | undefined, data: CryptoSourceData): string[] {
  if (universe === 'coincap') return ['coingecko unavailable: CoinCap defines the coin list (no 1h/7d changes or sparklines)'];
  if (universe === 'binance') return ['coingecko and coincap unavailable: Binance pairs alone (no market caps or ranks)'];
  if (universe === undefined && (data.coingecko || data.coincap || data.binance)) return ['the sources answered with no coins'];
  return [];
}

/** "38 excluded: stablecoin 12, volume below $1M 14, …" (behaviour-based stablecoins count as stablecoin). */
function exclusionNotes(excluded: readonly Exclusion[]): string[] {
  if (excluded.length === 0) return [];
  const counts = new Map<string, number>();
  for (const { reason } of excluded) {
    const category = reason.replace(/\s*\(.*\)$/, '');
    counts.set(category, (counts.get(category) ?? 0) + 1);
  }
  const parts = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([category, count]) => `${category} ${count}`);
  return [`${excluded.length} excluded: ${parts.join(', ')}`];
}

function filterNotes(count: number, options: CryptoScreenOptions): string[] {
  if (count === 0) return [];
  const flags: string[] = [];
  if (options.minMarketCapUsd) flags.push(`--min-mcap ${formatUsdThreshold(options.minMarketCapUsd)}`);
  if (options.maxRank !== undefined) flags.push(`--max-rank ${options.maxRank}`);
  if (options.symbols && options.symbols.length > 0) flags.push('--symbols');
  if (options.signals && options.signals.length > 0) flags.push(options.signals.map((flag) => `--signal ${flag}`).join(' '));
  return [`${count} filtered out by ${flags.join(', ')}`];
}

function mismatchNotes(coins: readonly MergedCoin[], ratio: number): string[] {
  const flagged = coins.filter((coin) => coin.mismatched.length > 0);
  if (flagged.length === 0) return [];
  const shown = flagged.slice(0, 5).map((coin) => `${coin.symbol} (${coin.id}) vs ${coin.mismatched.join('+')}`);
  const more = flagged.length > shown.length ? `, +${flagged.length - shown.length} more` : '';
  return [
    `${flagged.length} price mismatch${flagged.length === 1 ? '' : 'es'} over ${Math.round(ratio * 100)}%, not merged: ${shown.join(', ')}${more}`,
  ];
}
