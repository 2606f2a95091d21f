/**
 * 15. Signals:
 * - every signal of 250 coins × 1,000 daily + 1,000 hourly candles, as a run computes them
 *   (`universeSignalsAsOf`: the as-of cut, each coin's signals, the listing gate, rs against the
 *   median, percentiles, score, why), against the 15 ms goal; and against the same formulas called
 *   straight on plain arrays (no series, no cut, no ranking, no words), goal ≤ 2×;
 * - a warm cached `screen crypto --demo` run (the built bin) whose store holds the demo coins'
 *   candle history (so every row with history is scored on its signals), against the same run on
 *   a copy of that cache without the history (every row on its snapshot score), goal ≤ 1.15×.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { type CandleSeries, INTERVAL_MS } from '../../src/candle.js';
import { breakout } from '../../src/screens/signals/breakout.js';
import type { CoinHistory } from '../../src/screens/signals/coin-signals.js';
import { medianOf } from '../../src/screens/signals/indicators.js';
import { listedDays } from '../../src/screens/signals/listing.js';
import { universeSignalsAsOf } from '../../src/screens/signals/rank-signals.js';
import { returnPct } from '../../src/screens/signals/returns.js';
import { rsi14 } from '../../src/screens/signals/rsi.js';
import { rvol } from '../../src/screens/signals/rvol.js';
import { squeezePct } from '../../src/screens/signals/squeeze.js';
import { trend } from '../../src/screens/signals/trend.js';
import { check, median, ms, progress, type BenchResult, type BenchRow } from './bench-types.js';
import { measureNode } from './measure-process.js';
import { pendingSeries, warmHistory } from './warm-history.js';

const COINS = 250;
const BARS = 1_000;
const GOAL_MS = 15;
const RATIO_GOAL = 2;
const RUNS = 41;
/** The day after the last daily bar: every bar has closed. */
const START = Date.UTC(2024, 0, 1);

/** A deterministic random walk (mulberry32), so every run measures the same work. */
function walk(seed: number, interval: '1d' | '1h'): CandleSeries {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const step = INTERVAL_MS[interval];
  const first = interval === '1d' ? START : START + (BARS - 1) * INTERVAL_MS['1d'] + step - BARS * step;
  const openTime: number[] = [];
  const close: number[] = [];
  const high: number[] = [];
  const quoteVolume: number[] = [];
  let price = 1 + random() * 100;
  for (let i = 0; i < BARS; i++) {
    price *= 1 + (random() - 0.5) * 0.06;
    openTime.push(first + i * step);
    close.push(price);
    high.push(price * (1 + random() * 0.02));
    quoteVolume.push(1e6 * (0.2 + random() * 2));
  }
  return { interval, openTime, open: close, high, low: close, close, quoteVolume };
}

function timeIt(work: () => unknown): number {
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    work();
    times.push(performance.now() - started);
  }
  return median(times);
}

/** The formulas alone, on the plain columns: what the pipeline would cost with no plumbing at all. */
function plainFormulas(histories: readonly CoinHistory[]): number {
  let sink = 0;
  const returns7: number[] = [];
  const returns30: number[] = [];
  for (const { daily, hourly } of histories) {
    const d = daily!;
    sink += rvol(d.quoteVolume) ?? 0;
    sink += breakout(d.high, d.close) === null ? 0 : 1;
    returns7.push(returnPct(d.close, 7) ?? 0);
    returns30.push(returnPct(d.close, 30) ?? 0);
    sink += squeezePct(d.close) ?? 0;
    sink += rsi14(d.close) ?? 0;
    sink += rsi14(hourly!.close) ?? 0;
    sink += trend(d.close) === 'up' ? 1 : 0;
    sink += listedDays(d.openTime) ?? 0;
  }
  return sink + (medianOf(returns7) ?? 0) + (medianOf(returns30) ?? 0);
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'screen.js');
const WARM_RUNS = 7;
const WARM_GOAL = 1.15;

/** The environment of a clean machine, no keys, no colour. */
function benchEnv(cacheDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('SCREEN_') && !name.endsWith('_API_KEY')) env[name] = value;
  return { ...env, NO_COLOR: '1', SCREEN_CACHE_DIR: cacheDir };
}

