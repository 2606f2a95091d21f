import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeApi } from '../helpers/fake-api/index.js';
import { removeDir, runMain, tempCacheDir, useCliSandbox } from '../helpers/run-cli.js';
import { CRYPTO_PATHS, cryptoEnv, routeCrypto } from './ops-fixtures.js';

/**
 * The contract's "Logs": a degraded source logs at warn and a run with no results at error, so
 * the default level with `--quiet --log-file F` records every degraded run and leaves F empty
 * when all is well; `--quiet --strict` still says on stderr why it exits 3; and what an API says
 * reaches the log without its control characters.
 */

let api: FakeApi;
let cacheDir: string;
let outDir: string;
let logFile: string;

useCliSandbox((sandbox) => {
  ({ api, cacheDir } = sandbox);
  routeCrypto(api);
});
beforeEach(async () => {
  outDir = await tempCacheDir();
  logFile = join(outDir, 'qaht.log');
});
afterEach(async () => {
  await removeDir(outDir);
});

interface LogRecord {
  level: number;
  msg: string;
  source?: string;
  status?: string;
  error?: string | null;
}

async function logRecords(): Promise<LogRecord[]> {
  const text = await readFile(logFile, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as LogRecord);
}

const WARN = 40;
const ERROR = 50;
/** What a cron line runs: quiet, the log to a file, the default level. */
const cron = (...args: string[]): string[] => ['crypto', '--json', '--quiet', '--log-file', logFile, ...args];

describe('--quiet --log-file at the default level', () => {
  it('writes nothing when every source is fine (and nothing reaches stderr)', async () => {
    const run = await runMain(cron(), cryptoEnv(api, cacheDir));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    expect(await logRecords()).toEqual([]);
  });

  it('records a failed source, a rate limit and stale data at warn, and a run with no results at error', async () => {
    const env = cryptoEnv(api, cacheDir);
    api.fault(CRYPTO_PATHS.binanceTicker, { status: 503 });
    const failed = await runMain(cron(), env);
    expect(failed.code, failed.stderr).toBe(0);
    expect(failed.stderr).toBe('');
    expect(await logRecords()).toContainEqual(expect.objectContaining({ level: WARN, source: 'binance', status: 'failed' }));

    // CoinGecko cached by the run above; a forced refresh meets a 429 and serves it stale.
    api.clearFaults();
    api.fault(CRYPTO_PATHS.coingecko, { status: 429 });
    const stale = await runMain(cron('--force-refresh', '--max-retries', '0'), env);
    expect(stale.code, stale.stderr).toBe(0);
    const records = await logRecords();
    expect(records).toContainEqual(expect.objectContaining({ level: WARN, msg: expect.stringMatching(/^rate limited by /) }));
    expect(records).toContainEqual(expect.objectContaining({ level: WARN, source: 'coingecko', status: 'stale' }));

    const emptyDir = await tempCacheDir();
    try {
      api.fault('*', { status: 503 });
      const none = await runMain(cron(), cryptoEnv(api, emptyDir));
      expect(none.code).toBe(1);
      expect(await logRecords()).toContainEqual(expect.objectContaining({ level: ERROR, msg: expect.stringMatching(/^no results/) }));
    } finally {
      await removeDir(emptyDir);
    }
    // Nothing below warn at the default level, though the runs had plenty to say at info.
    for (const record of await logRecords()) expect(record.level).toBeGreaterThanOrEqual(WARN);
  });
});

describe('--quiet --strict', () => {
  it('prints one line on stderr saying what was degraded when it exits 3: no URL, no body', async () => {
    api.fault(CRYPTO_PATHS.binanceTicker, { status: 503, body: '<html><body>Service Unavailable</body></html>' });
    const run = await runMain(['crypto', '--json', '--quiet', '--strict'], cryptoEnv(api, cacheDir));
    expect(run.code).toBe(3);
    const lines = run.stderr.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^screen: degraded: binance failed \(HTTP 503 from 127\.0\.0\.1:\d+\)$/);
  });

  it('prints nothing when the run is not degraded', async () => {
    const run = await runMain(['crypto', '--json', '--quiet', '--strict'], cryptoEnv(api, cacheDir));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
  });
});

describe("an API's control characters", () => {
  // C1 CSI and OSC (8-bit), NEL, bidi override and isolate marks, and a 7-bit escape sequence.
  const hostile = 'down \u009b31m red \u009d0;title\u0007 \u0085 \u202etxet\u202c \u2066iso\u2069 \u001b[2J end';
  const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

  it('never reach the log file or the JSON log on stderr', async () => {
    api.fault(CRYPTO_PATHS.binanceTicker, { status: 503, body: hostile });
    const toFile = await runMain(['crypto', '--json', '--log-file', logFile], cryptoEnv(api, cacheDir));
    expect(toFile.code, toFile.stderr).toBe(0);
    const text = await readFile(logFile, 'utf8');
    expect(text).toContain('down');
    expect(text).toContain('end');
    expect(text).not.toMatch(CONTROL);
    expect(text).not.toContain('\\u001b');

    // Without --log-file the JSON log goes to stderr beside the status lines: clean as well.
    const toStderr = await runMain(['crypto', '--json', '--force-refresh'], cryptoEnv(api, cacheDir));
    expect(toStderr.stderr).toContain('"level":40');
    expect(toStderr.stderr).not.toMatch(CONTROL);
    expect(toStderr.stderr).not.toContain('\\u001b');
  });
});
