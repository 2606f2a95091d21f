/**
 * The on-disk cache entry: its shape, checksum and (de)serialisation. Decoding never throws: any
 * file that is not a whole, current-schema, checksum-valid entry for the expected key is reported
 * as unusable with a reason, and the cache treats it as a miss.
 *
 * The file is one JSON document whose last member is the value:
 *   {"schema":3,"key":…,"source":…,"fetchedAt":…,"ttlMs":…,"bytes":N,"checksum":"<fnv1a64>","value":<value>}
 * `bytes` and `checksum` describe the value's stored bytes (its UTF-8 JSON text), so a reader
 * verifies the bytes it read before parsing them, without serialising the value again, and a
 * lister learns everything but the value from the head of the file. A JSON string can hold `"`
 * only escaped, so the first `,"value":` in the file is where the value starts.
 */
import * as v from 'valibot';
import { fnv1a64Hex } from './fnv1a.js';
import { WORD_CHECKSUM_PREFIX, wordChecksumHex } from './word-checksum.js';

/** Bumped whenever the entry layout changes; entries of another version are misses. */
export const CACHE_SCHEMA_VERSION = 3;

/**
 * Largest entry file read or written, in bytes (32 MiB, the HTTP client's response cap). A larger
 * file is a miss; a larger entry is kept in memory for the run but not written.
 */
export const ENTRY_MAX_BYTES = 32 * 1024 * 1024;

/** One cached response. Times are epoch ms; `ttlMs` is the TTL it was stored with (informational). */
export interface CacheEntry<T = unknown> {
  schema: number;
  /** The readable, secret-free key (see `cacheKey`). */
  key: string;
  source: string;
  /** Epoch ms, whole (see `encodeEntry`). */
  fetchedAt: number;
  ttlMs: number;
  /**
   * 64-bit FNV-1a of the value's stored bytes (its JSON text, UTF-8), 16 hex digits (`fnv1a64Hex`);
   * or, for an entry encoded with `checksum: 'words'`, `w` and the 16 hex digits of `wordChecksumHex`.
   */
  checksum: string;
  value: T;
}

/** The fields a caller provides; schema and checksum are derived. */
export type CacheEntryInput<T> = Omit<CacheEntry<T>, 'schema' | 'checksum'>;

/** An entry with the exact bytes of its file. */
export interface EncodedEntry<T> {
  entry: CacheEntry<T>;
  bytes: Buffer;
}

/**
 * What the head of an entry file says, without its value; `note` is a small JSON object the
 * writer kept about the value (see `encodeEntry`), for readers that need only that.
 */
export type EntryHeader = Omit<CacheEntry<never>, 'value'> & { bytes: number; note?: Record<string, unknown> };

/** Why a file was not a usable entry. */
export type CorruptReason = 'unparsable' | 'invalid' | 'foreign-schema' | 'truncated' | 'checksum' | 'wrong-key';

export type DecodedEntry<T> = { ok: true; entry: CacheEntry<T> } | { ok: false; reason: CorruptReason };
export type DecodedHeader = { ok: true; header: EntryHeader } | { ok: false; reason: CorruptReason };

const VALUE_MARKER = Buffer.from(',"value":');
const CLOSING_BRACE = 0x7d;

const HeaderSchema = v.object({
  schema: v.literal(CACHE_SCHEMA_VERSION),
  key: v.string(),
  source: v.string(),
  fetchedAt: v.pipe(v.number(), v.finite()),
  ttlMs: v.pipe(v.number(), v.minValue(0)),
  bytes: v.pipe(v.number(), v.integer(), v.minValue(0)),
  checksum: v.pipe(v.string(), v.regex(/^w?[0-9a-f]{16}$/)),
  note: v.optional(v.record(v.string(), v.unknown())),
});

/** How an entry's value bytes are checksummed: FNV-1a byte by byte, or word by word (large values read often). */
export type ChecksumKind = 'fnv1a' | 'words';

/** The checksum of stored bytes (`fnv1a64Hex`, or `wordChecksumHex` for `words`). */
export function checksumOf(bytes: Uint8Array, kind: ChecksumKind = 'fnv1a'): string {
  return kind === 'words' ? wordChecksumHex(bytes) : fnv1a64Hex(bytes);
}

/**
 * Builds a complete entry and its file bytes, serialising the value once. `note`: a small JSON
 * object about the value, kept in the header, where a reader finds it without reading the value
 * (the value's checksum does not cover it; its reader checks its shape).
 * @throws RangeError for a note holding a `"value"` key (the header would end there)
 */
