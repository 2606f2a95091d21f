import type { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { QahtError } from '../errors.js';

/** The encodings the client advertises in `Accept-Encoding`. */
export const ACCEPT_ENCODING = 'gzip, deflate, br';

const DECODERS: Record<string, () => Transform> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

/**
 * Reads a response body into one Buffer, decoding `Content-Encoding` on the way (node:zlib; undici's
 * decompress interceptor prints an ExperimentalWarning, which a CLI must not). The cap counts the
 * decoded bytes, so a small gzip bomb cannot inflate past it. Past the cap the pipeline is torn down,
 * which destroys the undici body and with it the connection, and `QAHT_ERR_RESPONSE_TOO_LARGE` is
 * thrown. Transport and zlib errors propagate unchanged for classification.
 */
export async function readBodyCapped(body: Readable, contentEncoding: string | undefined, maxBytes: number, url: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  // pipeline() rejects with the teardown's AbortError rather than what the last stage threw,
  // so the overflow is remembered here.
  let overflow: QahtError | undefined;
  const collect = async (source: AsyncIterable<Buffer>): Promise<void> => {
    for await (const chunk of source) {
      total += chunk.length;
      if (total > maxBytes) {
        overflow = new QahtError('QAHT_ERR_RESPONSE_TOO_LARGE', `response from GET ${url} exceeded ${maxBytes} bytes`, { url });
        throw overflow;
      }
      chunks.push(chunk);
    }
  };
  try {
    const decoders = decodersFor(contentEncoding, url);
    // Most bodies arrive unencoded: iterating the body directly skips pipeline()'s stream plumbing,
    // which the client-overhead benchmark showed costs more than the rest of the request path.
    if (decoders.length === 0) await collect(body as AsyncIterable<Buffer>);
    else await (pipeline as (...streams: unknown[]) => Promise<void>)(body, ...decoders, collect);
  } catch (error) {
    dropBody(body);
    throw overflow ?? error;
  }
  return Buffer.concat(chunks, total);
}

/**
 * Reads the first `maxBytes` of an error body for the error message, then drops the rest.
 * Never throws: a broken error body just gives a shorter message. Compressed error bodies are
 * not decoded (the snippet is a hint, not data).
 */
export async function readBodySnippet(body: Readable, contentEncoding: string | undefined, maxBytes: number): Promise<string> {
  if (contentEncoding && contentEncoding !== 'identity') {
    dropBody(body);
    return '';
  }
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      total += chunk.length;
      if (total >= maxBytes) break;
    }
  } catch {
    // Keep what arrived.
  } finally {
    dropBody(body);
  }
  return Buffer.concat(chunks).subarray(0, maxBytes).toString('utf8');
}

/**
 * Stops reading a body for good. Destroying an undici body before its end aborts the request and
 * closes the connection (what we want for oversized or unwanted bodies); the error event that
 * follows is expected and must not become an uncaught exception.
 */
export function dropBody(body: Readable): void {
  if (body.destroyed) return;
  body.on('error', () => undefined);
  body.destroy();
}

/** undici gives repeated headers as arrays; `HttpResponse` wants them joined. */
export function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** Drains a body we do not need (small ones keep the connection reusable; large ones are dropped). */
export async function discardBody(body: Readable & { dump?: () => Promise<unknown> }): Promise<void> {
  try {
    if (body.dump) await body.dump();
    else dropBody(body);
  } catch {
    // Nothing to keep from it.
  }
}

/** Decoders in the order to apply them (the header lists encodings in the order they were applied). */
function decodersFor(contentEncoding: string | undefined, url: string): Transform[] {
  if (!contentEncoding) return [];
  const codings = contentEncoding
    .toLowerCase()
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c && c !== 'identity');
  if (codings.length > 3) {
    throw new QahtError('QAHT_ERR_INVALID_DATA', `too many content-encodings (${codings.length}) from GET ${url}`, { url });
  }
  return codings.reverse().map((coding) => {
    const make = DECODERS[coding];
    if (!make) throw new QahtError('QAHT_ERR_INVALID_DATA', `unsupported content-encoding "${coding}" from GET ${url}`, { url });
    return make();
  });
}
