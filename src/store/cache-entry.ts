/**
 * The on-disk cache entry: its shape, checksum and (de)serialisation. Decoding never throws: any
 * file that is not a whole, current-schema, checksum-valid entry for the expected key is reported
 * as unusable with a reason, and the cache treats it as a miss.
 */
import { createHash } from 'node:crypto';
import * as v from 'valibot';

/** Bumped whenever the entry layout changes; entries of another version are misses. */
export const CACHE_SCHEMA_VERSION = 1;

/** One cached response. Times are epoch ms; `ttlMs` is the TTL it was stored with (informational). */
export interface CacheEntry<T = unknown> {
  schema: number;
  /** The readable, secret-free key (see `cacheKey`). */
  key: string;
  source: string;
  fetchedAt: number;
  ttlMs: number;
  /** Lower-case hex sha256 of `JSON.stringify(value)`. */
  checksum: string;
  value: T;
}

/** The fields a caller provides; schema and checksum are derived. */
export type CacheEntryInput<T> = Omit<CacheEntry<T>, 'schema' | 'checksum'>;

/** Why a file was not a usable entry. */
export type CorruptReason = 'unparsable' | 'invalid' | 'foreign-schema' | 'checksum' | 'wrong-key';

export type DecodedEntry<T> = { ok: true; entry: CacheEntry<T> } | { ok: false; reason: CorruptReason };

const EntrySchema = v.object({
  schema: v.number(),
  key: v.string(),
  source: v.string(),
  fetchedAt: v.pipe(v.number(), v.finite()),
  ttlMs: v.number(),
  checksum: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
  value: v.unknown(),
});

/** sha256 of the JSON text of `value`. JSON values round-trip to the same text, so this is stable. */
export function checksumOf(value: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(value) ?? 'undefined')
    .digest('hex');
}

/** Builds a complete entry (schema version and checksum added). */
export function buildEntry<T>(input: CacheEntryInput<T>): CacheEntry<T> {
  const entry: CacheEntry<T> = {
    schema: CACHE_SCHEMA_VERSION,
    key: input.key,
    source: input.source,
    fetchedAt: input.fetchedAt,
    // JSON has no Infinity; an unbounded TTL is stored as the largest safe integer.
    ttlMs: Math.min(input.ttlMs, Number.MAX_SAFE_INTEGER),
    checksum: checksumOf(input.value),
    value: input.value,
  };
  return entry;
}

/** The file text of an entry. */
export function serialiseEntry(entry: CacheEntry): string {
  return JSON.stringify(entry);
}

/**
 * Parses and checks file text. `expectedKey` guards against a file that holds another key
 * (a hash collision or a file copied by hand).
 */
export function decodeEntry<T = unknown>(text: string, expectedKey?: string): DecodedEntry<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'unparsable' };
  }
  if (typeof raw === 'object' && raw !== null && (raw as { schema?: unknown }).schema !== CACHE_SCHEMA_VERSION) {
    return { ok: false, reason: 'foreign-schema' };
  }
  const parsed = v.safeParse(EntrySchema, raw);
  if (!parsed.success || !('value' in (raw as object))) return { ok: false, reason: 'invalid' };
  const entry = parsed.output as CacheEntry<T>;
  if (checksumOf(entry.value) !== entry.checksum) return { ok: false, reason: 'checksum' };
  if (expectedKey !== undefined && entry.key !== expectedKey) return { ok: false, reason: 'wrong-key' };
  return { ok: true, entry };
}
