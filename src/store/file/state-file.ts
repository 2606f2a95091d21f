/**
 * The resilience state file (`<cache dir>/state.json`): its shape, tolerant parsing, and the pure
 * merge and pruning rules that let overlapping runs combine their state instead of clobbering it.
 * Breaker and limiter snapshots are opaque JSON here; their owners (de)serialise them.
 */
import * as v from 'valibot';

/** Bumped when the layout changes; a file of another version is ignored (treated as empty). */
export const STATE_SCHEMA_VERSION = 1;

/**
 * Times this far (ms) past now are still believed (clock skew between the runs sharing a folder);
 * later ones are damage (or a clock that jumped back) and are dropped on read, so nothing a file
 * says can hold a host, a source's history or a budget hostage for the years until that time.
 */
export const FUTURE_TOLERANCE_MS = 60 * 60_000;

/** Largest `state.json` read, in bytes: real state is a few KiB; a larger file counts as empty. */
export const STATE_MAX_BYTES = 4 * 1024 * 1024;

/** Rate-limit events are kept for this long (ms) and at most this many per source. */
export const RATE_LIMIT_WINDOW_MS = 24 * 60 * 60_000;
export const RATE_LIMIT_MAX_EVENTS = 200;

/** Persisted per-host resilience state. `updatedAt` (epoch ms) decides which run's copy wins. */
export interface HostState {
  /** Opaque BreakerSnapshot JSON. */
  breaker?: unknown;
  /** Opaque per-host LimiterSnapshot JSON. */
  limiter?: unknown;
  updatedAt: number;
}

/** Persisted per-source health; every time is epoch ms. */
export interface SourceState {
  lastSuccessAt?: number;
  lastFailureAt?: number;
  lastFailureReason?: string;
  /** Times of recent rate-limit answers, ascending, within the last 24 h, at most 200. */
  rateLimitEvents?: number[];
}

/** Units spent from a daily budget; `day` is the UTC date `YYYY-MM-DD`. */
export interface BudgetState {
  day: string;
  used: number;
}

/** The three mergeable maps (a whole state, or a patch of changes). */
export interface StateMaps {
  hosts: Record<string, HostState>;
  sources: Record<string, SourceState>;
  budgets: Record<string, BudgetState>;
}

/** The whole file. */
export interface ResilienceState extends StateMaps {
  schema: number;
  updatedAt: number;
}

/** Changes to save; any map may be omitted. */
export type StatePatch = Partial<StateMaps>;

export interface PruneBounds {
  /** Hosts not updated for longer than this are dropped (ms). */
  hostMaxAgeMs: number;
  /** Sources without activity for longer than this are dropped (ms). */
  sourceMaxAgeMs: number;
}

const finiteNumber = v.pipe(v.number(), v.finite());
const HostSchema = v.object({ breaker: v.optional(v.unknown()), limiter: v.optional(v.unknown()), updatedAt: finiteNumber });
const SourceSchema = v.object({
  lastSuccessAt: v.optional(finiteNumber),
  lastFailureAt: v.optional(finiteNumber),
  lastFailureReason: v.optional(v.string()),
  rateLimitEvents: v.optional(v.array(finiteNumber)),
});
const BudgetSchema = v.object({ day: v.pipe(v.string(), v.regex(/^\d{4}-\d{2}-\d{2}$/)), used: v.pipe(finiteNumber, v.minValue(0)) });
const FileSchema = v.object({
  schema: v.literal(STATE_SCHEMA_VERSION),
  updatedAt: finiteNumber,
  hosts: v.record(v.string(), v.unknown()),
  sources: v.record(v.string(), v.unknown()),
  budgets: v.record(v.string(), v.unknown()),
});

/** The UTC calendar day of an epoch-ms time, as `YYYY-MM-DD`. */
export function utcDay(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

export function emptyMaps(): StateMaps {
  return { hosts: {}, sources: {}, budgets: {} };
}

/**
 * Parses file text into a state. A file that is not JSON or not this schema version is empty;
 * within a valid file, each malformed host/source/budget entry is dropped on its own.
 */
export function parseState(text: string | undefined): ResilienceState {
  const empty: ResilienceState = { schema: STATE_SCHEMA_VERSION, updatedAt: 0, ...emptyMaps() };
  if (text === undefined) return empty;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return empty;
  }
  const file = v.safeParse(FileSchema, raw);
  if (!file.success) return empty;
  return {
    schema: STATE_SCHEMA_VERSION,
    updatedAt: file.output.updatedAt,
    hosts: pickValid(file.output.hosts, HostSchema),
    sources: pickValid(file.output.sources, SourceSchema),
    budgets: pickValid(file.output.budgets, BudgetSchema),
  };
}

function pickValid<S extends v.GenericSchema>(record: Record<string, unknown>, schema: S): Record<string, v.InferOutput<S>> {
  const result: Record<string, v.InferOutput<S>> = {};
  for (const [name, value] of Object.entries(record)) {
    const parsed = v.safeParse(schema, value);
    if (parsed.success) result[name] = stripUndefined(parsed.output as object) as v.InferOutput<S>;
  }
  return result;
}

/**
 * Merges `patch` into `base` (neither is modified): per host the newer `updatedAt` wins (the patch
 * on a tie); per source the latest success and failure win and rate-limit events are united;
 * per budget the later day wins and the same day keeps the larger `used`.
 */
