import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { noResultsLine } from '../../src/output/no-results-line.js';
import type { SourceReport } from '../../src/report.js';
import { ANY_PATH, type FakeApi } from '../helpers/fake-api/index.js';
import { runMain, useCliSandbox, type CliRun } from '../helpers/run-cli.js';
import { cryptoEnv, routeCrypto } from './crypto-fixtures.js';
import { marketEnv, routeMarket, syntheticSymbols } from './market-fixtures.js';

/**
 * What a person reads on stderr: messages name the bin as invoked, the exit-1 line names each
 * source's reason and suggests `--demo` only when the machine has no network, and `status` after
 * a demo run points at `status --demo`.
 */

let api: FakeApi;
let cacheDir: string;
useCliSandbox((sandbox) => {
  ({ api, cacheDir } = sandbox);
  routeCrypto(api);
});

async function runAs(bin: string, args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(['node', `/usr/local/bin/${bin}`, ...args], {
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    env,
  });
  return { code, signal: null, stdout, stderr };
}

/** The stderr line that starts with `prefix` (the log's JSON records follow it on a pipe). */
const lineStarting = (stderr: string, prefix: string): string => stderr.split('\n').find((line) => line.startsWith(prefix)) ?? stderr;

const failed = (name: string, error: string): SourceReport => ({
  name,
  status: 'failed',
  fetchedAt: null,
  ageSeconds: null,
  items: 0,
  error,
});

describe('the invoked name', () => {
  it('starts usage errors, commander errors and the no-results line, once', async () => {
    const env = cryptoEnv(api, cacheDir);
    expect((await runAs('qaht', ['crypto', '--limit', 'x'], env)).stderr).toMatch(/^qaht: /);
    expect((await runAs('qaht', ['cryptoo'], env)).stderr).toMatch(/^qaht: unknown command 'cryptoo' \(did you mean crypto\?\)\n$/);
    expect((await runAs('screen', ['cryptoo'], env)).stderr).toMatch(/^screen: unknown command/);
    const market = await runAs('qaht', ['market', 'AAPL'], cryptoEnv(api, cacheDir));
    expect(market.code).toBe(2);
    expect(market.stderr).toMatch(/^qaht: market needs at least one of /);
    expect(market.stderr).not.toContain('screen');
    api.fault(ANY_PATH, { status: 503 });
    const down = await runAs('qaht', ['crypto', '--max-retries', '0'], env);
    expect(down.code).toBe(1);
    expect(lineStarting(down.stderr, 'qaht: no results: ')).toMatch(/^qaht: no results: coingecko/);
  });
});

describe('the no-results line', () => {
  it('names each source that ran with its short reason; an API outage gets no --demo advice', async () => {
    api.fault(ANY_PATH, { status: 503 });
    const run = await runMain(['crypto', '--max-retries', '0'], cryptoEnv(api, cacheDir));
    expect(run.code).toBe(1);
    const last = lineStarting(run.stderr, 'screen: no results');
    expect(last).toMatch(
      /^screen: no results: coingecko HTTP 503 from 127\.0\.0\.1:\d+; binance HTTP 503 from 127\.0\.0\.1:\d+; coincap HTTP 503/,
    );
    expect(last).not.toContain('--demo');
    expect(last).not.toContain('http://');
  });

  it('suggests --demo when no source could even resolve its host (no network here)', async () => {
    const nowhere = 'http://qaht-test.invalid';
    const env = cryptoEnv(api, cacheDir, {
      SCREEN_COINGECKO_URL: nowhere,
      SCREEN_BINANCE_URL: nowhere,
      SCREEN_COINCAP_URL: nowhere,
    });
    const run = await runMain(['crypto', '--max-retries', '0'], env);
    expect(run.code).toBe(1);
    const last = lineStarting(run.stderr, 'screen: no results');
    expect(last).toMatch(/^screen: no results: coingecko host not found .*qaht-test\.invalid/);
    expect(last).toContain('(no network here? `--demo` runs on bundled sample responses)');
  });

  it('suggests --demo only when every source that ran lacked a network, and never under --demo', () => {
    const dns = failed('coingecko', 'host not found for GET https://api.coingecko.com/api/v3/x: getaddrinfo ENOTFOUND api.coingecko.com');
    const unreachable = failed('binance', 'connection failed for GET https://x/y: connect ENETUNREACH 1.2.3.4:443');
    const outage = failed('binance', 'HTTP 503 from GET https://x/y: <html>busy</html>');
    const skipped: SourceReport = { ...failed('coincap', 'COINCAP_API_KEY is not set'), status: 'skipped' };
    expect(noResultsLine('qaht', [dns, unreachable, skipped], false)).toContain('--demo');
    expect(noResultsLine('qaht', [dns, unreachable, skipped], false)).not.toContain('coincap');
    expect(noResultsLine('qaht', [dns, outage], false)).not.toContain('--demo');
    expect(noResultsLine('qaht', [dns, outage], false)).toBe(
      'qaht: no results: coingecko host not found for api.coingecko.com; binance HTTP 503 from x',
    );
    expect(noResultsLine('screen', [dns], true)).not.toContain('--demo');
  });
});

describe('status after a demo run', () => {
  it('points at status --demo while real runs have left nothing', async () => {
    await mkdir(join(cacheDir, 'demo', 'http'), { recursive: true });
    const env = cryptoEnv(api, cacheDir);
    const plain = await runMain(['status'], env);
    expect(plain.stderr).toContain('nothing recorded by real runs yet; what --demo runs did: screen status --demo');
    await runMain(['crypto', '--json'], env);
    expect((await runMain(['status'], env)).stderr).not.toContain('status --demo');
  });

  it('under --demo shows no key as missing: the demo has a sample key for every keyed source', async () => {
    const demo = await runMain(['status', '--demo'], cryptoEnv(api, cacheDir, { COINCAP_API_KEY: '' }));
    expect(demo.stderr).not.toContain('keys not set');
    expect(demo.stdout).not.toContain('missing');
  });
});

