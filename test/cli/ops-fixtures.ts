import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderTimeTokens } from '../../src/demo/time-tokens.js';
import type { FakeApi } from '../helpers/fake-api/index.js';
import { BIN, cleanEnv, FAST_ENV, type CliRun } from '../helpers/run-cli.js';

/**
 * Fixtures for the spawned operations tests (issue 7): a bin run that can be signalled, waiting on
 * the fake server's request log, walking a cache dir, and `screen crypto` pointed at the fake
 * with the demo recordings (real CoinGecko and Binance shapes).
 */

/** A spawned run that is still going: signal it through `child`, await `done` for the outcome. */
export interface RunningCli {
  child: ChildProcess;
  done: Promise<CliRun & { elapsedMs: number }>;
}

/** Spawns `node bin/screen.js ...args` like `runCli`, but hands back the child so a test can signal it. */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 30_000): RunningCli {
  const startedAt = performance.now();
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const done = new Promise<CliRun & { elapsedMs: number }>((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, elapsedMs: performance.now() - startedAt });
    });
  });
  return { child, done };
}

/**
 * Polls `condition` every few ms until it holds; rejects after `timeoutMs` with `what` in the
 * message. For waiting on another process (a request reaching the fake server), not on time logic.
 */
export async function waitUntil(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Every file under `dir`, as paths relative to it (sorted). */
export async function listFilesDeep(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .sort();
}

/** Files a writer or a lock holder leaves behind when it dies mid-way (`*.tmp`, `*.lock`, `*.break`). */
export function isLeftover(file: string): boolean {
  return /\.(tmp|lock|break)$/.test(file);
}

/**
 * Parses every `.json` file under `dir`; resolves the files that do not parse (empty when the
 * cache dir is consistent) and how many parsed.
 */
export async function unparsableJsonFiles(dir: string): Promise<{ bad: string[]; parsed: number }> {
  const bad: string[] = [];
  let parsed = 0;
  for (const file of (await listFilesDeep(dir)).filter((f) => f.endsWith('.json'))) {
    try {
      JSON.parse(await readFile(join(dir, file), 'utf8'));
      parsed++;
    } catch {
      bad.push(file);
    }
  }
  return { bad, parsed };
}

/** Paths of `screen crypto`'s requests as the fake server sees them (prefix from `cryptoEnv`). */
export const CRYPTO_PATHS = {
  coingecko: '/cg/api/v3/coins/markets',
  binanceTicker: '/bn/api/v3/ticker/24hr',
  binanceExchangeInfo: '/bn/api/v3/exchangeInfo',
} as const;

/** Environment for a spawned `screen crypto`: fast settings, the given cache dir, CoinGecko and Binance on the fake. */
export function cryptoEnv(api: FakeApi, cacheDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return cleanEnv({
    ...FAST_ENV,
    SCREEN_CACHE_DIR: cacheDir,
    SCREEN_COINGECKO_URL: `${api.url}/cg/api/v3`,
    SCREEN_BINANCE_URL: `${api.url}/bn`,
    ...extra,
  });
}

const CRYPTO_RECORDINGS = new URL('../../src/demo/recordings/crypto/', import.meta.url);

function cryptoRecording(file: string): string {
  return renderTimeTokens(readFileSync(new URL(file, CRYPTO_RECORDINGS), 'utf8'), Date.now());
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

/**
 * Serves the demo recordings on the three routes `screen crypto` uses (CoinCap stays unkeyed, so
 * skipped). `latencyMs` delays every reply, so overlapping runs really overlap.
 */
export function routeCrypto(api: FakeApi, options: { latencyMs?: number } = {}): void {
  const routeOptions = options.latencyMs ? { latencyMs: options.latencyMs } : {};
  const pages = [cryptoRecording('coingecko-markets-page1.json'), cryptoRecording('coingecko-markets-page2.json')];
  api.route(
    'GET',
    CRYPTO_PATHS.coingecko,
    (_req, url, ctx) => ctx.text(url.searchParams.get('page') === '2' ? pages[1]! : pages[0]!, { headers: JSON_HEADERS }),
    routeOptions,
  );
  api.route('GET', CRYPTO_PATHS.binanceTicker, { body: cryptoRecording('binance-ticker-24hr.json'), headers: JSON_HEADERS }, routeOptions);
  api.route(
    'GET',
    CRYPTO_PATHS.binanceExchangeInfo,
    { body: cryptoRecording('binance-exchange-info.json'), headers: JSON_HEADERS },
    routeOptions,
  );
}

/** The parts of `--json` output these tests read; `Row` is the command's result row. */
export interface CommandJson<Row = Record<string, unknown>> {
  command: string;
  sources: Array<{ name: string; status: string; items: number; error: string | null; fetchedAt: string | null }>;
  results: Row[];
  excluded: Array<{ id: string; reason: string }>;
  metrics: { counters: Record<string, number> };
}

/** Parses a run's stdout as the `--json` document, with the output in the error when it is not JSON. */
export function parseCommandJson<Row = Record<string, unknown>>(stdout: string, stderr = ''): CommandJson<Row> {
  try {
    return JSON.parse(stdout) as CommandJson<Row>;
  } catch {
    throw new Error(`stdout is not JSON.\nstdout: ${stdout.slice(0, 500)}\nstderr: ${stderr.slice(0, 2000)}`);
  }
}

/** `{ source: status }` from a JSON document. */
export function statusBySource(doc: Pick<CommandJson, 'sources'>): Record<string, string> {
  return Object.fromEntries(doc.sources.map((s) => [s.name, s.status]));
}
