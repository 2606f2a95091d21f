/**
 * `screen eval --basis backfill`: the journal as it would have been, rebuilt from stored candles.
 * For every past day D, each coin's signals are computed as of D's close (only bars closed by
 * then), the coins that pass the gates are measured against each other (relative strength, the
 * score's percentiles), and they make D's record. The universe is the coins whose candles are
 * stored today: the survivors. Coins that died or left the ranking before qaht started are
 * missing, so the estimate is too kind, and the command says so.
 *
 * The live run's definitions (signals/) are followed, but what a day shares with the day before
 * is carried along instead of recomputed: Wilder's RSI (`wilderRsiTrack`, the very function behind
 * `wilderRsiOf`, so the same numbers to the bit), the sorted 30-day volume window of `rvol` and the
 * running maxima of `breakout` (a median and a maximum do not depend on how they are found), and
 * the Bollinger widths the squeeze percentile ranks, each computed once per bar by
 * `bollingerWidth` and kept sorted over the 180-day window (the live run slides its window sum
 * instead, so a width may differ in its last bit, and the percentile, a count of widths at or
 * below today's, only on such a near tie). A year of 250 coins is then well under a second instead of several (bench 14c); the
 * test holds every day's fields and score to `universeSignalsAsOf`.
 */
import { INTERVAL_MS } from '../../candle.js';
import { closedBefore, endOfDay } from '../signals/as-of.js';
import { breakoutKnown } from '../signals/breakout.js';
import type { CoinHistory, CoinSignals } from '../signals/coin-signals.js';
import { wilderRsiTrack } from '../signals/indicators.js';
import { listedDays } from '../signals/listing.js';
import {
  BREAKOUT_52W_DAYS,
  BREAKOUT_HIGH_DAYS,
  NEEDED_CANDLES,
  RSI_PERIOD,
  RVOL_BASE_DAYS,
  SQUEEZE_WIDTHS,
} from '../signals/needed-candles.js';
import { listingAgeExclusion, rankSignals } from '../signals/rank-signals.js';
import { returnPct } from '../signals/returns.js';
import { bollingerWidth } from '../signals/squeeze.js';
import { trend } from '../signals/trend.js';
import type { JournalRecord, JournalRow } from './journal-record.js';
import { dateOfDay, dayCloseIso } from './utc-day.js';

const DAY_MS = INTERVAL_MS['1d'];

/** One coin of the backfilled universe. */
export interface BackfillCoin {
  id: string;
  symbol: string;
  history: CoinHistory;
}

export interface BackfillOptions {
  /** The first and last day to rebuild (day numbers, inclusive). */
  fromDay: number;
  toDay: number;
  /** The volume gate on the day's candle (quote volume, USD): the live run's `--min-volume` default. */
  minVolumeUsd: number;
}

/** The records of `fromDay`…`toDay`, one per day that has any coin with that day's candle. */
export function backfillRecords(coins: readonly BackfillCoin[], options: BackfillOptions): JournalRecord[] {
  const tracks = coins.map((coin) => coinTrack(coin));
  const records: JournalRecord[] = [];
  for (let day = options.fromDay; day <= options.toDay; day++) {
    const asOf = endOfDay(day * DAY_MS);
    const closeIso = dayCloseIso(day);
    const present: BackfillCoin[] = [];
    const own: CoinSignals[] = [];
    for (const track of tracks) {
      // The volume gate first: a coin below it (or without the day's candle) needs no signals.
      if (!(track.quoteVolumeOn(day) >= options.minVolumeUsd)) continue;
      const signals = track.signalsAsOf(day, asOf, closeIso);
      if (signals === undefined || listingAgeExclusion(signals.fields) !== null) continue;
      present.push(track.coin);
      own.push(signals);
    }
    if (present.length === 0) continue;
    // `why` is words for a reader, and no one reads a backfilled row: it stays empty.
    const ranked = rankSignals(own, { why: false });
    const rows = present.map((coin, i): JournalRow => {
      const { fields, score } = ranked[i]!;
      // Named one by one (a literal, not a spread after other keys): 91,250 rows a year of 250 coins.
      return {
        id: coin.id,
        symbol: coin.symbol,
        close: own[i]!.close,
        score,
        rvol: fields.rvol,
        breakout: fields.breakout,
        rs7dPct: fields.rs7dPct,
        rs30dPct: fields.rs30dPct,
        squeezePct: fields.squeezePct,
        rsi14: fields.rsi14,
        rsi14h: fields.rsi14h,
        trend: fields.trend,
        listedDays: fields.listedDays,
        historyAsOf: fields.historyAsOf,
        why: fields.why,
      };
    });
    records.push({ date: dateOfDay(day), rows });
  }
  return records;
}