/** A warm crypto run with the demo's candle history in the store vs the same run without it. */
async function warmRunRows(): Promise<{ rows: BenchRow[]; notes: string[] }> {
  const scratch = await mkdtemp(join(tmpdir(), 'qaht-bench-signals-'));
  try {
    const withHistory = join(scratch, 'with');
    const without = join(scratch, 'without');
    const options = (dir: string) => ({ env: benchEnv(dir), cwd: ROOT, scratchDir: scratch });
    const crypto = (budget: number) => [BIN, 'crypto', '--demo', '--json', '--history-budget', String(budget)];
    // The history complete, as a user's (warm-history.ts); its response cache warmed by the fill.
    await warmHistory({ name: 'demo', bin: BIN, args: ['--demo'], env: benchEnv(withHistory), cwd: ROOT }, withHistory, scratch);
    const pending = pendingSeries((await measureNode(crypto(0), options(withHistory))).stderr);
    await cp(withHistory, without, { recursive: true });
    await rm(join(without, 'demo', 'history'), { recursive: true, force: true });
    // Refresh both caches' snapshots, then time the two alternately (read-only history: budget 0).
    const basis = (stdout: string) => (JSON.parse(stdout) as { results: Array<{ scoreBasis: string }> }).results;
    const withRows = basis((await measureNode(crypto(0), options(withHistory))).stdout);
    const withoutRows = basis((await measureNode(crypto(0), options(without))).stdout);
    const signalsWall: number[] = [];
    const plainWall: number[] = [];
    const signalsCpu: number[] = [];
    const plainCpu: number[] = [];
    for (let run = 0; run < WARM_RUNS; run++) {
      const a = await measureNode(crypto(0), options(withHistory));
      const b = await measureNode(crypto(0), options(without));
      if (a.code !== 0 || b.code !== 0) throw new Error(`warm run exited ${String(a.code)}/${String(b.code)}`);
      signalsWall.push(a.wallMs);
      plainWall.push(b.wallMs);
      signalsCpu.push(a.cpuMs);
      plainCpu.push(b.cpuMs);
    }
    const wall = median(signalsWall) / median(plainWall);
    const cpu = median(signalsCpu) / median(plainCpu);
    const onSignals = withRows.filter((row) => row.scoreBasis === 'signals').length;
    return {
      rows: [
        {
          benchmark: '15c warm crypto run with signals vs without: wall',
          measured: ms(median(signalsWall)),
          baseline: ms(median(plainWall)),
          ratio: wall,
          ...check(wall, 'max', WARM_GOAL),
          values: { signalsMs: median(signalsWall), plainMs: median(plainWall), rowsOnSignals: onSignals, rows: withRows.length, pending },
        },
        {
          benchmark: '15d the same: CPU (user + system)',
          measured: ms(median(signalsCpu)),
          baseline: ms(median(plainCpu)),
          ratio: cpu,
          ...check(cpu, 'max', WARM_GOAL),
          values: { signalsCpuMs: median(signalsCpu), plainCpuMs: median(plainCpu) },
        },
      ],
      notes: [
        `15c/d: \`screen crypto --demo --json --history-budget 0\` (the built bin), medians of ${WARM_RUNS} alternated runs; ` +
          `with history (complete: \`screen history fill --interval all\`, untimed, see test/bench/warm-history.ts; ${pending} series pending) ` +
          `${onSignals} of ${withRows.length} shown rows were scored on signals, without it ${withoutRows.filter((row) => row.scoreBasis === 'snapshot').length} on the snapshot.`,
      ],
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

export async function benchSignals(): Promise<BenchResult> {
  progress(`15 signals: ${COINS} coins × ${BARS} daily + ${BARS} hourly candles`);
  const histories: CoinHistory[] = Array.from({ length: COINS }, (_, coin) => ({
    daily: walk(coin + 1, '1d'),
    hourly: walk(coin + 10_001, '1h'),
  }));
  const asOf = START + BARS * INTERVAL_MS['1d'];
  // Warm both paths up (JIT), then measure them interleaved-free, each as a median of 41 runs.
  for (let i = 0; i < 20; i++) {
    universeSignalsAsOf(histories, asOf);
    plainFormulas(histories);
  }
  const pipeline = timeIt(() => universeSignalsAsOf(histories, asOf));
  const plain = timeIt(() => plainFormulas(histories));
  const flagged = universeSignalsAsOf(histories, asOf).filter((coin) => coin.fields.why !== '').length;
  const warm = await warmRunRows();
  const absolute = check(pipeline / GOAL_MS, 'max', 1);
  const ratio = pipeline / plain;
  return {
    id: '15',
    title: 'Signals',
    rows: [
      {
        benchmark: '15a every signal, 250 coins × 1,000 d + 1,000 h bars',
        measured: ms(pipeline),
        baseline: `${GOAL_MS} ms goal`,
        ratio: pipeline / GOAL_MS,
        target: absolute.target,
        pass: absolute.pass,
        values: { pipelineMs: pipeline, coins: COINS, bars: BARS, rowsWithReasons: flagged },
      },
      {
        benchmark: '15b the same vs the formulas on plain arrays',
        measured: ms(pipeline),
        baseline: ms(plain),
        ratio,
        ...check(ratio, 'max', RATIO_GOAL),
        values: { pipelineMs: pipeline, plainMs: plain },
      },
      ...warm.rows,
    ],
    notes: [
      `15: median of ${RUNS} runs after 20 warm-up runs, in this process; synthetic random walks (3% daily steps).`,
      '15a: universeSignalsAsOf, as a run or a backfill day computes them: as-of cut, per-coin signals, listing gate, rs medians, percentiles, score and why.',
      '15b: baseline = the same signal functions called on the columns directly, plus the two medians (no as-of cut, ranking or words).',
      ...warm.notes,
    ],
  };
}
