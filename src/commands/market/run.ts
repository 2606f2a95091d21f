/**
 * The market scan: symbols (symbols-file.ts), the sources that may serve them, a cache pass, then
 * rounds of fetching planned over the sources' paces (screens/market/plan-scan.ts), with the
 * bookkeeping in `ScanState`; rows, notes and one report per source at the end.
 */
import type { CandleSeries } from '../../candle.js';
import { withMarketSignals } from '../../screens/market/market-signals.js';
import { storedMarketBars } from './market-history.js';
import { recordMarketDay } from '../eval/market-journal.js';
import { QahtError } from '../../errors.js';
import { applyLimit } from '../../screens/apply-limit.js';
import { quoteTtlMs } from '../../screens/market/market-hours.js';
import { planScan, type SourceThroughput } from '../../screens/market/plan-scan.js';
import { SINCE_OPEN_MARK } from '../../screens/market/columns.js';
import {
  buildMarketRow,
  isChangeSinceOpen,
  QUOTE_QUALITY_ORDER,
  sortMarketRows,
  type MarketRow,
  type MarketSortKey,
} from '../../screens/market/rows.js';
import { ScanState, type ServedQuote } from '../../screens/market/scan-state.js';
import { KNOWN_NAMES } from '../../screens/market/universes.js';
import { marketHistoryNote, syncMarketHistory } from '../history/market-history.js';
import { ALPHAVANTAGE_DAILY_LIMIT } from '../../sources/alphavantage.js';
import { createMarketDriver, type MarketDriver } from '../../sources/market/market-drivers.js';
import { forEachWithConcurrency } from '../../sources/market/pool.js';
import { fetchQuotesThroughCache, readCachedQuote, type QuoteCachePolicy } from '../../sources/market/quote-cache.js';
import { MARKET_SOURCE_ORDER, type MarketSourceName } from '../../sources/market/quote.js';
import { apiKeyFor, KEY_ENV_VARS, MARKET_SOURCES, type SourceName } from '../../sources/source-names.js';
import { failedReport, servedReport, skippedReport, type CommandResult, type SourceReport } from '../../report.js';
import { describeError } from '../data/run-source.js';
import type { CommonOptions, Runtime } from '../../runtime/runtime.js';
import { resolveSymbols } from './symbols-file.js';

export type { MarketRow } from '../../screens/market/rows.js';
export { SYMBOLS_FILE_MAX_BYTES } from './symbols-file.js';

/** Flags of `screen market [SYMBOL...]` (parsed and validated by the records in market/spec.ts). */
export interface MarketOptions {
  /** Positional `SYMBOL...`: tickers to scan (validated here: 1–12 of `A-Z 0-9 . - ^`). @default [] */
  symbols: string[];
  /**
   * `--symbols-file PATH`: more symbols, one per line or comma separated, `#` comments. Combined
   * with the positional symbols; with neither, the bundled Dow 30 is scanned. @default undefined
   */
  symbolsFile: string | undefined;
  /** `--sort change|volume|score`: ranking key. @default 'score' */
  sort: MarketSortKey;
  /** `--asc`: ascending order instead of descending. @default false */
  ascending: boolean;
}

/** Rows printed when `--limit` is not given. */
export const DEFAULT_MARKET_LIMIT = 50;

export const DEFAULT_MARKET_OPTIONS: MarketOptions & { limit: number } = {
  symbols: [],
  symbolsFile: undefined,
  sort: 'score',
  ascending: false,
  limit: DEFAULT_MARKET_LIMIT,
};

/** Stale quotes older than this are still served, but marked very stale. */
const MAX_STALE_MS = 7 * 24 * 3600_000;
/** Cache reads in flight during the resume pass. */
const CACHE_READ_CONCURRENCY = 16;
/** Sources with a daily budget: a symbol another source called unknown is not retried on them. */
const BUDGETED = new Set<MarketSourceName>(['alphavantage']);
const DAILY_LIMITS: Partial<Record<MarketSourceName, number>> = { alphavantage: ALPHAVANTAGE_DAILY_LIMIT };

