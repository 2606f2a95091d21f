/**
 * The news dedup benchmark's measuring process (forked, so the heap holds nothing else): times
 * `mergeStories` on 10,000 and 100,000 synthetic candidates, and the whole `screenNews` on
 * 100,000 items from one source (cut at its per-source cap). Sends `NewsDedupMeasurement[]`.
 */
import { mergeStories } from '../../src/screens/news/dedupe.js';
import { MAX_ITEMS_PER_SOURCE, screenNews } from '../../src/screens/news/screen-news.js';
import { toCandidate, type NewsCandidate } from '../../src/screens/news/story.js';
import { NEWS_SOURCES } from '../../src/sources/source-names.js';
import { median } from './bench-types.js';
import { syntheticNews } from './synthetic-news.js';

export interface NewsDedupMeasurement {
  items: number;
  /** `mergeStories` on prepared candidates, ms (median). */
  mergeMs: number;
  /** Sorting the same candidates by time, ms: a linear-ish floor for reference. */
  sortMs: number;
  stories: number;
  /** `screenNews` on all the items as one source's answer, ms (median); null when not measured. */
  screenMs: number | null;
  screenKept: number | null;
  iterations: number;
}

const NOW = Date.UTC(2026, 10, 29, 12);
const DAY_MS = 24 * 3_600_000;

function timed<T>(fn: () => T): { value: T; ms: number } {
  const started = performance.now();
  const value = fn();
  return { value, ms: performance.now() - started };
}

function measure(count: number, iterations: number, withScreen: boolean): NewsDedupMeasurement {
  const items = syntheticNews(count, NOW);
  const candidates = items.map((item, i) => toCandidate(NEWS_SOURCES[i % NEWS_SOURCES.length]!, item)) as NewsCandidate[];
  mergeStories(candidates.slice(0, 2000));
  const merges: number[] = [];
  const sorts: number[] = [];
  let stories = 0;
  for (let i = 0; i < iterations; i++) {
    const merged = timed(() => mergeStories(candidates));
    merges.push(merged.ms);
    stories = merged.value.length;
    sorts.push(timed(() => [...candidates].sort((a, b) => a.publishedMs - b.publishedMs)).ms);
  }
  let screenMs: number | null = null;
  let screenKept: number | null = null;
  if (withScreen) {
    const screens: number[] = [];
    for (let i = 0; i < iterations; i++) {
      const screened = timed(() => screenNews({ query: 'bitcoin', nowMs: NOW, sinceMs: DAY_MS, batches: [{ source: 'gdelt', items }] }));
      screens.push(screened.ms);
      screenKept = screened.value.received - screened.value.overCap - screened.value.tooOld - screened.value.undated;
    }
    screenMs = median(screens);
  }
  return { items: count, mergeMs: median(merges), sortMs: median(sorts), stories, screenMs, screenKept, iterations };
}

if (process.send) {
  try {
    const results = [measure(10_000, 5, false), measure(100_000, 3, true)];
    if (results[1]!.screenKept !== MAX_ITEMS_PER_SOURCE) throw new Error(`screenNews kept ${results[1]!.screenKept}, not the cap`);
    process.send(results, () => process.exit(0));
  } catch (error) {
    process.send({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }, () => process.exit(1));
  }
}
