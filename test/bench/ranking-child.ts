/**
 * The ranking benchmark's measuring process (forked with --expose-gc, so memory is measured in a
 * process that does nothing else). Sends one `RankingMeasurement` per universe size to the parent.
 *
 * The baseline is a plain score-and-sort of the same objects: every CoinGecko coin scored with
 * the screen's own `scoreCoin` and put in the screen's own order (`sortCryptoRows`), top 50
 * kept. What the screen does on top of that (merging three sources, gates with reasons, filters,
 * notes, rows) is what the ratio measures.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { GCProfiler } from 'node:v8';
import type { CryptoSourceData } from '../../src/screens/crypto/merge.js';
import { scoreCoin } from '../../src/screens/crypto/score.js';
import { screenCrypto, type CryptoScreenOptions } from '../../src/screens/crypto/screen-crypto.js';
import { sortCryptoRows } from '../../src/screens/crypto/sort.js';
import type { CoinMarket } from '../../src/sources/crypto/records.js';
import { median } from './bench-types.js';
import { syntheticCoins, syntheticSourceData } from './synthetic-crypto.js';

export interface RankingMeasurement {
  assets: number;
  coincapRows: number;
  binanceRows: number;
  /** JSON size of the input; null when it is too large for one string (the input is then built directly). */
  jsonBytes: number | null;
  screenMs: number;
  plainMs: number;
  /** JSON.parse of the input; null without JSON. */
  parseMs: number | null;
  /** Peak used heap while the screen runs, input included, bytes. */
  screenPeakBytes: number;
  plainPeakBytes: number;
  inputHeapBytes: number;
  retainedBytes: number;
  matched: number;
  excluded: number;
  iterations: number;
}

/** Universe sizes measured, and whether the input goes through JSON (200k coins do not fit one string). */
const SIZES: ReadonlyArray<{ assets: number; viaJson: boolean; iterations: number }> = [
  { assets: 20_000, viaJson: true, iterations: 7 },
  { assets: 200_000, viaJson: false, iterations: 3 },
];
/** The CLI's defaults for `screen crypto`. */
const OPTIONS: CryptoScreenOptions = { sort: 'score', ascending: false, minVolumeUsd: 1_000_000, limit: 50 };

/** The baseline (see the file header). */
export function plainScoreAndSort(coins: readonly CoinMarket[], limit = 50): unknown[] {
  const scored = coins.map((coin) => ({
    id: coin.id,
    rank: coin.rank,
    change24hPct: coin.change24hPct,
    change7dPct: coin.change7dPct,
    volume24hUsd: coin.volume24hUsd,
    marketCapUsd: coin.marketCapUsd,
    turnover: null,
    rvol: null,
    rs7dPct: null,
    squeezePct: null,
    rsi14: null,
    score: scoreCoin({
      change1hPct: coin.change1hPct,
      change24hPct: coin.change24hPct,
      change7dPct: coin.change7dPct,
      volume24hUsd: coin.volume24hUsd,
      marketCapUsd: coin.marketCapUsd,
      agreeingSources: 0,
      mismatchedSources: 0,
    }),
  }));
  return sortCryptoRows(scored, 'score').slice(0, limit);
}

/** Full GCs with pauses between them, so that concurrent sweeping finishes before heapUsed is read. */
async function collectGarbage(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  for (let i = 0; i < 3; i++) {
    gc();
    await sleep(20);
  }
}

/** Peak used heap while `fn` runs (sampled before every GC, and at the end), bytes, and the level before it. */
async function peakHeap<T>(fn: () => T): Promise<{ value: T; peakBytes: number; beforeBytes: number }> {
  await collectGarbage();
  const before = process.memoryUsage().heapUsed;
  const profiler = new GCProfiler();
  profiler.start();
  const value = fn();
  const end = process.memoryUsage().heapUsed;
  const stats = profiler.stop() as { statistics: Array<{ beforeGC: { heapStatistics: { usedHeapSize: number } } }> };
  const peak = Math.max(end, ...stats.statistics.map((s) => s.beforeGC.heapStatistics.usedHeapSize));
  return { value, peakBytes: peak, beforeBytes: before };
}

function timed<T>(fn: () => T): { value: T; ms: number } {
  const started = performance.now();
  const value = fn();
  return { value, ms: performance.now() - started };
}

/** In its own function so that no temporary of the generation outlives it. */
function inputJson(assets: number): string {
  return JSON.stringify(syntheticSourceData(syntheticCoins(assets)));
}

function inputObjects(assets: number): CryptoSourceData {
  return syntheticSourceData(syntheticCoins(assets));
}

async function measure(assets: number, viaJson: boolean, iterations: number): Promise<RankingMeasurement> {
  await collectGarbage();
  const heapBefore = process.memoryUsage().heapUsed;
  let json: string | undefined = viaJson ? inputJson(assets) : undefined;
  const data = json ? (JSON.parse(json) as CryptoSourceData) : inputObjects(assets);
  const jsonBytes = json ? Buffer.byteLength(json) : null;
  const parseMs: number[] = [];
  if (json) for (let i = 0; i < iterations; i++) parseMs.push(timed(() => JSON.parse(json!) as unknown).ms);
  json = undefined;
  await collectGarbage();
  const inputHeapBytes = process.memoryUsage().heapUsed - heapBefore;

  // Warm-up, so that both sides run optimised code.
  screenCrypto(data, OPTIONS);
  plainScoreAndSort(data.coingecko ?? []);

  const screened = await peakHeap(() => screenCrypto(data, OPTIONS));
  const plain = await peakHeap(() => plainScoreAndSort(data.coingecko ?? []));
  await collectGarbage();
  const retainedBytes = process.memoryUsage().heapUsed - heapBefore - inputHeapBytes;

  const screenMs: number[] = [];
  const plainMs: number[] = [];
  // Alternating, so that a busy moment of the machine hits both sides alike.
  for (let i = 0; i < iterations; i++) {
    screenMs.push(timed(() => screenCrypto(data, OPTIONS)).ms);
    plainMs.push(timed(() => plainScoreAndSort(data.coingecko ?? [])).ms);
  }
  return {
    assets,
    coincapRows: data.coincap?.length ?? 0,
    binanceRows: data.binance?.length ?? 0,
    jsonBytes,
    screenMs: median(screenMs),
    plainMs: median(plainMs),
    parseMs: parseMs.length > 0 ? median(parseMs) : null,
    // Input included: the heap at the peak, counted from before the input was built.
    screenPeakBytes: screened.peakBytes - heapBefore,
    plainPeakBytes: plain.peakBytes - heapBefore,
    inputHeapBytes,
    retainedBytes,
    matched: screened.value.matched,
    excluded: screened.value.excluded.length,
    iterations,
  };
}

if (process.send) {
  (async () => {
    const results: RankingMeasurement[] = [];
    for (const size of SIZES) results.push(await measure(size.assets, size.viaJson, size.iterations));
    return results;
  })().then(
    (result) => process.send?.(result, () => process.exit(0)),
    (error: unknown) =>
      process.send?.({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }, () => process.exit(1)),
  );
}
