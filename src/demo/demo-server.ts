import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { SOURCE_NAMES, type SourceName } from '../sources/source-names.js';
import { demoKeys } from './demo-keys.js';
import { historyAnswer } from './history-answer.js';
import { moveQuotes } from './moving-quotes.js';
import { demoTopicOf } from './news-topics.js';
import { demoRatePerUsd, quoteMarkets } from './quoted-markets.js';
import { renderTimeTokens } from './time-tokens.js';

/** One recorded response: served for `GET /<source><path>` when every listed query param matches. */
export interface Recording {
  source: SourceName;
  path: string;
  query?: Record<string, string>;
  contentType: string;
  file: string;
  /** News: served only for a search query of this topic (`DEMO_NEWS_TOPICS`). */
  topic?: string;
  /** News: the empty answer for a query no topic covers. */
  fallback?: boolean;
  /** Crypto quotes: prices move a little each minute, so `--watch` shows changed cells. */
  moves?: boolean;
}

/** The bundled recordings: their folder and every manifest entry. */
export interface RecordingLibrary {
  dir: string;
  recordings: Recording[];
}

/** One source's loopback server. */
export interface SourceServer {
  /** `http://127.0.0.1:<port>/<source>`: the source's base URL. */
  baseUrl: string;
  close(): Promise<void>;
}

export interface DemoServer {
  /** `SCREEN_<SOURCE>_URL` for every source, `SCREEN_BINANCE_WS_URL`, and a demo key for keyed sources. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/** The recordings ship as files next to the sources (the package includes src/demo/recordings). */
function recordingsDir(): string {
  const beside = fileURLToPath(new URL('./recordings/', import.meta.url));
  if (existsSync(beside)) return beside;
  return fileURLToPath(new URL('../../src/demo/recordings/', import.meta.url));
}

/** Reads every manifest of the bundled recordings (the bodies are read per request). */
export async function loadRecordingLibrary(): Promise<RecordingLibrary> {
  const dir = recordingsDir();
  const manifests = (await readdir(dir)).filter((name) => name.endsWith('.json')).sort();
  const lists = await Promise.all(manifests.map(async (name) => JSON.parse(await readFile(`${dir}${name}`, 'utf8')) as Recording[]));
  return { dir, recordings: lists.flat() };
}

/**
 * Starts one source's loopback server replaying its recordings. Each source gets its own port,
 * hence its own host to the per-host limiter and breaker, as the real APIs do. Recorded times are
 * tokens rendered relative to now, so a demo always looks current. The server never keeps the
 * process alive.
 */
export async function startSourceServer(source: SourceName, library: RecordingLibrary): Promise<SourceServer> {
  const server: Server = createServer((request, response) => {
    void serve(source, request, response, library);
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref();
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/${source}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Starts a loopback server for every source at once (`screen serve --demo`, which refreshes them
 * all on its schedule), so the whole pipeline (client, limiters, breakers, cache, screens,
 * output) runs with no network.
 */
export async function startDemoServer(): Promise<DemoServer> {
  const library = await loadRecordingLibrary();
  const servers = await Promise.all(SOURCE_NAMES.map((source) => startSourceServer(source, library)));
  const env: Record<string, string> = demoKeys();
  for (const [index, source] of SOURCE_NAMES.entries()) env[`SCREEN_${source.toUpperCase()}_URL`] = servers[index]!.baseUrl;
  // The live prices too: Binance's stream, played from the recorded ticker.
  const stream = await (await import('./demo-stream.js')).startDemoStream(library);
  env.SCREEN_BINANCE_WS_URL = stream.wsUrl;
  return {
    env,
    close: async () => {
      await Promise.all([...servers.map((server) => server.close()), stream.close()]);
    },
  };
}

async function serve(source: SourceName, request: IncomingMessage, response: ServerResponse, library: RecordingLibrary): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://demo');
  const [, , ...rest] = url.pathname.split('/');
  const path = `/${rest.join('/')}`.replace(/\/+$/, '') || '/';
  const generated = historyAnswer(source, path, url.searchParams, Date.now());
  if (generated !== undefined) {
    const body = JSON.stringify(generated.body);
    response.writeHead(generated.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    response.end(body);
    return;
  }
  // CoinGecko markets in another currency the rates sample covers: the USD sample, converted.
  const perUsd = await quoteRate(source, path, url.searchParams, library);
  if (perUsd !== undefined) url.searchParams.set('vs_currency', 'usd');
  const matching = library.recordings.filter(
    (r) =>
      r.source === source &&
      r.path.replace(/\/+$/, '') === path &&
      Object.entries(r.query ?? {}).every(([name, value]) => url.searchParams.get(name)?.toLowerCase() === value.toLowerCase()),
  );
  // A news search gets its topic's samples, else the empty answer; everything else its one recording.
  const topic = demoTopicOf(url.searchParams.get('q') ?? url.searchParams.get('query') ?? '');
  const recording =
    matching.find((r) => r.topic !== undefined && r.topic === topic) ??
    matching.find((r) => r.topic === undefined && !r.fallback) ??
    matching.find((r) => r.fallback);
  if (!recording) {
    response.writeHead(404, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: `no demo recording for ${source}${path}` }));
    return;
  }
  try {
    const now = Date.now();
    const rendered = renderTimeTokens(await readFile(`${library.dir}${recording.file}`, 'utf8'), now);
    const moved = recording.moves ? moveQuotes(rendered, now) : rendered;
    const body = perUsd === undefined ? moved : quoteMarkets(moved, perUsd);
    response.writeHead(200, { 'content-type': recording.contentType, 'content-length': Buffer.byteLength(body) });
    response.end(body);
  } catch {
    response.writeHead(500, { 'content-type': 'text/plain' });
    response.end('demo recording unreadable');
  }
}

/** Units per USD of a non-USD `/coins/markets` request's `vs_currency`, from the rates sample; undefined otherwise. */
async function quoteRate(source: SourceName, path: string, query: URLSearchParams, library: RecordingLibrary): Promise<number | undefined> {
  const currency = query.get('vs_currency')?.toLowerCase();
  if (source !== 'coingecko' || path !== '/coins/markets' || !currency || currency === 'usd') return undefined;
  const rates = library.recordings.find((r) => r.source === 'coingecko' && r.path === '/exchange_rates');
  if (!rates) return undefined;
  try {
    return demoRatePerUsd(await readFile(`${library.dir}${rates.file}`, 'utf8'), currency);
  } catch {
    return undefined;
  }
}
