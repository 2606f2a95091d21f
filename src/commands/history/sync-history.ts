/**
 * Brings stored candle series up to date: reads every target, picks the ones that are due (their
 * next candle has closed by the run's clock), oldest first, and fetches them with at most
 * `concurrency` requests in flight, each series under its fetch lock (waiting while another
 * process fetches it) and re-read once locked: one fetch per series across a fleet. Locking,
 * reading and writing a series happen outside its request slot, so they do not idle the slots.
 *
 * Two modes:
 * - `run` (a normal data run): at most `budget` requests, at most `coingeckoPerRun` of them to
 *   CoinGecko; it never waits: a series that would need a wait (Binance's weight budget spent for
 *   the minute, a Retry-After) stays pending for a later run.
 * - `fill` (`screen history fill`): every due series, waiting for the weight budget and for any
 *   Retry-After, until done or aborted (every series written so far stays written).
 */
import type { CandleSeries } from '../../candle.js';
import { isQahtError } from '../../errors.js';
import { lastOpenOf, type SeriesView } from '../../screens/signals/series-signals.js';
import { signalsDocument } from '../../screens/signals/summary-document.js';
import type { HttpGetter } from '../../http/types.js';
import { BINANCE_WEIGHT_PER_MINUTE, BINANCE_SLOWDOWN_SHARE } from '../../http/rate-limit-headers.js';
import { fetchKlines, KLINES_WEIGHT } from '../../sources/history/binance-klines.js';
import { fetchMarketChart, MARKET_CHART_MAX_DAYS } from '../../sources/history/coingecko-market-chart.js';
import type { StoredSeries } from '../../store/history/series-codec.js';
import type { HistoryPorts } from '../../store/history/history-ports.js';
import { isDue, mergeSeries, nextFetch, SERIES_MAX_CANDLES } from '../../store/history/series-merge.js';
import { type HistorySource, seriesName } from '../../store/history/series-key.js';
import type { Clock } from '../../time/clock.js';
import type { SeriesTarget } from './history-targets.js';
import { RequestSlots } from './request-slots.js';
import { readSeriesView } from './series-views.js';

/** The weight qaht's history may take of Binance's minute: the slow-down share, leaving the rest to other clients of the IP. */
export const HISTORY_WEIGHT_LIMIT = Math.floor(BINANCE_WEIGHT_PER_MINUTE * BINANCE_SLOWDOWN_SHARE);
/** Requests in flight at once. */
export const HISTORY_CONCURRENCY = 10;
/**
 * Series worked on at once, per request slot: while one series writes what it fetched and frees
 * its lock, the next has its lock and waits for the slot, so the slots stay busy with requests.
 */
const SERIES_PER_SLOT = 2;
/** Reads in flight at once when loading the stored series. */
const READ_CONCURRENCY = 32;
/**
 * In a run, the longest a history request waits for its host's pacing slot, wall-clock ms. Small on
 * purpose: a run sends a history request only when its host can take it (about) now, so a first
 * fill costs a run its requests' latency, never pacing waits; keyless CoinGecko (one request per
 * 2 s) then lets in one history per run when its slot is free, and `history fill` waits instead.
 */
const RUN_PACE_WAIT_MS = 250;
/** Tries of one series in a fill (each after the Retry-After it was told). */
const FILL_ATTEMPTS = 3;
const DAY_MS = 86_400_000;

