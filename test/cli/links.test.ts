import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { FakeApi } from '../helpers/fake-api/index.js';
import { runMain, useCliSandbox, type CliRun } from '../helpers/run-cli.js';
import { newsEnv, parseNewsJson, routeRecordings } from './news-fixtures.js';

/**
 * Links: news titles (and short URLs) are OSC 8 hyperlinks on a terminal, none with --no-links or
 * TERM=dumb; off a terminal the URL is whole. Status links each source name to its API's docs.
 */

let api: FakeApi;
let cacheDir: string;
useCliSandbox((sandbox) => {
  ({ api, cacheDir } = sandbox);
  routeRecordings(api);
});

async function onTerminal(args: string[], env: NodeJS.ProcessEnv, columns = 120): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(['node', 'screen', ...args], {
    stdout: { write: (chunk: string) => (stdout += chunk), isTTY: true, columns },
    stderr: { write: (chunk: string) => (stderr += chunk), isTTY: true, columns },
    env,
  });
  return { code, signal: null, stdout, stderr };
}

const LINK = /\u001b\]8;;(https?:\/\/[^\u001b]+)\u001b\\([^\u001b]*)\u001b\]8;;\u001b\\/g;

describe('links', () => {
  it('news titles link to their story on a terminal; the table still fits', async () => {
    const json = parseNewsJson((await runMain(['news', 'bitcoin', '--json'], newsEnv(api, cacheDir))).stdout);
    const run = await onTerminal(['news', 'bitcoin', '--offline'], newsEnv(api, cacheDir), 80);
    expect(run.code).toBe(0);
    const links = [...run.stdout.matchAll(LINK)];
    expect(links.length).toBeGreaterThanOrEqual(json.results.length);
    const urls = new Set(json.results.map((row) => row.url));
    for (const [, url] of links) expect(urls.has(url!)).toBe(true);
    // The first title's link goes to the first story, whatever the cell shows of the title.
    const firstTitle = links.find(([, , text]) => json.results[0]!.title.startsWith(text!.replace(/…$/, '').trim()));
    expect(firstTitle?.[1]).toBe(json.results[0]!.url);
    const visible = run.stdout.replace(LINK, '$2');
    for (const line of visible.trimEnd().split('\n')) expect([...line].length, line).toBeLessThanOrEqual(80);
  });

  it('none with --no-links or TERM=dumb; a pipe gets every URL whole and no escape', async () => {
    await runMain(['news', 'bitcoin', '--json'], newsEnv(api, cacheDir));
    expect((await onTerminal(['news', 'bitcoin', '--offline', '--no-links'], newsEnv(api, cacheDir))).stdout).not.toContain('\u001b]8');
    expect((await onTerminal(['news', 'bitcoin', '--offline'], newsEnv(api, cacheDir, { TERM: 'dumb' }))).stdout).not.toContain('\u001b]8');
    const json = parseNewsJson((await runMain(['news', 'bitcoin', '--offline', '--json'], newsEnv(api, cacheDir))).stdout);
    const piped = await runMain(['news', 'bitcoin', '--offline'], newsEnv(api, cacheDir));
    expect(piped.stdout).not.toContain('\u001b');
    for (const row of json.results) expect(piped.stdout).toContain(row.url);
    expect(json.results.some((row) => row.url.length > 40)).toBe(true);
  });

  it('status links each source name to its API documentation on a terminal', async () => {
    const run = await onTerminal(['status'], newsEnv(api, cacheDir));
    const links = [...run.stdout.matchAll(LINK)].map(([, url, text]) => [text, url]);
    expect(links).toContainEqual(['coingecko', 'https://docs.coingecko.com/']);
    expect(links).toContainEqual(['gdelt', 'https://blog.gdeltproject.org/gdelt-doc-2-0-api-debuts/']);
    expect((await onTerminal(['status', '--no-links'], newsEnv(api, cacheDir))).stdout).not.toContain('\u001b]8');
  });
});
