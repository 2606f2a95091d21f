/**
 * 14. The signal journal and `screen eval`:
 * - growth: a year of daily records of 250 coins with every field at full precision (as a run
 *   writes them), written through the file store's journal; bytes on disk against the 20 MB goal;
 * - `screen eval --basis journal` over that year at the four horizons: reading, decoding and
 *   scoring, against the 1 s goal the backfill row has too;
 * - `screen eval --basis backfill` over 250 coins × 365 days × 4 horizons (when the signal
 *   functions and the candle store are on this branch).
 */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CandleSeries, INTERVAL_MS } from '../../src/candle.js';
import { backfillUniverse } from '../../src/commands/eval/backfill-universe.js';
import { backfillRecords } from '../../src/screens/eval/backfill.js';
import { evaluateSignals } from '../../src/screens/eval/evaluate.js';
import { decodeJournalRecord, encodeJournalRecord } from '../../src/screens/eval/journal-codec.js';
import type { JournalRecord, JournalRow } from '../../src/screens/eval/journal-record.js';
import { mulberry32 } from '../../src/screens/eval/seeded-random.js';
import { dateOfDay } from '../../src/screens/eval/utc-day.js';
import { FileCandleStore } from '../../src/store/file/file-candle-store.js';
import { FileJournal } from '../../src/store/file/file-journal.js';
import { check, median, ms, progress, type BenchResult, type BenchRow } from './bench-types.js';

const COINS = 250;
const DAYS = 365;
const HORIZONS = [1, 3, 7, 30];
const GROWTH_GOAL_BYTES = 20 * 1024 * 1024;
const EVAL_GOAL_MS = 1_000;
const FIRST_DAY = 20_454;

/** A year of records with values as varied as real ones (full-precision doubles compress worst). */
function yearOfRecords(): JournalRecord[] {
  const random = mulberry32(14);
  const prices = Array.from({ length: COINS }, () => 10 ** (random() * 8 - 3));
  const records: JournalRecord[] = [];
  for (let day = 0; day < DAYS; day++) {
    const date = dateOfDay(FIRST_DAY + day);
    const rows: JournalRow[] = prices.map((price, coin) => {
      prices[coin] = price * Math.exp((random() - 0.5) * 0.1);
      const rvol = random() * 4;
      return {
        id: `coin-number-${coin}`,
        symbol: `C${coin}`,
        close: prices[coin]!,
        score: Math.round(random() * 1000) / 10,
        rvol,
        breakout: random() < 0.05 ? '20d' : random() < 0.01 ? '52w' : null,
        rs7dPct: (random() - 0.5) * 40,
        rs30dPct: (random() - 0.5) * 80,
        squeezePct: Math.round(random() * 180) / 1.8,
        rsi14: random() * 100,
        rsi14h: random() * 100,
        trend: random() < 0.33 ? 'up' : random() < 0.5 ? 'down' : 'mixed',
        listedDays: 400 + day,
        historyAsOf: `${date}T23:59:59.999Z`,
        why: rvol > 2.5 ? `vol×${rvol.toFixed(1)} · 20d high · +12% vs market 7d` : '',
      };
    });
    records.push({ date, rows });
  }
  return records;
}

/** Daily bars kept per coin (the store keeps up to 1,000): a year evaluated, with the 200+ bars of warm-up before it. */
const DAILY_BARS = 600;
/** Hourly bars per coin, as a Binance coin keeps them. */
const HOURLY_BARS = 1_000;

function walk(random: () => number, n: number, interval: '1d' | '1h', endOpenMs: number): CandleSeries {
  const step = INTERVAL_MS[interval];
  let price = 10 ** (random() * 4 - 1);
  const close = Array.from({ length: n }, () => (price *= 1 + (random() - 0.5) * 0.08));
  return {
    interval,
    openTime: close.map((_, i) => endOpenMs - (n - 1 - i) * step),
    open: close,
    high: close.map((value) => value * (1 + random() * 0.02)),
    low: close,
    close,
    quoteVolume: close.map(() => 2e6 * (0.5 + random() * (random() < 0.03 ? 6 : 1))),
  };
}

/** 250 coins' daily and hourly candles in a file store, last daily bar the day before `nowMs`. */
async function storeCandles(dir: string, nowMs: number): Promise<void> {
  const random = mulberry32(15);
  const candles = new FileCandleStore(dir);
  const lastDay = Math.floor(nowMs / INTERVAL_MS['1d']) - 1;
  const lastHour = Math.floor(nowMs / INTERVAL_MS['1h']) - 1;
  for (let coin = 0; coin < COINS; coin++) {
    const asset = `C${coin}USDT`;
    await candles.write(
      { source: 'binance', interval: '1d', asset },
      { series: walk(random, DAILY_BARS, '1d', lastDay * INTERVAL_MS['1d']), fetchedAt: nowMs },
    );
    await candles.write(
      { source: 'binance', interval: '1h', asset },
      { series: walk(random, HOURLY_BARS, '1h', lastHour * INTERVAL_MS['1h']), fetchedAt: nowMs },
    );
  }
}

