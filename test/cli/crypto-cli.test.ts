import { afterEach, describe, expect, it } from 'vitest';
import { startFakeApi, type FakeApi } from '../helpers/fake-api/index.js';
import { removeDir, runMain, tempCacheDir, useCliSandbox, type CliRun } from '../helpers/run-cli.js';
import {
  ageCacheEntries,
  ALL_CRYPTO_PATHS,
  BODIES,
  CRYPTO_PATHS,
  CRYPTO_SOURCE_NAMES,
  cryptoEnv,
  parseCryptoJson,
  readTree,
  routeBinance,
  routeCrypto,
  sourceReport,
  statusBySource,
  statusLine,
  TEST_COINCAP_KEY,
  type CryptoJson,
  type CryptoSourceName,
} from './crypto-fixtures.js';

/**
 * `screen crypto` as users run it, through `main` in-process, against a fake server playing CoinGecko,
 * Binance and CoinCap with their recorded answers (issue 4, "Must show"). Every case asserts
 * through what a user or a script sees: `--json` on stdout, the table, stderr, the exit code, and
 * what reached the server.
 */

const ALL_FRESH = Object.fromEntries(CRYPTO_SOURCE_NAMES.map((name) => [name, 'fresh']));
const ALL_CACHED = Object.fromEntries(CRYPTO_SOURCE_NAMES.map((name) => [name, 'cached']));
const ALL_STALE = Object.fromEntries(CRYPTO_SOURCE_NAMES.map((name) => [name, 'stale']));
const NUMERIC_FIELDS = ['priceUsd', 'change24hPct', 'change7dPct', 'volume24hUsd', 'marketCapUsd'] as const;

let api: FakeApi;
let cacheDir: string;
const extraDirs: string[] = [];

useCliSandbox((sandbox) => {
  ({ api, cacheDir } = sandbox);
  routeCrypto(api);
});
afterEach(async () => {
  await Promise.all(extraDirs.splice(0).map((dir) => removeDir(dir)));
});

function crypto(args: string[], extraEnv: Record<string, string> = {}, dir = cacheDir): Promise<CliRun> {
  return runMain(['crypto', ...args], cryptoEnv(api, dir, extraEnv));
}

interface JsonRun {
  code: number | null;
  stderr: string;
  doc: CryptoJson;
}

async function cryptoJson(args: string[], extraEnv: Record<string, string> = {}): Promise<JsonRun> {
  const run = await crypto([...args, '--json'], extraEnv);
  return { code: run.code, stderr: run.stderr, doc: parseCryptoJson(run.stdout) };
}

/** A normal run that fills the cache; fails the test at once if it did not work. */
async function warmCache(): Promise<JsonRun> {
  const run = await cryptoJson([]);
  expect(run.code, run.stderr).toBe(0);
  expect(statusBySource(run.doc), run.stderr).toEqual(ALL_FRESH);
  return run;
}

function expectRanked(doc: CryptoJson): void {
  expect(doc.results.length).toBeGreaterThan(0);
  for (let i = 1; i < doc.results.length; i += 1) {
    expect(doc.results[i]!.score, `row ${i} (${doc.results[i]!.id})`).toBeLessThanOrEqual(doc.results[i - 1]!.score);
  }
}

function resultIds(doc: CryptoJson): string[] {
  return doc.results.map((row) => row.id);
}