/**
 * `screen market`: quotes for a list of symbols, spread over every configured source so the scan
 * ends as early as their combined rate budgets allow, each quote cached per symbol and source.
 *
 * 1. Resume: every symbol is looked up in the cache first (no network); a quote the cache serves
 *    as `cached` counts as done, so an interrupted scan only fetches the rest (under
 *    `--force-refresh` the cache serves every quote `stale`, so all are fetched again).
 * 2. Plan and fetch in rounds: the planner splits the remaining symbols over the sources by their
 *    pace; a symbol a source failed or did not know is retried on another source next round.
 * 3. Rank rows by `--sort`, report each source, list unknown symbols.
 *
 * Throws QAHT_ERR_USAGE for bad symbols or an unreadable `--symbols-file`, QAHT_ERR_MISSING_KEY
 * when no market source has a key. Source failures never throw: they are in the reports.
 */
export async function runMarket(rt: Runtime, options: CommonOptions & MarketOptions): Promise<CommandResult<MarketRow, SourceName>> {
  const symbols = await resolveSymbols(options);
  const { active, skipped } = selectSources(rt, options);
  const nowMs = rt.clock.now();
  const policy: QuoteCachePolicy = { ttlMs: quoteTtlMs(nowMs), maxStaleMs: MAX_STALE_MS };
  const drivers = active.map((name) =>
    createMarketDriver(name, {
      http: () => rt.http(),
      baseUrl: async () => (await rt.baseUrls(name))[0]!,
      apiKey: apiKeyFor(name, rt.env) ?? '',
      budgets: rt.budgets,
    }),
  );
  const state = new ScanState(symbols, active);

  rt.progress.start('market quotes', symbols.length);
  try {
    await loadCachedQuotes(rt, state, symbols, active, policy, nowMs);
    rt.progress.tick(state.doneCount());
    // Offline, the pass above has served everything the cache can: there is nothing to plan.
    if (rt.cache.mode !== 'offline') await fetchMissingQuotes(rt, state, drivers, policy);
  } finally {
    rt.progress.stop();
  }
  // Stock history (Massive grouped daily, keyed): a few days a run, never while offline.
  const history = rt.history && rt.cache.mode !== 'offline' ? await syncMarketHistory(rt, { symbols, mode: 'run' }) : undefined;
  // Every scanned symbol's bars, quoted this run or not: the journal's day does not hang on a quote.
  const bars = await storedMarketBars(rt, symbols);
  await recordMarketDay(rt, bars);
  // Ages are measured at the end: a long scan's first quotes are that much older by then.
  const result = buildResult(rt, options, state, skipped, rt.clock.now(), bars);
  const note = marketHistoryNote(history);
  return note === undefined ? result : { ...result, notes: [...result.notes, note] };
}

/** Market sources to use, in planning preference order, and reports for the ones left out. */
function selectSources(rt: Runtime, options: CommonOptions): { active: MarketSourceName[]; skipped: SourceReport<SourceName>[] } {
  const selected = MARKET_SOURCE_ORDER.filter((name) => !options.sources || options.sources.includes(name));
  if (selected.length === 0) {
    throw new QahtError('QAHT_ERR_USAGE', `--sources names no market source (${MARKET_SOURCES.join(', ')})`);
  }
  // Offline, nothing is fetched: quotes cached under any source serve, key or no key.
  const active = rt.cache.mode === 'offline' ? selected : selected.filter((name) => apiKeyFor(name, rt.env));
  if (active.length === 0) {
    const vars = MARKET_SOURCES.filter((name) => selected.includes(name))
      .map((name) => KEY_ENV_VARS[name])
      .join(', ');
    throw new QahtError('QAHT_ERR_MISSING_KEY', `market needs at least one of ${vars} (or try --demo)`);
  }
  const skipped = MARKET_SOURCE_ORDER.filter((name) => !active.includes(name)).map((name) =>
    skippedReport(name, selected.includes(name) ? { kind: 'missing-key', variable: KEY_ENV_VARS[name]! } : { kind: 'not-selected' }),
  );
  return { active, skipped };
}

/**
 * Pass 1: what the cache already holds, without network. Sources are read best first and the
 * search stops at the first quote within its TTL; past-TTL quotes met on the way become fallbacks.
 */