describe('the crypto table', () => {
  it('names the rank column MCap#, explains Src under the table, and says when fewer rows exist than asked', async () => {
    const run = await runMain(['crypto', '--limit', '100'], cryptoEnv(api, cacheDir));
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[1]).toMatch(/│ MCap# │ Symbol │/);
    expect(run.stderr.split('\n')[0]).toBe('Src: cg CoinGecko · bn Binance · cc CoinCap · !bn its price disagreed and was left out');
    expect(run.stderr).toMatch(/^only \d+ coins to show \(--limit 100\)$/m);
    const json = await runMain(['crypto', '--json'], cryptoEnv(api, cacheDir));
    expect(json.stderr).not.toContain('Src:');
  });
});

/** `screen …` in-process with stderr (and stdout) a terminal of `columns`. */
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

describe('stderr on a terminal', () => {
  it('has human log lines and a one-line timing summary; --timing and --log-level info give the per-host block', async () => {
    api.fault('/cg/api/v3/coins/markets', { status: 429, retryAfter: 0 });
    const run = await onTerminal(['crypto', '--max-retries', '0'], cryptoEnv(api, cacheDir));
    expect(run.code).toBe(0);
    expect(run.stderr).not.toContain('{"level"');
    expect(run.stderr).toMatch(/^warn coingecko: rate limited by 127\.0\.0\.1:\d+, HTTP 429, retry after 0s$/m);
    expect(run.stderr).toMatch(/^warn coingecko: failed, rate limited \(HTTP 429\) by 127\.0\.0\.1:\d+; retry after 0s$/m);
    expect(run.stderr).toMatch(/^timing: run \S+ · \d+ requests · cache hits \d+\/\d+ · retries 0 · 429s 1$/m);
    expect(run.stderr).not.toMatch(/^ {2}127\.0\.0\.1/m);
    api.clearFaults();
    const detailed = await onTerminal(['crypto', '--force-refresh', '--timing'], cryptoEnv(api, cacheDir));
    expect(detailed.stderr).toMatch(/^ {2}127\.0\.0\.1:\d+ \(coingecko\) +\d+ req/m);
    const info = await onTerminal(['crypto', '--force-refresh', '--log-level', 'info'], cryptoEnv(api, cacheDir));
    expect(info.stderr).toMatch(/^ {2}127\.0\.0\.1:\d+ \(coingecko\) +\d+ req/m);
    expect(info.stderr).toMatch(/^info coingecko: source outcome$/m);
  });

  it('a pipe keeps the JSON log and the per-host block', async () => {
    api.fault('/cg/api/v3/coins/markets', { status: 503 });
    const run = await runMain(['crypto', '--max-retries', '0'], cryptoEnv(api, cacheDir));
    expect(run.stderr).toMatch(/^\{"level":40,.*"source":"coingecko"/m);
    expect(run.stderr).toMatch(/^ {2}127\.0\.0\.1:\d+ \(coingecko\) +\d+ req/m);
    expect(run.stderr).not.toContain('\r');
  });
});

describe('the pending-work line', () => {
  it('never appears on a pipe, with TERM=dumb or under --quiet, however long the wait', async () => {
    api.fault('/cg/api/v3/coins/markets', { latencyMs: 1300 }, { times: 1 });
    const piped = await runMain(['crypto', '--limit', '3'], cryptoEnv(api, cacheDir));
    expect(piped.code).toBe(0);
    expect(piped.stderr).not.toContain('\r');
    expect(piped.stderr).not.toContain('waiting for');
    api.fault('/cg/api/v3/coins/markets', { latencyMs: 1300 }, { times: 1 });
    const dumb = await onTerminal(['crypto', '--limit', '3', '--force-refresh'], cryptoEnv(api, cacheDir, { TERM: 'dumb' }));
    expect(dumb.stderr).not.toContain('waiting for');
    api.fault('/cg/api/v3/coins/markets', { latencyMs: 1300 }, { times: 1 });
    const quiet = await onTerminal(['crypto', '--limit', '3', '--force-refresh', '--quiet'], cryptoEnv(api, cacheDir));
    expect(quiet.stderr).toBe('');
    api.fault('/cg/api/v3/coins/markets', { latencyMs: 1300 }, { times: 1 });
    const shown = await onTerminal(['crypto', '--limit', '3', '--force-refresh'], cryptoEnv(api, cacheDir));
    expect(shown.stderr).toMatch(/\r\u001b\[2Kwaiting for coingecko/);
  });
});

describe('the market progress bar', () => {
  it('draws on a terminal, and not with TERM=dumb, under --quiet or on a pipe', async () => {
    routeMarket(api);
    const symbols = syntheticSymbols(6);
    const env = (extra: Record<string, string> = {}) => ({ ...marketEnv(api, cacheDir), SCREEN_PACE_MS: '300', ...extra });
    const shown = await onTerminal(['market', '--sources', 'finnhub', '--force-refresh', ...symbols], env());
    expect(shown.stderr).toMatch(/\r\u001b\[2Kmarket quotes \d\/6/);
    const dumb = await onTerminal(['market', '--sources', 'finnhub', '--force-refresh', ...symbols], env({ TERM: 'dumb' }));
    expect(dumb.stderr).not.toContain('market quotes');
    expect(dumb.stderr).not.toContain('\r');
    const piped = await runMain(['market', '--sources', 'finnhub', '--force-refresh', ...symbols], env());
    expect(piped.stderr).not.toContain('\r');
  });
});
