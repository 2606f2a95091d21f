/**
 * 11. Start-up on every Node found: whole-process wall and CPU time (user + system) of the built
 * bin's `--version`, warm `crypto --demo --json` and warm `crypto --demo` (table), each against
 * `node -e 0` of the same runtime, in alternating rounds; medians of wall time, means of CPU time, and ratios. The runtimes: the
 * Node running the bench, and Node 24 where it is installed as the README says
 * (`npm i --prefix ~/.cache/node24 node@24`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { check, mean, median, ms, progress, type BenchResult, type BenchRow } from './bench-types.js';
import { measureNode, type ProcessMeasurement } from './measure-process.js';
import { fillHistory, type HistorySetup, pendingSeries, warmHistory } from './warm-history.js';

const ROUNDS = 11;
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'screen.js');
/** The crypto TTLs are 60 s: the cache is warmed again when its fill is older than this. */
const REWARM_AFTER_MS = 40_000;

/** Where the README installs Node 24. */
export const NODE24 = join(homedir(), '.cache', 'node24', 'node_modules', '.bin', 'node');

type Case = 'node -e 0' | '--version' | 'crypto --json' | 'crypto table';

const ARGS: Record<Case, string[]> = {
  'node -e 0': ['-e', '0'],
  '--version': [BIN, '--version'],
  'crypto --json': [BIN, 'crypto', '--demo', '--json'],
  'crypto table': [BIN, 'crypto', '--demo'],
};

/** Wall-time goals of issue 15, by Node major version. */
const GOALS: Record<string, Partial<Record<Case, number>>> = {
  '24': { 'crypto --json': 2.0, 'crypto table': 3.0, '--version': 1.3 },
  '20': { 'crypto table': 2.5 },
};

function runtimes(): string[] {
  const found = [process.execPath];
  if (existsSync(NODE24) && !found.includes(NODE24)) found.push(NODE24);
  return found;
}

function versionOf(node: string): string {
  return spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
}

function allCached(run: ProcessMeasurement): boolean {
  try {
    const { sources } = JSON.parse(run.stdout) as { sources: { status: string }[] };
    return sources.length > 0 && sources.every((source) => source.status === 'cached');
  } catch {
    return false;
  }
}

/** Runs of one runtime: `ROUNDS` rounds, each case once per round in turn. */
async function measureRuntime(node: string, scratch: string): Promise<Map<Case, ProcessMeasurement[]>> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NO_COLOR: '1',
    SCREEN_CACHE_DIR: join(scratch, 'cache'),
    SCREEN_STATE_DIR: join(scratch, 'state'),
  };
  const options = { env, cwd: ROOT, scratchDir: scratch, node };
  const runs = new Map<Case, ProcessMeasurement[]>(Object.keys(ARGS).map((name) => [name as Case, []]));
  // The candle history complete, as a user's (warm-history.ts); kept current at every re-warm.
  const history: HistorySetup = { name: 'demo', bin: BIN, args: ['--demo'], env, cwd: ROOT };
  const cacheDir = env.SCREEN_CACHE_DIR ?? '';
  await warmHistory(history, cacheDir, scratch);
  let warmedAt = 0;
  let pendingRounds = 0;
  for (let round = 0; round < ROUNDS; ) {
    if (Date.now() - warmedAt > REWARM_AFTER_MS) {
      if (warmedAt > 0) await fillHistory(history, cacheDir, scratch);
      // Also the compile cache's first fill on Node 22+: never timed.
      const warmup = await measureNode(ARGS['crypto --json'], options);
      if (warmup.code !== 0) throw new Error(`the warm-up run exited ${String(warmup.code)}: ${warmup.stderr.split('\n')[0] ?? ''}`);
      await measureNode(ARGS['crypto table'], options);
      warmedAt = Date.now();
    }
    const measured = new Map<Case, ProcessMeasurement>();
    for (const name of Object.keys(ARGS) as Case[]) measured.set(name, await measureNode(ARGS[name], options));
    // A round whose runs were not all served from cache is not a warm round: warm again, redo it.
    const json = measured.get('crypto --json');
    if (!json || !allCached(json) || measured.get('crypto table')?.code !== 0) {
      warmedAt = 0;
      continue;
    }
    for (const [name, run] of measured) runs.get(name)?.push(run);
    pendingRounds += pendingSeries(json.stderr) > 0 ? 1 : 0;
    round++;
  }
  if (pendingRounds > 0) progress(`start-up: ${pendingRounds} rounds ran with history pending (not history-warm)`);
  return runs;
}