async function loadCachedQuotes(
  rt: Runtime,
  state: ScanState,
  symbols: readonly string[],
  sources: readonly MarketSourceName[],
  policy: QuoteCachePolicy,
  nowMs: number,
): Promise<void> {
  const ordered = QUOTE_QUALITY_ORDER.filter((name) => sources.includes(name));
  await forEachWithConcurrency(symbols, CACHE_READ_CONCURRENCY, async (symbol) => {
    for (const source of ordered) {
      const result = await readCachedQuote(rt.cache, source, symbol, policy);
      if (!result.value) continue;
      const fetchedAt = result.fetchedAt ?? nowMs - (result.ageMs ?? 0);
      const withinTtl = result.status === 'cached';
      if (result.value.kind === 'unknown') {
        if (withinTtl) state.recordUnknown(symbol, source, false);
        continue;
      }
      state.recordQuote({
        quote: { ...result.value.quote, symbol },
        status: withinTtl ? 'cached' : 'stale',
        fetchedAt,
        veryStale: result.staleBeyondMaxAge === true,
      });
      if (withinTtl) return;
    }
  });
}

/** Pass 2: plan the symbols still missing over the sources, fetch, and retry leftovers elsewhere. */
async function fetchMissingQuotes(
  rt: Runtime,
  state: ScanState,
  drivers: readonly MarketDriver[],
  policy: QuoteCachePolicy,
): Promise<void> {
  // Each round asks every pending symbol of a source it has not tried, so this bounds the loop.
  for (let round = 0; round <= drivers.length; round++) {
    const active = drivers.filter((driver) => state.isActive(driver.name));
    const wanted = new Set(state.pending(BUDGETED).flatMap((p) => p.sources ?? []));
    const throughput: SourceThroughput[] = [];
    for (const driver of active) {
      const capacity = await driver.capacity();
      if (capacity > 0) {
        throughput.push({ name: driver.name, requestMs: driver.requestMs, batchSize: driver.batchSize, capacity });
      } else if (wanted.has(driver.name)) {
        state.disable(driver.name, budgetUsedMessage(driver.name));
      } else {
        state.disable(driver.name);
      }
    }
    const pending = state.pending(BUDGETED);
    if (pending.length === 0) return;

    const plan = planScan(pending, throughput);
    if (plan.unassigned.length > 0) {
      // Only sources with a finite capacity can leave symbols unplaced: they are now full.
      for (const source of throughput) if (source.capacity !== Infinity) state.noteSourceError(source.name, budgetUsedMessage(source.name));
    }
    await Promise.all(active.map((driver) => fetchAssigned(rt, state, driver, plan.assignments.get(driver.name) ?? [], policy)));
  }
}

function budgetUsedMessage(source: MarketSourceName): string {
  const limit = DAILY_LIMITS[source];
  return limit === undefined ? 'no capacity left' : `daily budget of ${limit} used`;
}

/** One source's share of a round: its batches in order, stopping when the source gives up. */
async function fetchAssigned(
  rt: Runtime,
  state: ScanState,
  driver: MarketDriver,
  symbols: readonly string[],
  policy: QuoteCachePolicy,
): Promise<void> {
  let consecutiveErrors = 0;
  for (let start = 0; start < symbols.length; start += driver.batchSize) {
    // Symbols left when a source gives up stay un-asked, so the next round re-plans them elsewhere.
    if (!state.isActive(driver.name)) return;
    const batch = symbols.slice(start, start + driver.batchSize);
    const results = await fetchQuotesThroughCache(rt.cache, driver, batch, policy);
    let batchError: unknown;
    for (const { symbol, result } of results) {
      // A failed forced refresh comes back `stale` from the cache: a failure of the source too.
      const value = result.value;
      if ((result.status === 'fresh' || result.status === 'cached') && value) {
        if (value.kind === 'unknown') state.recordUnknown(symbol, driver.name, result.status === 'fresh');
        else state.recordQuote(servedQuote(symbol, value.quote, result.status, result.fetchedAt ?? rt.clock.now(), false));
        continue;
      }
      batchError ??= result.error ?? new Error('no data');
      state.recordFailure(symbol, driver.name, describeError(result.error));
      if (result.status === 'stale' && value?.kind === 'quote') {
        state.recordQuote(servedQuote(symbol, value.quote, 'stale', result.fetchedAt ?? 0, result.staleBeyondMaxAge === true));
      }
    }
    if (batchError === undefined) consecutiveErrors = 0;
    else if (driver.isFinal(batchError, ++consecutiveErrors)) state.disable(driver.name, describeError(batchError));
    rt.progress.tick(state.doneCount());
  }
}

function servedQuote(
  symbol: string,
  quote: ServedQuote['quote'],
  status: ServedQuote['status'],
  fetchedAt: number,
  veryStale: boolean,
): ServedQuote {
  return { quote: { ...quote, symbol }, status, fetchedAt, veryStale };
}

