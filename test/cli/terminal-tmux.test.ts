import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeApi } from '../helpers/fake-api/index.js';
import { BIN, useCliSandbox } from '../helpers/run-cli.js';
import { newsEnv, routeRecordings } from './news-fixtures.js';
import { CRYPTO_PATHS, cryptoEnv, routeCrypto } from './ops-fixtures.js';

/**
 * The person at the terminal, on real terminals of 80 and 120 columns (tmux, on a socket of its
 * own per test): the pending-work line while a source takes 4 s to answer, gone when results
 * print; human log lines; and what the raw bytes on the terminal were (`pipe-pane`).
 */

const hasTmux = spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;
if (!hasTmux) console.warn('note: tmux is not installed: the terminal tests are skipped');

let api: FakeApi;
let cacheDir: string;
useCliSandbox((sandbox) => {
  ({ api, cacheDir } = sandbox);
});

let socket: string;
const tmux = (...args: string[]) => spawnSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
beforeEach(() => {
  socket = `qaht-term-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
});
afterEach(() => {
  if (hasTmux) tmux('kill-server');
});

/** Starts the bin with `args` in a detached pane `columns` wide; the shell prints EXIT=<code>. Raw output goes to `raw.log`. */
async function startInPane(args: string[], env: NodeJS.ProcessEnv, columns: number, rows = 50): Promise<string> {
  const script = join(cacheDir, 'run.sh');
  const raw = join(cacheDir, 'raw.log');
  const exports = Object.entries(env)
    .filter(([name]) => /^[A-Z_][A-Z0-9_]*$/.test(name))
    .map(([name, value]) => `export ${name}='${String(value).replace(/'/g, `'\\''`)}'`);
  const command = [process.execPath, BIN, ...args].map((word) => `'${word}'`).join(' ');
  // The shell waits for a key before it runs the bin, so pipe-pane is on from the first byte.
  await writeFile(script, `${exports.join('\n')}\nunset NO_COLOR\nread -r go\n${command}\necho "EXIT=$?"\nsleep 600\n`);
  const started = tmux('new-session', '-d', '-x', String(columns), '-y', String(rows), '-s', 'qaht', `bash ${script}`);
  expect(started.status, started.stderr).toBe(0);
  expect(tmux('pipe-pane', '-o', '-t', 'qaht', `cat >> '${raw}'`).status).toBe(0);
  expect(tmux('send-keys', '-t', 'qaht', 'Enter').status).toBe(0);
  return raw;
}