export interface SyncOptions {
  ports: HistoryPorts;
  http: () => Promise<HttpGetter>;
  clock: Clock;
  /** First base URL of each source. */
  baseUrl: (source: 'binance' | 'coingecko') => Promise<string>;
  targets: readonly SeriesTarget[];
  /** Which due targets may be fetched (the rest are read only, and count as pending). @default all */
  fetchable?: (target: SeriesTarget) => boolean;
  mode: 'run' | 'fill';
  /** `run`: most requests. @default Infinity */
  budget?: number;
  /** `run`: most CoinGecko requests. @default Infinity */
  coingeckoPerRun?: number;
  coingeckoKey?: string | undefined;
  /** `run`: false = read only (an `--offline` run). @default true */
  fetch?: boolean;
  concurrency?: number;
  signal?: AbortSignal;
  /**
   * `run`: wall-clock ms history may add to the run; no request starts after it and one still
   * waiting for its host's pacing slot (or its answer) then is abandoned and left pending.
   * @default Infinity
   */
  deadlineMs?: number;
  /**
   * The instant the caller takes the series' signals as of: a series comes as its summary only
   * where the summary holds then (else whole). @default the clock's now at the start
   */
  asOfMs?: number | undefined;
  /** Series the caller has just read as of `asOfMs` (`readSeriesView`), by series name (null: none stored): not read again. */
  known?: ReadonlyMap<string, SeriesView | null> | undefined;
  /** Once the due series are known, before any is fetched. */
  onDue?: (due: number) => void;
  /** After each series settles (fetched, skipped or failed). */
  onProgress?: (progress: SyncProgress) => void;
}

export interface SyncProgress {
  /** Due series settled so far, and how many were due. */
  done: number;
  due: number;
  fetched: number;
  candles: number;
}

export interface SyncResult {
  /**
   * Every target's series after the sync, by series name (absent: nothing stored): the series, or
   * its summary where that gives its signals as of the clock's now (`series-views.ts`).
   */
  series: ReadonlyMap<string, SeriesView>;
  /** Series that were due. */
  due: number;
  /** Requests sent (successful or not). */
  requests: number;
  /** Series fetched and written. */
  fetched: number;
  /** Due series left for a later run (over budget, waiting on a limit, locked by another process, failed). */
  pending: number;
  /** Reasons requests failed, one per failure, secret-free. */
  failures: string[];
  /** Set when Binance asked everyone to wait (a `Retry-After`): epoch ms. */
  blockedUntil: number | undefined;
}

interface DueItem {
  target: SeriesTarget;
  order: number;
}

