/**
 * 9. `screen serve` under 300 concurrent readers of `/api/signals?screen=crypto` (the built bin,
 * its crypto sources on a loopback stand-in that counts requests): readers polling ten times a
 * second, and the same readers back to back (the server at saturation). Each against a bare
 * Node server sending the same bytes, measured in the same run.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readLoad, type ReadLoad } from '../serve/load-readers.js';
import { ms, progress, type BenchResult, type BenchRow } from './bench-types.js';
import { binanceExchangeInfoBody, binanceTickerBody, coincapAssetsBody, coingeckoMarketsBody, syntheticCoins } from './synthetic-crypto.js';

const READERS = 300;
const PAUSE_MS = 100;
const WARMUP_MS = 1_000;
const DURATION_MS = 3_000;
const P99_LIMIT_MS = 100;
const BIN = fileURLToPath(new URL('../../bin/screen.js', import.meta.url));
const BARE = fileURLToPath(new URL('./bare-doc-server.mjs', import.meta.url));

/** The crypto APIs on loopback, counting what reaches them. */
export async function startUpstream(): Promise<{ env: Record<string, string>; requests: () => number; close: () => Promise<void> }> {
  const coins = syntheticCoins(250);
  const bodies: Record<string, string> = {
    '/coingecko/coins/markets': coingeckoMarketsBody(coins),
    '/binance/api/v3/ticker/24hr': binanceTickerBody(coins),
    '/binance/api/v3/exchangeInfo': binanceExchangeInfoBody(coins),
    '/coincap/assets': coincapAssetsBody(coins),
  };
  let requests = 0;
  const server: Server = createServer((req, res) => {
    requests += 1;
    req.resume();
    const body = bodies[new URL(req.url ?? '/', 'http://localhost').pathname];
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
    res.end(body ?? '{"error":"not found"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    env: {
      SCREEN_COINGECKO_URL: `${origin}/coingecko`,
      SCREEN_BINANCE_URL: `${origin}/binance`,
      SCREEN_COINCAP_URL: `${origin}/coincap`,
      COINCAP_API_KEY: 'bench-key',
      SCREEN_PACE_MS: '0',
      // Never the real stream: a loopback port nothing listens on (bench 18 plays one).
      SCREEN_BINANCE_WS_URL: 'ws://127.0.0.1:1/ws',
    },
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Starts a child that prints its origin (serve on stderr, the bare server on stdout). */
export function startChild(
  args: string[],
  env: NodeJS.ProcessEnv,
  pattern: RegExp,
  stream: 'stdout' | 'stderr',
): Promise<{ child: ChildProcess; origin: string }> {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  return new Promise((resolve, reject) => {
    child[stream]!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = pattern.exec(text);
      if (match) resolve({ child, origin: match[1]! });
    });
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited (${String(code)}) before listening: ${text}`)));
  });
}

export function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

function row(benchmark: string, serve: ReadLoad, bare: ReadLoad, paced: boolean): BenchRow {
  const ok = serve.errors === 0 && Object.keys(serve.statuses).join() === '200';
  return {
    benchmark,
    measured: `p99 ${ms(serve.p99Ms)}, p50 ${ms(serve.p50Ms)}, ${serve.perSecond.toFixed(0)}/s${ok ? ', all 200' : ', NOT all 200'}`,
    baseline: `bare server: p99 ${ms(bare.p99Ms)}, ${bare.perSecond.toFixed(0)}/s`,
    ratio: paced ? serve.p99Ms / bare.p99Ms : bare.perSecond / serve.perSecond,
    target: paced ? `p99 < ${P99_LIMIT_MS} ms` : 'info',
    pass: paced ? ok && serve.p99Ms < P99_LIMIT_MS : null,
    values: {
      p50Ms: serve.p50Ms,
      p99Ms: serve.p99Ms,
      maxMs: serve.maxMs,
      perSecond: serve.perSecond,
      errors: serve.errors,
      bareP99Ms: bare.p99Ms,
      barePerSecond: bare.perSecond,
    },
  };
}

export async function benchServeReaders(): Promise<BenchResult> {
  const upstream = await startUpstream();
  const dir = await mkdtemp(join(tmpdir(), 'qaht-bench-serve-'));
  const env: NodeJS.ProcessEnv = { ...process.env, ...upstream.env, SCREEN_CACHE_DIR: dir, NO_COLOR: '1' };
  const serve = await startChild(
    [BIN, 'serve', '--port', '0', '--every', 'crypto=60s,news=off,market=off', '--rate-limit', '10000000'],
    env,
    /listening on (\S+)/,
    'stderr',
  );
  try {
    const url = `${serve.origin}/api/signals?screen=crypto`;
    let document: Buffer | undefined;
    for (let tries = 0; !document && tries < 200; tries++) {
      const response = await fetch(url);
      if (response.status === 200) document = Buffer.from(await response.arrayBuffer());
      else await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if (!document) throw new Error('screen serve had nothing to serve after 10 s');
    const file = join(dir, 'document.json');
    await writeFile(file, document);
    const bare = await startChild([BARE, file], env, /(http:\/\/\S+)/, 'stdout');
    try {
      const before = upstream.requests();
      const load = (target: string, pauseMs: number) =>
        readLoad({ url: target, readers: READERS, pauseMs, warmupMs: WARMUP_MS, durationMs: DURATION_MS });
      const pacedServe = await load(url, PAUSE_MS);
      const pacedBare = await load(`${bare.origin}/`, PAUSE_MS);
      const fullServe = await load(url, 0);
      const fullBare = await load(`${bare.origin}/`, 0);
      const upstreamDuring = upstream.requests() - before;
      progress(
        `serve readers: paced p99 ${pacedServe.p99Ms.toFixed(1)} ms, back to back ${fullServe.perSecond.toFixed(0)}/s; upstream requests during the load: ${upstreamDuring}`,
      );
      const rows = [
        row(`10a serve: ${READERS} readers, each every ${PAUSE_MS} ms`, pacedServe, pacedBare, true),
        row(`10b serve: ${READERS} readers back to back (throughput ratio bare ÷ serve)`, fullServe, fullBare, false),
        {
          benchmark: '10c serve: upstream requests during the load',
          measured: String(upstreamDuring),
          baseline: 'schedule: 0 due (crypto every 60 s)',
          ratio: null,
          target: '= 0',
          pass: upstreamDuring === 0,
        },
      ];
      return {
        id: '9',
        title: 'serve under 300 readers',
        rows,
        notes: [
          `10: the built bin serving ${document.length} bytes of crypto document to ${READERS} keep-alive readers on loopback (a bare-socket client), ${WARMUP_MS} ms warm-up then ${DURATION_MS} ms measured; the baseline is a bare node:http server sending the same bytes. 10a is the test's case (test/serve/serve-load.test.ts); 10b drives both to saturation, where latency is readers ÷ throughput.`,
        ],
      };
    } finally {
      await stop(bare.child);
    }
  } finally {
    await stop(serve.child);
    await upstream.close();
    await rm(dir, { recursive: true, force: true });
  }
}
