import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { KEY_ENV_VARS, SOURCE_NAMES, type SourceName } from '../sources/source-names.js';
import { renderTimeTokens } from './time-tokens.js';

/** One recorded response: served for `GET /<source><path>` when every listed query param matches. */
export interface Recording {
  source: SourceName;
  path: string;
  query?: Record<string, string>;
  contentType: string;
  file: string;
}

export interface DemoServer {
  /** `SCREEN_<SOURCE>_URL` for every source plus a demo key for keyed sources. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/** The recordings ship as files next to the sources (the package includes src/demo/recordings). */
function recordingsDir(): string {
  const beside = fileURLToPath(new URL('./recordings/', import.meta.url));
  if (existsSync(beside)) return beside;
  return fileURLToPath(new URL('../../src/demo/recordings/', import.meta.url));
}

async function loadRecordings(dir: string): Promise<Recording[]> {
  const manifests = (await readdir(dir)).filter((name) => name.endsWith('.json')).sort();
  const lists = await Promise.all(manifests.map(async (name) => JSON.parse(await readFile(`${dir}${name}`, 'utf8')) as Recording[]));
  return lists.flat();
}

/**
 * Starts loopback servers replaying the bundled recordings, so `--demo` runs the whole pipeline
 * (client, limiters, breakers, cache, screens, output) with no network. Each source gets its own
 * port, hence its own host to the per-host limiter and breaker, as the real APIs do. Recorded
 * times are tokens rendered relative to now, so a demo always looks current.
 */
export async function startDemoServer(): Promise<DemoServer> {
  const dir = recordingsDir();
  const recordings = await loadRecordings(dir);
  const env: Record<string, string> = {};
  const servers: Server[] = [];
  for (const source of SOURCE_NAMES) {
    const server = createServer((request, response) => {
      void serve(source, request, response, recordings, dir);
    });
    server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    // Never keep the CLI alive on the demo servers' account.
    server.unref();
    servers.push(server);
    const { port } = server.address() as AddressInfo;
    env[`SCREEN_${source.toUpperCase()}_URL`] = `http://127.0.0.1:${port}/${source}`;
    const keyVar = KEY_ENV_VARS[source];
    if (keyVar && source !== 'coingecko') env[keyVar] = 'demo-key';
  }
  return {
    env,
    close: async () => {
      await Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              server.closeAllConnections();
              server.close(() => resolve());
            }),
        ),
      );
    },
  };
}

async function serve(
  source: SourceName,
  request: IncomingMessage,
  response: ServerResponse,
  recordings: Recording[],
  dir: string,
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://demo');
  const [, , ...rest] = url.pathname.split('/');
  const path = `/${rest.join('/')}`.replace(/\/+$/, '') || '/';
  const recording = recordings.find(
    (r) =>
      r.source === source &&
      r.path.replace(/\/+$/, '') === path &&
      Object.entries(r.query ?? {}).every(([name, value]) => url.searchParams.get(name)?.toLowerCase() === value.toLowerCase()),
  );
  if (!recording) {
    response.writeHead(404, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: `no demo recording for ${source}${path}` }));
    return;
  }
  try {
    const body = renderTimeTokens(await readFile(`${dir}${recording.file}`, 'utf8'), Date.now());
    response.writeHead(200, { 'content-type': recording.contentType, 'content-length': Buffer.byteLength(body) });
    response.end(body);
  } catch {
    response.writeHead(500, { 'content-type': 'text/plain' });
    response.end('demo recording unreadable');
  }
}
