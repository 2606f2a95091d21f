import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { FakeApi } from '../helpers/fake-api/index.js';
import { BIN, type CliRun, runMain, useCliSandbox } from '../helpers/run-cli.js';
import { loadedModules } from '../helpers/loaded-modules.js';
import { CRYPTO_PATHS, cryptoEnv, routeCrypto } from './crypto-fixtures.js';

/**
 * The config file (issue 18): per-command defaults, `[watchlists]` and `[alerts]`, flags winning
 * over it, `screen config path|show`, and every bad file an exit 2 naming the file and line.
 * In-process through `main`, against the fake crypto APIs.
 */

let api: FakeApi;
let cacheDir: string;
let configHome: string;
let configFile: string;
useCliSandbox(async (sandbox) => {
  ({ api, cacheDir } = sandbox);
  routeCrypto(api);
  configHome = join(cacheDir, 'xdg-config');
  configFile = join(configHome, 'qaht', 'config.toml');
  await mkdir(join(configHome, 'qaht'), { recursive: true });
});

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return cryptoEnv(api, cacheDir, { XDG_CONFIG_HOME: configHome, ...extra });
}

async function withConfig(text: string): Promise<void> {
  await writeFile(configFile, text);
}

async function cryptoJson(
  args: string[],
  extra: Record<string, string> = {},
): Promise<{ run: CliRun; doc: { results: Array<{ symbol: string }>; alerts?: Array<{ rule: string; symbol: string }> } }> {
  const run = await runMain(['crypto', '--json', ...args], env(extra));
  expect(run.code, run.stderr).toBe(0);
  return { run, doc: JSON.parse(run.stdout) };
}

/** Runs `screen <args>` and expects exit 2 with `message` as its one line, before any request. */
async function expectConfigError(args: string[], message: string, extra: Record<string, string> = {}): Promise<void> {
  const requests = api.requestCount();
  const run = await runMain(args, env(extra));
  expect(run.code, run.stderr).toBe(2);
  expect(run.stdout).toBe('');
  expect(run.stderr).toBe(`screen: ${message}\n`);
  expect(api.requestCount()).toBe(requests);
}

