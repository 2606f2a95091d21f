/**
 * 1. Warm-cache run: wall time, CPU time and peak RSS of `screen crypto` (the built bin) with its
 * response cache and its candle history warm (warm-history.ts), against `node -e 0`, plus whether
 * such a run loads the HTTP stack (undici); and, for information, the same run while the history
 * is still in its first fill.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { klinesAnswer, marketChartAnswer } from '../../src/demo/history-replies.js';
import { KEY_ENV_VARS, SOURCE_NAMES } from '../../src/sources/source-names.js';
import { check, median, mib, ms, progress, type BenchResult } from './bench-types.js';
import { measureNode, rssMethod, type ProcessMeasurement } from './measure-process.js';
import { binanceExchangeInfoBody, binanceTickerBody, coincapAssetsBody, coingeckoMarketsBody, syntheticCoins } from './synthetic-crypto.js';
import { historyDir, type HistorySetup, pendingSeries, warmHistory } from './warm-history.js';

const RUNS = 5;
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'screen.js');

interface SourceStatus {
  name: string;
  status: string;
}

/** The environment of a clean machine: no keys, no overrides from whoever runs the bench. */
function cleanEnv(): NodeJS.ProcessEnv {
  const secrets = new Set<string>([...Object.values(KEY_ENV_VARS), 'COINGECKO_API_KEY'].filter((v): v is string => typeof v === 'string'));
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name.startsWith('SCREEN_') || secrets.has(name) || name === 'LOG_LEVEL' || name === 'FORCE_COLOR') continue;
    env[name] = value;
  }
  env.NO_COLOR = '1';
  return env;
}

function statuses(run: ProcessMeasurement): SourceStatus[] | undefined {
  try {
    return (JSON.parse(run.stdout) as { sources: SourceStatus[] }).sources;
  } catch {
    return undefined;
  }
}

/** A loopback stand-in for the crypto APIs, candle history included (Binance klines, CoinGecko market_chart, from the demo's generator). */
async function startCryptoApi(): Promise<{ env: Record<string, string>; close: () => Promise<void> }> {
  const coins = syntheticCoins(250);
  const bodies: Record<string, string> = {
    '/coingecko/coins/markets': coingeckoMarketsBody(coins),
    '/binance/api/v3/ticker/24hr': binanceTickerBody(coins),
    '/binance/api/v3/exchangeInfo': binanceExchangeInfoBody(coins),
    '/coincap/assets': coincapAssetsBody(coins),
  };
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    req.resume();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const body = bodies[url.pathname] ?? historyBody(url);
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
    res.end(body ?? '{"error":"not found"}');
  };
  // A host per source, as in production: each is paced at its own documented rate (one shared
  // host would pace Binance's klines at CoinGecko's 2 s).
  const servers: Server[] = [];
  const env: Record<string, string> = { COINCAP_API_KEY: 'bench-key' };
  for (const source of SOURCE_NAMES) {
    const server = createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    servers.push(server);
    env[`SCREEN_${source.toUpperCase()}_URL`] = `http://127.0.0.1:${(server.address() as AddressInfo).port}/${source}`;
  }
  return {
    env,
    close: async () => {
      await Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              server.closeAllConnections();
              server.close(() => resolve());
            }),
        ),
      );
    },
  };
}

/** Klines and market_chart answers (the demo's generated bars, as of now), or undefined for any other path. */
function historyBody(url: URL): string | undefined {
  const query = url.searchParams;
  const num = (name: string): number | undefined => (query.get(name) === null ? undefined : Number(query.get(name)));
  if (url.pathname === '/binance/api/v3/klines') {
    const interval = query.get('interval') === '1h' ? '1h' : '1d';
    const answer = klinesAnswer(
      query.get('symbol') ?? '',
      interval,
      { startTime: num('startTime'), endTime: num('endTime'), limit: num('limit') },
      Date.now(),
    );
    return JSON.stringify('rows' in answer ? answer.rows : answer.error);
  }
  const chart = /^\/coingecko\/coins\/([^/]+)\/market_chart$/.exec(url.pathname);
  return chart ? JSON.stringify(marketChartAnswer(decodeURIComponent(chart[1]!), num('days') ?? 1, Date.now())) : undefined;
}

interface WarmMeasurement {
  mode: 'demo' | 'synthetic';
  command: string;
  runs: ProcessMeasurement[];
  baseline: ProcessMeasurement[];
  /** The same run with the response cache warm but no candle history yet (its first fill), each in a fresh copy. */
  firstFill: ProcessMeasurement[];
  /** Source statuses of one more warm run, asked for as JSON. */
  sources: SourceStatus[];
  modules: string[];
}

/**
 * Gives a fresh cache dir a complete candle history (untimed), warms its response cache with one
 * run, then times `RUNS` runs alternating with `node -e 0`; then `RUNS` first-fill runs, each in a
 * copy of the cache dir without its history.
 * @returns undefined when the warm-up run could not fill the cache (e.g. no demo recordings).
 */