function buildResult(
  rt: Runtime,
  options: CommonOptions & MarketOptions,
  state: ScanState,
  skipped: readonly SourceReport<SourceName>[],
  nowMs: number,
  bars: ReadonlyMap<string, CandleSeries> | undefined,
): CommandResult<MarketRow, SourceName> {
  const outcome = state.outcome();
  const rows: MarketRow[] = [];
  for (const [symbol, served] of outcome.served) {
    const row = buildMarketRow(
      symbol,
      served.map((s) => s.quote),
      KNOWN_NAMES,
    );
    if (row) rows.push(row);
  }
  const ranked = sortMarketRows(withMarketSignals(rows, bars, nowMs), options.sort, options.ascending);
  const limited = applyLimit(ranked, options.limit ?? DEFAULT_MARKET_LIMIT, 'symbols');

  const allServed = [...outcome.served.values()].flat();
  const reports = MARKET_SOURCES.map(
    (name) =>
      skipped.find((r) => r.name === name) ??
      sourceReport(
        rt,
        state,
        name,
        allServed.filter((s) => s.quote.source === name),
        {
          nowMs,
          offline: rt.cache.mode === 'offline',
          anyMissing: outcome.missing.length > 0,
        },
      ),
  );

  const notes: string[] = [];
  if (outcome.unknown.length > 0) notes.push(`${outcome.unknown.length} unknown: ${listSymbols(outcome.unknown)}`);
  if (outcome.missing.length > 0) {
    const why = rt.cache.mode === 'offline' ? 'offline and not cached' : 'see source errors';
    notes.push(`${outcome.missing.length} without a quote (${why}): ${listSymbols(outcome.missing)}`);
  }
  const sinceOpen = rows.filter(isChangeSinceOpen).length;
  if (sinceOpen > 0) {
    notes.push(
      `${SINCE_OPEN_MARK} change % since today's open, not the previous close, for ${sinceOpen} symbol${sinceOpen === 1 ? '' : 's'} quoted by Stooq only (its CSV has no previous close)`,
    );
  }
  if (limited.note) notes.push(limited.note);

  return {
    command: 'market',
    generatedAt: new Date(nowMs).toISOString(),
    sources: reports,
    results: limited.rows,
    excluded: [
      ...outcome.unknown.map((id) => ({ id, reason: 'unknown symbol' })),
      ...outcome.missing.map((id) => ({ id, reason: 'no quote' })),
    ],
    notes,
  };
}

/**
 * A source's report from the quotes it served: `stale` if any was stale, `fresh` if it fetched
 * anything this run, `cached` if all came from cache, `failed` if it served none and had errors,
 * `skipped` when it was not needed (other sources or the cache covered every symbol).
 * `fetchedAt`/`ageSeconds` describe the oldest quote served, the honest bound on how old it is.
 */
function sourceReport(
  rt: Runtime,
  state: ScanState,
  name: MarketSourceName,
  served: readonly ServedQuote[],
  context: { nowMs: number; offline: boolean; anyMissing: boolean },
): SourceReport<SourceName> {
  const tally = state.tally(name);
  const items = served.length;
  rt.increment('source.items', items, { source: name });
  const count = (status: ServedQuote['status']): number => served.filter((s) => s.status === status).length;
  let status: SourceReport['status'];
  let error = tally.firstError;
  if (count('stale') > 0) {
    status = 'stale';
    error ??= describeError(undefined, context.offline);
  } else if (tally.fetched > 0) status = 'fresh';
  else if (count('cached') > 0) status = 'cached';
  else if (error !== null) status = 'failed';
  else if (context.offline && context.anyMissing) return failedReport(name, 'offline and nothing cached');
  else return skippedReport(name, { kind: 'not-needed' });

  const fetchedAtMs = served.length > 0 ? Math.min(...served.map((s) => s.fetchedAt)) : status === 'fresh' ? context.nowMs : null;
  return servedReport({ name, status, fetchedAtMs, items, error, veryStale: served.some((s) => s.veryStale) }, context.nowMs);
}

function listSymbols(symbols: readonly string[], max = 10): string {
  const shown = symbols.slice(0, max).join(', ');
  return symbols.length > max ? `${shown}, … (+${symbols.length - max})` : shown;
}
