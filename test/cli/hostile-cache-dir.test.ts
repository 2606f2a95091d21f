/**
 * Issue 13 items 2, 3, 4, 8 and 11 through the whole CLI, in-process (`main(argv, io)`), against the
 * fake API on loopback: whatever the cache dir holds, a run answers, says what it could not keep,
 * and never hangs or crashes.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/terminal.js';
import { DiskCache } from '../../src/store/file/disk-cache.js';
import { ageCacheEntries } from '../helpers/cache-files.js';
import { startFakeApi, type FakeApi } from '../helpers/fake-api/index.js';
import { removeDir, tempCacheDir } from '../helpers/run-cli.js';
import { makeFifo } from '../store/store-helpers.js';
import { cryptoEnv, CRYPTO_PATHS, parseCommandJson, routeCrypto, statusBySource } from './ops-fixtures.js';
import { NEWS_PATHS, newsEnv, routeRecordings } from './news-fixtures.js';

const COINGECKO_KEY = 'coingecko:coins/markets?vs_currency=usd&top=250';

async function screen(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    env,
  };
  const code = await main(['node', 'screen', ...args], io);
  return { code, stdout, stderr };
}

describe('a hostile or broken cache dir, through the CLI', () => {
  let api: FakeApi;
  let cacheDir: string;
  beforeAll(async () => {
    api = await startFakeApi();
  });
  afterAll(async () => {
    await api.close();
  });
  beforeEach(async () => {
    api.reset();
    cacheDir = await tempCacheDir();
    return () => removeDir(cacheDir);
  });

  it.runIf(existsSync('/proc/self'))(
    'SCREEN_CACHE_DIR in /proc: exit 2 with one line, at once (item 2)',
    async () => {
      for (const dir of ['/proc/qaht-nope', '/proc/self/x']) {
        const run = await screen(['crypto', '--json'], cryptoEnv(api, dir));
        expect(run.code).toBe(2);
        expect(run.stdout).toBe('');
        expect(run.stderr).toBe(`screen: cache directory ${dir} is not writable: no such file or directory\n`);
        // status and cache ls only read: nothing there, nothing to hang on.
        expect((await screen(['status', '--json'], cryptoEnv(api, dir))).code).toBe(0);
        expect((await screen(['cache', 'ls'], cryptoEnv(api, dir))).code).toBe(0);
      }
      expect(api.requests).toHaveLength(0);
    },
    10_000,
  );

  it('a FIFO as the entry and as state.json: the run, status and cache ls answer (items 2, 11)', async () => {
    routeCrypto(api);
    const env = cryptoEnv(api, cacheDir);
    const entry = new DiskCache({ dir: cacheDir }).fileFor(COINGECKO_KEY);
    await mkdir(join(cacheDir, 'http'), { recursive: true });
    makeFifo(entry);
    makeFifo(join(cacheDir, 'state.json'));
    expect((await screen(['status', '--json'], env)).code).toBe(0);
    expect((await screen(['cache', 'ls', '--json'], env)).code).toBe(0);
    const run = await screen(['crypto', '--json'], env);
    expect(run.code, run.stderr).toBe(0);
    expect(statusBySource(parseCommandJson(run.stdout))).toMatchObject({ coingecko: 'fresh', binance: 'fresh' });
    // The next run is served by the entry that replaced the FIFO.
    const next = await screen(['crypto', '--json'], env);
    expect(statusBySource(parseCommandJson(next.stdout))).toMatchObject({ coingecko: 'cached' });
  }, 15_000);

  it.runIf(existsSync('/dev/zero'))(
    'a link to /dev/zero as the entry and as state.json is a miss, never read (item 11)',
    async () => {
      routeCrypto(api);
      const env = cryptoEnv(api, cacheDir);
      await mkdir(join(cacheDir, 'http'), { recursive: true });
      await symlink('/dev/zero', new DiskCache({ dir: cacheDir }).fileFor(COINGECKO_KEY));
      await symlink('/dev/zero', join(cacheDir, 'state.json'));
      const run = await screen(['crypto', '--json'], env);
      expect(run.code, run.stderr).toBe(0);
      expect(statusBySource(parseCommandJson(run.stdout))).toMatchObject({ coingecko: 'fresh' });
      expect((await screen(['status', '--json'], env)).code).toBe(0);
    },
    15_000,
  );

  it('a valid-looking entry whose value is a string: refetched, no crash (item 3)', async () => {
    routeCrypto(api);
    const env = cryptoEnv(api, cacheDir);
    await (await DiskCache.open({ dir: cacheDir })).set({ source: 'coingecko', key: COINGECKO_KEY, value: 'oops', ttlMs: 60_000 });
    const run = await screen(['crypto', '--json'], env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(/this is a bug|is not a function/);
    const doc = parseCommandJson(run.stdout);
    expect(statusBySource(doc)).toMatchObject({ coingecko: 'fresh' });
    expect(doc.results.length).toBeGreaterThan(0);
    expect(api.requestCount(CRYPTO_PATHS.coingecko)).toBeGreaterThanOrEqual(1);
  }, 15_000);

  it('GDELT answering a data object on a warm cache: stale with the good items, the entry kept (item 4)', async () => {
    routeRecordings(api);
    const env = newsEnv(api, cacheDir, { NEWSAPI_KEY: '', FINNHUB_API_KEY: '' });
    const first = await screen(['news', 'bitcoin etf', '--json', '--sources', 'gdelt'], env);
    expect(first.code, first.stderr).toBe(0);
    const good = parseCommandJson(first.stdout).sources.find((source) => source.name === 'gdelt')!;
    expect(good).toMatchObject({ status: 'fresh' });
    expect(good.items).toBeGreaterThan(0);

    await ageCacheEntries(cacheDir, 10 * 60_000);
    const entryFile = new DiskCache({ dir: cacheDir }).fileFor(
      `gdelt:api/v2/doc/doc?${new URLSearchParams({ q: 'bitcoin etf', since: String(24 * 3_600_000) })}`,
    );
    const before = await readFile(entryFile, 'utf8');
    api.route('GET', NEWS_PATHS.gdelt, { json: { data: { message: 'This API version is retired' }, timestamp: 1 } });
    const second = await screen(['news', 'bitcoin etf', '--json', '--sources', 'gdelt'], env);
    expect(second.code, second.stderr).toBe(0);
    const served = parseCommandJson(second.stdout).sources.find((source) => source.name === 'gdelt')!;
    expect(served).toMatchObject({ status: 'stale', items: good.items });
    expect(served.error).toMatch(/gdelt returned unexpected data: an object without "articles"/);
    expect(await readFile(entryFile, 'utf8')).toBe(before);
  }, 15_000);

  it('a directory where an entry belongs: the run warns once, and status says so (item 8)', async () => {
    routeCrypto(api);
    const env = cryptoEnv(api, cacheDir);
    const entry = new DiskCache({ dir: cacheDir }).fileFor(COINGECKO_KEY);
    await mkdir(entry, { recursive: true });
    const run = await screen(['crypto', '--json'], env);
    expect(run.code, run.stderr).toBe(0);
    const warning = `warning: coingecko data is not cached: ${entry} is a directory where its cache entry belongs\n`;
    expect(run.stderr.split(warning)).toHaveLength(2);
    const status = await screen(['status'], env);
    expect(status.stderr).toContain(`warning: ${entry} is a directory where a cache entry belongs: that entry is never stored\n`);
    const json = JSON.parse((await screen(['status', '--json'], env)).stdout) as { cacheProblems: string[] };
    expect(json.cacheProblems).toEqual([`${entry} is a directory where a cache entry belongs: that entry is never stored`]);
  }, 15_000);
});
