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
 * `--changes`, `--alert`, `--notify-cmd` and `--webhook` (issue 18, "Must show") through `main`
 * in-process, against the fake CoinGecko whose answer the test changes between runs. Time runs on
 * a manual clock moved past the 60 s cache TTL between runs, so every run fetches what the fake
 * serves now.
 */

type Coin = (typeof BODIES.coingecko)[number] & { current_price: number; market_cap: number };

let api: FakeApi;
let cacheDir: string;
let configHome: string;
let market: Coin[];
let clock: ManualClock;
let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(() => receiver.close());
useCliSandbox(async (sandbox) => {
  ({ api, cacheDir } = sandbox);
  market = structuredClone(BODIES.coingecko) as Coin[];
  api.route('GET', CRYPTO_PATHS.coingecko, () => market);
  clock = new ManualClock(Date.now());
  configHome = join(cacheDir, 'config-home');
  receiver.reset();
});

/** Ranked by market cap from CoinGecko alone, so the test decides every position. */
const BASE = ['crypto', '--sources', 'coingecko', '--sort', 'mcap', '--limit', '10'];

async function crypto(args: string[], extraEnv: Record<string, string> = {}): Promise<CliRun> {
  // Driven: a retry's backoff sleeps on the manual clock, which moves only when the code sleeps.
  const run = await driveClock(
    clock,
    runMain([...BASE, ...args], cryptoEnv(api, cacheDir, { XDG_CONFIG_HOME: configHome, ...extraEnv }), { clock }),
  );
  // The next run is a minute later: past the cache's 60 s, so it fetches again.
  await clock.advance(61_000);
  return run;
}

interface ChangesDoc {
  previousRunAt: string | null;
  changes: Array<{ kind: string; id: string; symbol: string; from: unknown; to: unknown; detail: string }>;
  alerts?: Array<{ rule: string; id: string; symbol: string; value: unknown; firedAt: string }>;
  results: Array<{ id: string; symbol: string }>;
}

function doc(run: CliRun): ChangesDoc {
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as ChangesDoc;
}

function coin(id: string): Coin {
  return market.find((entry) => entry.id === id)!;
}

describe('--changes', () => {
  it('first run: previousRunAt null and every row new; then new, dropped and moved as the data changes; nothing changed prints nothing', async () => {
    // The order without --changes (another command line, so its own memory), eleven deep.
    const order = (JSON.parse((await crypto(['--limit', '11', '--json'])).stdout) as ChangesDoc).results.map((row) => row.id);
    expect(order).toHaveLength(11);

    const firstAt = new Date(clock.now()).toISOString();
    const first = doc(await crypto(['--changes', '--json']));
    expect(first.previousRunAt).toBeNull();
    expect(first.changes.map((change) => [change.kind, change.id, change.from, change.to])).toEqual(
      order.slice(0, 10).map((id, index) => ['new', id, null, index + 1]),
    );
    expect(first.changes[0]).toEqual({
      kind: 'new',
      id: order[0],
      symbol: first.results[0]!.symbol,
      from: null,
      to: 1,
      detail: 'entered at #1',
    });

    // Same data a minute later: the table and CSV print nothing, stderr neither, exit 0 (cron mails
    // nothing); JSON is never empty: its document says so with "changes": [].
    const same = await crypto(['--changes', '--json']);
    expect(same).toMatchObject({ code: 0, stderr: '' });
    expect(doc(same).changes).toEqual([]);
    expect(doc(same).previousRunAt).not.toBeNull();
    const sameTable = await crypto(['--changes']);
    expect(sameTable).toMatchObject({ code: 0, stdout: '', stderr: '' });

    // The 10th coin soars to the top (moved 10 → 1), the 3rd disappears (dropped), the 11th enters at 10 (new).
    const secondAt = new Date(clock.now()).toISOString();
    coin(order[9]!).market_cap = 1e14;
    market = market.filter((entry) => entry.id !== order[2]);
    const changed = doc(await crypto(['--changes', '--json']));
    // The previous run is the last one with --changes, the table run that found nothing.
    expect(changed.previousRunAt).toBe(new Date(Date.parse(secondAt) - 61_000).toISOString());
    expect(changed.changes.map((change) => [change.kind, change.id, change.from, change.to, change.detail])).toEqual([
      ['moved', order[9], 10, 1, '#10 → #1 (up 9)'],
      ['new', order[10], null, 10, 'entered at #10'],
      ['dropped', order[2], 3, null, 'left (was #3)'],
    ]);
    expect(firstAt < secondAt).toBe(true);

    // As a table: only the changed rows.
    market = structuredClone(BODIES.coingecko) as Coin[];
    const table = await crypto(['--changes']);
    expect(table.code, table.stderr).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[1]).toMatch(/Change\s+│\s+Symbol\s+│\s+From\s+│\s+To\s+│\s+Detail/);
    const body = lines.slice(2, -1);
    expect(body).toHaveLength(3);
    expect(body.map((line) => line.split('│')[1]!.trim()).sort()).toEqual(['dropped', 'moved', 'new']);
    expect(table.stdout).toContain('#1 → #10 (down 9)');
    expect(table.stderr).toContain('coingecko');
  });

  it('keeps one memory per command line: other arguments start their own first run', async () => {
    doc(await crypto(['--changes', '--json']));
    expect(doc(await crypto(['--changes', '--json'])).changes).toEqual([]);
    const other = doc(await crypto(['--changes', '--json', '--limit', '5']));
    expect(other.previousRunAt).toBeNull();
    expect(other.changes).toHaveLength(5);
  });

  it('under --strict, a degraded run with nothing changed still says why it exits 3', async () => {
    doc(await crypto(['--changes', '--json']));
    api.fault(CRYPTO_PATHS.coingecko, { status: 503 });
    const degraded = await crypto(['--changes', '--json', '--strict']);
    expect(degraded.code).toBe(3);
    expect((JSON.parse(degraded.stdout) as ChangesDoc).changes).toEqual([]);
    expect(degraded.stderr).toMatch(/coingecko +stale/);
  });

  it('reads a damaged memory file as no previous run', async () => {
    doc(await crypto(['--changes', '--json']));
    const { readdir, writeFile } = await import('node:fs/promises');
    const dir = join(cacheDir, 'memory');
    for (const name of await readdir(dir))
      await writeFile(join(dir, name), '{"format":1,"key":"x","savedAt":0,"expiresAt":1e300,"value":{"rows":"no"}}');
    const again = doc(await crypto(['--changes', '--json']));
    expect(again.previousRunAt).toBeNull();
    expect(again.changes.every((change) => change.kind === 'new')).toBe(true);
  });
});

