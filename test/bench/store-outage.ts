/**
 * 17. A cron through a Redis outage (issue 28): twelve `screen crypto --quiet --strict` runs, one
 * after another on one machine, with an alert rule whose value flips every run (six rising edges)
 * and a `--notify-cmd` that records what it is sent; Redis is killed (SIGKILL) before run 5 and
 * started again, empty, before run 9. What the operator relies on: the four runs without Redis
 * all exit 3 (degraded), no alert is lost (every rising edge delivered at least once), and the
 * first run after Redis returns puts the state back in it (its keys are there when it ends).
 */
import { readFile } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeApi } from '../helpers/fake-api/index.js';
import { REDIS_SERVER_BIN, startRedisServer } from '../helpers/redis-server.js';
import { runCli } from '../helpers/run-cli.js';
import { BODIES, CRYPTO_PATHS, cryptoEnv } from '../cli/crypto-fixtures.js';
import { progress, type BenchResult } from './bench-types.js';

const RUNS = 12;
const DOWN_FROM = 5;
const DOWN_TO = 8;
const RULE = 'symbol == "BTC" and priceUsd < 80000';

export async function benchStoreOutage(): Promise<BenchResult> {
  const id = '17';
  const title = 'A cron through a Redis outage';
  if (!REDIS_SERVER_BIN) return { id, title, rows: [], notes: ['redis-server is not installed: skipped'] };
  const work = await mkdtemp(join(tmpdir(), 'qaht-outage-'));
  const [api, first] = await Promise.all([startFakeApi(), startRedisServer()]);
  let redis = first;
  const port = redis.port;
  let run = 0;
  // Odd runs: BTC under 80,000 (the rule holds); even runs: over it. Six rising edges in twelve runs.
  api.route('GET', CRYPTO_PATHS.coingecko, () =>
    BODIES.coingecko.map((coin) =>
      coin.symbol.toLowerCase() === 'btc' ? { ...coin, current_price: run % 2 === 1 ? 70_000 : 90_000 } : coin,
    ),
  );
  const delivered = join(work, 'delivered.jsonl');
  const codes: number[] = [];
  const elapsed: number[] = [];
  let keysAfterReturn = 0;
  try {
    for (run = 1; run <= RUNS; run++) {
      if (run === DOWN_FROM) {
        process.kill(redis.pid, 'SIGKILL');
        await redis.stop();
      }
      if (run === DOWN_TO + 1) redis = await startRedisServer({ port });
      progress(`17: run ${run}/${RUNS}${run >= DOWN_FROM && run <= DOWN_TO ? ' (Redis down)' : ''}`);
      const started = performance.now();
      const result = await runCli(
        [
          'crypto',
          '--quiet',
          '--strict',
          '--sources',
          'coingecko',
          '--force-refresh',
          '--store',
          redis.url,
          '--alert',
          RULE,
          '--notify-cmd',
          `cat >> '${delivered}'; echo >> '${delivered}'`,
        ],
        cryptoEnv(api, work),
      );
      elapsed.push(performance.now() - started);
      codes.push(result.code ?? -1);
      if (run === DOWN_TO + 1) keysAfterReturn = (await redis.dump()).filter((entry) => entry.key.startsWith('qaht:')).length;
    }
  } finally {
    await Promise.all([redis.stop(), api.close()]);
  }
  const payloads = (await readFile(delivered, 'utf8').catch(() => ''))
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { alerts: Array<{ firedAt: string }> });
  await rm(work, { recursive: true, force: true });
  const firedAt = new Set(payloads.flatMap((payload) => payload.alerts.map((alert) => alert.firedAt)));
  const edges = Math.ceil(RUNS / 2);
  const lost = Math.max(0, edges - firedAt.size);
  const downCodes = codes.slice(DOWN_FROM - 1, DOWN_TO);
  const upCodes = [...codes.slice(0, DOWN_FROM - 1), ...codes.slice(DOWN_TO)];
  return {
    id,
    title,
    rows: [
      {
        benchmark: '17a runs without Redis exiting 3 (--strict)',
        measured: `${downCodes.filter((code) => code === 3).length} of ${downCodes.length}`,
        baseline: `exit codes ${codes.join(' ')}`,
        ratio: downCodes.filter((code) => code === 3).length / downCodes.length,
        target: '= 1',
        pass: downCodes.every((code) => code === 3) && upCodes.every((code) => code === 0),
        values: { codes: codes.join(',') },
      },
      {
        benchmark: '17b alerts lost',
        measured: `${lost} of ${edges} rising edges`,
        baseline: `${payloads.length} deliveries, ${firedAt.size} distinct`,
        ratio: null,
        target: '0 lost',
        pass: lost === 0,
        values: { lost, edges, deliveries: payloads.length },
      },
      {
        benchmark: '17c state back in Redis on the first run after it returns',
        measured: `${keysAfterReturn} keys`,
        baseline: 'an empty Redis (restarted, no persistence)',
        ratio: null,
        target: '> 0 keys',
        pass: keysAfterReturn > 0,
        values: { keysAfterReturn, meanRunMs: Math.round(elapsed.reduce((a, b) => a + b, 0) / elapsed.length) },
      },
    ],
    notes: [
      'Each run is the built bin against the fake API on loopback, one cache dir (one machine); Redis is a private redis-server without persistence, killed with SIGKILL before run 5 and restarted empty on the same port before run 9.',
    ],
  };
}