function rowsFor(version: string, runs: Map<Case, ProcessMeasurement[]>): BenchRow[] {
  const base = runs.get('node -e 0') ?? [];
  const baseWall = median(base.map((run) => run.wallMs));
  // Means: GNU time counts CPU in 10 ms steps, which a median would keep.
  const baseCpu = mean(base.map((run) => run.cpuMs));
  const major = version.replace(/^v/, '').split('.')[0] ?? '';
  const rows: BenchRow[] = [];
  for (const name of ['--version', 'crypto --json', 'crypto table'] as const) {
    const measured = runs.get(name) ?? [];
    const wall = median(measured.map((run) => run.wallMs));
    const cpu = mean(measured.map((run) => run.cpuMs));
    const goal = GOALS[major]?.[name];
    rows.push({
      benchmark: `11 Node ${version} ${name === '--version' ? 'screen --version' : `warm screen ${name}`}: wall`,
      measured: ms(wall),
      baseline: `${ms(baseWall)} node -e 0`,
      ratio: wall / baseWall,
      ...(goal ? check(wall / baseWall, 'max', goal) : { target: 'info', pass: null }),
      values: { node: version, case: name, rounds: measured.length, wallMsMedian: wall, nodeWallMsMedian: baseWall, cpuMsMean: cpu },
    });
    rows.push({
      benchmark: `11 Node ${version} ${name === '--version' ? 'screen --version' : `warm screen ${name}`}: CPU`,
      measured: ms(cpu),
      baseline: `${ms(baseCpu)} node -e 0`,
      ratio: cpu / baseCpu,
      target: 'info',
      pass: null,
      values: { node: version, case: name, cpuMsMean: cpu, nodeCpuMsMean: baseCpu },
    });
  }
  return rows;
}

export async function benchStartup(): Promise<BenchResult> {
  const rows: BenchRow[] = [];
  const versions: string[] = [];
  for (const node of runtimes()) {
    const version = versionOf(node);
    versions.push(version);
    const scratch = await mkdtemp(join(tmpdir(), 'qaht-bench-startup-'));
    try {
      progress(`start-up on Node ${version} (${node})`);
      rows.push(...rowsFor(version, await measureRuntime(node, scratch)));
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }
  return {
    id: '11',
    title: 'Start-up on every Node',
    rows,
    notes: [
      `11: the built bin on ${versions.join(' and ')}${existsSync(NODE24) ? '' : ' (Node 24 not installed: `npm i --prefix ~/.cache/node24 node@24`)'}; ` +
        `${ROUNDS} rounds, each running node -e 0, --version, warm crypto --demo --json and warm crypto --demo (table) in turn; medians. ` +
        'Warm: the candle history complete (untimed `screen history fill --interval all`, see test/bench/warm-history.ts, brought up to date at each re-warm) and the response cache filled by an untimed run at most 40 s before (TTLs are 60 s); a round whose JSON run was not served entirely from cache is redone. ' +
        'Output to pipes, NO_COLOR, no keys. Wall = spawn to exit seen by the bench; CPU = user + system of the child (GNU time, in 10 ms steps, so means). ' +
        'Goals (wall ratios, issue 15): Node 24 --json ≤ 2.0, table ≤ 3.0, --version ≤ 1.3; Node 20 table ≤ 2.5.',
    ],
  };
}
