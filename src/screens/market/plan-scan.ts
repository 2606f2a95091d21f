import type { MarketSourceName } from '../../sources/market/quote.js';

/** How fast a source can serve quotes, for planning. */
export interface SourceThroughput {
  name: MarketSourceName;
  /** Time one request occupies the source, in ms: its pace when rate limited, else its latency. */
  requestMs: number;
  /** Symbols one request covers (Stooq batches; the others take one). */
  batchSize: number;
  /** Most symbols the source may take this run (e.g. what is left of a daily budget). @default Infinity */
  capacity?: number;
}

/** A symbol to place, optionally restricted to some sources (e.g. not those that already failed it). */
export interface SymbolToPlan {
  symbol: string;
  /** Sources allowed for this symbol; undefined = any. */
  sources?: readonly MarketSourceName[];
}

export interface ScanPlan {
  /** Symbols per source, in input order; every source passed in has an entry (maybe empty). */
  assignments: Map<MarketSourceName, string[]>;
  /** Symbols no allowed source had room for. */
  unassigned: string[];
  /** Estimated time until the last source finishes, in ms. */
  makespanMs: number;
}

/** Time a source needs for `count` symbols: whole requests at its pace. */
export function sourceFinishMs(source: SourceThroughput, count: number): number {
  return Math.ceil(count / source.batchSize) * source.requestMs;
}

/**
 * Spreads symbols over sources so the scan ends as early as possible, then, among plans with that
 * end time, uses the fewest requests and the least budget. `sources` are listed in order of
 * preference (cheapest first): the default order is stooq (20 symbols a request), finnhub, then
 * alphavantage (a scarce daily budget).
 *
 * Pass 1 gives each symbol to the source where it would finish earliest (ties to the preferred
 * source). For symbols that may use any source this takes the earliest request slots overall,
 * which is the optimal makespan T. Pass 2 re-fills the sources in preference order up to what each
 * can finish by T, so a cheap source is not left idle while a budgeted one spends calls. Symbols
 * restricted to fewer sources are placed first in both passes.
 */
export function planScan(symbols: ReadonlyArray<string | SymbolToPlan>, sources: readonly SourceThroughput[]): ScanPlan {
  const items = symbols
    .map((entry, index) => ({ ...(typeof entry === 'string' ? { symbol: entry } : entry), index }))
    .map((item) => ({ ...item, allowed: sources.filter((s) => !item.sources || item.sources.includes(s.name)) }))
    .sort((a, b) => a.allowed.length - b.allowed.length || a.index - b.index);

  const greedy = assign(items, sources, (source, load) => {
    const next = sourceFinishMs(source, load + 1);
    return load < (source.capacity ?? Infinity) ? next : Infinity;
  });
  const makespanMs = Math.max(0, ...sources.map((s) => sourceFinishMs(s, greedy.loads.get(s.name) ?? 0)));

  const roomByT = new Map(
    sources.map((s) => [s.name, Math.min(s.capacity ?? Infinity, Math.floor(makespanMs / s.requestMs) * s.batchSize)]),
  );
  const frugal = assign(items, sources, (source, load) => (load < (roomByT.get(source.name) ?? 0) ? sources.indexOf(source) : Infinity));
  const chosen = frugal.unassigned.length <= greedy.unassigned.length ? frugal : greedy;

  const assignments = new Map<MarketSourceName, string[]>();
  for (const source of sources) {
    const placed = chosen.placed.filter((p) => p.source === source.name).sort((a, b) => a.index - b.index);
    assignments.set(
      source.name,
      placed.map((p) => p.symbol),
    );
  }
  const finalMakespan = Math.max(0, ...sources.map((s) => sourceFinishMs(s, assignments.get(s.name)?.length ?? 0)));
  return {
    assignments,
    unassigned: chosen.unassigned.sort((a, b) => a.index - b.index).map((u) => u.symbol),
    makespanMs: finalMakespan,
  };
}

interface PlanItem {
  symbol: string;
  index: number;
  allowed: SourceThroughput[];
}

/** Places each item on the allowed source with the lowest finite cost; ties go to the earlier source. */
function assign(
  items: readonly PlanItem[],
  sources: readonly SourceThroughput[],
  cost: (source: SourceThroughput, load: number) => number,
) {
  const loads = new Map(sources.map((s) => [s.name, 0]));
  const placed: Array<{ symbol: string; index: number; source: MarketSourceName }> = [];
  const unassigned: PlanItem[] = [];
  for (const item of items) {
    let best: SourceThroughput | undefined;
    let bestCost = Infinity;
    for (const source of item.allowed) {
      const c = cost(source, loads.get(source.name) ?? 0);
      if (c < bestCost) {
        best = source;
        bestCost = c;
      }
    }
    if (!best) {
      unassigned.push(item);
      continue;
    }
    loads.set(best.name, (loads.get(best.name) ?? 0) + 1);
    placed.push({ symbol: item.symbol, index: item.index, source: best.name });
  }
  return { loads, placed, unassigned };
}
