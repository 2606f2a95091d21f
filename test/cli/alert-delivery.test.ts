import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeApi } from '../helpers/fake-api/index.js';
import { driveClock } from '../helpers/drive-clock.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { type CliRun, removeDir, runMain, useCliSandbox } from '../helpers/run-cli.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';
import { BODIES, CRYPTO_PATHS, cryptoEnv } from './crypto-fixtures.js';

/**
 * At-least-once alert delivery: a `--notify-cmd` that fails or a `--webhook` that answers 503
 * leaves its alerts pending; the failure is one line on stderr even under `--quiet`, a `warn`
 * record in the log, `qaht_notify_failures{channel}` in the metrics file, and exit 3 under
 * `--strict`; the next run with a working notifier delivers them with `"redelivered": true`, and
 * never again after that.
 */

let api: FakeApi;
let cacheDir: string;
let clock: ManualClock;
let receiver: WebhookReceiver;
let work: string;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  work = await mkdtemp(join(tmpdir(), 'qaht-delivery-'));
});
afterAll(async () => {
  await receiver.close();
  await removeDir(work);
});
useCliSandbox((sandbox) => {
  ({ api, cacheDir } = sandbox);
  api.route('GET', CRYPTO_PATHS.coingecko, () => BODIES.coingecko);
  clock = new ManualClock(Date.now());
  receiver.reset();
});

const RULE = 'priceUsd > 0';
const BASE = ['crypto', '--sources', 'coingecko', '--sort', 'mcap', '--limit', '1', '--alert', RULE];

async function crypto(args: string[]): Promise<CliRun> {
  const run = await driveClock(clock, runMain([...BASE, ...args], cryptoEnv(api, cacheDir), { clock }));
  await clock.advance(61_000);
  return run;
}

interface Payload {
  alerts: Array<{ rule: string; id: string; redelivered?: boolean }>;
}

describe('alert delivery is at least once', () => {
  it('a failing --notify-cmd under --quiet --strict: one line, a warn record, the metric, exit 3; the next run redelivers once', async () => {
    const log = join(work, 'cmd.log');
    const metrics = join(work, 'cmd.prom');
    const failing = await crypto([
      '--quiet',
      '--strict',
      '--log-file',
      log,
      '--metrics-file',
      metrics,
      '--notify-cmd',
      'cat > /dev/null; exit 1',
    ]);
    expect(failing.code, failing.stderr).toBe(3);
    const lines = failing.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^warning: --notify-cmd failed: exited with 1; 1 alert kept, sent again on the next run$/);
    const records = (await readFile(log, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { level: number; msg: string });
    expect(records.some((record) => record.msg === 'notification failed' && record.level === 40)).toBe(true);
    expect(await readFile(metrics, 'utf8')).toMatch(/^qaht_notify_failures\{command="crypto",channel="notify-cmd"\} 1$/m);

    // The rule still holds, so nothing fires anew: the pending alert goes out, marked.
    const out = join(work, 'delivered.jsonl');
    const working = await crypto(['--quiet', '--strict', '--metrics-file', metrics, '--notify-cmd', `cat >> '${out}'; echo >> '${out}'`]);
    expect(working.code, working.stderr).toBe(0);
    expect(working.stderr).toBe('');
    const delivered = (await readFile(out, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Payload);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]!.alerts).toEqual([expect.objectContaining({ rule: RULE, redelivered: true })]);
    expect(await readFile(metrics, 'utf8')).toMatch(/^qaht_notify_failures\{command="crypto",channel="notify-cmd"\} 0$/m);

    // Delivered: never again.
    await crypto(['--notify-cmd', `cat >> '${out}'; echo >> '${out}'`]);
    expect((await readFile(out, 'utf8')).trim().split('\n')).toHaveLength(1);
  });

  it('a webhook answering 503 keeps the alert; the next run posts it with "redelivered": true', async () => {
    receiver.answer({ status: 503, body: 'maintenance' });
    const failing = await crypto(['--quiet', '--strict', '--max-retries', '0', '--webhook', `${receiver.url}/hook`]);
    expect(failing.code, failing.stderr).toBe(3);
    expect(failing.stderr).toMatch(/^warning: --webhook \S+ failed: HTTP 503 .*; 1 alert kept, sent again on the next run\n$/);
    const tries = receiver.received.length;
    expect(tries).toBeGreaterThan(0);

    receiver.answer({ status: 204 });
    const working = await crypto(['--quiet', '--strict', '--webhook', `${receiver.url}/hook`]);
    expect(working.code, working.stderr).toBe(0);
    expect(receiver.received).toHaveLength(tries + 1);
    const payload = JSON.parse(receiver.received.at(-1)!.body) as Payload;
    expect(payload.alerts).toEqual([expect.objectContaining({ rule: RULE, redelivered: true })]);

    await crypto(['--webhook', `${receiver.url}/hook`]);
    expect(receiver.received).toHaveLength(tries + 1);
  });
});