describe('screen crypto: all sources up', () => {
  it('ranks coins from all three sources, as JSON and as a table, with status lines and the timing summary', async () => {
    const tableDir = await tempCacheDir();
    extraDirs.push(tableDir);
    const [{ code, stderr, doc }, table] = await Promise.all([cryptoJson([]), crypto([], {}, tableDir)]);

    // JSON document.
    expect(code, stderr).toBe(0);
    expect(doc.command).toBe('crypto');
    expect(new Date(doc.generatedAt).toISOString()).toBe(doc.generatedAt);
    expect(statusBySource(doc)).toEqual(ALL_FRESH);
    for (const source of doc.sources) {
      expect(source.error, source.name).toBeNull();
      expect(source.ageSeconds, source.name).toBe(0);
      expect(source.items, source.name).toBeGreaterThan(0);
    }
    expect(sourceReport(doc, 'coingecko').items).toBe(BODIES.coingecko.length);
    expect(sourceReport(doc, 'coincap').items).toBe(BODIES.coincap.data.length);

    expectRanked(doc);
    for (const row of doc.results) {
      for (const field of [
        'rank',
        'id',
        'symbol',
        'name',
        'priceUsd',
        'change24hPct',
        'change7dPct',
        'volume24hUsd',
        'marketCapUsd',
        'score',
        'sources',
      ]) {
        expect(row, field).toHaveProperty(field);
      }
      for (const field of NUMERIC_FIELDS) {
        const value = row[field];
        expect(
          value === null || (typeof value === 'number' && Number.isFinite(value)),
          `${row.id}.${field} = ${JSON.stringify(value)}`,
        ).toBe(true);
      }
      expect(typeof row.score).toBe('number');
      expect(row.rank === null || typeof row.rank === 'number').toBe(true);
      // Default gate: at least $1M traded in 24 h.
      expect(row.volume24hUsd).toBeGreaterThanOrEqual(1_000_000);
    }
    // The big coins are there with real numbers, merged across the three sources.
    const bitcoin = doc.results.find((row) => row.id === 'bitcoin');
    expect(bitcoin).toMatchObject({
      symbol: 'BTC',
      name: 'Bitcoin',
      rank: 1,
      priceUsd: expect.any(Number),
      marketCapUsd: expect.any(Number),
    });
    expect([...bitcoin!.sources].sort()).toEqual(['binance', 'coincap', 'coingecko']);
    expect(doc.results.filter((row) => row.sources.includes('binance')).length).toBeGreaterThan(10);

    // Exclusions keep their reasons, and excluded coins are not in the results.
    expect(doc.excluded.length).toBeGreaterThan(0);
    for (const exclusion of doc.excluded) expect(exclusion.reason, exclusion.id).toMatch(/\S/);
    expect(doc.excluded).toContainEqual({ id: 'tether', reason: expect.stringMatching(/stablecoin/) });
    expect(doc.excluded).toContainEqual({ id: 'wrapped-bitcoin', reason: expect.stringMatching(/wrapped/) });
    const ids = new Set(resultIds(doc));
    for (const exclusion of doc.excluded) expect(ids.has(exclusion.id), exclusion.id).toBe(false);

    // stderr: one status line per source, the exclusion count, then the timing summary.
    for (const name of CRYPTO_SOURCE_NAMES) expect(statusLine(stderr, name), name).toMatch(/fresh\s+\d+ items/);
    expect(stderr).toMatch(new RegExp(`${doc.excluded.length} excluded`));
    expect(stderr).toMatch(/^timing: run /m);
    expect(stderr).toMatch(/cache hit rate 0% \(0\/\d+\)/);
    expect(stderr).toMatch(new RegExp(`${api.host.replace(/\./g, '\\.')} \\(coingecko\\)\\s+\\d+ req\\s+mean`));

    // The keyed source got its key the way CoinCap wants it; CoinGecko asked for the real page.
    const coincapRequest = api.requests.find((r) => r.path === CRYPTO_PATHS.coincap);
    expect(coincapRequest?.headers.authorization).toBe(`Bearer ${TEST_COINCAP_KEY}`);
    const geckoRequest = api.requests.find((r) => r.path === CRYPTO_PATHS.coingecko);
    expect(geckoRequest?.query.get('vs_currency')).toBe('usd');
    expect(geckoRequest?.query.get('page')).toBe('1');

    // The table (no --json): header and one row per result, in the same order as the JSON.
    expect(table.code, table.stderr).toBe(0);
    const lines = table.stdout.split('\n').filter((line) => line.includes('│'));
    const header = lines[0] ?? '';
    for (const title of ['#', 'Symbol', 'Name', 'Price $', '24h %', '7d %', 'Volume', 'Score']) expect(header).toContain(title);
    const rows = lines.slice(1).map((line) => line.split('│').map((cell) => cell.trim()));
    expect(rows).toHaveLength(doc.results.length);
    expect(rows.map((cells) => cells[2])).toEqual(doc.results.map((row) => row.symbol));
    expect(table.stdout).not.toMatch(/\u001b\[/); // NO_COLOR, not a TTY
    for (const name of CRYPTO_SOURCE_NAMES) expect(statusLine(table.stderr, name), name).toMatch(/fresh/);
    expect(table.stderr).toMatch(/^timing: run /m);
    expect(table.stderr).toMatch(/cache hit rate/);
  });
});

describe('screen crypto: degraded sources', () => {
  it('one source down: partial results with exit 0, its status failed; exit 3 with --strict', async () => {
    api.fault(CRYPTO_PATHS.binanceTicker, { status: 500 });
    api.fault(CRYPTO_PATHS.binanceExchangeInfo, { status: 500 });

    const { code, stderr, doc } = await cryptoJson([]);
    expect(code, stderr).toBe(0);
    expect(statusBySource(doc)).toEqual({ coingecko: 'fresh', binance: 'failed', coincap: 'fresh' });
    const binance = sourceReport(doc, 'binance');
    expect(binance).toMatchObject({ items: 0, fetchedAt: null, ageSeconds: null });
    expect(binance.error).toMatch(/500/);
    expect(statusLine(stderr, 'binance')).toMatch(/failed\s+.*500/);
    expectRanked(doc);
    for (const row of doc.results) expect(row.sources, row.id).not.toContain('binance');
    expect(api.requestCount(CRYPTO_PATHS.binanceTicker)).toBeGreaterThan(0);

    const strict = await crypto(['--strict', '--json']);
    expect(strict.code, strict.stderr).toBe(3);
    const strictDoc = parseCryptoJson(strict.stdout);
    expect(sourceReport(strictDoc, 'binance').status).toBe('failed');
    expect(strictDoc.results.length).toBeGreaterThan(0);
  });

  it('all down with a warm cache: every source stale, results served, exit 0 (3 under --strict)', async () => {
    const warm = await warmCache();
    // Past the 60 s TTL of markets, ticker and assets (a cron run a few minutes later), so this
    // run must fetch; exchangeInfo (24 h TTL) is still fresh.
    expect(await ageCacheEntries(cacheDir, 10 * 60_000)).toBe(4);
    api.fault('*', { status: 503 });

    const { code, stderr, doc } = await cryptoJson([]);
    expect(code, stderr).toBe(0);
    expect(statusBySource(doc)).toEqual(ALL_STALE);
    for (const source of doc.sources) {
      const before = sourceReport(warm.doc, source.name as CryptoSourceName);
      expect(source.items, source.name).toBe(before.items);
      expect(source.ageSeconds, source.name).toBeGreaterThanOrEqual(600);
      // All three share the fake's one host, so its breaker may open mid-run and be the last word.
      expect(source.error, source.name).toMatch(/503|circuit open/);
    }
    for (const name of CRYPTO_SOURCE_NAMES) expect(statusLine(stderr, name), name).toMatch(/stale\s+\d+ items, 10m old \(/);
    // Each source really tried before the cache served.
    for (const path of [CRYPTO_PATHS.coingecko, CRYPTO_PATHS.binanceTicker, CRYPTO_PATHS.coincap]) {
      expect(api.requestCount(path), path).toBeGreaterThan(1);
    }
    expectRanked(doc);
    expect(resultIds(doc)).toEqual(resultIds(warm.doc));

    const strict = await crypto(['--strict']);
    expect(strict.code, strict.stderr).toBe(3);
    expect(strict.stdout).toContain('Bitcoin');
  });

  it('all down with a fresh warm cache and --force-refresh: served marked stale with the reason', async () => {
    const warm = await warmCache();
    const before = ALL_CRYPTO_PATHS.map((path) => api.requestCount(path));
    api.fault('*', { status: 503 });

    const { code, stderr, doc } = await cryptoJson(['--force-refresh']);
    expect(code, stderr).toBe(0);
    // The refresh was really attempted (not served from the fresh cache without asking).
    expect(api.requestCount(CRYPTO_PATHS.coingecko)).toBeGreaterThan(before[0]!);
    expect(api.requestCount(CRYPTO_PATHS.binanceTicker)).toBeGreaterThan(before[1]!);
    expect(api.requestCount(CRYPTO_PATHS.coincap)).toBeGreaterThan(before[3]!);
    // Within the TTL, but the user asked for new data and did not get it: CONTRACT says stale.
    expect(statusBySource(doc)).toEqual(ALL_STALE);
    for (const source of doc.sources) {
      expect(source.fetchedAt, source.name).toBe(sourceReport(warm.doc, source.name as CryptoSourceName).fetchedAt);
      expect(source.error, source.name).toMatch(/503|circuit open/);
    }
    for (const name of CRYPTO_SOURCE_NAMES) expect(statusLine(stderr, name), name).toMatch(/stale\s+\d+ items, .* old \(/);
    expect(resultIds(doc)).toEqual(resultIds(warm.doc));

    const strict = await crypto(['--force-refresh', '--strict']);
    expect(strict.code, strict.stderr).toBe(3);
    expect(strict.stdout).toContain('Bitcoin');
  });

  it('all down with no cache: exit 1 and "no results" on stderr', async () => {
    api.fault('*', { status: 503 });

    const run = await crypto(['--json']);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/no results/);
    const doc = parseCryptoJson(run.stdout);
    expect(statusBySource(doc)).toEqual({ coingecko: 'failed', binance: 'failed', coincap: 'failed' });
    expect(doc.results).toEqual([]);
    for (const name of CRYPTO_SOURCE_NAMES) expect(statusLine(run.stderr, name), name).toMatch(/failed\s+\S/);

    const table = await crypto([]);
    expect(table.code).toBe(1);
    expect(table.stdout).toBe('');
    expect(table.stderr).toMatch(/no results/);
  });

  it('CoinGecko 429 with Retry-After: waits, retries, succeeds, and counts the 429', async () => {
    api.fault(CRYPTO_PATHS.coingecko, { status: 429, retryAfter: '1' }, { times: 1 });

    const { code, stderr, doc } = await cryptoJson([]);
    expect(code, stderr).toBe(0);
    expect(statusBySource(doc)).toEqual(ALL_FRESH);
    expect(sourceReport(doc, 'coingecko').items).toBe(BODIES.coingecko.length);
    expectRanked(doc);

    const gecko = api.requests.filter((r) => r.path === CRYPTO_PATHS.coingecko);
    expect(gecko).toHaveLength(2);
    // Retry-After: 1 was honoured (the fast test backoff alone would retry after ~20 ms).
    expect(gecko[1]!.at - gecko[0]!.at).toBeGreaterThanOrEqual(950);
    expect(stderr).toMatch(/429s 1\b/);
    expect(stderr).toMatch(/retries 1\b/);
  });

  it('Binance 451 on the first host: falls back to the next host, binance fresh', async () => {
    const second = await startFakeApi({ host: '127.0.0.2' });
    try {
      routeBinance(second);
      api.fault(CRYPTO_PATHS.binanceTicker, { status: 451, json: { code: 0, msg: 'Service unavailable from a restricted location' } });
      api.fault(CRYPTO_PATHS.binanceExchangeInfo, {
        status: 451,
        json: { code: 0, msg: 'Service unavailable from a restricted location' },
      });

      const run = await runMain(['crypto', '--json'], cryptoEnv(api, cacheDir, {}, [`${api.url}/bn`, `${second.url}/bn`]));
      expect(run.code, run.stderr).toBe(0);
      const doc = parseCryptoJson(run.stdout);
      expect(statusBySource(doc)).toEqual(ALL_FRESH);
      expect(sourceReport(doc, 'binance').items).toBeGreaterThan(0);
      expect(doc.results.some((row) => row.sources.includes('binance'))).toBe(true);

      // The refusing host is not hammered: a 451 is a refusal, not something to retry.
      const refused = api.requests.filter((r) => r.path.startsWith('/bn/')).length;
      expect(refused).toBeGreaterThanOrEqual(1);
      expect(refused).toBeLessThanOrEqual(2);
      expect(second.requestCount(CRYPTO_PATHS.binanceTicker)).toBe(1);
      expect(second.requestCount(CRYPTO_PATHS.binanceExchangeInfo)).toBe(1);
      expect(run.stderr).toMatch(/binance: .*refused \(HTTP 451\)/);
    } finally {
      await second.close();
    }
  });
});

describe('screen crypto: garbage from one source', () => {
  it('CoinGecko sends malformed JSON: coingecko failed with "unexpected data", the others go on', async () => {
    api.fault(CRYPTO_PATHS.coingecko, 'malformed-json');

    const { code, stderr, doc } = await cryptoJson([]);
    expect(code, stderr).toBe(0);
    expect(statusBySource(doc)).toEqual({ coingecko: 'failed', binance: 'fresh', coincap: 'fresh' });
    expect(sourceReport(doc, 'coingecko').error).toMatch(/unexpected data/);
    expect(statusLine(stderr, 'coingecko')).toMatch(/failed\s+.*unexpected data/);
    // CoinCap stands in as the universe.
    expectRanked(doc);
    expect(doc.results.find((row) => row.id === 'bitcoin')?.sources).toEqual(expect.arrayContaining(['coincap', 'binance']));
    for (const row of doc.results) expect(row.sources, row.id).not.toContain('coingecko');
  });

  it('CoinCap changes shape ({"data":{"message":...}}): coincap failed with "unexpected data", the others go on', async () => {
    api.route('GET', CRYPTO_PATHS.coincap, {
      json: { data: { message: 'v2 has been retired, please move to rest.coincap.io/v3' }, timestamp: 1 },
    });

    const { code, stderr, doc } = await cryptoJson([]);
    expect(code, stderr).toBe(0);
    expect(statusBySource(doc)).toEqual({ coingecko: 'fresh', binance: 'fresh', coincap: 'failed' });
    expect(sourceReport(doc, 'coincap').error).toMatch(/unexpected data/);
    expect(statusLine(stderr, 'coincap')).toMatch(/failed\s+.*unexpected data/);
    expectRanked(doc);
    for (const row of doc.results) expect(row.sources, row.id).not.toContain('coincap');
    expect(doc.results.find((row) => row.id === 'bitcoin')?.sources).toEqual(expect.arrayContaining(['coingecko', 'binance']));
  });
});

describe('screen crypto: cache', () => {
  it('--offline with a cache: serves it without any request, exit 0', async () => {
    const warm = await warmCache();
    const before = api.requests.length;

    const { code, stderr, doc } = await cryptoJson(['--offline']);
    expect(code, stderr).toBe(0);
    expect(api.requests.length).toBe(before);
    for (const source of doc.sources) expect(['cached', 'stale'], source.name).toContain(source.status);
    expect(resultIds(doc)).toEqual(resultIds(warm.doc));
    expect(stderr).toMatch(/no network requests/);
  });

  it('--offline without a cache: no request, exit 1', async () => {
    const run = await crypto(['--offline', '--json']);
    expect(run.code, run.stderr).toBe(1);
    expect(api.requests).toHaveLength(0);
    const doc = parseCryptoJson(run.stdout);
    expect(statusBySource(doc)).toEqual({ coingecko: 'failed', binance: 'failed', coincap: 'failed' });
    for (const source of doc.sources) expect(source.error, source.name).toMatch(/offline/);
    expect(run.stderr).toMatch(/no results/);
  });

  it('--force-refresh bypasses a fresh cache: new requests, statuses fresh', async () => {
    await warmCache();
    const counts = ALL_CRYPTO_PATHS.map((path) => api.requestCount(path));

    const { code, stderr, doc } = await cryptoJson(['--force-refresh']);
    expect(code, stderr).toBe(0);
    expect(statusBySource(doc)).toEqual(ALL_FRESH);
    expect(api.requestCount(CRYPTO_PATHS.coingecko)).toBe(counts[0]! + 1);
    expect(api.requestCount(CRYPTO_PATHS.binanceTicker)).toBe(counts[1]! + 1);
    expect(api.requestCount(CRYPTO_PATHS.coincap)).toBe(counts[3]! + 1);
    expect(stderr).toMatch(/cache hit rate 0%/);
  });

  it('a second run within the TTL makes no request: statuses cached, hit rate 100%', async () => {
    const first = await warmCache();
    const before = api.requests.length;

    const { code, stderr, doc } = await cryptoJson([]);
    expect(code, stderr).toBe(0);
    expect(api.requests.length).toBe(before);
    expect(statusBySource(doc)).toEqual(ALL_CACHED);
    for (const source of doc.sources) {
      expect(source.fetchedAt, source.name).toBe(sourceReport(first.doc, source.name as CryptoSourceName).fetchedAt);
      expect(source.error, source.name).toBeNull();
    }
    expect(resultIds(doc)).toEqual(resultIds(first.doc));
    for (const name of CRYPTO_SOURCE_NAMES) expect(statusLine(stderr, name), name).toMatch(/cached\s+\d+ items, .* old/);
    expect(stderr).toMatch(/cache hit rate 100% \((\d+)\/\1\)/);
    expect(stderr).toMatch(/no network requests/);
  });
});

describe('screen crypto: secrets', () => {
  it('never writes API keys to stdout, stderr (even at debug level) or the cache dir', async () => {
    const secrets = ['sekrit-value-123', 'another-sekrit-456'];
    const env = { COINCAP_API_KEY: secrets[0]!, COINGECKO_API_KEY: secrets[1]! };
    const outputs: string[] = [];

    // First, hostile failures with an empty cache, so the errors reach JSON and status lines:
    // bodies that echo the credentials back, as some APIs do.
    const echoBody = (header: string | string[] | undefined) => JSON.stringify({ error: `bad credentials: ${String(header)}` });
    const jsonHeaders = { 'content-type': 'application/json' };
    api.route('GET', CRYPTO_PATHS.coincap, (req, _url, ctx) =>
      ctx.text(echoBody(req.headers.authorization), { status: 401, headers: jsonHeaders }),
    );
    api.route('GET', CRYPTO_PATHS.coingecko, (req, _url, ctx) =>
      ctx.text(echoBody(req.headers['x-cg-demo-api-key']), { status: 500, headers: jsonHeaders }),
    );
    const failing = await crypto(['--json', '--log-level', 'debug'], env);
    expect(failing.code, failing.stderr).toBe(0);
    const failingDoc = parseCryptoJson(failing.stdout);
    expect(statusBySource(failingDoc)).toEqual({ coingecko: 'failed', binance: 'fresh', coincap: 'failed' });
    expect(sourceReport(failingDoc, 'coincap').error).toMatch(/401/);
    expect(sourceReport(failingDoc, 'coingecko').error).toMatch(/500/);
    // The echoed body does reach the JSON error (status lines drop bodies), so the scrubbing is really exercised.
    expect(sourceReport(failingDoc, 'coincap').error).toMatch(/401.*bad credentials/);
    expect(statusLine(failing.stderr, 'coincap')).toMatch(/failed\s+HTTP 401 from 127\.0\.0\.1:\d+$/);
    outputs.push(failing.stdout, failing.stderr);
    const failingTable = await crypto(['--log-level', 'debug'], env);
    expect(failingTable.stderr).toMatch(/coincap\s+failed\s+.*401/);
    outputs.push(failingTable.stdout, failingTable.stderr);

    // Then normal runs that write every source to the cache, and an offline read of it.
    routeCrypto(api);
    const ok = await crypto(['--json', '--log-level', 'debug'], env);
    expect(ok.code, ok.stderr).toBe(0);
    expect(statusBySource(parseCryptoJson(ok.stdout))).toEqual({ coingecko: 'fresh', binance: 'cached', coincap: 'fresh' });
    outputs.push(ok.stdout, ok.stderr);
    const offline = await crypto(['--offline', '--csv', '--log-level', 'debug'], env);
    expect(offline.code, offline.stderr).toBe(0);
    outputs.push(offline.stdout, offline.stderr);

    // The keys did go where each API wants them.
    expect(api.requests.filter((r) => r.path === CRYPTO_PATHS.coincap).map((r) => r.headers.authorization)).toContain(
      `Bearer ${secrets[0]}`,
    );
    expect(api.requests.filter((r) => r.path === CRYPTO_PATHS.coingecko).map((r) => r.headers['x-cg-demo-api-key'])).toContain(secrets[1]);

    const files = await readTree(cacheDir);
    expect(files.length).toBeGreaterThan(0);
    for (const secret of secrets) {
      for (const [index, text] of outputs.entries()) expect(text.includes(secret), `output #${index} contains ${secret}`).toBe(false);
      for (const file of files) {
        expect(file.content.includes(secret), `${file.path} contains ${secret}`).toBe(false);
        expect(file.path.includes(secret), file.path).toBe(false);
      }
    }
  });
});