export function encodeEntry<T>(
  input: CacheEntryInput<T>,
  options: { checksum?: ChecksumKind; note?: Record<string, unknown> | undefined } = {},
): EncodedEntry<T> {
  const valueBytes = Buffer.from(JSON.stringify(input.value) ?? 'null', 'utf8');
  const entry: CacheEntry<T> = {
    schema: CACHE_SCHEMA_VERSION,
    key: input.key,
    source: input.source,
    // Whole ms, as every report and file shows it: an injected clock can stand between two ms, and a
    // schedule counting from the reported time would then find the entry fresh a fraction too long.
    fetchedAt: Math.floor(input.fetchedAt),
    // JSON has no Infinity; an unbounded TTL is stored as the largest safe integer.
    ttlMs: Math.min(Math.max(0, input.ttlMs), Number.MAX_SAFE_INTEGER),
    checksum: checksumOf(valueBytes, options.checksum),
    value: input.value,
  };
  const head: EntryHeader = { ...headerOf(entry), bytes: valueBytes.length, checksum: entry.checksum };
  if (options.note !== undefined) head.note = options.note;
  // The header's own JSON without its closing brace, then the value as the last member.
  const headText = JSON.stringify(head).slice(0, -1);
  if (headText.includes(',"value":')) throw new RangeError(`the note of ${input.key} holds a "value" key`);
  const bytes = Buffer.concat([Buffer.from(headText, 'utf8'), VALUE_MARKER, valueBytes, Buffer.of(CLOSING_BRACE)]);
  return { entry, bytes };
}

/**
 * Parses and checks a whole file. `expectedKey` guards against a file that holds another key
 * (a hash collision or a file copied by hand).
 */
export function decodeEntry<T = unknown>(file: Uint8Array | string, expectedKey?: string): DecodedEntry<T> {
  const bytes = typeof file === 'string' ? Buffer.from(file, 'utf8') : Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  const head = splitHead(bytes);
  if (!head.ok) return head;
  const { header, valueStart } = head;
  const valueEnd = bytes.length - 1;
  if (bytes[valueEnd] !== CLOSING_BRACE || valueEnd - valueStart !== header.bytes) return { ok: false, reason: 'truncated' };
  const valueBytes = bytes.subarray(valueStart, valueEnd);
  const kind: ChecksumKind = header.checksum.startsWith(WORD_CHECKSUM_PREFIX) ? 'words' : 'fnv1a';
  if (checksumOf(valueBytes, kind) !== header.checksum) return { ok: false, reason: 'checksum' };
  if (expectedKey !== undefined && header.key !== expectedKey) return { ok: false, reason: 'wrong-key' };
  let value: T;
  try {
    value = JSON.parse(valueBytes.toString('utf8')) as T;
  } catch {
    return { ok: false, reason: 'unparsable' };
  }
  const entry: CacheEntry<T> = { ...headerOf(header), checksum: header.checksum, value };
  return { ok: true, entry };
}

/**
 * Checks the head of a file whose whole size is `fileSize`: a current-schema header whose value
 * length fits the file exactly. The checksum is left to `decodeEntry`. `prefix` may be the whole
 * file or only its first bytes; a header that does not end inside it is `truncated`.
 */
export function decodeHeader(prefix: Uint8Array, fileSize: number): DecodedHeader {
  const head = splitHead(Buffer.from(prefix.buffer, prefix.byteOffset, prefix.byteLength));
  if (!head.ok) return head;
  if (fileSize !== head.valueStart + head.header.bytes + 1) return { ok: false, reason: 'truncated' };
  return { ok: true, header: head.header };
}

function splitHead(bytes: Buffer): { ok: true; header: EntryHeader; valueStart: number } | { ok: false; reason: CorruptReason } {
  const marker = bytes.indexOf(VALUE_MARKER);
  if (marker < 0) return { ok: false, reason: bytes.length > 0 && bytes[0] === 0x7b ? 'truncated' : 'unparsable' };
  let raw: unknown;
  try {
    raw = JSON.parse(`${bytes.toString('utf8', 0, marker)}}`);
  } catch {
    return { ok: false, reason: 'unparsable' };
  }
  if (typeof raw !== 'object' || raw === null || (raw as { schema?: unknown }).schema !== CACHE_SCHEMA_VERSION) {
    return { ok: false, reason: 'foreign-schema' };
  }
  const parsed = v.safeParse(HeaderSchema, raw);
  if (!parsed.success) return { ok: false, reason: 'invalid' };
  const header = parsed.output as EntryHeader;
  return { ok: true, header, valueStart: marker + VALUE_MARKER.length };
}

function headerOf(entry: Omit<CacheEntry<unknown>, 'value' | 'checksum'>): Omit<EntryHeader, 'bytes' | 'checksum'> {
  const header: Omit<EntryHeader, 'bytes' | 'checksum'> = {
    schema: entry.schema,
    key: entry.key,
    source: entry.source,
    fetchedAt: entry.fetchedAt,
    ttlMs: entry.ttlMs,
  };
  return header;
}
