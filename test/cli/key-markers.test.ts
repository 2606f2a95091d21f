import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderTimeTokens } from '../../src/demo/time-tokens.js';
import { KEY_ENV_VARS, SOURCE_NAMES, type SourceName } from '../../src/sources/source-names.js';
import type { FakeApi, RouteContext } from '../helpers/fake-api/index.js';
import { cleanEnv, FAST_ENV, removeDir, runMain, tempCacheDir, useCliSandbox, type CliRun } from '../helpers/run-cli.js';
import { listFilesDeep } from './ops-fixtures.js';

/**
 * Issue 13 item 1: no API key reaches any output, whatever an API answers. Every key variable is
 * set to a marker; the fake APIs answer with errors that echo the request they got (its URL, its
 * headers, so the key) back, in each API's own error shape, and CoinCap with the 200 answer the
 * issue found (`{"error":"bad request auth=Bearer <key>"}`). Then stdout, stderr, the log file,
 * the metrics file, every cache and state file and `status --json` are searched for the markers.
 */

/** One marker per key variable: letters and digits only, so no encoding hides one from the search. */
const MARKERS: Record<string, string> = Object.fromEntries(
  Object.values(KEY_ENV_VARS).map((variable, index) => [variable!, `QAHTMARKER${index}x${variable!.replace(/_/g, '')}`]),
);

let api: FakeApi;
let cacheDir: string;
let outDir: string;

useCliSandbox((sandbox) => {
  ({ api, cacheDir } = sandbox);
});
beforeEach(async () => {
  outDir = await tempCacheDir();
});
afterEach(async () => {
  await removeDir(outDir);
});

function markerEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const urls = Object.fromEntries(SOURCE_NAMES.map((source) => [`SCREEN_${source.toUpperCase()}_URL`, `${api.url}/${source}`]));
  return cleanEnv({ ...FAST_ENV, ...urls, ...MARKERS, SCREEN_CACHE_DIR: cacheDir, ...extra });
}

/** What the API received, as an API that quotes the request back in its error writes it. */
function echo(req: IncomingMessage): string {
  return `bad request auth=${req.headers.authorization ?? ''} for ${req.url} with headers ${JSON.stringify(req.headers)}`;
}

const JSON_TYPE = { 'content-type': 'application/json' };

/** Every path each source calls, under `/<source>`, answering an error that quotes the request. */
function routeEchoingErrors(): void {
  const json = (status: number, body: (req: IncomingMessage) => unknown) => (req: IncomingMessage, _url: URL, ctx: RouteContext) =>
    ctx.json(body(req), { status });
  const text =
    (status: number, type: string, prefix = '') =>
    (req: IncomingMessage, _url: URL, ctx: RouteContext) =>
      ctx.text(`${prefix}${echo(req)}`, { status, headers: { 'content-type': type } });
  const routes: Array<[SourceName, string, Parameters<FakeApi['route']>[2]]> = [
    ['coingecko', '/coins/markets', json(200, (req) => ({ status: { error_code: 10002, error_message: echo(req) } }))],
    ['binance', '/api/v3/ticker/24hr', json(400, (req) => ({ code: -1100, msg: echo(req) }))],
    ['binance', '/api/v3/exchangeInfo', json(400, (req) => ({ code: -1100, msg: echo(req) }))],
    // The answer of issue 13: HTTP 200 whose `error` echoes the Authorization header.
    ['coincap', '/assets', json(200, (req) => ({ error: echo(req) }))],
    // Keyless APIs behind a proxy that leaked other sources' keys into their errors: the
    // redaction knows every key of the environment, not only the source's own.
    ['google_news', '/rss/search', text(503, 'text/html', `upstream saw ${MARKERS.NEWSAPI_KEY}; `)],
    ['hn', '/search_by_date', json(500, (req) => ({ message: `upstream saw ${MARKERS.COINCAP_API_KEY}; ${echo(req)}` }))],
    ['gdelt', '/api/v2/doc/doc', text(200, 'text/html')],
    ['newsapi', '/v2/everything', json(401, (req) => ({ status: 'error', code: 'apiKeyInvalid', message: echo(req) }))],
    ['finnhub', '/news', json(200, (req) => ({ error: echo(req) }))],
    ['finnhub', '/company-news', json(200, (req) => ({ error: echo(req) }))],
    ['finnhub', '/quote', json(401, (req) => ({ error: echo(req) }))],
    ['alphavantage', '/query', json(200, (req) => ({ 'Error Message': echo(req) }))],
    ['stooq', '/q/l/', text(200, 'text/plain')],
  ];
  for (const [source, path, reply] of routes) api.route('GET', `/${source}${path}`, reply);
}

const RECORDINGS = new URL('../../src/demo/recordings/crypto/', import.meta.url);
const recording = (file: string): string => renderTimeTokens(readFileSync(new URL(file, RECORDINGS), 'utf8'), Date.now());

/**
 * Good crypto answers whose data quote the key too (a coin named after the request): the cache
 * must store, and the results show, the value without it.
 */