describe('the config file', () => {
  it('gives per-command defaults (flag > env > config file > default), in TOML types and option syntax', async () => {
    await withConfig('[crypto]\nlimit = 3\nsources = ["coingecko", "binance"]\nmin-volume = "5M"\nasc = false\n');
    const { doc } = await cryptoJson([]);
    expect(doc.results).toHaveLength(3);
    expect((doc as unknown as { sources: Array<{ name: string; status: string }> }).sources.find((s) => s.name === 'coincap')?.status).toBe(
      'skipped',
    );
    expect(api.requestCount(CRYPTO_PATHS.coincap)).toBe(0);
    // The flag wins.
    expect((await cryptoJson(['--limit', '5'])).doc.results).toHaveLength(5);
  });

  it('is found through --config and SCREEN_CONFIG too, and a named file that is missing is exit 2', async () => {
    const other = join(cacheDir, 'other.toml');
    await writeFile(other, '[crypto]\nlimit = 2\n');
    expect((await cryptoJson(['--config', other])).doc.results).toHaveLength(2);
    expect((await cryptoJson([], { SCREEN_CONFIG: other })).doc.results).toHaveLength(2);
    await expectConfigError(
      ['crypto', '--config', join(cacheDir, 'nope.toml')],
      `config file ${join(cacheDir, 'nope.toml')} does not exist`,
    );
  });

  it('runs on built-in defaults when there is no file at the default place', async () => {
    expect((await cryptoJson([])).doc.results.length).toBeGreaterThan(5);
  });

  it('[watchlists]: --watchlist NAME screens those symbols only', async () => {
    await withConfig('[watchlists]\nmajors = ["BTC", "eth"]\n');
    const { doc } = await cryptoJson(['--watchlist', 'majors']);
    expect(doc.results.map((row) => row.symbol).sort()).toEqual(['BTC', 'ETH']);
    await expectConfigError(['crypto', '--watchlist', 'alts'], `--watchlist alts: no such list in ${configFile} (lists: majors)`);
  });

  it('[alerts]: the rules of the command fire; --alert on the command line replaces them', async () => {
    await withConfig('[alerts]\ncrypto = ["symbol == \\"BTC\\""]\nnews = ["title ~ \\"hack\\""]\n');
    const { doc, run } = await cryptoJson(['--limit', '5', '--sort', 'mcap']);
    expect(doc.alerts!.map((alert) => [alert.rule, alert.symbol])).toEqual([['symbol == "BTC"', 'BTC']]);
    expect(run.stderr).toContain('alert: BTC');
    const flagged = await cryptoJson(['--limit', '5', '--sort', 'mcap', '--alert', 'symbol == "ETH"']);
    expect(flagged.doc.alerts!.map((alert) => alert.symbol)).toEqual(['ETH']);
  });

  it.each([
    ['[crypto]\nlimit = = 3\n', (path: string) => `${path}:2: invalid value`],
    ['[crypto\nlimit = 3\n', (path: string) => `${path}:1: illegal character in key`],
    ['[crypto]\nlimit = 0\n', (path: string) => `${path}:2: [crypto] limit must be between 1 and 1000000, got "0"`],
    [
      '[crypto]\nsort = "fame"\n',
      (path: string) =>
        `${path}:2: [crypto] sort must be one of score, change24h, change7d, volume, mcap, turnover, rvol, rs7d, squeeze, rsi, got "fame"`,
    ],
    [
      '# defaults\n[crypto]\nlimt = 3\n',
      (path: string) => `${path}:3: [crypto] limt: not an option of screen crypto (use its long name without the dashes, like limit)`,
    ],
    ['[crypto]\nasc = "yes"\n', (path: string) => `${path}:2: [crypto] asc must be true or false`],
    [
      '[crypto]\nalert = "rank > 1"\n',
      (path: string) => `${path}:2: [crypto] alert: alert rules go in the [alerts] section, as crypto = ["…"]`,
    ],
    ['[crypto]\nwatch = 5\n', (path: string) => `${path}:2: [crypto] watch: watch needs a terminal, so it cannot be a default`],
    [
      '[crypto]\nlimit = 3\n\n[cryptos]\nlimit = 3\n',
      (path: string) => `${path}:4: unknown section [cryptos] (sections: crypto, news, market, watchlists, alerts)`,
    ],
    [
      '[watchlists]\nmajors = "BTC, ETH"\nalts = [1, 2]\n',
      (path: string) => `${path}:3: [watchlists] alts must be a list of strings, like ["BTC", "ETH"]`,
    ],
    [
      '[alerts]\ncrypto = ["rank > 1", "chnage24hPct > 10"]\n',
      (path: string) => `${path}:2: [alerts] crypto rule 2: unknown field "chnage24hPct" (did you mean change24hPct?) at position 1`,
    ],
    [
      '\n\n[alerts]\ncrypto = ["priceUsd >> 1"]\n',
      (path: string) =>
        `${path}:4: [alerts] crypto rule 1: priceUsd is a number: expected a number (like 10, -2.5 or 5M), got ">" at position 11`,
    ],
  ])('a bad file is exit 2 naming the file and line: %j', async (text, message) => {
    await withConfig(text);
    await expectConfigError(['crypto'], message(configFile));
  });

  it('is read only if it is a regular file of at most 256 KiB: a FIFO cannot hang the run', async () => {
    execFileSync('mkfifo', [configFile]);
    await expectConfigError(['crypto'], `config file ${configFile} is not a regular file`);
    const big = join(cacheDir, 'big.toml');
    await writeFile(big, `# ${'x'.repeat(300 * 1024)}\n`);
    await expectConfigError(['crypto', '--config', big], `config file ${big} is larger than 256 KiB`);
  });

  it('does not stop commands that do not use it', async () => {
    await withConfig('[crypto\n');
    const status = await runMain(['status'], env());
    expect(status.code, status.stderr).toBe(0);
  });
});

