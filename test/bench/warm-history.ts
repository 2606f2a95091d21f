/**
 * Candle history for the warm-run rows (1, 11, 15c/d). Users run `screen crypto` with a filled
 * history (cron keeps it current: a daily series costs one request a day), so a warm run here has
 * BOTH its response cache and its candle history warm: `screen history fill --interval all`
 * (every ranked coin's daily and hourly series) runs untimed against the same sources before the
 * timed runs. A complete fill of the demo takes minutes (keyless CoinGecko is paced at one request
 * per 2 s, and the demo has ~50 coins without a Binance pair), so it is done once per bench process
 * into a template cache dir and copied; each copy is then brought up to date by another fill (only
 * what became due since, e.g. the hourly series after the hour turned).
 */
import { rmSync } from 'node:fs';
import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { progress } from './bench-types.js';
import { measureNode } from './measure-process.js';

/** One history: the sources it is filled from. */
export interface HistorySetup {
  /** Names the template (one per set of sources). */
  name: string;
  /** The built bin. */
  bin: string;
  /** `['--demo']` for the demo's sources, `[]` for the SCREEN_<SOURCE>_URL ones in `env`. */
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** The history folder inside a cache dir (`demo/history` under `--demo`). */
export function historyDir(cacheDir: string, setup: Pick<HistorySetup, 'args'>): string {
  return setup.args.includes('--demo') ? join(cacheDir, 'demo', 'history') : join(cacheDir, 'history');
}

/** `history fill --interval all` into `cacheDir`, untimed; throws when it fails. Resolves its wall time, ms. */
export async function fillHistory(setup: HistorySetup, cacheDir: string, scratchDir: string): Promise<number> {
  const run = await measureNode([setup.bin, 'history', 'fill', '--interval', 'all', ...setup.args, '--cache-dir', cacheDir], {
    env: setup.env,
    cwd: setup.cwd,
    scratchDir,
  });
  if (run.code !== 0)
    throw new Error(`history fill (${setup.name}) exited ${String(run.code)}: ${run.stderr.trim().split('\n').at(-1) ?? ''}`);
  return run.wallMs;
}

const templates = new Map<string, Promise<string>>();

/** A cache dir holding a complete history of `setup`'s sources, filled once per bench process. */
function template(setup: HistorySetup): Promise<string> {
  let made = templates.get(setup.name);
  if (!made) {
    made = (async () => {
      const dir = await mkdtemp(join(tmpdir(), `qaht-bench-history-${setup.name}-`));
      process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
      progress(`filling the ${setup.name} candle history once (untimed: history fill --interval all)`);
      const wallMs = await fillHistory(setup, dir, dir);
      progress(`${setup.name} candle history filled in ${(wallMs / 1000).toFixed(1)} s`);
      return dir;
    })();
    templates.set(setup.name, made);
  }
  return made;
}

/**
 * Gives `cacheDir` a complete, current candle history of `setup`'s sources: the template's copied
 * in, then a fill for whatever became due since. Untimed.
 */
export async function warmHistory(setup: HistorySetup, cacheDir: string, scratchDir: string): Promise<void> {
  const from = await template(setup);
  await cp(historyDir(from, setup), historyDir(cacheDir, setup), { recursive: true });
  await fillHistory(setup, cacheDir, scratchDir);
}

/** The pending line a run prints while its history is incomplete (`history: N series pending`), as N; 0 without it. */
export function pendingSeries(stderr: string): number {
  return Number(/history: (\d+) series pending/.exec(stderr)?.[1] ?? 0);
}
