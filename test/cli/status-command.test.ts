import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AdaptiveRateLimiter } from '../../src/resilience/adaptive-rate-limiter.js';
import { CircuitBreaker } from '../../src/resilience/circuit-breaker.js';
import { SOURCE_NAMES } from '../../src/sources/source-names.js';
import { DiskCache } from '../../src/store/file/disk-cache.js';
import { StateStore } from '../../src/store/file/state-store.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { runMain } from '../helpers/run-cli.js';

// `screen status` must work without the HTTP stack: loading undici at all fails the test.
vi.mock('undici', () => {
  throw new Error('screen status must not load undici');
});

const NEWSAPI_KEY = 'sk-test-newsapi-0123456789';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** `screen status` in-process, at the instant `clock` says (the report's ages and probe times are exact). */
async function runScreen(
  args: string[],
  env: NodeJS.ProcessEnv,
  clock?: ManualClock,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const run = await runMain(args, env, clock ? { clock } : {});
  return { code: run.code ?? -1, stdout: run.stdout, stderr: run.stderr };
}

/**
 * What earlier runs would have left, written through the real stores: CoinGecko's breaker open
 * since 10 s ago with its delay doubled by a 429 and a block 30 s out, a failure with escape
 * codes in its reason, two 429s, and cache entries of two sources.
 */
async function seed(dir: string, now: number): Promise<{ openedAt: number }> {
  const openedAt = now - 10_000;
  const tripClock = new ManualClock(openedAt);
  const breaker = new CircuitBreaker({ clock: tripClock });
  for (let i = 0; i < 5; i++) await breaker.call(() => Promise.reject(new Error('503'))).catch(() => undefined);
  const limiter = new AdaptiveRateLimiter({ clock: new ManualClock(now - 5_000) });
  limiter.configureHost('api.coingecko.com', { defaultDelayMs: 2000 });
  limiter.onRateLimit('api.coingecko.com', 35_000);

  const clock = new ManualClock(now);
  const state = await StateStore.load(dir, { clock });
  state.setHost('api.coingecko.com', { breaker: breaker.toJSON(), limiter: limiter.toJSON()['api.coingecko.com'] });
  state.setHost('hn.algolia.com', { breaker: new CircuitBreaker({ clock }).toJSON() });
  state.recordSourceSuccess('coingecko', now - 2 * HOUR);
  state.recordSourceFailure('coingecko', now - 10_000, 'HTTP 503 from api.coingecko.com: \u001b[31mService Unavailable\u001b[0m');
  state.recordRateLimit('coingecko', now - HOUR);
  state.recordRateLimit('coingecko', now - 30 * MINUTE);
  state.recordSourceSuccess('hn', now - 3 * MINUTE);
  await state.flush();
  await state.consumeBudget('newsapi', new Date(now).toISOString().slice(0, 10), 7, 100);

  const cache = await DiskCache.open({ dir, clock });
  await cache.set({
    source: 'coingecko',
    key: 'coingecko:coins/markets?page=1',
    value: [{ id: 'bitcoin' }],
    ttlMs: 5 * MINUTE,
    fetchedAt: now - 2 * MINUTE,
  });
  await cache.set({
    source: 'coingecko',
    key: 'coingecko:coins/markets?page=2',
    value: [{ id: 'x' }],
    ttlMs: 5 * MINUTE,
    fetchedAt: now - 3 * HOUR,
  });
  await cache.set({
    source: 'hn',
    key: 'hn:search_by_date?query=bitcoin',
    value: { hits: [] },
    ttlMs: 10 * MINUTE,
    fetchedAt: now - 3 * MINUTE,
  });
  return { openedAt };
}

describe('screen status', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qaht-status-'));
    env = { SCREEN_CACHE_DIR: dir, NEWSAPI_KEY };
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('--json reports every source with breaker, learned delay, history, 429s, cache and key status', async () => {
    const now = Date.now();
    const { openedAt } = await seed(dir, now);
    const { code, stdout, stderr } = await runScreen(['status', '--json'], env, new ManualClock(now));
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const doc = JSON.parse(stdout);
    expect(doc.command).toBe('status');
    expect(doc.cacheDir).toBe(dir);
    expect(doc.sources.map((s: { name: string }) => s.name)).toEqual([...SOURCE_NAMES]);

    const coingecko = doc.sources[0];
    expect(coingecko.hosts).toHaveLength(1);
    expect(coingecko.hosts[0]).toMatchObject({
      host: 'api.coingecko.com',
      breaker: 'OPEN',
      nextProbeAt: new Date(openedAt + 60_000).toISOString(),
      learnedDelayMs: 4000,
      blockedUntil: new Date(now - 5_000 + 35_000).toISOString(),
    });
    expect(coingecko.documentedDelayMs).toBe(2000);
    expect(coingecko.lastSuccessAt).toBe(new Date(now - 2 * HOUR).toISOString());
    expect(coingecko.lastFailureAt).toBe(new Date(now - 10_000).toISOString());
    expect(coingecko.lastFailureReason).toBe('HTTP 503 from api.coingecko.com: Service Unavailable');
    expect(coingecko.rateLimits24h).toBe(2);
    expect(coingecko.key).toEqual({ variable: 'COINGECKO_API_KEY', required: false, configured: false });
    expect(coingecko.cache.map((e: { key: string; fresh: boolean }) => [e.key, e.fresh])).toEqual([
      ['coingecko:coins/markets?page=1', true],
      ['coingecko:coins/markets?page=2', false],
    ]);
    expect(coingecko.cache[1].ageSeconds).toBe(3 * 3600);
    expect(coingecko.hosts[0].probeInSeconds).toBe(50);
    expect(coingecko.cache[1].ttlSeconds).toBe(300);

    const byName = Object.fromEntries(doc.sources.map((s: { name: string }) => [s.name, s]));
    expect(byName.hn.hosts[0]).toMatchObject({ host: 'hn.algolia.com', breaker: 'CLOSED', nextProbeAt: null, learnedDelayMs: null });
    expect(byName.hn.cache).toHaveLength(1);
    expect(byName.binance.hosts.map((h: { host: string }) => h.host)).toEqual([
      'data-api.binance.vision',
      'api.binance.com',
      'api.binance.us',
    ]);
    expect(byName.newsapi.key).toEqual({ variable: 'NEWSAPI_KEY', required: true, configured: true });
    expect(byName.stooq.key).toEqual({ variable: 'STOOQ_API_KEY', required: true, configured: false });
    expect(byName.gdelt.key).toEqual({ variable: null, required: false, configured: false });
    expect(byName.gdelt).toMatchObject({ lastSuccessAt: null, lastFailureAt: null, rateLimits24h: 0, cache: [], documentedDelayMs: 5500 });
    expect(byName.newsapi.dailyBudget).toEqual({ limit: 100, usedToday: 7 });
    expect(byName.alphavantage.dailyBudget).toEqual({ limit: 25, usedToday: 0 });
    expect(byName.coingecko.dailyBudget).toBeNull();
    expect(stdout).not.toContain(NEWSAPI_KEY);
  });

  it('prints a table with one row per source, sanitised, without the key, and the cache dir on stderr', async () => {
    const now = Date.now();
    await seed(dir, now);
    const { code, stdout, stderr } = await runScreen(['status'], { ...env, COLUMNS: '240' }, new ManualClock(now));
    expect(code).toBe(0);
    expect(stdout).not.toContain('\u001b');
    expect(stdout).not.toContain(NEWSAPI_KEY);
    const lines = stdout.split('\n');
    const row = (name: string): string => lines.find((line) => line.includes(` ${name} `)) ?? '';
    for (const name of SOURCE_NAMES) expect(row(name)).not.toBe('');
    expect(row('coingecko')).toContain('OPEN, probe in 50s');
    expect(row('coingecko')).toContain('4.0s / 2.0s, blocked');
    expect(row('coingecko')).toContain('2h ago');
    expect(row('coingecko')).toContain('HTTP 503 from api.coingecko.com: Service Unavailable');
    expect(row('coingecko')).toContain('2 (2m fresh, 3h stale)');
    expect(row('hn')).toContain('closed');
    expect(row('hn')).toContain('3m ago');
    expect(row('stooq')).toMatch(/│ missing /);
    expect(row('newsapi')).toMatch(/│ set, 7\/100 today /);
    // One line per source: Binance's fallback hosts are counted, not listed (`--json` lists them).
    expect(row('binance')).toContain('data-api.binance.vision +2');
    expect(stdout.trimEnd().split('\n')).toHaveLength(SOURCE_NAMES.length + 3);
    expect(stderr).toBe(
      `cache dir: ${dir}\nstate dir: ${dir}\nkeys not set (those sources are skipped): COINCAP_API_KEY, FINNHUB_API_KEY, ALPHAVANTAGE_API_KEY, STOOQ_API_KEY\n`,
    );
  });

  it('fits 80 columns without a terminal: one line per source, the failure reason cut, low-value columns dropped', async () => {
    const now = Date.now();
    await seed(dir, now);
    const { stdout } = await runScreen(['status'], env, new ManualClock(now));
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(SOURCE_NAMES.length + 3);
    for (const line of lines) expect([...line].length, line).toBeLessThanOrEqual(80);
    expect(lines[1]).toMatch(/^│ source +│ breaker +│ last failure +│$/);
    const row = lines.find((line) => line.includes(' coingecko ')) ?? '';
    expect(row).toMatch(/OPEN, probe in/);
    expect(row).toContain('10s ago: HTTP 503 from api.coingecko.co…');
  });

  it('uses the width COLUMNS gives: more columns at 120', async () => {
    const now = Date.now();
    await seed(dir, now);
    const { stdout } = await runScreen(['status'], { ...env, COLUMNS: '120' }, new ManualClock(now));
    const lines = stdout.trimEnd().split('\n');
    for (const line of lines) expect([...line].length, line).toBeLessThanOrEqual(120);
    expect(lines[1]).toMatch(/^│ source +│ key +│ breaker +│ last success +│ last failure +│$/);
    expect(lines.find((line) => line.includes(' coingecko '))).toContain('10s ago: HTTP 503 from api.coingecko.com: Ser…');
  });

  it('names the overridden host of a source and keeps quiet on stderr with --quiet', async () => {
    const { code, stdout, stderr } = await runScreen(['status', '--json', '--quiet'], {
      ...env,
      SCREEN_COINGECKO_URL: 'http://127.0.0.1:8080/api/v3',
      SCREEN_BINANCE_URL: 'http://127.0.0.1:8081',
    });
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const doc = JSON.parse(stdout);
    expect(doc.sources[0].hosts.map((h: { host: string }) => h.host)).toEqual(['127.0.0.1:8080']);
    expect(doc.sources[1].hosts.map((h: { host: string }) => h.host)).toEqual(['127.0.0.1:8081']);
  });

  it('reports an unused cache dir as all closed and empty without creating it', async () => {
    const missing = join(dir, 'never-used');
    const { code, stdout } = await runScreen(['status', '--json', '--cache-dir', missing], env);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect(doc.cacheDir).toBe(missing);
    for (const source of doc.sources) {
      expect(source.cache).toEqual([]);
      expect(source.lastSuccessAt).toBeNull();
      for (const host of source.hosts) expect(host.breaker).toBe('CLOSED');
    }
    await expect(stat(missing)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('reads an OPEN breaker whose recovery time has passed as half-open, due for a probe', async () => {
    const now = Date.now();
    const tripClock = new ManualClock(now - 2 * MINUTE);
    const breaker = new CircuitBreaker({ clock: tripClock });
    for (let i = 0; i < 5; i++) await breaker.call(() => Promise.reject(new Error('down'))).catch(() => undefined);
    const state = await StateStore.load(dir, { clock: new ManualClock(now) });
    state.setHost('api.gdeltproject.org', { breaker: breaker.toJSON() });
    await state.flush();

    const json = JSON.parse((await runScreen(['status', '--json'], env)).stdout);
    const gdelt = json.sources.find((s: { name: string }) => s.name === 'gdelt');
    expect(gdelt.hosts[0].breaker).toBe('HALF_OPEN');
    expect(gdelt.hosts[0].probeInSeconds).toBe(0);
    const table = (await runScreen(['status'], env)).stdout;
    expect(table).toContain('half-open, probe due');
  });
});
