/**
 * 6. Ranking: merge, gate, score and rank 20,000 and 200,000 synthetic assets through the real
 * `screenCrypto`, timed against a plain score-and-sort of the same objects (issue 13 item 9: at
 * most 5×), with the peak heap against the input's own (at most 2×). Measured in a child process
 * with --expose-gc.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { check, mib, ms, progress, type BenchResult, type BenchRow } from './bench-types.js';
import type { RankingMeasurement } from './ranking-child.js';

/** Time against the plain score-and-sort, and peak heap against the input (issue 13 item 9). */
const TIME_TARGET = 5;
const MEMORY_TARGET = 2;

function runChild(): Promise<RankingMeasurement[]> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(new URL('./ranking-child.ts', import.meta.url)), [], {
      execArgv: [...process.execArgv, '--expose-gc', '--max-old-space-size=6144'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: RankingMeasurement[] | { error: string } | undefined;
    child.on('message', (message: RankingMeasurement[] | { error: string }) => {
      result = message;
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (!result) return reject(new Error(`ranking child exited with ${String(code)} and no result`));
      if ('error' in result) return reject(new Error(`ranking child: ${result.error}`));
      resolve(result);
    });
  });
}

function rowsFor(m: RankingMeasurement, letter: (i: number) => string): BenchRow[] {
  const n = m.assets.toLocaleString('en-US');
  const time = m.screenMs / m.plainMs;
  const memory = m.screenPeakBytes / m.inputHeapBytes;
  const rows: BenchRow[] = [
    {
      benchmark: `6${letter(0)} rank ${n} assets: time vs plain score-and-sort`,
      measured: ms(m.screenMs),
      baseline: `${ms(m.plainMs)} score + sort of the same coins`,
      ratio: time,
      ...check(time, 'max', TIME_TARGET),
      values: { screenMs: m.screenMs, plainMs: m.plainMs, iterations: m.iterations, matched: m.matched, excluded: m.excluded },
    },
    {
      benchmark: `6${letter(1)} rank ${n} assets: peak heap vs the input`,
      measured: mib(m.screenPeakBytes),
      baseline: `${mib(m.inputHeapBytes)} input on the heap`,
      ratio: memory,
      ...check(memory, 'max', MEMORY_TARGET),
      values: {
        screenPeakBytes: m.screenPeakBytes,
        plainPeakBytes: m.plainPeakBytes,
        inputHeapBytes: m.inputHeapBytes,
        retainedBytes: m.retainedBytes,
      },
    },
  ];
  if (m.parseMs !== null && m.jsonBytes !== null) {
    rows.push({
      benchmark: `6${letter(2)} rank ${n} assets: time vs JSON.parse of the input`,
      measured: ms(m.screenMs),
      baseline: `${ms(m.parseMs)} JSON.parse (${(m.jsonBytes / 1e6).toFixed(0)} MB)`,
      ratio: m.screenMs / m.parseMs,
      target: 'info',
      pass: null,
      values: { parseMs: m.parseMs, jsonBytes: m.jsonBytes },
    });
  }
  return rows;
}

export async function benchRanking(): Promise<BenchResult> {
  const measurements = await runChild();
  for (const m of measurements) {
    progress(
      `ranking ${m.assets}: screen ${m.screenMs.toFixed(0)} ms, plain ${m.plainMs.toFixed(1)} ms, peak ${mib(m.screenPeakBytes)} (input ${mib(m.inputHeapBytes)})`,
    );
  }
  const letters = ['abc', 'def'];
  const first = measurements[0]!;
  return {
    id: '6',
    title: 'Ranking 20,000 and 200,000 assets',
    rows: measurements.flatMap((m, index) => rowsFor(m, (i) => letters[index]?.[i] ?? '?')),
    notes: [
      `6: synthetic universes of CoinGecko-like coins (168-point sparklines, 2% stablecoins, 1% wrapped, leveraged and shared tickers, thin volume in the tail), ` +
        `with CoinCap rows for 95% of them (some joined only by symbol + name, ~2% with a price 30% off) and Binance assets for the top quarter ` +
        `(${first.assets.toLocaleString('en-US')}: ${first.coincapRows.toLocaleString('en-US')} CoinCap rows, ${first.binanceRows.toLocaleString('en-US')} Binance assets). ` +
        'screenCrypto with the CLI defaults (sort by score, volume ≥ $1M, limit 50) against a plain score-and-sort of the same CoinGecko objects ' +
        '(scoreCoin, then sortCryptoRows, top 50). Times: median of alternating runs after a warm-up, in a child process; the 200,000-coin input is built as objects (its JSON would not fit one string).',
      `6b/6e: peak used heap while the screen runs, the input included, counted from before the input was built (sampled before every GC with v8.GCProfiler, and at the end), against the heap the parsed input holds.`,
    ],
  };
}