export function mergeMaps(base: StateMaps, patch: StatePatch): StateMaps {
  const merged: StateMaps = { hosts: { ...base.hosts }, sources: { ...base.sources }, budgets: { ...base.budgets } };
  for (const [host, incoming] of safeEntries(patch.hosts)) {
    const existing = merged.hosts[host];
    if (!existing || incoming.updatedAt >= existing.updatedAt) merged.hosts[host] = incoming;
  }
  for (const [source, incoming] of safeEntries(patch.sources)) {
    const existing = merged.sources[source];
    merged.sources[source] = existing ? mergeSource(existing, incoming) : incoming;
  }
  for (const [name, incoming] of safeEntries(patch.budgets)) {
    const existing = merged.budgets[name];
    if (!existing || incoming.day > existing.day) merged.budgets[name] = incoming;
    else if (incoming.day === existing.day) merged.budgets[name] = { day: existing.day, used: Math.max(existing.used, incoming.used) };
  }
  return merged;
}

function mergeSource(a: SourceState, b: SourceState): SourceState {
  const merged: SourceState = {};
  const lastSuccessAt = maxDefined(a.lastSuccessAt, b.lastSuccessAt);
  if (lastSuccessAt !== undefined) merged.lastSuccessAt = lastSuccessAt;
  const latestFailure = (b.lastFailureAt ?? -Infinity) >= (a.lastFailureAt ?? -Infinity) ? b : a;
  if (latestFailure.lastFailureAt !== undefined) merged.lastFailureAt = latestFailure.lastFailureAt;
  if (latestFailure.lastFailureAt !== undefined && latestFailure.lastFailureReason !== undefined)
    merged.lastFailureReason = latestFailure.lastFailureReason;
  if (a.rateLimitEvents || b.rateLimitEvents) {
    merged.rateLimitEvents = [...new Set([...(a.rateLimitEvents ?? []), ...(b.rateLimitEvents ?? [])])].sort((x, y) => x - y);
  }
  return merged;
}

/**
 * Drops hosts and sources older than the bounds and budgets of past UTC days, and trims
 * rate-limit events to the last 24 h and 200 entries. Returns a new object.
 */
export function pruneMaps(maps: StateMaps, nowMs: number, bounds: PruneBounds): StateMaps {
  const pruned = emptyMaps();
  for (const [host, state] of Object.entries(maps.hosts)) {
    if (nowMs - state.updatedAt <= bounds.hostMaxAgeMs) pruned.hosts[host] = state;
  }
  for (const [source, state] of Object.entries(maps.sources)) {
    const trimmed = trimEvents(state, nowMs);
    const lastActivity = maxDefined(trimmed.lastSuccessAt, trimmed.lastFailureAt, trimmed.rateLimitEvents?.at(-1));
    if (lastActivity !== undefined && nowMs - lastActivity <= bounds.sourceMaxAgeMs) pruned.sources[source] = trimmed;
  }
  const today = utcDay(nowMs);
  for (const [name, budget] of Object.entries(maps.budgets)) {
    if (budget.day >= today) pruned.budgets[name] = budget;
  }
  return pruned;
}

/**
 * Drops what is dated after `nowMs + FUTURE_TOLERANCE_MS`: a host's whole entry (its `updatedAt`
 * would win every merge), a source's success, failure (with its reason) and rate-limit events,
 * a budget of a later day than that time's. Returns a new object; `maps` is not modified.
 */
export function dropFutureTimes(maps: StateMaps, nowMs: number): StateMaps {
  const latest = nowMs + FUTURE_TOLERANCE_MS;
  const kept = emptyMaps();
  for (const [host, state] of Object.entries(maps.hosts)) if (state.updatedAt <= latest) kept.hosts[host] = state;
  for (const [source, state] of Object.entries(maps.sources)) {
    const clean: SourceState = {};
    if (state.lastSuccessAt !== undefined && state.lastSuccessAt <= latest) clean.lastSuccessAt = state.lastSuccessAt;
    if (state.lastFailureAt !== undefined && state.lastFailureAt <= latest) {
      clean.lastFailureAt = state.lastFailureAt;
      if (state.lastFailureReason !== undefined) clean.lastFailureReason = state.lastFailureReason;
    }
    const events = state.rateLimitEvents?.filter((at) => at <= latest);
    if (events && events.length > 0) clean.rateLimitEvents = events;
    if (Object.keys(clean).length > 0) kept.sources[source] = clean;
  }
  const lastDay = utcDay(latest);
  for (const [name, budget] of Object.entries(maps.budgets)) if (budget.day <= lastDay) kept.budgets[name] = budget;
  return kept;
}

function trimEvents(state: SourceState, nowMs: number): SourceState {
  if (!state.rateLimitEvents) return state;
  const recent = state.rateLimitEvents.filter((at) => nowMs - at <= RATE_LIMIT_WINDOW_MS).slice(-RATE_LIMIT_MAX_EVENTS);
  const trimmed: SourceState = { ...state, rateLimitEvents: recent };
  if (recent.length === 0) delete trimmed.rateLimitEvents;
  return trimmed;
}

function maxDefined(...values: Array<number | undefined>): number | undefined {
  const defined = values.filter((value): value is number => value !== undefined);
  return defined.length > 0 ? Math.max(...defined) : undefined;
}

/** Own entries, skipping names that would touch an object's prototype when assigned. */
function safeEntries<T>(record: Record<string, T> | undefined): Array<[string, T]> {
  if (!record) return [];
  return Object.entries(record).filter(([name]) => name !== '__proto__' && name !== 'constructor' && name !== 'prototype');
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T;
}
