/**
 * 6. Ranking: merge, gate, score and rank 20,000 synthetic assets through the real `screenCrypto`,
 * timed against JSON.parse of the same data and against a plain sort of 20,000 numbers, with its
 * peak heap against JSON.parse's. Measured in a child process with --expose-gc.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mib, ms, progress, type BenchResult } from './bench-types.js';
import type { RankingMeasurement } from './ranking-child.js';

function runChild(): Promise<RankingMeasurement> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(new URL('./ranking-child.ts', import.meta.url)), [], {
      execArgv: [...process.execArgv, '--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: RankingMeasurement | { error: string } | undefined;
    child.on('message', (message: RankingMeasurement | { error: string }) => {
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

export async function benchRanking(): Promise<BenchResult> {
  const m = await runChild();
  progress(
    `ranking: screen ${m.screenMs.toFixed(0)} ms, parse ${m.parseMs.toFixed(0)} ms, sort ${m.sortMs.toFixed(1)} ms, peak ${mib(m.screenPeakBytes)}`,
  );
  const n = m.assets.toLocaleString('en-US');
  return {
    id: '6',
    title: 'Ranking 20,000 assets',
    rows: [
      {
        benchmark: `6a rank ${n} assets: time vs JSON.parse`,
        measured: ms(m.screenMs),
        baseline: `${ms(m.parseMs)} JSON.parse of the input`,
        ratio: m.screenMs / m.parseMs,
        target: 'info',
        pass: null,
        values: {
          screenMs: m.screenMs,
          parseMs: m.parseMs,
          jsonBytes: m.jsonBytes,
          iterations: m.iterations,
          matched: m.matched,
          excluded: m.excluded,
        },
      },
      {
        benchmark: `6b rank ${n} assets: time vs Array sort`,
        measured: ms(m.screenMs),
        baseline: `${ms(m.sortMs)} sort of ${n} numbers`,
        ratio: m.screenMs / m.sortMs,
        target: 'info',
        pass: null,
        values: { sortMs: m.sortMs },
      },
      {
        benchmark: `6c rank ${n} assets: peak heap vs JSON.parse`,
        measured: mib(m.screenPeakBytes),
        baseline: `${mib(m.parsePeakBytes)} JSON.parse peak`,
        ratio: m.screenPeakBytes / m.parsePeakBytes,
        target: 'info',
        pass: null,
        values: {
          screenPeakBytes: m.screenPeakBytes,
          parsePeakBytes: m.parsePeakBytes,
          inputHeapBytes: m.inputHeapBytes,
          retainedBytes: m.retainedBytes,
        },
      },
    ],
    notes: [
      `6: synthetic universe of ${n} CoinGecko-like coins (168-point sparklines, 2% stablecoins, 1% wrapped, leveraged and shared tickers, thin volume in the tail), ` +
        `${m.coincapRows.toLocaleString('en-US')} CoinCap rows (some joined only by symbol + name, ~2% with a price 30% off) and ${m.binanceRows.toLocaleString('en-US')} Binance assets; ` +
        `${(m.jsonBytes / 1e6).toFixed(0)} MB as JSON. screenCrypto with the CLI defaults (sort by score, volume ≥ $1M, limit 50): ${m.matched.toLocaleString('en-US')} ranked, ${m.excluded.toLocaleString('en-US')} excluded with reasons. ` +
        `Times: median of ${m.iterations} after a warm-up, in a child process.`,
      `6c: peak used heap above the level before the call, garbage included (sampled before every GC with v8.GCProfiler, and at the end). ` +
        `The parsed input itself holds ${mib(m.inputHeapBytes)}; the screen's result retains ${mib(m.retainedBytes)} after GC.`,
    ],
  };
}