describe('--alert', () => {
  const RULE = 'symbol == "BTC" and priceUsd < 80000';

  it('fires once when the rule becomes true, not again while it stays true, and again after false → true, across runs', async () => {
    const fired: unknown[][] = [];
    for (const price of [96_000, 79_000, 78_500, 85_000, 77_000]) {
      coin('bitcoin').current_price = price;
      const run = doc(await crypto(['--alert', RULE, '--json']));
      fired.push(run.alerts!.map((alert) => [alert.id, alert.symbol, alert.value, alert.rule]));
    }
    expect(fired).toEqual([[], [['bitcoin', 'BTC', 79_000, RULE]], [], [], [['bitcoin', 'BTC', 77_000, RULE]]]);
  });

  it('names fired alerts on stderr, with the table', async () => {
    coin('bitcoin').current_price = 70_000;
    const run = await crypto(['--alert', RULE]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('BTC');
    expect(run.stderr).toContain(`alert: BTC (${RULE}, priceUsd 70000)`);
  });

  it('with --changes, a value crossing a rule is a threshold change', async () => {
    const recorded = coin('bitcoin').current_price;
    doc(await crypto(['--changes', '--alert', RULE, '--json']));
    coin('bitcoin').current_price = 79_000;
    const run = doc(await crypto(['--changes', '--alert', RULE, '--json']));
    expect(run.changes).toEqual([
      { kind: 'threshold', id: 'bitcoin', symbol: 'BTC', from: recorded, to: 79_000, detail: `${RULE}: now true` },
    ]);
    expect(run.alerts!.map((alert) => alert.id)).toEqual(['bitcoin']);
  });

  it.each([
    ['chnage24hPct > 10', 'unknown field "chnage24hPct" (did you mean change24hPct?) at position 1'],
    ['change24hPct >> 10', 'change24hPct is a number: expected a number (like 10, -2.5 or 5M), got ">" at position 15'],
    ['symbol == BTC', 'symbol is text: expected a quoted string, got "BTC" at position 11'],
    ['priceUsd < 80000 and', 'expected a field name, got the end of the rule at position 21'],
  ])('a bad rule, %s, is exit 2 naming the position, before any request', async (rule, reason) => {
    const run = await crypto(['--alert', rule]);
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toBe(`screen: --alert "${rule}": ${reason}\n`);
    expect(api.requestCount()).toBe(0);
  });

  it('refuses --notify-cmd and --webhook given without a rule to fire them', async () => {
    const run = await crypto(['--webhook', `${receiver.url}/hook`]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('screen: --webhook sends fired alerts: give --alert RULE too (or [alerts] crypto in the config file)\n');
  });
});

describe('notifications', () => {
  const RULE = 'change24hPct > -1000';

  it('--notify-cmd receives the fired alerts as JSON on its stdin, once per run that fired', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qaht-notify-'));
    try {
      const out = join(dir, 'alerts.json');
      const run = await crypto(['--alert', RULE, '--limit', '3', '--notify-cmd', `cat >> '${out}'; echo >> '${out}'`]);
      expect(run.code, run.stderr).toBe(0);
      const received = (await readFile(out, 'utf8')).trim().split('\n');
      expect(received).toHaveLength(1);
      const payload = JSON.parse(received[0]!);
      expect(payload).toMatchObject({ app: 'qaht', command: 'crypto', text: expect.stringMatching(/^qaht crypto: 3 alerts: /) });
      expect(payload.alerts).toHaveLength(3);
      expect(payload.alerts[0]).toEqual({
        rule: RULE,
        id: expect.any(String),
        symbol: expect.any(String),
        value: expect.any(Number),
        firedAt: expect.any(String),
      });
      // Still true: nothing fires, the command is not run.
      await crypto(['--alert', RULE, '--limit', '3', '--notify-cmd', `cat >> '${out}'; echo >> '${out}'`]);
      expect((await readFile(out, 'utf8')).trim().split('\n')).toHaveLength(1);
    } finally {
      await removeDir(dir);
    }
  });

  it('a failing or hanging --notify-cmd is a warning, and the run exits 0', async () => {
    const failing = await crypto(['--alert', RULE, '--limit', '1', '--notify-cmd', 'echo broken >&2; exit 3']);
    expect(failing.code).toBe(0);
    expect(failing.stderr).toContain('warning: --notify-cmd failed: exited with 3: broken');
    coin('bitcoin').current_price = 0.5;
    const before = Date.now();
    const hanging = await crypto(['--alert', 'priceUsd < 1', '--limit', '1', '--timeout-ms', '300', '--notify-cmd', 'sleep 30']);
    expect(hanging.code).toBe(0);
    expect(hanging.stderr).toContain('warning: --notify-cmd failed: timed out after 300 ms');
    expect(Date.now() - before).toBeLessThan(10_000);
  });

  it('--webhook POSTs the alerts as JSON to a receiver on loopback', async () => {
    const run = await crypto(['--alert', RULE, '--limit', '2', '--webhook', `${receiver.url}/hooks/T0123ABCD/secret0token0value0123`]);
    expect(run.code, run.stderr).toBe(0);
    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    expect(request).toMatchObject({ method: 'POST', path: '/hooks/T0123ABCD/secret0token0value0123' });
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['user-agent']).toMatch(/^qaht\//);
    const payload = JSON.parse(request!.body);
    expect(payload.alerts.map((alert: { rule: string }) => alert.rule)).toEqual([RULE, RULE]);
    expect(run.stderr).not.toContain('warning');
  });

  it('a webhook answering 500 is retried, then a warning with its token redacted; the run exits 0', async () => {
    receiver.answer({ status: 500, body: 'down' });
    const url = `${receiver.url}/hooks/T0123ABCD/secret0token0value0123`;
    const run = await crypto(['--alert', RULE, '--limit', '1', '--webhook', url]);
    expect(run.code).toBe(0);
    expect(receiver.received.length).toBe(2); // one retry (SCREEN_MAX_RETRIES=1 in these tests)
    const warning = run.stderr.split('\n').find((line) => line.startsWith('warning: --webhook'));
    expect(warning).toBe(
      `warning: --webhook ${receiver.url}/hooks/REDACTED/REDACTED failed: HTTP 500 from POST ${receiver.url}/hooks/REDACTED/REDACTED: down; 1 alert kept, sent again on the next run`,
    );
    expect(run.stdout + run.stderr).not.toContain('secret0token0value0123');
  });

  it('a webhook that never answers is given up at its timeout; the run exits 0', async () => {
    receiver.answer('hang');
    const url = `${receiver.url}/hook?token=abcdef123456`;
    const before = Date.now();
    const run = await crypto(['--alert', RULE, '--limit', '1', '--timeout-ms', '400', '--webhook', url]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      `warning: --webhook ${receiver.url}/hook?token=REDACTED failed: no answer from ${receiver.url}/hook?token=REDACTED within 400 ms`,
    );
    expect(run.stderr).not.toContain('abcdef123456');
    expect(Date.now() - before).toBeLessThan(10_000);
  });
});