/** Read the store, rebuild the year once, score it at the four horizons (what `screen eval --basis backfill` does per horizon, the rebuild shared). */
async function benchBackfill(dir: string): Promise<{ wallMs: number; cpuMs: number; backfillMs: number; rows: number }> {
  const nowMs = Date.UTC(2026, 11, 7, 1);
  await storeCandles(dir, nowMs);
  const lastDay = Math.floor(nowMs / INTERVAL_MS['1d']) - 1;
  const walls: number[] = [];
  const cpus: number[] = [];
  const backfills: number[] = [];
  let rows = 0;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const coins = await backfillUniverse(new FileCandleStore(dir), 'crypto');
    const b0 = performance.now();
    const records = backfillRecords(coins, { fromDay: lastDay - DAYS + 1, toDay: lastDay, minVolumeUsd: 1e6 });
    backfills.push(performance.now() - b0);
    rows = records.reduce((total, record) => total + record.rows.length, 0);
    for (const horizonDays of HORIZONS) evaluateSignals(records, { horizonDays, asOfDay: lastDay });
    const cpu = process.cpuUsage(cpu0);
    walls.push(performance.now() - t0);
    cpus.push((cpu.user + cpu.system) / 1000);
  }
  return { wallMs: median(walls), cpuMs: median(cpus), backfillMs: median(backfills), rows };
}

export async function benchJournal(): Promise<BenchResult> {
  const dir = await mkdtemp(join(tmpdir(), 'qaht-bench-journal-'));
  try {
    const records = yearOfRecords();
    progress(`14: writing ${DAYS} daily records of ${COINS} coins`);
    const journal = new FileJournal(dir);
    for (const record of records) await journal.appendOnce('crypto', record.date, encodeJournalRecord(record));
    const folder = join(dir, 'journal', 'crypto');
    const names = await readdir(folder);
    const sizes = await Promise.all(names.map(async (name) => (await stat(join(folder, name))).size));
    const bytes = sizes.reduce((total, size) => total + size, 0);
    const rawBytes = records.reduce((total, record) => total + Buffer.byteLength(encodeJournalRecord(record)), 0);

    const runs: number[] = [];
    const cpuRuns: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      const stored = await journal.read('crypto');
      const read = stored.map((entry) => decodeJournalRecord(entry.json)!);
      for (const horizonDays of HORIZONS) evaluateSignals(read, { horizonDays, asOfDay: FIRST_DAY + DAYS - 1 });
      const cpu = process.cpuUsage(cpu0);
      runs.push(performance.now() - t0);
      cpuRuns.push((cpu.user + cpu.system) / 1000);
    }
    const evalMs = median(runs);
    const evalCpuMs = median(cpuRuns);

    progress(`14: backfilling ${COINS} coins × ${DAYS} days at ${HORIZONS.length} horizons`);
    const backfill = await benchBackfill(join(dir, 'candles'));

    const rows: BenchRow[] = [
      {
        benchmark: `14a journal growth: ${DAYS} days × ${COINS} coins on disk`,
        measured: `${(bytes / 1024 / 1024).toFixed(1)} MiB (${(bytes / DAYS / 1024).toFixed(1)} KiB a day)`,
        baseline: '20 MiB a year (goal)',
        ratio: bytes / GROWTH_GOAL_BYTES,
        ...check(bytes / GROWTH_GOAL_BYTES, 'max', 1),
        values: { bytes, rawBytes, files: names.length },
      },
      {
        benchmark: `14b eval --basis journal: ${COINS} coins × ${DAYS} days × ${HORIZONS.length} horizons`,
        measured: `CPU ${ms(evalCpuMs)} (wall ${ms(evalMs)})`,
        baseline: '1 s (goal)',
        ratio: evalCpuMs / EVAL_GOAL_MS,
        ...check(evalCpuMs / EVAL_GOAL_MS, 'max', 1),
        values: { evalMs, evalCpuMs, runs: runs.length },
      },
      {
        benchmark: `14c eval --basis backfill: ${COINS} coins × ${DAYS} days × ${HORIZONS.length} horizons`,
        measured: `CPU ${ms(backfill.cpuMs)} (wall ${ms(backfill.wallMs)})`,
        baseline: '1 s (goal)',
        ratio: backfill.cpuMs / EVAL_GOAL_MS,
        ...check(backfill.cpuMs / EVAL_GOAL_MS, 'max', 1),
        values: { ...backfill },
      },
    ];
    return {
      id: '14',
      title: 'Signal journal and screen eval',
      rows,
      notes: [
        '14b, 14c: the ratio is on CPU time (user + system) of the one thread doing the work: on this shared 2-core machine the wall time is mostly waiting for a core (load average above 20 when measured); on an idle core the two are close.',
        `14a: every field at full precision, as runs write them; gzipped JSON, one file per day (${(rawBytes / DAYS / 1024).toFixed(0)} KiB a day before gzip).`,
        '14b: read every day file, gunzip, decode, then score 8 signals at 1, 3, 7 and 30 days (2,000 bootstrap resamples each); median of 5 runs, wall and CPU time (the CPU time says what the run costs on a busy machine).',
        `14c: read ${COINS} coins' daily candles (${DAILY_BARS} bars; their ${HOURLY_BARS} hourly ones are stored too, and not read) from the file store, rebuild every day's signals as of its close once, score at the four horizons; median of 3. The rebuild alone: ${ms(backfill.backfillMs)}; one \`screen eval --basis backfill\` (one horizon) does the read, the rebuild and one scoring.`,
      ],
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