describe('screen config path|show', () => {
  it('path prints where the file is, and says so on stderr when there is none', async () => {
    const missing = await runMain(['config', 'path'], env());
    expect(missing).toMatchObject({
      code: 0,
      stdout: `${configFile}\n`,
      stderr: 'screen: no config file there: built-in defaults apply\n',
    });
    await withConfig('[crypto]\nlimit = 3\n');
    expect(await runMain(['config', 'path'], env())).toMatchObject({ code: 0, stdout: `${configFile}\n`, stderr: '' });
  });

  it('show prints what is in force and where each value came from; the webhook redacted', async () => {
    await withConfig(
      '[crypto]\nlimit = 3\nwebhook = "https://hooks.example.com/services/T000AAAA/B000BBBB/xoxb0123456789abcdef"\n\n[watchlists]\nmajors = ["BTC", "ETH"]\n\n[alerts]\ncrypto = ["change24hPct > 10"]\n',
    );
    const text = await runMain(['config', 'show'], env({ SCREEN_NEWS_TIMEOUT_MS: '4000' }));
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`config file  ${configFile}`);
    expect(text.stdout).toMatch(/\n {2}limit +3 +config file\n/);
    expect(text.stdout).toMatch(/\n {2}top +250 +default\n/);
    expect(text.stdout).toMatch(/\n {2}source-timeout-ms +4000 +env\n/);
    expect(text.stdout).toContain('majors = "BTC", "ETH"');
    expect(text.stdout).toContain('crypto = "change24hPct > 10"');
    expect(text.stdout).not.toContain('xoxb0123456789abcdef');

    const json = JSON.parse((await runMain(['config', 'show', '--json'], env())).stdout);
    expect(json).toMatchObject({
      path: configFile,
      found: true,
      commands: { crypto: { limit: { value: 3, from: 'config' }, 'min-volume': { value: 1_000_000, from: 'default' } } },
      watchlists: { majors: ['BTC', 'ETH'] },
      alerts: { crypto: ['change24hPct > 10'] },
    });
    expect(json.commands.crypto.webhook.value).toBe('https://hooks.example.com/services/REDACTED/REDACTED/REDACTED');
  });

  it('takes path, show or watchlists only, and names itself once', async () => {
    const run = await runMain(['config', 'edit'], env());
    expect(run).toMatchObject({ code: 2, stderr: 'screen: config takes path, show or watchlists, got "edit"\n' });
  });
});

describe('start-up', () => {
  it('loads no TOML parser, rule parser or notification code in a plain run, and the TOML parser when a file is there', async () => {
    const trace = join(cacheDir, 'modules.txt');
    const hooks = fileURLToPath(new URL('../bench/module-trace.mjs', import.meta.url));
    const spawnRun = (extra: Record<string, string>): Promise<number | null> =>
      new Promise((resolve) => {
        const child = spawn(process.execPath, ['--import', hooks, BIN, 'crypto', '--offline', '--json'], {
          env: env({ QAHT_BENCH_TRACE: trace, ...extra }),
          stdio: 'ignore',
        });
        child.on('close', resolve);
      });
    await spawnRun({});
    const plain = await loadedModules(trace);
    expect(plain).toContain('src/cli/main.ts');
    for (const module of ['smol-toml', '/parse-rules.ts', '/notify-alerts.ts', '/run-tracking.ts', '/watch-data.ts'])
      expect(
        plain.filter((path) => path.includes(module)),
        module,
      ).toEqual([]);
    await withConfig('[crypto]\nlimit = 3\n');
    await writeFile(trace, '');
    await spawnRun({});
    expect((await loadedModules(trace)).some((path) => path.startsWith('node_modules/smol-toml/'))).toBe(true);
  });
});