interface CoinTrack {
  coin: BackfillCoin;
  /** The coin's own signals as of day D's close, or undefined when it has no candle of day D. */
  signalsAsOf(day: number, asOfMs: number, closeIso: string): CoinSignals | undefined;
  quoteVolumeOn(day: number): number;
}

function coinTrack(coin: BackfillCoin): CoinTrack {
  const daily = coin.history.daily;
  const hourly = coin.history.hourly;
  const squeeze = daily ? squeezeTrack(daily.close) : new Float64Array(0);
  const rsi = daily ? wilderRsiTrack(daily.close, RSI_PERIOD) : new Float64Array(0);
  const rvols = daily ? rvolTrack(daily.quoteVolume) : new Float64Array(0);
  const closeMax52w = daily ? windowMaxima(daily.close, BREAKOUT_52W_DAYS) : new Float64Array(0);
  const highMax20d = daily ? windowMaxima(daily.high, BREAKOUT_HIGH_DAYS) : new Float64Array(0);
  const rsiHourly = hourly ? wilderRsiTrack(hourly.close, RSI_PERIOD) : new Float64Array(0);
  // Days are asked in order, each twice (its volume, then its signals): the answer is kept, and
  // the next day's search starts where this one ended instead of bisecting the whole series.
  let askedDay = Number.NaN;
  let askedEnd = 0;
  let cursor = 0;
  const endOn = (day: number): number => {
    if (day === askedDay) return askedEnd;
    askedDay = day;
    askedEnd = 0;
    if (!daily) return 0;
    const openTime = daily.openTime;
    const latestOpen = endOfDay(day * DAY_MS) - DAY_MS;
    if (cursor > 0 && openTime[cursor - 1]! > latestOpen) cursor = closedBefore(daily, endOfDay(day * DAY_MS));
    while (cursor < openTime.length && openTime[cursor]! <= latestOpen) cursor++;
    askedEnd = cursor > 0 && openTime[cursor - 1] === day * DAY_MS ? cursor : 0;
    return askedEnd;
  };
  return {
    coin,
    quoteVolumeOn(day) {
      const end = endOn(day);
      return end > 0 ? daily!.quoteVolume[end - 1]! : Number.NaN;
    },
    signalsAsOf(day, asOfMs, closeIso) {
      const end = endOn(day);
      if (end === 0 || !daily) return undefined;
      const { close, openTime } = daily;
      const hourlyEnd = hourly ? closedBefore(hourly, asOfMs) : 0;
      return {
        fields: {
          rvol: end < NEEDED_CANDLES.rvol ? null : valueAt(rvols, end),
          breakout: breakoutAt(close, closeMax52w, highMax20d, end),
          rs7dPct: null,
          rs30dPct: null,
          squeezePct: valueAt(squeeze, end),
          rsi14: end < NEEDED_CANDLES.rsi ? null : valueAt(rsi, end),
          rsi14h: hourlyEnd < NEEDED_CANDLES.rsi ? null : valueAt(rsiHourly, hourlyEnd),
          trend: trend(close, end),
          listedDays: listedDays(openTime, end),
          // The coin has day D's candle (see endOn): its close time is the day's.
          historyAsOf: closeIso,
          why: '',
        },
        return7dPct: returnPct(close, 7, end),
        return30dPct: returnPct(close, 30, end),
        breakoutKnown: breakoutKnown(end),
        close: close[end - 1]!,
      };
    },
  };
}

/** `breakout(high, close, end)` from the running maxima: `last` above the 364 closes before it, else the 20 highs. */
function breakoutAt(close: readonly number[], closeMax52w: Float64Array, highMax20d: Float64Array, end: number): '52w' | '20d' | null {
  if (end < NEEDED_CANDLES.breakout20d) return null;
  const last = close[end - 1]!;
  if (end >= NEEDED_CANDLES.breakout52w && last > closeMax52w[end - 2]!) return '52w';
  if (last > highMax20d[end - 2]!) return '20d';
  return null;
}