/** See the module comment. Never throws for a request's failure (it is counted in `failures`). */
export async function syncHistory(options: SyncOptions): Promise<SyncResult> {
  const { ports, clock, targets } = options;
  const now = clock.now();
  // Summaries where they serve: a series is read whole only once it is fetched (under its lock).
  const series = await readAll(ports, targets, options.asOfMs ?? now, options.known);
  const due: DueItem[] = [];
  for (const target of targets) {
    const current = series.get(seriesName(target.key));
    const last = current ? lastOpenOf(current) : undefined;
    if (!isDue(last, target.key.interval, now)) continue;
    // Oldest first: by the close of the next candle the series lacks; never fetched comes first.
    due.push({ target, order: last ?? Number.NEGATIVE_INFINITY });
  }
  due.sort((a, b) => a.order - b.order || a.target.rank - b.target.rank);

  options.onDue?.(due.length);
  const result = { requests: 0, fetched: 0, failures: [] as string[], blockedUntil: undefined as number | undefined, candles: 0 };
  if (options.fetch === false || due.length === 0)
    return { series, due: due.length, requests: 0, fetched: 0, pending: due.length, failures: [], blockedUntil: undefined };

  const budget = options.mode === 'run' ? (options.budget ?? Number.POSITIVE_INFINITY) : Number.POSITIVE_INFINITY;
  let coingeckoLeft = options.mode === 'run' ? (options.coingeckoPerRun ?? Number.POSITIVE_INFINITY) : Number.POSITIVE_INFINITY;
  let binanceStopped = false;
  /** Series another process held the lock of: read again at the end, to count what it wrote. */
  const lockedElsewhere: SeriesTarget[] = [];
  /** A run's Binance requests not yet sent, stopped when Binance asks everyone to wait. */
  const waitingForSlot = new Set<AbortController>();
  let started = 0;
  let done = 0;
  const queue = due.filter((item) => options.fetchable?.(item.target) ?? true);
  const concurrency = Math.max(1, options.concurrency ?? HISTORY_CONCURRENCY);
  const slots = new RequestSlots(concurrency);
  const http = noRetries(await options.http());
  let stopTimer: NodeJS.Timeout | undefined;
  let signal = options.signal;
  if (options.mode === 'run' && options.deadlineMs !== undefined && Number.isFinite(options.deadlineMs)) {
    const stop = new AbortController();
    stopTimer = setTimeout(() => stop.abort(new Error('history deadline')), options.deadlineMs);
    stopTimer.unref();
    signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  }

  const settle = (): void => {
    done++;
    options.onProgress?.({ done, due: due.length, fetched: result.fetched, candles: result.candles });
  };

  const work = async (item: DueItem): Promise<void> => {
    const { key } = item.target;
    const lock = await ports.candles.lock(key);
    // Another process held it past the wait: it is theirs.
    if (!lock) {
      lockedElsewhere.push(item.target);
      return;
    }
    try {
      const current = await ports.candles.read(key);
      const next = nextFetch(current?.series, key.interval, clock.now());
      if (!next.due) {
        if (current) series.set(seriesName(key), current.series);
        return;
      }
      // A fill waits out a Retry-After and tries again; a run leaves the series for later.
      for (let attempt = 0; attempt < FILL_ATTEMPTS; attempt++) {
        const releaseSlot = await slots.take();
        let outcome: CandleSeries | 'retry' | undefined;
        try {
          if (key.source === 'binance' && !(await takeWeight())) return;
          result.requests++;
          outcome = await fetchOne(http, key, next.startTime, current);
        } finally {
          releaseSlot();
        }
        if (outcome === 'retry' && options.mode === 'fill') continue;
        if (outcome === 'retry' || outcome === undefined) return;
        const merged = mergeSeries(current?.series, outcome, SERIES_MAX_CANDLES);
        // The head keeps the series' signal figures: a run reads those, not the series.
        await ports.candles.write(key, { series: merged, fetchedAt: clock.now() }, signalsDocument(merged));
        series.set(seriesName(key), merged);
        result.fetched++;
        result.candles += Math.max(0, merged.openTime.length - (current?.series.openTime.length ?? 0));
        return;
      }
    } finally {
      await lock.release();
    }
  };

  /** Binance weight for one request; false when the run must not wait for it (or was aborted). */
  const takeWeight = async (): Promise<boolean> => {
    for (;;) {
      if (signal?.aborted || binanceStopped) return false;
      const waitMs = await ports.weight.take(KLINES_WEIGHT, HISTORY_WEIGHT_LIMIT);
      // Binance may have said to wait while the weight was being taken.
      if (waitMs <= 0) return !(signal?.aborted || binanceStopped);
      if (options.mode === 'run') {
        binanceStopped = true;
        return false;
      }
      try {
        await clock.sleep(waitMs, signal);
      } catch {
        return false;
      }
    }
  };

  /** The closed bars fetched; 'retry' after a rate limit with a wait (now blocked for everyone); undefined after any other failure. */
  const fetchOne = async (
    client: HttpGetter,
    key: SeriesTarget['key'],
    startTime: number | undefined,
    current: StoredSeries | undefined,
  ): Promise<CandleSeries | 'retry' | undefined> => {
    const nowMs = clock.now();
    const paced = pacingGuard(key.source);
    try {
      if (key.source === 'binance') {
        const answer = await fetchKlines(client, {
          baseUrl: await options.baseUrl('binance'),
          symbol: key.asset,
          interval: key.interval,
          startTime,
          nowMs,
          ...paced.request,
        });
        if (answer.usedWeight !== undefined) await ports.weight.observe(answer.usedWeight);
        return answer.series;
      }
      const last = current?.series.openTime.at(-1);
      const days = startTime === undefined || last === undefined ? MARKET_CHART_MAX_DAYS : Math.ceil((nowMs - startTime) / DAY_MS) + 2;
      return await fetchMarketChart(client, {
        baseUrl: await options.baseUrl('coingecko'),
        id: key.asset,
        days,
        apiKey: options.coingeckoKey,
        nowMs,
        ...paced.request,
      });
    } catch (error) {
      if (signal?.aborted || paced.gaveUp()) return undefined;
      result.failures.push(`${seriesName(key)}: ${error instanceof Error ? error.message : String(error)}`);
      const limited = isQahtError(error) && (error.status === 429 || error.status === 418) && error.retryAfterMs !== undefined;
      if (!limited || key.source !== 'binance') return undefined;
      const until = clock.now() + (error as { retryAfterMs: number }).retryAfterMs;
      result.blockedUntil = Math.max(result.blockedUntil ?? 0, until);
      await ports.weight.block(until);
      if (options.mode === 'run') {
        binanceStopped = true;
        for (const waiting of waitingForSlot) waiting.abort(new Error('binance asked to wait'));
      }
      return 'retry';
    } finally {
      paced.done();
    }
  };

  /**
   * A run's request gives up when its host's pacing (a slot, a block) would hold it longer than
   * `RUN_PACE_WAIT_MS` of wall-clock time, or as soon as Binance has said to wait (every request
   * still waiting for its slot then stops): the run does not wait for history. A fill waits as
   * long as it takes.
   */
  const pacingGuard = (
    source: HistorySource,
  ): { request: { signal?: AbortSignal; onPaced?: () => void }; gaveUp(): boolean; done(): void } => {
    if (options.mode !== 'run') return { request: signal ? { signal } : {}, gaveUp: () => false, done: () => undefined };
    const give = new AbortController();
    const timer = setTimeout(() => give.abort(new Error('paced past the run')), RUN_PACE_WAIT_MS);
    timer.unref();
    if (source === 'binance') waitingForSlot.add(give);
    if (source === 'binance' && binanceStopped) give.abort(new Error('binance asked to wait'));
    const sent = (): void => {
      clearTimeout(timer);
      waitingForSlot.delete(give);
    };
    return {
      request: { signal: signal ? AbortSignal.any([signal, give.signal]) : give.signal, onPaced: sent },
      gaveUp: () => give.signal.aborted,
      done: sent,
    };
  };

  const worker = async (): Promise<void> => {
    for (;;) {
      if (signal?.aborted || started >= budget) return;
      const item = queue.shift();
      if (!item) return;
      const source = item.target.key.source;
      if ((source === 'coingecko' && coingeckoLeft <= 0) || (source === 'binance' && binanceStopped)) {
        settle();
        continue;
      }
      if (source === 'coingecko') coingeckoLeft--;
      started++;
      await work(item);
      settle();
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency * SERIES_PER_SLOT }, () => worker()));
  } finally {
    clearTimeout(stopTimer);
  }
  for (const target of lockedElsewhere) {
    const stored = await ports.candles.read(target.key);
    if (stored) series.set(seriesName(target.key), stored.series);
  }
  return {
    series,
    due: due.length,
    requests: result.requests,
    fetched: result.fetched,
    pending: countPending(due, series, clock.now()),
    failures: result.failures,
    blockedUntil: result.blockedUntil,
  };
}

