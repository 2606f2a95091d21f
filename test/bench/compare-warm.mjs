#!/usr/bin/env node
/**
 * Warm `screen crypto --demo` runs of several built trees, side by side in one session: the way
 * bench row 1 times them (GNU time: wall, user + system CPU, peak RSS), alternating tree by tree
 * so the machine's load falls on each alike. Each tree gets its own cache dir with the response
 * cache warm (re-warmed every 40 s: the crypto TTLs are 60 s) and, where the tree has candle
 * history, the history complete (filled once by the first such tree, `history fill --demo
 * --interval all`, copied to the others and brought up to date by each tree's own fill). A tree
 * from before candle history (e.g. 8814b91) runs with no history, as it always did.
 *
 *   node test/bench/compare-warm.mjs [--runs 11] TREE [TREE...]
 *
 * Not part of `npm run bench` (it needs other trees built); the closing notes quote its output.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const argv = process.argv.slice(2);
let runs = 11;
const trees = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--runs') runs = Number(argv[++i]);
  else trees.push(resolve(argv[i]));
}
if (trees.length === 0 || !Number.isInteger(runs) || runs < 1) {
  console.error('usage: node test/bench/compare-warm.mjs [--runs 11] TREE [TREE...]');
  process.exit(2);
}

const REWARM_AFTER_MS = 40_000;
const scratch = mkdtempSync(join(tmpdir(), 'qaht-compare-warm-'));
const env = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1' };

/** GNU time around `node <args>`: wall ms (as seen here), CPU ms, peak RSS KiB, exit code, output. */
function timed(args) {
  const out = join(scratch, 'time.txt');
  const started = performance.now();
  const child = spawnSync('/usr/bin/time', ['-f', '%M %U %S', '-o', out, process.execPath, ...args], { env, encoding: 'utf8' });
  const wallMs = performance.now() - started;
  const [kib, user, system] = readFileSync(out, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  return { wallMs, cpuMs: (user + system) * 1000, rssKib: kib, code: child.status, stdout: child.stdout, stderr: child.stderr };
}

function bin(tree) {
  return join(tree, 'bin', 'screen.js');
}

function hasHistory(tree) {
  return existsSync(join(tree, 'dist', 'commands', 'history'));
}

function must(run, what) {
  if (run.code !== 0) throw new Error(`${what} exited ${run.code}: ${run.stderr.trim().split('\n').at(-1)}`);
  return run;
}

const setups = trees.map((tree, i) => ({ tree, cache: join(scratch, `cache-${i}`), history: hasHistory(tree) }));
const filler = setups.find((s) => s.history);
if (filler) {
  const t = timed([bin(filler.tree), 'history', 'fill', '--demo', '--interval', 'all', '--cache-dir', filler.cache]);
  must(t, 'history fill');
  console.error(`history filled by ${filler.tree} in ${(t.wallMs / 1000).toFixed(1)} s`);
  for (const s of setups) {
    if (!s.history || s === filler) continue;
    cpSync(join(filler.cache, 'demo', 'history'), join(s.cache, 'demo', 'history'), { recursive: true });
  }
}

let warmedAt = 0;
function warm() {
  for (const s of setups) {
    if (s.history) must(timed([bin(s.tree), 'history', 'fill', '--demo', '--interval', 'all', '--cache-dir', s.cache]), 'history fill');
    must(timed([bin(s.tree), 'crypto', '--demo', '--json', '--cache-dir', s.cache]), 'warm-up');
  }
  warmedAt = Date.now();
}

const loadBefore = loadavg()[0];
const samples = setups.map(() => ({ table: [], json: [] }));
const node = [];
const pendingRuns = setups.map(() => 0);
for (let r = 0; r < runs; r++) {
  if (Date.now() - warmedAt > REWARM_AFTER_MS) warm();
  node.push(timed(['-e', '0']));
  for (const [i, s] of setups.entries()) {
    for (const kind of ['table', 'json']) {
      const run = must(
        timed([bin(s.tree), 'crypto', '--demo', ...(kind === 'json' ? ['--json'] : []), '--cache-dir', s.cache]),
        'warm run',
      );
      if (/history: \d+ series pending/.test(run.stderr)) pendingRuns[i]++;
      samples[i][kind].push(run);
    }
  }
}
const loadAfter = loadavg()[0];

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;
const fmt = (list) =>
  `wall ${median(list.map((x) => x.wallMs)).toFixed(0)} ms, CPU ${mean(list.map((x) => x.cpuMs)).toFixed(0)} ms (mean), RSS ${(median(list.map((x) => x.rssKib)) / 1024).toFixed(1)} MiB`;
console.log(
  `load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after; ${runs} alternated rounds, medians (CPU: means of GNU time's 10 ms steps)`,
);
console.log(`node -e 0: ${fmt(node)}`);
for (const [i, s] of setups.entries()) {
  const head = spawnSync('git', ['-C', s.tree, 'log', '-1', '--format=%h'], { encoding: 'utf8' }).stdout.trim();
  const state = s.history
    ? `history complete${pendingRuns[i] ? `, ${pendingRuns[i]} runs with history pending` : ''}`
    : 'no candle history in this tree';
  console.log(`${s.tree} (${head}, ${state})`);
  console.log(`  crypto --demo (table): ${fmt(samples[i].table)}`);
  console.log(`  crypto --demo --json:  ${fmt(samples[i].json)}`);
}
rmSync(scratch, { recursive: true, force: true });