async function measureWarm(
  mode: WarmMeasurement['mode'],
  setup: HistorySetup,
  cacheDir: string,
  options: { cwd: string; scratchDir: string },
): Promise<WarmMeasurement | undefined> {
  const env = setup.env;
  const argsIn = (dir: string): string[] => [setup.bin, 'crypto', ...setup.args, '--cache-dir', dir];
  const args = argsIn(cacheDir);
  await warmHistory(setup, cacheDir, options.scratchDir);
  const warmup = await measureNode([...args, '--json'], { ...options, env });
  // The history fill may have fetched the coin list a moment ago: fresh or cached, it is warm now.
  const status = statuses(warmup)?.find((s) => s.name === 'coingecko')?.status;
  if (warmup.code !== 0 || (status !== 'fresh' && status !== 'cached')) return undefined;
  const runs: ProcessMeasurement[] = [];
  const baseline: ProcessMeasurement[] = [];
  for (let i = 0; i < RUNS; i++) {
    baseline.push(await measureNode(['-e', '0'], { ...options, env }));
    const run = await measureNode(args, { ...options, env });
    if (run.code !== 0) throw new Error(`warm run exited ${String(run.code)}: ${run.stderr.split('\n')[0] ?? ''}`);
    runs.push(run);
  }
  const firstFill: ProcessMeasurement[] = [];
  for (let i = 0; i < RUNS; i++) {
    const copy = join(options.scratchDir, `first-fill-${mode}-${i}`);
    await cp(cacheDir, copy, { recursive: true });
    await rm(historyDir(copy, setup), { recursive: true, force: true });
    const run = await measureNode(argsIn(copy), { ...options, env });
    if (run.code !== 0) throw new Error(`first-fill run exited ${String(run.code)}: ${run.stderr.split('\n')[0] ?? ''}`);
    firstFill.push(run);
    await rm(copy, { recursive: true, force: true });
  }
  // Was it really served from cache? Ask once more, as JSON.
  const sources = statuses(await measureNode([...args, '--json'], { ...options, env })) ?? [];
  // Which modules does a warm run load? (A separate run: the loader hook costs time.)
  const traceFile = join(options.scratchDir, `modules-${mode}.txt`);
  await measureNode(['--import', fileURLToPath(new URL('./module-trace.mjs', import.meta.url)), ...args], {
    ...options,
    env: { ...env, QAHT_BENCH_TRACE: traceFile },
  });
  const modules = (await readFile(traceFile, 'utf8').catch(() => '')).split('\n').filter(Boolean);
  const command = `screen ${args
    .slice(1)
    .filter((a, i, all) => (a.startsWith('--') ? a !== '--cache-dir' : all[i - 1] !== '--cache-dir'))
    .join(' ')}`;
  return { mode, command, runs, baseline, firstFill, sources, modules };
}

function rowsFor(label: string, rssLabel: string, fillLabel: string, m: WarmMeasurement): { rows: BenchResult['rows']; note: string } {
  const wall = median(m.runs.map((r) => r.wallMs));
  const cpu = median(m.runs.map((r) => r.cpuMs));
  const nodeCpu = median(m.baseline.map((r) => r.cpuMs));
  const pending = m.runs.map((r) => pendingSeries(r.stderr));
  const fillWall = median(m.firstFill.map((r) => r.wallMs));
  const fillCpu = median(m.firstFill.map((r) => r.cpuMs));
  const fillPending = median(m.firstFill.map((r) => pendingSeries(r.stderr)));
  const nodeWall = median(m.baseline.map((r) => r.wallMs));
  const rss = median(m.runs.map((r) => r.maxRssBytes));
  const nodeRss = median(m.baseline.map((r) => r.maxRssBytes));
  // The bin loads the CLI's esbuild bundle, whose chunks head each bundled file with `// <path>`.
  const chunks = m.modules.filter((url) => url.includes('/dist/bundle/')).map((url) => readFileSync(fileURLToPath(url), 'utf8'));
  const bundles = (path: string): boolean => chunks.some((text) => text.includes(`// ${path}`));
  const loadsUndici = bundles('node_modules/undici/');
  const loadsClient = bundles('src/http/async-api-client.ts');
  const loadsDemo = bundles('src/demo/demo-server.ts');
  const ownModules = chunks.length;
  const notCached = m.sources.filter((s) => s.status !== 'cached' && s.status !== 'skipped');
  progress(
    `warm cache (${m.command}): ${m.runs.map((r) => r.wallMs.toFixed(0)).join(', ')} ms vs node -e 0 ${m.baseline.map((r) => r.wallMs.toFixed(0)).join(', ')} ms; undici loaded: ${loadsUndici}`,
  );
  const values = {
    mode: m.mode,
    wallMsMedian: wall,
    nodeWallMsMedian: nodeWall,
    cpuMsMedian: cpu,
    nodeCpuMsMedian: nodeCpu,
    maxRssBytesMedian: rss,
    nodeMaxRssBytesMedian: nodeRss,
    historyPendingInTimedRuns: Math.max(...pending),
    runs: RUNS,
    loadsUndici,
    loadsHttpClient: loadsClient,
    loadsDemoServer: loadsDemo,
    distModulesLoaded: ownModules,
    sources: m.sources.map((s) => `${s.name}:${s.status}`).join(','),
  };
  return {
    rows: [
      {
        benchmark: `${label} warm ${m.command}: wall time`,
        measured: `${ms(wall)} (CPU ${ms(cpu)})`,
        baseline: `${ms(nodeWall)} node -e 0`,
        ratio: wall / nodeWall,
        ...check(wall / nodeWall, 'max', 3),
        values,
      },
      {
        benchmark: `${rssLabel} warm ${m.command}: peak RSS`,
        measured: mib(rss),
        baseline: `${mib(nodeRss)} node -e 0`,
        ratio: rss / nodeRss,
        target: 'info',
        pass: null,
      },
      {
        benchmark: `${fillLabel} the same, history in its first fill: wall`,
        measured: `${ms(fillWall)} (CPU ${ms(fillCpu)})`,
        baseline: `${ms(nodeWall)} node -e 0`,
        ratio: fillWall / nodeWall,
        target: 'info',
        pass: null,
        values: { wallMsMedian: fillWall, cpuMsMedian: fillCpu, pendingAfter: fillPending },
      },
    ],
    note:
      `${label}/${rssLabel}: CPU (user + system) ${ms(cpu)} vs ${ms(nodeCpu)} for node -e 0; history pending in the timed runs: ${Math.max(...pending)} series; ` +
      `${fillLabel}: ${fillPending} series still pending after the run (its budget of 60 requests spent); ` +
      `sources ${m.sources.map((s) => `${s.name} ${s.status}`).join(', ') || 'unknown'}` +
      `${notCached.length ? ' (NOT all from cache: not a warm-cache figure)' : ''}; loads ${ownModules} chunks of the bundle (dist/bundle/); ` +
      `undici ${loadsUndici ? 'IS loaded (DESIGN: a fully cached run should not import the HTTP stack)' : 'not loaded'}, the HTTP client module ${loadsClient ? 'loaded' : 'not loaded'}` +
      `${m.mode === 'demo' ? `; the demo server ${loadsDemo ? 'is loaded and started (node:http, a loopback listener per source) on every --demo run, cached or not' : 'not loaded'}` : ''}.`,
  };
}

