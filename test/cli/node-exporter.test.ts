import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeApi } from '../helpers/fake-api/index.js';
import { removeDir, runMain, tempCacheDir, useCliSandbox } from '../helpers/run-cli.js';
import { MARKET_PATHS, marketEnv, routeMarket } from './market-fixtures.js';
import { NEWS_PATHS, newsEnv, routeRecordings } from './news-fixtures.js';
import { cryptoEnv, routeCrypto } from './ops-fixtures.js';

/**
 * The contract's "Prometheus metrics", checked with the real programs: the metrics files of
 * crypto, news and market in one node_exporter textfile directory (Debian's
 * prometheus-node-exporter) are served without a gathering error, and `promtool check metrics`
 * (Debian's prometheus) accepts what node_exporter serves and each file alone. `.ci/run`
 * installs both; where one cannot be found these tests skip and say so.
 */

const NODE_EXPORTER = '/usr/bin/prometheus-node-exporter';
const hasNodeExporter = existsSync(NODE_EXPORTER);
const hasPromtool = spawnSync('promtool', ['--version'], { stdio: 'ignore' }).status === 0;
if (!hasNodeExporter) console.warn(`note: ${NODE_EXPORTER} not installed (Debian prometheus-node-exporter): its test is skipped`);
if (!hasPromtool) console.warn('note: promtool not installed (Debian prometheus): the promtool checks are skipped');

let api: FakeApi;
let cacheDir: string;
let textfileDir: string;

useCliSandbox((sandbox) => {
  ({ api, cacheDir } = sandbox);
});
beforeEach(async () => {
  textfileDir = await tempCacheDir();
});
afterEach(async () => {
  await removeDir(textfileDir);
});

/** The three commands' metrics files in the textfile directory, with a failing source among them. */
async function writeThreeMetricsFiles(): Promise<string[]> {
  routeCrypto(api);
  routeRecordings(api);
  routeMarket(api);
  // Some trouble, so error, retry and breaker series are in the files too.
  api.fault(NEWS_PATHS.gdelt, { status: 503 });
  api.fault(MARKET_PATHS.stooq, 'reset');
  const runs: Array<[string[], NodeJS.ProcessEnv]> = [
    [['crypto', '--json'], cryptoEnv(api, cacheDir)],
    [['news', 'bitcoin', 'etf', '--json'], newsEnv(api, cacheDir)],
    [['market', 'AAPL', 'MSFT', 'IBM', '--json'], marketEnv(api, cacheDir)],
  ];
  const files: string[] = [];
  for (const [args, env] of runs) {
    const file = join(textfileDir, `qaht-${args[0]}.prom`);
    const run = await runMain([...args, '--metrics-file', file], env);
    expect(run.code, run.stderr).toBe(0);
    files.push(file);
  }
  expect((await readdir(textfileDir)).sort()).toEqual(['qaht-crypto.prom', 'qaht-market.prom', 'qaht-news.prom']);
  return files;
}

function promtoolCheck(text: string): { status: number | null; output: string } {
  const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Starts node_exporter on the textfile directory, scrapes it once, stops it; resolves the page and its log. */
async function scrapeNodeExporter(dir: string): Promise<{ status: number; body: string; log: string }> {
  const port = await freePort();
  const child = spawn(
    NODE_EXPORTER,
    [
      '--collector.disable-defaults',
      '--collector.textfile',
      `--collector.textfile.directory=${dir}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
  try {
    const deadline = performance.now() + 10_000;
    for (;;) {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/metrics`);
        const body = await response.text();
        // Give the scrape's log lines a moment to arrive before judging them.
        await new Promise((resolve) => setTimeout(resolve, 100));
        return { status: response.status, body, log };
      } catch (error) {
        if (performance.now() > deadline || child.exitCode !== null)
          throw new Error(`node_exporter did not answer: ${log}`, { cause: error });
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode !== null ? resolve(undefined) : child.once('exit', resolve)));
  }
}

describe('metrics files of crypto, news and market in one textfile directory', () => {
  it.skipIf(!hasPromtool && !hasNodeExporter)(
    'each pass promtool check metrics alone; node_exporter merges them without a gathering error and promtool accepts what it serves',
    async () => {
      const files = await writeThreeMetricsFiles();
      if (hasPromtool) {
        for (const file of files) {
          const text = await readFile(file, 'utf8');
          expect(text).toContain(`command="${file.replace(/.*qaht-(\w+)\.prom$/, '$1')}"`);
          expect(promtoolCheck(text), file).toEqual({ status: 0, output: '' });
        }
      }
      if (!hasNodeExporter) return;
      const scraped = await scrapeNodeExporter(textfileDir);
      expect(scraped.status).toBe(200);
      expect(scraped.log).not.toMatch(/level=error|collected before|inconsistent|gathering/i);
      expect(scraped.body).toMatch(/^node_textfile_scrape_error 0$/m);
      for (const command of ['crypto', 'news', 'market']) {
        expect(scraped.body).toMatch(new RegExp(`^qaht_run_timestamp_seconds\\{command="${command}"\\} `, 'm'));
        expect(scraped.body).toMatch(new RegExp(`^qaht_source_status\\{command="${command}",source="\\w+",status="fresh"\\} `, 'm'));
      }
      // The same host and source (finnhub) under two commands: two series, no collision.
      expect(scraped.body).toMatch(/^qaht_source_up\{command="news",source="finnhub"\} 1$/m);
      expect(scraped.body).toMatch(/^qaht_source_up\{command="market",source="finnhub"\} 1$/m);
      if (hasPromtool) expect(promtoolCheck(scraped.body)).toEqual({ status: 0, output: '' });
    },
    30_000,
  );
});