async function paneWhen(ready: (text: string) => boolean, what: string, timeoutMs = 20_000): Promise<string> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const text = tmux('capture-pane', '-p', '-t', 'qaht').stdout;
    if (ready(text)) return text;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}; the pane shows:\n${text}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.skipIf(!hasTmux)('on a terminal', () => {
  for (const columns of [80, 120]) {
    it(`${columns} columns: the pending line while CoinGecko answers after 4 s, gone when results print; human log lines`, async () => {
      routeCrypto(api);
      api.fault(CRYPTO_PATHS.coingecko, { latencyMs: 4000 }, { times: 2 });
      api.fault(CRYPTO_PATHS.binanceTicker, { status: 503 });
      const env = cryptoEnv(api, cacheDir, { TERM: 'xterm-256color', SCREEN_MAX_RETRIES: '0', SCREEN_TIMEOUT_MS: '10000' });
      const raw = await startInPane(['crypto', '--limit', '5'], env, columns);
      const during = await paneWhen((text) => /waiting for coingecko \ds/.test(text), 'the pending line');
      expect(during.split('\n').find((line) => line.startsWith('waiting for'))!.length).toBeLessThan(columns);
      const pane = await paneWhen((text) => text.includes('EXIT='), 'the run to end');
      expect(pane).not.toContain('waiting for');
      const lines = pane.split('\n').filter((line) => line.trim() !== '');
      expect(lines.at(-1)).toBe('EXIT=0');
      for (const line of lines) expect([...line].length, line).toBeLessThanOrEqual(columns);
      expect(lines).toContainEqual(expect.stringMatching(/^warn binance: failed, HTTP 503 from 127\.0\.0\.1:\d+$/));
      expect(lines).toContainEqual(expect.stringMatching(/^timing: run \d+(\.\d+)?s · \d+ requests · cache hits/));
      expect(pane).not.toContain('{"level"');
      // The line was drawn in place (carriage returns), then erased before the table.
      const bytes = await readFile(raw, 'utf8');
      expect(bytes).toMatch(/\r\u001b\[2Kwaiting for coingecko/);
      expect(bytes.lastIndexOf('waiting for')).toBeLessThan(bytes.indexOf('MCap#'));
    });
  }

  for (const columns of [80, 120]) {
    it(`${columns} columns: news titles are OSC 8 links; none with --no-links or TERM=dumb`, async () => {
      routeRecordings(api);
      const env = newsEnv(api, cacheDir, { TERM: 'xterm-256color' });
      const cases: Array<[string[], NodeJS.ProcessEnv, boolean]> = [
        [['news', 'bitcoin'], env, true],
        [['news', 'bitcoin', '--offline', '--no-links'], env, false],
        [['news', 'bitcoin', '--offline'], { ...env, TERM: 'dumb' }, false],
      ];
      for (const [args, caseEnv, linked] of cases) {
        // A fresh server on a socket of its own for each case (a killed one may still be exiting).
        tmux('kill-server');
        socket = `${socket}-x`;
        const raw = await startInPane(args, caseEnv, columns);
        const pane = await paneWhen((text) => text.includes('EXIT='), `${args.join(' ')} to end`);
        expect(pane).toContain('EXIT=0');
        const bytes = await readFile(raw, 'utf8');
        await writeFile(raw, '');
        if (linked) expect(bytes).toMatch(/\u001b\]8;;https?:\/\/[^\u001b]+\u001b\\[^\u001b]+\u001b\]8;;\u001b\\/);
        else expect(bytes, args.join(' ')).not.toContain('\u001b]8;;');
        for (const line of pane.split('\n')) expect([...line].length, line).toBeLessThanOrEqual(columns);
      }
    });
  }

  for (const columns of [80, 120]) {
    it(`${columns} columns: --watch says how often the data changes, r fetches now, and ↑/↓ PgUp/PgDn page through the rows`, async () => {
      routeCrypto(api);
      const env = cryptoEnv(api, cacheDir, { TERM: 'xterm-256color' });
      // Every 5 s, but the sources' cache lives 60 s: the header says so.
      await startInPane(['crypto', '--watch', '5', '--limit', '30', '--min-volume', '0'], env, columns, 20);
      const first = await paneWhen((text) => /next refresh \d\d:\d\d:\d\d/.test(text), 'the first frame');
      const header = first.split('\n')[0]!;
      expect(header).toMatch(/^screen crypto · every 5s · data every 60s \(cache TTL\) · next refresh/);
      expect([...header].length).toBeLessThanOrEqual(columns);
      expect(first).toMatch(/^(\d+) of 30 rows \(1–\1\) · /m);
      const shown = Number(/^(\d+) of 30 rows/m.exec(first)![1]);
      expect(shown).toBeLessThan(30);

      // Paging: a row down, then a page down.
      tmux('send-keys', '-t', 'qaht', 'Down');
      await paneWhen((text) => text.includes(`of 30 rows (2–${shown + 1})`), 'a row down');
      tmux('send-keys', '-t', 'qaht', 'NPage');
      await paneWhen((text) => new RegExp(`of 30 rows \\(${Math.min(shown + 2, 30 - shown + 1)}–`).test(text), 'a page down');
      tmux('send-keys', '-t', 'qaht', 'PPage');
      tmux('send-keys', '-t', 'qaht', 'PPage');
      await paneWhen((text) => text.includes(`of 30 rows (1–${shown})`), 'back to the top');

      // The cache is fresh for 60 s: the interval's refreshes send nothing; r fetches now.
      const before = api.requestCount(CRYPTO_PATHS.coingecko);
      expect(before).toBeGreaterThan(0);
      tmux('send-keys', '-t', 'qaht', 'r');
      await paneWhen(() => api.requestCount(CRYPTO_PATHS.coingecko) > before, 'r to fetch');
      await paneWhen((text) => /update 2\b/.test(text) || !text.includes('update'), 'the refresh to draw');
      tmux('send-keys', '-t', 'qaht', 'q');
      const end = await paneWhen((text) => text.includes('EXIT='), 'q to end the watch');
      expect(end).toContain('EXIT=0');
    });
  }
});