export async function benchWarmCache(): Promise<BenchResult> {
  const scratch = await mkdtemp(join(tmpdir(), 'qaht-bench-'));
  const baseEnv = cleanEnv();
  const options = { cwd: ROOT, scratchDir: scratch };
  let api: Awaited<ReturnType<typeof startCryptoApi>> | undefined;
  try {
    const rows: BenchResult['rows'] = [];
    const notes: string[] = [];
    // The demo: the bundled recordings, served on loopback by the CLI itself.
    const demoSetup: HistorySetup = { name: 'demo', bin: BIN, args: ['--demo'], env: baseEnv, cwd: ROOT };
    const demo = await measureWarm('demo', demoSetup, join(scratch, 'cache-demo'), options);
    if (demo) {
      const r = rowsFor('1a', '1b', '1e', demo);
      rows.push(...r.rows);
      notes.push(r.note);
    } else {
      progress('warm cache: --demo has no usable crypto recordings yet; only the synthetic API run is measured');
      notes.push(
        '1a/1b: `screen crypto --demo` could not fill its cache (no usable crypto recordings when this ran), so only 1c/1d were measured.',
      );
    }
    // A plain run, as cron runs it: the cache warmed from a synthetic loopback API.
    api = await startCryptoApi();
    const plainSetup: HistorySetup = { name: 'synthetic', bin: BIN, args: [], env: { ...baseEnv, ...api.env }, cwd: ROOT };
    const plain = await measureWarm('synthetic', plainSetup, join(scratch, 'cache-plain'), options);
    if (!plain) throw new Error('the warm-up run against the synthetic API did not fill the cache');
    const r = rowsFor('1c', '1d', '1f', plain);
    rows.push(...r.rows);
    notes.push(r.note);
    return {
      id: '1',
      title: 'Warm-cache run',
      rows,
      notes: [
        `1: a fresh --cache-dir given a complete candle history (untimed \`screen history fill --interval all\` against the same sources, see test/bench/warm-history.ts), its response cache warmed by one run, then ${RUNS} timed runs alternating with \`node -e 0\` (medians); the built bin, table output to a pipe, NO_COLOR, no API keys. ` +
          `1a/1b: \`screen crypto --demo\`. 1c/1d: \`screen crypto\` with SCREEN_<SOURCE>_URL pointing at a synthetic loopback CoinGecko/Binance/CoinCap (250 coins, klines and market_chart from the demo's generator), as a cron run sees it (the API is not called once warm). ` +
          `1e/1f (info): the same run in ${RUNS} copies of the warm cache dir without the history (response cache warm, history in its first fill: the run sends its budget of history requests). ` +
          `Wall time = spawn to exit as seen by the bench; peak RSS by ${rssMethod()}.`,
        ...notes,
      ],
    };
  } finally {
    await api?.close();
    await rm(scratch, { recursive: true, force: true });
  }
}