/** `maxima[j]`: the largest of `values[j − window + 1 .. j]` (a monotonic queue: each value enters and leaves once). */
function windowMaxima(values: readonly number[], window: number): Float64Array {
  const maxima = new Float64Array(values.length).fill(Number.NEGATIVE_INFINITY);
  const queue = new Int32Array(values.length);
  let head = 0;
  let tail = 0;
  for (let j = 0; j < values.length; j++) {
    while (tail > head && values[queue[tail - 1]!]! <= values[j]!) tail--;
    queue[tail++] = j;
    if (queue[head]! <= j - window) head++;
    if (j >= window - 1) maxima[j] = values[queue[head]!]!;
  }
  return maxima;
}

/**
 * `rvol(quoteVolume, end)` for every `end` (NaN where it is null): the 30 volumes before the last
 * kept sorted as the window slides, their median taken as `medianOf` takes it.
 */
function rvolTrack(volume: readonly number[]): Float64Array {
  const n = volume.length;
  const track = new Float64Array(n + 1).fill(Number.NaN);
  if (n < NEEDED_CANDLES.rvol) return track;
  const window = volume.slice(0, RVOL_BASE_DAYS).sort((a, b) => a - b);
  const middle = RVOL_BASE_DAYS >> 1;
  for (let end = NEEDED_CANDLES.rvol; end <= n; end++) {
    if (end > NEEDED_CANDLES.rvol) {
      // Slide by one: the volume 31 bars back leaves, the one just before the last enters.
      window.splice(sortedIndex(window, volume[end - 2 - RVOL_BASE_DAYS]!), 1);
      window.splice(sortedIndex(window, volume[end - 2]!), 0, volume[end - 2]!);
    }
    const base = RVOL_BASE_DAYS % 2 === 1 ? window[middle]! : (window[middle - 1]! + window[middle]!) / 2;
    if (base > 0) track[end] = volume[end - 1]! / base;
  }
  return track;
}

/** The first index of `sorted` whose value is not below `value`. */
function sortedIndex(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The value kept for `end`, null where the track has none (NaN). */
function valueAt(track: Float64Array, end: number): number | null {
  const value = track[end];
  return value === undefined || Number.isNaN(value) ? null : value;
}

/**
 * `squeezePct(close, end)` for every `end` (NaN where it is null): the widths are computed once
 * each, and the 180 ending with each day are kept sorted as the window slides, so the count of
 * widths at or below today's, the one `squeezePct` takes, is a binary search instead of a pass.
 */
function squeezeTrack(close: readonly number[]): Float64Array {
  const n = close.length;
  const track = new Float64Array(n + 1).fill(Number.NaN);
  if (n < NEEDED_CANDLES.squeeze) return track;
  const widths = new Float64Array(n + 1).fill(Number.NaN);
  const first = NEEDED_CANDLES.squeeze - SQUEEZE_WIDTHS + 1;
  for (let at = first; at <= n; at++) widths[at] = bollingerWidth(close, at);
  const window = new SortedWindow(SQUEEZE_WIDTHS);
  for (let at = first; at < NEEDED_CANDLES.squeeze; at++) window.add(widths[at]!);
  for (let end = NEEDED_CANDLES.squeeze; end <= n; end++) {
    if (end > NEEDED_CANDLES.squeeze) window.remove(widths[end - SQUEEZE_WIDTHS]!);
    const today = widths[end]!;
    window.add(today);
    // A width that could not be computed in the window: `squeezePct` is null there.
    if (window.unknown === 0) track[end] = (100 * window.atOrBelow(today)) / SQUEEZE_WIDTHS;
  }
  return track;
}

/** Numbers kept in order (NaNs only counted), for counting those at or below a value. */
class SortedWindow {
  readonly #values: Float64Array;
  #size = 0;
  unknown = 0;

  constructor(capacity: number) {
    this.#values = new Float64Array(capacity);
  }

  add(value: number): void {
    if (Number.isNaN(value)) {
      this.unknown++;
      return;
    }
    const at = this.#firstAbove(value);
    this.#values.copyWithin(at + 1, at, this.#size);
    this.#values[at] = value;
    this.#size++;
  }

  remove(value: number): void {
    if (Number.isNaN(value)) {
      this.unknown--;
      return;
    }
    // The last copy of `value`: copies are equal, so which one leaves does not matter.
    const at = this.#firstAbove(value) - 1;
    this.#values.copyWithin(at, at + 1, this.#size);
    this.#size--;
  }

  /** How many values are ≤ `value`. */
  atOrBelow(value: number): number {
    return this.#firstAbove(value);
  }

  #firstAbove(value: number): number {
    let low = 0;
    let high = this.#size;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.#values[middle]! <= value) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
