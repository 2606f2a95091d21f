import type { MarketQuote, MarketSourceName } from '../../sources/market/quote.js';
import type { SymbolToPlan } from './plan-scan.js';

/** A quote together with how this run obtained it. */
export interface ServedQuote {
  quote: MarketQuote;
  /** `fresh` fetched now, `cached` within its TTL, `stale` past it (a fallback). */
  status: 'fresh' | 'cached' | 'stale';
  /** Epoch ms the source answered. */
  fetchedAt: number;
  /** Older than the cache's max stale age: served, but loudly marked. */
  veryStale: boolean;
}

/** What happened to one source over the run. */
export interface SourceTally {
  /** Successful requests' symbols (quotes and unknown answers) fetched in this run. */
  fetched: number;
  /** Symbols whose request failed. */
  failures: number;
  /** The first failure's reason, for the report. */
  firstError: string | null;
  /** Set once the source is not to be asked again this run (limit, block, budget, ...). */
  disabled: boolean;
}

interface SymbolEntry {
  quotes: ServedQuote[];
  stale: ServedQuote[];
  /** Sources that answered or failed for this symbol this run (or whose answer is cached). */
  asked: Set<MarketSourceName>;
  unknownOn: Set<MarketSourceName>;
}

/** The final outcome of a scan, per symbol. */
export interface ScanOutcome {
  /** Quotes to build rows from, per symbol, in scan order (stale ones only when nothing better). */
  served: Map<string, ServedQuote[]>;
  /** No quote and at least one source said it does not know the symbol. */
  unknown: string[];
  /** No quote for another reason (every source failed, none had room, offline without cache). */
  missing: string[];
}

/**
 * Bookkeeping for one market scan: which symbol has a quote, which sources were asked, which
 * sources gave up. No I/O; the command feeds it outcomes and asks it what to fetch next.
 */
export class ScanState {
  readonly #symbols: readonly string[];
  readonly #entries = new Map<string, SymbolEntry>();
  readonly #tallies = new Map<MarketSourceName, SourceTally>();

  constructor(symbols: readonly string[], sources: readonly MarketSourceName[]) {
    this.#symbols = symbols;
    for (const symbol of symbols) this.#entries.set(symbol, { quotes: [], stale: [], asked: new Set(), unknownOn: new Set() });
    for (const source of sources) this.#tallies.set(source, { fetched: 0, failures: 0, firstError: null, disabled: false });
  }

  /** A quote served from cache within its TTL or fetched now (`fresh`), or a stale fallback. */
  recordQuote(served: ServedQuote): void {
    const entry = this.#entry(served.quote.symbol);
    if (served.status === 'stale') {
      entry.stale.push(served);
      return;
    }
    entry.quotes.push(served);
    entry.asked.add(served.quote.source);
    if (served.status === 'fresh') this.#tally(served.quote.source).fetched++;
  }

  /** The source does not know the symbol (`fresh` = answered in this run, else a cached answer). */
  recordUnknown(symbol: string, source: MarketSourceName, fresh: boolean): void {
    const entry = this.#entry(symbol);
    entry.asked.add(source);
    entry.unknownOn.add(source);
    if (fresh) this.#tally(source).fetched++;
  }

  /** The source failed for the symbol; it may be tried on another source. */
  recordFailure(symbol: string, source: MarketSourceName, reason: string): void {
    this.#entry(symbol).asked.add(source);
    this.noteSourceError(source, reason);
    this.#tally(source).failures++;
  }

  /** A source-level problem (e.g. no budget left) that no single request reported. */
  noteSourceError(source: MarketSourceName, reason: string): void {
    this.#tally(source).firstError ??= reason;
  }

  /** Stops asking `source` this run; `reason`, when given, is its report's error (none: it was simply not needed). */
  disable(source: MarketSourceName, reason?: string): void {
    if (reason !== undefined) this.noteSourceError(source, reason);
    this.#tally(source).disabled = true;
  }

  /** Whether `source` may still be asked this run. */
  isActive(source: MarketSourceName): boolean {
    return !this.#tally(source).disabled;
  }

  /** What happened to `source` so far (read only: the scan changes it through its record methods). */
  tally(source: MarketSourceName): Readonly<SourceTally> {
    return this.#tally(source);
  }

  #tally(source: MarketSourceName): SourceTally {
    const tally = this.#tallies.get(source);
    if (!tally) throw new Error(`unknown market source ${source}`);
    return tally;
  }

  /** Sources not disabled, in the order given at construction. */
  activeSources(): MarketSourceName[] {
    return [...this.#tallies].filter(([, tally]) => !tally.disabled).map(([name]) => name);
  }

  /**
   * Symbols still without a quote that some active source has not been asked about yet, with
   * those sources. A symbol some source called unknown is not retried on `budgeted` sources: a
   * typo should not spend Alpha Vantage's daily calls. Symbols without even a stale quote come
   * first (the planner keeps this order when a budget cannot cover everyone).
   */
  pending(budgeted: ReadonlySet<MarketSourceName> = new Set()): SymbolToPlan[] {
    const active = this.activeSources();
    const withoutAny: SymbolToPlan[] = [];
    const withStale: SymbolToPlan[] = [];
    for (const symbol of this.#symbols) {
      const entry = this.#entry(symbol);
      if (entry.quotes.length > 0) continue;
      const sources = active.filter((s) => !entry.asked.has(s) && !(entry.unknownOn.size > 0 && budgeted.has(s)));
      if (sources.length > 0) (entry.stale.length > 0 ? withStale : withoutAny).push({ symbol, sources });
    }
    // Symbols with nothing to show come first, so a short budget rotates coverage across days.
    return [...withoutAny, ...withStale];
  }

  /** Symbols settled so far (a quote, or asked at least once), for progress. */
  doneCount(): number {
    let done = 0;
    for (const entry of this.#entries.values()) if (entry.quotes.length > 0 || entry.asked.size > 0) done++;
    return done;
  }

  /** Per-symbol results: fresh/cached quotes, else the newest stale one; unknown and missing lists. */
  outcome(): ScanOutcome {
    const served = new Map<string, ServedQuote[]>();
    const unknown: string[] = [];
    const missing: string[] = [];
    for (const symbol of this.#symbols) {
      const entry = this.#entry(symbol);
      const newestStale = [...entry.stale].sort((a, b) => b.fetchedAt - a.fetchedAt)[0];
      if (entry.quotes.length > 0) served.set(symbol, entry.quotes);
      else if (newestStale) served.set(symbol, [newestStale]);
      else if (entry.unknownOn.size > 0) unknown.push(symbol);
      else missing.push(symbol);
    }
    return { served, unknown, missing };
  }

  #entry(symbol: string): SymbolEntry {
    const entry = this.#entries.get(symbol);
    if (!entry) throw new Error(`symbol ${symbol} is not part of this scan`);
    return entry;
  }
}
