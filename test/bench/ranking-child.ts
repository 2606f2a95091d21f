/**
 * The ranking benchmark's measuring process (forked with --expose-gc, so memory is measured in a
 * process that does nothing else). Sends one `RankingMeasurement` to the parent.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { GCProfiler } from 'node:v8';
import { screenCrypto, type CryptoScreenOptions } from '../../src/screens/crypto/screen-crypto.js';
import type { CryptoSourceData } from '../../src/screens/crypto/merge.js';
import { median } from './bench-types.js';
import { syntheticCoins, syntheticSourceData } from './synthetic-crypto.js';

export interface RankingMeasurement {
  assets: number;
  coincapRows: number;
  binanceRows: number;
  jsonBytes: number;
  screenMs: number;
  parseMs: number;
  sortMs: number;
  screenPeakBytes: number;
  parsePeakBytes: number;
  inputHeapBytes: number;
  retainedBytes: number;
  matched: number;
  excluded: number;
  iterations: number;
}

const ASSETS = 20_000;
const ITERATIONS = 5;
/** The CLI's defaults for `screen crypto`. */
const OPTIONS: CryptoScreenOptions = { sort: 'score', ascending: false, minVolumeUsd: 1_000_000, limit: 50 };

/** Full GCs with pauses between them, so that concurrent sweeping finishes before heapUsed is read. */
async function collectGarbage(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  for (let i = 0; i < 3; i++) {
    gc();
    await sleep(20);
  }
}

/** Peak used heap above the starting level while `fn` runs, garbage included (sampled before every GC). */
async function peakHeap<T>(fn: () => T): Promise<{ value: T; peakBytes: number }> {
  await collectGarbage();
  const before = process.memoryUsage().heapUsed;
  const profiler = new GCProfiler();
  profiler.start();
  const value = fn();
  const end = process.memoryUsage().heapUsed;
  const stats = profiler.stop() as { statistics: Array<{ beforeGC: { heapStatistics: { usedHeapSize: number } } }> };
  const peak = Math.max(end, ...stats.statistics.map((s) => s.beforeGC.heapStatistics.usedHeapSize));
  return { value, peakBytes: peak - before };
}

function timed<T>(fn: () => T): { value: T; ms: number } {
  const started = performance.now();
  const value = fn();
  return { value, ms: performance.now() - started };
}

/** In its own function so that no temporary of the generation outlives it. */
function inputJson(): string {
  return JSON.stringify(syntheticSourceData(syntheticCoins(ASSETS)));
}

async function measure(): Promise<RankingMeasurement> {
  const json = inputJson();
  const numbers = (JSON.parse(json) as CryptoSourceData).coingecko?.map((c) => c.marketCapUsd ?? 0) ?? [];

  // Warm-up, so that both sides run optimised code.
  screenCrypto(JSON.parse(json) as CryptoSourceData, OPTIONS);

  await collectGarbage();
  const heapBefore = process.memoryUsage().heapUsed;
  const parsedOnce = await peakHeap(() => JSON.parse(json) as CryptoSourceData);
  const data = parsedOnce.value;
  await collectGarbage();
  const inputHeapBytes = process.memoryUsage().heapUsed - heapBefore;
  const screened = await peakHeap(() => screenCrypto(data, OPTIONS));
  await collectGarbage();
  const retainedBytes = process.memoryUsage().heapUsed - heapBefore - inputHeapBytes;

  const screenMs: number[] = [];
  const parseMs: number[] = [];
  const sortMs: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    parseMs.push(timed(() => JSON.parse(json) as unknown).ms);
    screenMs.push(timed(() => screenCrypto(data, OPTIONS)).ms);
    sortMs.push(timed(() => numbers.slice().sort((a, b) => b - a)).ms);
  }
  return {
    assets: ASSETS,
    coincapRows: data.coincap?.length ?? 0,
    binanceRows: data.binance?.length ?? 0,
    jsonBytes: Buffer.byteLength(json),
    screenMs: median(screenMs),
    parseMs: median(parseMs),
    sortMs: median(sortMs),
    screenPeakBytes: screened.peakBytes,
    parsePeakBytes: parsedOnce.peakBytes,
    inputHeapBytes,
    retainedBytes,
    matched: screened.value.matched,
    excluded: screened.value.excluded.length,
    iterations: ITERATIONS,
  };
}

if (process.send) {
  measure().then(
    (result) => process.send?.(result, () => process.exit(0)),
    (error: unknown) =>
      process.send?.({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }, () => process.exit(1)),
  );
}
