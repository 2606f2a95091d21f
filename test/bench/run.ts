/**
 * `npm run bench`: the benchmarks of issue 8, each a ratio against a baseline measured in the same
 * run (these machines are noisy). Prints one table on stdout, or JSON with `--json`.
 * `--only 2,4` runs a subset. Not a test: CI does not run it.
 */
import { cpus, loadavg } from 'node:os';
import { readFileSync } from 'node:fs';
import { progress, type BenchResult, type BenchRow } from './bench-types.js';

interface Bench {
  id: string;
  title: string;
  run: () => Promise<BenchResult>;
}

const BENCHES: Bench[] = [
  { id: '1', title: 'Warm-cache run', run: async () => (await import('./warm-cache.js')).benchWarmCache() },
  { id: '2', title: 'Concurrency', run: async () => (await import('./concurrency.js')).benchConcurrency() },
  { id: '3', title: 'Client overhead', run: async () => (await import('./client-overhead.js')).benchClientOverhead() },
  { id: '4', title: 'Adaptive limiter vs a real limit', run: async () => (await import('./rate-limit.js')).benchRateLimit() },
  { id: '5', title: 'Breaker during an outage', run: async () => (await import('./breaker-outage.js')).benchBreakerOutage() },
  { id: '6', title: 'Ranking 20,000 and 200,000 assets', run: async () => (await import('./ranking.js')).benchRanking() },
  { id: '7', title: 'News dedup', run: async () => (await import('./news-dedup.js')).benchNewsDedup() },
  { id: '8', title: 'Store cost of a warm run', run: async () => (await import('./store-cost.js')).benchStoreCost() },
  { id: '9', title: 'Shared store', run: async () => (await import('./shared-store.js')).benchSharedStore() },
  { id: '10', title: 'serve under 300 readers', run: async () => (await import('./serve-readers.js')).benchServeReaders() },
  { id: '11', title: 'Start-up on every Node', run: async () => (await import('./startup.js')).benchStartup() },
  { id: '14', title: 'Signal journal and screen eval', run: async () => (await import('./journal.js')).benchJournal() },
  { id: '15', title: 'Signals', run: async () => (await import('./signals.js')).benchSignals() },
  { id: '16', title: 'Candle history', run: async () => (await import('./history.js')).benchHistory() },
  { id: '17', title: 'A cron through a Redis outage', run: async () => (await import('./store-outage.js')).benchStoreOutage() },
  { id: '18', title: 'Live prices: tick to SSE, CPU per frame', run: async () => (await import('./live-ticks.js')).benchLiveTicks() },
];

interface Machine {
  cpus: number;
  /** 1-minute load average when the bench started: other work on the machine skews every figure. */
  loadAverage1m: number;
  cpuModel: string;
  node: string;
  platform: string;
  date: string;
}

function machine(): Machine {
  let cpuModel = cpus()[0]?.model ?? 'unknown';
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) cpuModel = line.split(':')[1]?.trim() ?? cpuModel;
  } catch {
    // Not Linux: os.cpus() will do.
  }
  return {
    cpus: cpus().length,
    loadAverage1m: Number((loadavg()[0] ?? 0).toFixed(2)),
    cpuModel,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    date: new Date().toISOString(),
  };
}

function parseArgs(argv: string[]): { json: boolean; only: Set<string> | undefined } {
  let json = false;
  let only: Set<string> | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--json') json = true;
    else if (arg === '--only') only = new Set((argv[++i] ?? '').split(',').map((s) => s.trim()));
    else if (arg.startsWith('--only='))
      only = new Set(
        arg
          .slice(7)
          .split(',')
          .map((s) => s.trim()),
      );
    else throw new Error(`unknown argument ${arg} (use --json, --only 1,2)`);
  }
  return { json, only };
}

function formatRatio(ratio: number | null): string {
  if (ratio === null || !Number.isFinite(ratio)) return '—';
  return ratio >= 10 ? ratio.toFixed(1) : ratio >= 0.1 ? ratio.toFixed(2) : ratio.toFixed(3);
}

function verdict(pass: boolean | null): string {
  return pass === null ? '—' : pass ? 'pass' : 'short';
}

/** A Markdown table, columns padded so it also reads well in a terminal. */
function renderTable(rows: BenchRow[]): string {
  const header = ['benchmark', 'measured', 'baseline', 'ratio', 'target', 'result'];
  const body = rows.map((r) => [r.benchmark, r.measured, r.baseline, formatRatio(r.ratio), r.target, verdict(r.pass)]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((row) => (row[c] as string).length)));
  const line = (cells: string[]): string => `| ${cells.map((cell, c) => cell.padEnd(widths[c] as number)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

async function main(): Promise<void> {
  const { json, only } = parseArgs(process.argv.slice(2));
  const info = machine();
  const results: BenchResult[] = [];
  const startedAt = performance.now();
  for (const bench of BENCHES) {
    if (only && !only.has(bench.id)) continue;
    progress(`${bench.id}. ${bench.title}...`);
    const t0 = performance.now();
    try {
      results.push(await bench.run());
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      progress(`${bench.id} failed: ${error instanceof Error && error.stack ? error.stack : message}`);
      results.push({
        id: bench.id,
        title: bench.title,
        rows: [
          {
            benchmark: `${bench.id} ${bench.title}`,
            measured: `error: ${message.split('\n')[0] ?? ''}`,
            baseline: '—',
            ratio: null,
            target: '—',
            pass: false,
          },
        ],
        notes: [],
      });
    }
    progress(`${bench.id} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const totalS = (performance.now() - startedAt) / 1000;
  if (json) {
    process.stdout.write(`${JSON.stringify({ machine: info, totalSeconds: totalS, benchmarks: results }, null, 2)}\n`);
    return;
  }
  const lines = [
    `Machine: ${info.cpus} × ${info.cpuModel}, Node ${info.node} (${info.platform}), load average ${info.loadAverage1m} at start, ${info.date}; bench took ${totalS.toFixed(0)} s.`,
    '',
    renderTable(results.flatMap((r) => r.rows)),
    '',
    'ratio = measured ÷ baseline, both measured in this run.',
    ...results.flatMap((r) => r.notes.map((n) => `- ${n}`)),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().then(
  () => {
    // Pooled sockets or a forgotten timer must not keep the bench alive once it is done.
    process.exit(process.exitCode ?? 0);
  },
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