/** Due series still due now. */
function countPending(due: readonly DueItem[], series: ReadonlyMap<string, SeriesView>, nowMs: number): number {
  return due.filter((item) => {
    const view = series.get(seriesName(item.target.key));
    return isDue(view ? lastOpenOf(view) : undefined, item.target.key.interval, nowMs);
  }).length;
}

/** History requests are not retried by the client: a limit is the planner's to honour, not to wait out. */
function noRetries(http: HttpGetter): HttpGetter {
  return {
    request: (url, options) => http.request(url, { ...options, maxRetries: 0 }),
    fetchJson: (url, options) => http.fetchJson(url, { ...options, maxRetries: 0 }),
    fetchText: (url, options) => http.fetchText(url, { ...options, maxRetries: 0 }),
  };
}

async function readAll(
  ports: HistoryPorts,
  targets: readonly SeriesTarget[],
  nowMs: number,
  known: ReadonlyMap<string, SeriesView | null> | undefined,
): Promise<Map<string, SeriesView>> {
  const out = new Map<string, SeriesView>();
  let index = 0;
  const reader = async (): Promise<void> => {
    while (index < targets.length) {
      const target = targets[index++]!;
      const name = seriesName(target.key);
      const view = known?.has(name) ? known.get(name) : await readSeriesView(ports.candles, target.key, nowMs);
      if (view) out.set(name, view);
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, targets.length) }, () => reader()));
  return out;
}