function routeCryptoEchoingData(): void {
  api.route('GET', '/coingecko/coins/markets', (req, url, ctx) => {
    if (url.searchParams.get('page') !== '1') return ctx.json([]);
    const coins = (JSON.parse(recording('coingecko-markets-page1.json')) as Array<Record<string, unknown>>).slice(0, 20);
    coins[0]!.name = `Bitcoin ${JSON.stringify(req.headers)}`;
    return ctx.json(coins);
  });
  api.route('GET', '/binance/api/v3/ticker/24hr', (_req, _url, ctx) =>
    ctx.text(recording('binance-ticker-24hr.json'), { headers: JSON_TYPE }),
  );
  api.route('GET', '/binance/api/v3/exchangeInfo', (_req, _url, ctx) =>
    ctx.text(recording('binance-exchange-info.json'), { headers: JSON_TYPE }),
  );
  api.route('GET', '/coincap/assets', (req, _url, ctx) => {
    const body = JSON.parse(recording('coincap-assets.json')) as { data: Array<Record<string, unknown>> };
    body.data = body.data.slice(0, 20);
    body.data[1]!.name = `Ethereum ${req.headers.authorization}`;
    return ctx.json(body);
  });
}

function markersIn(text: string): string[] {
  return Object.values(MARKERS).filter((marker) => text.includes(marker));
}

describe('API keys set to markers, APIs that echo the request back', () => {
  it('appear in no output, log, metrics, cache or state file, nor in status, before or after the key is unset', async () => {
    const logFile = join(outDir, 'qaht.log');
    const metricsFile = join(outDir, 'qaht.prom');
    const files = ['--log-file', logFile, '--metrics-file', metricsFile];
    const runs: CliRun[] = [];
    const run = async (args: string[], env = markerEnv()): Promise<CliRun> => {
      const result = await runMain(args, env);
      runs.push(result);
      if (args.includes('--metrics-file')) runs.push({ ...result, stdout: await readFile(metricsFile, 'utf8'), stderr: '' });
      return result;
    };

    // 1. Good answers that quote the key inside their data: served, cached.
    routeCryptoEchoingData();
    const served = await run(['crypto', '--json', ...files]);
    expect(served.code, served.stderr).toBe(0);
    expect(served.stdout).toContain('REDACTED');

    // 2. Every API now fails, quoting the request: crypto serves stale, news and market fail.
    api.reset();
    routeEchoingErrors();
    const stale = await run(['crypto', '--json', '--force-refresh', ...files]);
    expect(stale.code, stale.stderr).toBe(0);
    const coincap = (JSON.parse(stale.stdout) as { sources: Array<{ name: string; error: string | null }> }).sources.find(
      (source) => source.name === 'coincap',
    );
    // The CoinCap answer of the issue reached the JSON error, its key replaced.
    expect(coincap?.error).toMatch(/auth=Bearer REDACTED/);
    await run(['crypto', '--log-level', 'debug', '--force-refresh', ...files]);
    await run(['news', 'bitcoin', '--json', '--log-level', 'debug', ...files]);
    await run(['news', 'AAPL', ...files]);
    await run(['market', 'AAPL', 'MSFT', '--json', '--log-level', 'debug', ...files]);
    await run(['market', 'IBM', '--sources', 'stooq,alphavantage', ...files]);
    await run(['status']);
    await run(['status', '--json']);
    await run(['cache', 'ls', '--json']);

    // 3. The keys unset: what was stored stays free of them.
    const unset = await run(['status', '--json'], cleanEnv({ SCREEN_CACHE_DIR: cacheDir }));
    expect(unset.code).toBe(0);
    expect(unset.stdout).toMatch(/"lastFailureReason": ".*REDACTED/);

    // Every key did go out (so an echo had something to leak) ...
    const sent = api.requests.map((request) => `${request.path}?${request.query} ${JSON.stringify(request.headers)}`).join('\n');
    expect(markersIn(sent).sort()).toEqual(
      Object.values(MARKERS)
        .filter((marker) => !marker.includes('COINGECKO') || sent.includes(marker))
        .sort(),
    );
    // ... and none came back anywhere.
    const leaks: string[] = [];
    for (const [index, result] of runs.entries()) {
      for (const marker of markersIn(result.stdout)) leaks.push(`run ${index} stdout: ${marker}`);
      for (const marker of markersIn(result.stderr)) leaks.push(`run ${index} stderr: ${marker}`);
    }
    const log = await readFile(logFile, 'utf8');
    expect(log.split('\n').length).toBeGreaterThan(20);
    for (const marker of markersIn(log)) leaks.push(`log: ${marker}`);
    const stored = await listFilesDeep(cacheDir);
    expect(stored).toEqual(expect.arrayContaining(['state.json']));
    expect(stored.filter((file) => file.startsWith('http/')).length).toBeGreaterThan(2);
    for (const file of stored)
      for (const marker of markersIn(await readFile(join(cacheDir, file), 'utf8'))) leaks.push(`${file}: ${marker}`);
    expect(leaks).toEqual([]);
  });
});
