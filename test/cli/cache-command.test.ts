import { stripVTControlCharacters } from 'node:util';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { DiskCache } from '../../src/store/file/disk-cache.js';
import { runMain as runScreen } from '../helpers/run-cli.js';

const MINUTE = 60_000;

/** Four entries of three sources, one of them past its TTL, through the real cache API. */
async function seed(dir: string, now: number): Promise<void> {
  const cache = await DiskCache.open({ dir });
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
    value: [{ id: 'ethereum' }],
    ttlMs: 5 * MINUTE,
    fetchedAt: now - 3 * 60 * MINUTE,
  });
  await cache.set({
    source: 'hn',
    key: 'hn:search_by_date?query=\u001b]0;pwned\u0007bitcoin',
    value: { hits: [] },
    ttlMs: 10 * MINUTE,
    fetchedAt: now - 3 * MINUTE,
  });
  await cache.set({ source: 'binance', key: 'binance:api/v3/ticker/24hr', value: [], ttlMs: 2 * MINUTE, fetchedAt: now - MINUTE });
}

async function keysIn(dir: string): Promise<string[]> {
  return (await new DiskCache({ dir }).list()).map((entry) => entry.key);
}

describe('screen cache', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qaht-cache-cmd-'));
    env = { SCREEN_CACHE_DIR: dir };
    await seed(dir, Date.now());
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('ls is unfitted on a pipe (every key whole, to grep), and fits the terminal on one', async () => {
    const longQuery = `news:rss/search?${new URLSearchParams({ q: 'bitcoin etf inflows record week analysts say', since: '86400000' })}`;
    await (await DiskCache.open({ dir })).set({ source: 'google_news', key: longQuery, value: [], ttlMs: 5 * MINUTE });
    const piped = await runScreen(['cache', 'ls'], env);
    const lines = piped.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(5 + 3);
    expect(lines.find((line) => line.includes('google_news'))).toContain(longQuery);
    expect(piped.stdout).not.toContain('…');

    let narrow = '';
    await main(['node', 'screen', 'cache', 'ls'], {
      stdout: { write: (chunk: string) => (narrow += chunk), isTTY: true, columns: 80 },
      stderr: { write: () => true },
      env,
    });
    for (const line of stripVTControlCharacters(narrow).trimEnd().split('\n')) expect([...line].length, line).toBeLessThanOrEqual(80);
    expect(narrow).toMatch(/news:rss\/search\?q=bitcoin.*…/);

    let wide = '';
    await main(['node', 'screen', 'cache', 'ls'], {
      stdout: { write: (chunk: string) => (wide += chunk), isTTY: true, columns: 160 },
      stderr: { write: () => true },
      env,
    });
    expect(wide).toContain(longQuery);
  });

  it('ls prints every entry with source, key, age, TTL, freshness and size, sanitised', async () => {
    const { code, stdout, stderr } = await runScreen(['cache', 'ls'], env);
    expect(code).toBe(0);
    expect(stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    const rows = stdout.split('\n').filter((line) => line.includes(':'));
    expect(rows).toHaveLength(4);
    // Grouped by source, newest first within a source.
    expect(rows.map((row) => row.split('│')[1]!.trim())).toEqual(['binance', 'coingecko', 'coingecko', 'hn']);
    expect(rows[1]).toMatch(/coingecko:coins\/markets\?page=1 +│ +2m │ +5m │ fresh │ +\d+ B/);
    expect(rows[2]).toMatch(/coingecko:coins\/markets\?page=2 +│ +3h │ +5m │ stale │/);
    expect(rows[3]).toContain('hn:search_by_date?query=bitcoin');
    expect(stderr).toMatch(new RegExp(`^4 entries, \\d+ B in ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n$`));
  });

  it('ls SOURCE --json lists only that source, with ISO times and seconds', async () => {
    const { code, stdout } = await runScreen(['cache', 'ls', 'coingecko', '--json'], env);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect(doc.command).toBe('cache ls');
    expect(doc.cacheDir).toBe(dir);
    expect(doc.entries.map((e: { key: string }) => e.key)).toEqual(['coingecko:coins/markets?page=1', 'coingecko:coins/markets?page=2']);
    const [first, second] = doc.entries;
    expect(first).toMatchObject({ source: 'coingecko', ttlSeconds: 300, fresh: true });
    expect(first.ageSeconds).toBeGreaterThanOrEqual(120);
    expect(first.ageSeconds).toBeLessThan(180);
    expect(Date.parse(first.fetchedAt)).toBeLessThan(Date.now() - 2 * MINUTE + 1);
    expect(first.sizeBytes).toBeGreaterThan(0);
    expect(second.fresh).toBe(false);
  });

  it('clear SOURCE removes only that source and says how many on stderr', async () => {
    const { code, stdout, stderr } = await runScreen(['cache', 'clear', 'coingecko'], env);
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toBe('removed 2 entries of coingecko\n');
    expect(await keysIn(dir)).toEqual(['binance:api/v3/ticker/24hr', 'hn:search_by_date?query=\u001b]0;pwned\u0007bitcoin']);

    const again = await runScreen(['cache', 'clear', 'coingecko'], env);
    expect(again.stderr).toBe('removed 0 entries of coingecko\n');
    const hn = await runScreen(['cache', 'clear', 'HN'], env);
    expect(hn.stderr).toBe('removed 1 entry of hn\n');
    expect(await keysIn(dir)).toEqual(['binance:api/v3/ticker/24hr']);
  });

  it('clear without a source removes everything; --json reports the count on stdout', async () => {
    const { code, stdout, stderr } = await runScreen(['cache', 'clear', '--json', '--quiet'], env);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(JSON.parse(stdout)).toEqual({ command: 'cache clear', cacheDir: dir, source: null, removed: 4 });
    expect(await keysIn(dir)).toEqual([]);
    const ls = await runScreen(['cache', 'ls'], env);
    expect(ls.stdout).toBe('');
    expect(ls.stderr).toBe(`0 entries in ${dir}\n`);
  });

  it('an unknown source or action is a one-line usage error (exit 2) that touches nothing', async () => {
    for (const args of [
      ['cache', 'clear', 'coinbase'],
      ['cache', 'ls', 'nope'],
      ['cache', 'purge'],
      ['cache', 'purge', 'coingecko'],
    ]) {
      const { code, stdout, stderr } = await runScreen(args, env);
      expect(code, args.join(' ')).toBe(2);
      expect(stdout).toBe('');
      expect(stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
    expect((await runScreen(['cache', 'clear', 'coinbase'], env)).stderr).toBe(
      'screen: unknown source "coinbase"; choose from coingecko, binance, coincap, google_news, hn, gdelt, newsapi, finnhub, alphavantage, stooq\n',
    );
    expect((await runScreen(['cache', 'purge'], env)).stderr).toBe('screen: unknown cache action "purge"; use ls or clear\n');
    expect(await keysIn(dir)).toHaveLength(4);
  });

  it('lists nothing, creates nothing, for a cache dir that does not exist', async () => {
    const missing = join(dir, 'nowhere');
    const { code, stdout, stderr } = await runScreen(['cache', 'ls', '--cache-dir', missing], env);
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toBe(`0 entries in ${missing}\n`);
    expect((await runScreen(['cache', 'clear', '--cache-dir', missing], env)).stderr).toBe('removed 0 entries\n');
  });
});
