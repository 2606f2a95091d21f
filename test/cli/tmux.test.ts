import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SOURCE_NAMES } from '../../src/sources/source-names.js';
import type { FakeApi } from '../helpers/fake-api/index.js';
import { BIN, runMain, useCliSandbox } from '../helpers/run-cli.js';
import { MARKET_PATHS, marketEnv, routeMarket, syntheticSymbols } from './market-fixtures.js';
import { CRYPTO_PATHS, cryptoEnv, routeCrypto } from './ops-fixtures.js';

/**
 * The bin on a real 80-column terminal (tmux, on a socket of its own): `screen status` draws one
 * line per source, and Ctrl-C during a paced run clears the progress line, prints one human line
 * and nothing after it (no JSON log line, no progress redrawn), and exits 130.
 */

const hasTmux = spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;
if (!hasTmux) console.warn('note: tmux is not installed: the terminal tests are skipped');

let api: FakeApi;
let cacheDir: string;
useCliSandbox((sandbox) => {
  ({ api, cacheDir } = sandbox);
});

// A socket of its own per test: a server told to exit by kill-server can still be going when
// the next test's new-session reaches it on the same socket ("server exited unexpectedly").
let socket: string;
const tmux = (...args: string[]) => spawnSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
beforeEach(() => {
  socket = `qaht-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
});
afterEach(() => {
  if (hasTmux) tmux('kill-server');
});

/** Starts `args` of the bin in a detached 80×40 pane with `env`; the shell prints EXIT=<code> when it ends. */
async function startInPane(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const script = join(cacheDir, 'run.sh');
  const exports = Object.entries(env)
    .filter(([name]) => /^[A-Z_][A-Z0-9_]*$/.test(name))
    .map(([name, value]) => `export ${name}='${String(value).replace(/'/g, `'\\''`)}'`);
  const command = [process.execPath, BIN, ...args].map((word) => `'${word}'`).join(' ');
  await writeFile(script, `${exports.join('\n')}\nunset NO_COLOR\n${command}\necho "EXIT=$?"\nsleep 600\n`);
  const started = tmux('new-session', '-d', '-x', '80', '-y', '40', '-s', 'qaht', `bash ${script}`);
  expect(started.status, started.stderr).toBe(0);
}

/** The pane as shown (colours dropped), polled until `ready` holds. */
async function paneWhen(ready: (text: string) => boolean, what: string, timeoutMs = 20_000): Promise<string> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const text = tmux('capture-pane', '-p', '-t', 'qaht').stdout;
    if (ready(text)) return text;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}; the pane shows:\n${text}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.skipIf(!hasTmux)('on an 80-column terminal', () => {
  it('screen status draws one line per source, none wider than the terminal', async () => {
    // An earlier run to report on: a failure with a long reason (URL and body), cache entries.
    routeCrypto(api);
    api.fault(CRYPTO_PATHS.binanceTicker, { status: 503, body: '<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>' });
    const seeded = await runMain(['crypto', '--json'], cryptoEnv(api, cacheDir));
    expect(seeded.code, seeded.stderr).toBe(0);

    await startInPane(['status', '--cache-dir', cacheDir], { ...process.env, TERM: 'xterm-256color' });
    const pane = await paneWhen((text) => text.includes('EXIT='), 'status to finish');
    const lines = pane.split('\n').filter((line) => line.trim() !== '');
    expect(lines.at(-1)).toBe('EXIT=0');
    for (const line of lines) expect([...line].length, line).toBeLessThanOrEqual(80);
    for (const name of SOURCE_NAMES) {
      expect(
        lines.filter((line) => line.startsWith(`│ ${name} `)),
        name,
      ).toHaveLength(1);
    }
    // The table is its rows, a header and two borders: nothing wrapped onto a line of its own.
    const table = lines.filter((line) => /^[│┌└]/.test(line));
    expect(table).toHaveLength(SOURCE_NAMES.length + 3);
    expect(lines.find((line) => line.startsWith('│ binance '))).toMatch(/HTTP 503 from 127\.0\.0\.1/);
  });

  it('Ctrl-C during a paced market scan clears the progress line, prints one human line and exits 130', async () => {
    routeMarket(api);
    const symbols = syntheticSymbols(30);
    const env = { ...marketEnv(api, cacheDir), SCREEN_PACE_MS: '300', TERM: 'xterm-256color' };
    await startInPane(['market', '--sources', 'finnhub', ...symbols], env);
    // The progress line appears once the scan has lasted a second.
    await paneWhen((text) => /market quotes \d+\/30/.test(text), 'the progress line');
    const sent = api.requestCount(MARKET_PATHS.finnhub);
    expect(sent).toBeLessThan(30);
    expect(tmux('send-keys', '-t', 'qaht', 'C-c').status).toBe(0);
    const pane = await paneWhen((text) => text.includes('EXIT='), 'the run to end');
    const lines = pane.split('\n').filter((line) => line.trim() !== '');
    expect(lines).toEqual(['screen: interrupted (SIGINT); saving state', 'EXIT=130']);
  });
});
