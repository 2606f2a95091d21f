import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { Clock } from '../../src/time/clock.js';
import { startFakeApi, type FakeApi } from './fake-api/index.js';

/** The built bin, exactly as users run it (`npm test` builds before vitest runs). */
export const BIN = fileURLToPath(new URL('../../bin/screen.js', import.meta.url));

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Settings that make spawned runs fast without changing production code paths: no pacing between
 * requests, short timeouts and a short retry backoff, no candle history fetched (all documented
 * flags/env in the README).
 */
export const FAST_ENV: Record<string, string> = {
  SCREEN_PACE_MS: '0',
  SCREEN_TIMEOUT_MS: '3000',
  SCREEN_RETRY_BASE_MS: '20',
  SCREEN_MAX_RETRIES: '1',
  // Never the real stream: a loopback port nothing listens on (refused at once); tests of live prices set their own.
  SCREEN_BINANCE_WS_URL: 'ws://127.0.0.1:1/ws',
  // Candle history only where a test serves klines and asks for it (test/cli/history-*.test.ts).
  SCREEN_HISTORY_BUDGET: '0',
};

/** Environment without the developer's real keys or overrides, so tests never depend on them. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    // NODE_CHANNEL_*: vitest's worker is a fork; a child given its IPC variables would open an IPC channel too.
    if (/^(SCREEN_|COINGECKO|COINCAP|NEWSAPI|FINNHUB|ALPHAVANTAGE|STOOQ|LOG_LEVEL|FORCE_COLOR|NO_COLOR|NODE_CHANNEL_)/.test(name)) continue;
    env[name] = value;
  }
  return { ...env, NO_COLOR: '1', ...extra };
}

/**
 * Runs `screen ...args` in this process through `main(argv, io)`, the way the bin does but with
 * captured streams, the given environment and no signal handlers: what most CLI tests need, at a
 * fraction of a spawn's cost. `signal` is always null (nothing can kill it).
 */
export async function runMain(args: string[], env: NodeJS.ProcessEnv, options: { clock?: Clock } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(['node', 'screen', ...args], {
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    env,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  return { code, signal: null, stdout, stderr };
}

/** Spawns `node bin/screen.js ...args` and collects its output: for the process edge (signals, exit, TTY). */
export function runCli(args: string[], env: NodeJS.ProcessEnv, options: { timeoutMs?: number } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** A fresh temp cache dir; remove it with `removeDir`. */
export async function tempCacheDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'qaht-test-'));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/**
 * The set-up every CLI test file shares: one fake API server for the file (reset before
 * each test) and a fresh cache dir per test, removed after it. `onEach` receives both before each
 * test, after the reset, to bind them and add routes.
 */
export function useCliSandbox(onEach: (sandbox: { api: FakeApi; cacheDir: string }) => void | Promise<void>): void {
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
    await onEach({ api, cacheDir });
  });
  afterEach(async () => {
    await removeDir(cacheDir);
  });
}
