import type { JsonDocument } from '../output/render-json.js';
import type { SourceReport } from '../report.js';
import { queryKey, type ScreenJob, type ScreenRefresh, type ServeScreen } from './screen-job.js';

/** A refresh that served something, and when it ended (epoch ms). */
export interface ScreenAnswer {
  refresh: ScreenRefresh;
  at: number;
}

/** The last refresh failed: when it ended (epoch ms), why, and each source's own reason when it had one. */
export interface RefreshFailure {
  at: number;
  reason: string;
  sourceErrors: ReadonlyMap<string, string>;
}

/** What the service holds for one job: readers are answered from here, never from upstream. */
export interface ScreenState {
  readonly job: ScreenJob;
  /** The last refresh that served something; kept through failures, so it can be served stale. */
  answer: ScreenAnswer | undefined;
  /** Set while the latest refresh failed (after `answer`, if any); cleared by the next success. */
  failure: RefreshFailure | undefined;
  /** Counts every recorded refresh, success or failure: a cache key for what is derived from the state. */
  version: number;
  /** What changes the served document between refreshes (live prices), when something does. */
  overlay?: DocumentOverlay;
}

/** A change laid over a screen's served document between its refreshes. */
export interface DocumentOverlay {
  /** Grows whenever `apply` would give a different document. */
  version(): number;
  apply(document: JsonDocument, state: ScreenState, nowMs: number): JsonDocument;
}

export type RefreshOutcome = { refresh: ScreenRefresh } | { error: unknown };

/** Statuses that mean a source served data (the public freshness words of report.ts: fresh, cached or stale). */
const SERVED = new Set<SourceReport['status']>(['fresh', 'cached', 'stale']);

/**
 * The latest answer of every enabled screen, in memory. A refresh that throws or serves nothing
 * (every source failed or was skipped) is a failure: the previous answer stays, and is served
 * marked stale. Listeners hear of every recorded refresh, in order.
 */
export class ScreenBoard {
  readonly states: readonly ScreenState[];
  readonly #listeners = new Set<(state: ScreenState) => void>();

  constructor(jobs: readonly ScreenJob[]) {
    this.states = jobs.map((job) => ({ job, answer: undefined, failure: undefined, version: 0 }));
  }

  /** Whether any job refreshes `screen`. */
  enabled(screen: ServeScreen): boolean {
    return this.states.some((state) => state.job.screen === screen);
  }

  /**
   * The state of `screen`; for news, of the query matching `query` (spaces and case ignored), or of
   * the first `--news-query` when `query` is undefined. Undefined when no such job runs.
   */
  find(screen: ServeScreen, query?: string): ScreenState | undefined {
    const wanted = query === undefined ? undefined : queryKey(query);
    return this.states.find(
      (state) =>
        state.job.screen === screen && (wanted === undefined || (state.job.query !== undefined && queryKey(state.job.query) === wanted)),
    );
  }

  /** True once every job has an answer to serve (fresh, cached or stale). */
  ready(): boolean {
    return this.states.every((state) => state.answer !== undefined);
  }

  /** Records a refresh's outcome at `atMs` (epoch ms) and tells the listeners. */
  record(job: ScreenJob, outcome: RefreshOutcome, atMs: number): ScreenState {
    const state = this.states.find((candidate) => candidate.job === job);
    if (!state) throw new RangeError(`ScreenBoard: unknown job ${job.screen}`);
    const failure = 'error' in outcome ? thrownFailure(outcome.error, atMs) : emptyFailure(outcome.refresh, atMs);
    if (failure) {
      state.failure = failure;
    } else {
      state.answer = { refresh: (outcome as { refresh: ScreenRefresh }).refresh, at: atMs };
      state.failure = undefined;
    }
    state.version += 1;
    for (const listener of this.#listeners) listener(state);
    return state;
  }

  /** Calls `listener` after every recorded refresh; returns the function that stops it. */
  onUpdate(listener: (state: ScreenState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

function thrownFailure(error: unknown, atMs: number): RefreshFailure {
  const message = error instanceof Error ? error.message : String(error);
  return { at: atMs, reason: `refresh failed: ${message.split('\n')[0]}`, sourceErrors: new Map() };
}

/** A refresh in which no source served anything, as a failure; undefined when something was served. */
function emptyFailure(refresh: ScreenRefresh, atMs: number): RefreshFailure | undefined {
  const sources = refresh.result.sources;
  if (sources.some((source) => SERVED.has(source.status))) return undefined;
  const sourceErrors = new Map<string, string>();
  for (const source of sources) if (source.status === 'failed' && source.error !== null) sourceErrors.set(source.name, source.error);
  const reasons = [...sourceErrors].map(([name, error]) => `${name}: ${error}`);
  return { at: atMs, reason: `every source failed${reasons.length > 0 ? ` (${reasons.join('; ')})` : ''}`, sourceErrors };
}
