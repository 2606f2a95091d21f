/**
 * Gzip for journal records, with zlib loaded on first use: most runs find the day recorded and
 * the verdicts kept, and a run served from cache loads no zlib at all.
 */
type Zlib = typeof import('node:zlib');

let zlib: Promise<Zlib> | undefined;

function load(): Promise<Zlib> {
  zlib ??= import('node:zlib');
  return zlib;
}

/** The gzip of `text` (its UTF-8 bytes). */
export async function gzipText(text: Buffer): Promise<Buffer> {
  const { gzip } = await load();
  return new Promise((resolve, reject) => gzip(text, (error, zipped) => (error ? reject(error) : resolve(zipped))));
}

/** `data` gunzipped, refusing output past `maxOutputLength` bytes. */
export async function gunzipBytes(data: Buffer, options: { maxOutputLength?: number } = {}): Promise<Buffer> {
  const { gunzip } = await load();
  return new Promise((resolve, reject) => gunzip(data, options, (error, out) => (error ? reject(error) : resolve(out))));
}
