import type { IncomingMessage, ServerResponse } from 'node:http';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import type { CannedReply, Compression, RouteOptions } from './types.js';

/** A reply ready for the wire: final status, headers and (possibly compressed) body bytes. */
export interface PreparedReply {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** How the body of a prepared reply goes out; `undefined` is "normally". */
export type BodyDelivery = 'reset-mid-body' | 'truncated-body' | { slowBodyMs: number; chunks?: number } | undefined;

/** Waits that `close()` can cancel, so no reply fires into a stopped server. */
export interface Delays {
  delay(ms: number): Promise<void>;
}

const COMPRESSORS: Record<Compression, (body: Buffer) => Buffer> = {
  gzip: (b) => gzipSync(b),
  br: (b) => brotliCompressSync(b),
  deflate: (b) => deflateSync(b),
};

/** Turns a canned reply into bytes (JSON wins over body; `retryAfter` becomes a header). */
export function cannedToPrepared(reply: CannedReply, defaultStatus = 200): PreparedReply {
  const headers: Record<string, string> = lowerCaseKeys(reply.headers ?? {});
  let body: Buffer;
  if (reply.json !== undefined) {
    body = Buffer.from(JSON.stringify(reply.json));
    headers['content-type'] ??= 'application/json; charset=utf-8';
  } else if (reply.body !== undefined) {
    body = typeof reply.body === 'string' ? Buffer.from(reply.body) : reply.body;
    headers['content-type'] ??= 'text/plain; charset=utf-8';
  } else {
    body = Buffer.alloc(0);
  }
  if (reply.retryAfter !== undefined) headers['retry-after'] = String(reply.retryAfter);
  return { status: reply.status ?? defaultStatus, headers, body };
}

/**
 * Applies a route's validators and compression: a matching If-None-Match / If-Modified-Since
 * turns a 2xx into an empty 304; otherwise the validators are sent and the body compressed.
 */
export function applyRouteOptions(reply: PreparedReply, req: IncomingMessage, options: RouteOptions): PreparedReply {
  const headers = { ...reply.headers };
  if (options.etag) headers['etag'] = options.etag;
  if (options.lastModified) headers['last-modified'] = options.lastModified;
  if (reply.status >= 200 && reply.status < 300 && isNotModified(req, options)) {
    const validators: Record<string, string> = {};
    if (headers['etag']) validators['etag'] = headers['etag'];
    if (headers['last-modified']) validators['last-modified'] = headers['last-modified'];
    return { status: 304, headers: validators, body: Buffer.alloc(0) };
  }
  if (options.compress && reply.body.length > 0) {
    headers['content-encoding'] = options.compress;
    headers['vary'] = 'Accept-Encoding';
    return { status: reply.status, headers, body: COMPRESSORS[options.compress](reply.body) };
  }
  return { status: reply.status, headers, body: reply.body };
}

function isNotModified(req: IncomingMessage, options: RouteOptions): boolean {
  const ifNoneMatch = req.headers['if-none-match'];
  if (options.etag && ifNoneMatch) {
    const tags = ifNoneMatch.split(',').map((t) => t.trim().replace(/^W\//, ''));
    return tags.includes('*') || tags.includes(options.etag.replace(/^W\//, ''));
  }
  const ifModifiedSince = req.headers['if-modified-since'];
  return Boolean(options.lastModified && ifModifiedSince && ifModifiedSince === options.lastModified);
}

/** Writes a prepared reply, possibly sabotaging the body on the way. */
export async function deliver(res: ServerResponse, reply: PreparedReply, how: BodyDelivery, delays: Delays): Promise<void> {
  if (res.destroyed) return;
  const body = reply.body;
  if (how === 'reset-mid-body' || how === 'truncated-body') {
    // Content-Length promises the whole body; only the first half is ever sent.
    res.writeHead(reply.status, { ...reply.headers, 'content-length': String(Math.max(body.length, 2)) });
    const part = body.subarray(0, Math.max(1, Math.floor(body.length / 2)));
    res.write(part, () => {
      const socket = res.socket;
      if (!socket) return;
      if (how === 'reset-mid-body') socket.resetAndDestroy();
      else socket.end();
    });
    return;
  }
  if (how && typeof how === 'object') {
    res.writeHead(reply.status, { ...reply.headers, 'content-length': String(body.length) });
    const pieces = splitBuffer(body, Math.max(1, how.chunks ?? 4));
    for (const [i, piece] of pieces.entries()) {
      if (i > 0) await delays.delay(how.slowBodyMs);
      if (res.destroyed) return;
      res.write(piece);
    }
    res.end();
    return;
  }
  res.writeHead(reply.status, { ...reply.headers, 'content-length': String(body.length) });
  res.end(body);
}

/** Streams `bytes` bytes (at least ~30) of a JSON array, honouring backpressure, until done or the client leaves. */
export async function streamOversized(res: ServerResponse, bytes: number): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
  const item = '{"id":"padding-item","symbol":"pad","priceUsd":"1.2345","volume":"123456.789"},';
  const chunk = Buffer.from(item.repeat(Math.ceil(65_536 / item.length)));
  const tailOverhead = '{"id":"last","pad":""}]'.length;
  const write = (data: Buffer | string): Promise<void> =>
    new Promise((resolve) => {
      if (res.write(data)) return resolve();
      const done = (): void => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });
  await write('[');
  let sent = 1;
  while (sent + chunk.length + tailOverhead <= bytes) {
    if (res.destroyed) return;
    await write(chunk);
    sent += chunk.length;
  }
  if (res.destroyed) return;
  // The last item's padding makes the total exactly `bytes`, so size caps can be tested to the byte.
  res.end(`{"id":"last","pad":"${'x'.repeat(Math.max(0, bytes - sent - tailOverhead))}"}]`);
}

function splitBuffer(body: Buffer, pieces: number): Buffer[] {
  if (body.length === 0) return [body];
  const size = Math.ceil(body.length / pieces);
  const out: Buffer[] = [];
  for (let i = 0; i < body.length; i += size) out.push(body.subarray(i, i + size));
  return out;
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}
