import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanEnv, FAST_ENV, removeDir, runMain, tempCacheDir } from '../helpers/run-cli.js';

/**
 * `--changes` and watchlists for news and market, on the bundled recordings (`--demo`): the same
 * pipeline as crypto's, keyed by URL and by symbol, with JSON naming rows by `title` and `symbol`.
 */

let cacheDir: string;
let env: NodeJS.ProcessEnv;
beforeEach(async () => {
  cacheDir = await tempCacheDir();
  await mkdir(join(cacheDir, 'xdg', 'qaht'), { recursive: true });
  // No pacing: GDELT's documented 5.5 s between requests would make the second query wait.
  env = cleanEnv({ ...FAST_ENV, XDG_CONFIG_HOME: join(cacheDir, 'xdg'), SCREEN_CACHE_DIR: cacheDir });
});
afterEach(async () => {
  await removeDir(cacheDir);
});

describe('--changes for news and market', () => {
  it('news: the first run has every story new, by title; the same stories again print a document with no changes', async () => {
    const first = await runMain(['news', 'bitcoin', '--demo', '--limit', '4', '--changes', '--json'], env);
    expect(first.code, first.stderr).toBe(0);
    const doc = JSON.parse(first.stdout);
    expect(doc.previousRunAt).toBeNull();
    expect(doc.changes).toHaveLength(4);
    expect(doc.changes[0]).toEqual({
      kind: 'new',
      id: doc.results[0].url,
      title: doc.results[0].title,
      from: null,
      to: 1,
      detail: 'entered at #1',
    });
    const again = await runMain(['news', 'bitcoin', '--demo', '--limit', '4', '--changes', '--json'], env);
    expect(again).toMatchObject({ code: 0, stderr: '' });
    expect((JSON.parse(again.stdout) as { changes: unknown[] }).changes).toEqual([]);
  });

  it('market: the first run has every symbol new; the same quotes again print nothing', async () => {
    const first = await runMain(['market', '--demo', '--limit', '3', '--changes', '--csv'], env);
    expect(first.code, first.stderr).toBe(0);
    const lines = first.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('kind,id,symbol,from,to,detail');
    expect(lines.slice(1).map((line) => line.split(',')[0])).toEqual(['new', 'new', 'new']);
    const again = await runMain(['market', '--demo', '--limit', '3', '--changes', '--csv'], env);
    expect(again).toMatchObject({ code: 0, stdout: '' });
  });
});

describe('watchlists for news and market', () => {
  it('news: each query of the list is searched and the stories merged, one row per URL', async () => {
    await writeFile(join(cacheDir, 'xdg', 'qaht', 'config.toml'), '[watchlists]\ntopics = ["bitcoin", "ethereum etf"]\n');
    const run = await runMain(['news', '--watchlist', 'topics', '--demo', '--json'], env);
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc.results.length).toBeGreaterThan(0);
    const urls = doc.results.map((row: { url: string }) => row.url);
    expect(new Set(urls).size).toBe(urls.length);
    expect(run.stderr).toContain('2 queries: "bitcoin", "ethereum etf"');
    expect(doc.sources.map((source: { name: string }) => source.name)).toEqual(['google_news', 'hn', 'gdelt', 'newsapi', 'finnhub']);
  });

  it('market: the list is the symbols scanned', async () => {
    await writeFile(join(cacheDir, 'xdg', 'qaht', 'config.toml'), '[watchlists]\ntech = ["aapl", "MSFT"]\n');
    const run = await runMain(['market', '--watchlist', 'tech', '--demo', '--json'], env);
    expect(run.code, run.stderr).toBe(0);
    expect(
      JSON.parse(run.stdout)
        .results.map((row: { symbol: string }) => row.symbol)
        .sort(),
    ).toEqual(['AAPL', 'MSFT']);
  });
});
