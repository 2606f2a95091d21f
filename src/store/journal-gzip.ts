/**
 * Gzip for journal records, with zlib loaded on first use: most runs find the day recorded and
 * the verdicts kept, and a run served from cache loads no zlib at all. Synchronous, because a
 * record is decoded where the store reads it (a named entry kind's `decode`); a record is tens of
 * KB gzipped, so one call costs well under a millisecond.
 */
type Zlib = typeof import('node:zlib');

let zlib: Zlib | undefined;

function load(): Zlib {
  zlib ??= process.getBuiltinModule('node:zlib');
  return zlib;
}

/** The gzip of `bytes`. */
export function gzipBytes(bytes: Buffer): Buffer {
  return load().gzipSync(bytes);
}

/** `data` gunzipped, refusing output past `maxOutputLength` bytes. @throws on damaged data */
export function gunzipBytes(data: Buffer, options: { maxOutputLength?: number } = {}): Buffer {
  return load().gunzipSync(data, options);
}
