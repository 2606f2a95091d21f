import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { InterruptSignal, Interrupts } from '../../src/commands/command-spec.js';
import type { FakeApi } from '../helpers/fake-api/index.js';
import { flushMicrotasks, ManualClock } from '../helpers/manual-clock.js';
import { runMain, useCliSandbox } from '../helpers/run-cli.js';
import { BODIES, CRYPTO_PATHS, cryptoEnv, routeCrypto } from './crypto-fixtures.js';

/**
 * `--watch` in-process (issue 18): a fake terminal (a TTY stdout that records what is written, a
 * stdin that types keys) and a manual clock, so every refresh happens when the test moves time.
 */

type Coin = (typeof BODIES.coingecko)[number] & { current_price: number; market_cap: number };

let api: FakeApi;
let cacheDir: string;
let market: Coin[];
useCliSandbox((sandbox) => {
  ({ api, cacheDir } = sandbox);
  market = structuredClone(BODIES.coingecko) as Coin[];
  api.route('GET', CRYPTO_PATHS.coingecko, () => market);
});

class FakeTerminal {
  output = '';
  readonly stdout = { isTTY: true, columns: 140, rows: 30, write: (chunk: string) => (this.output += chunk) };
  readonly keys = Object.assign(new EventEmitter(), {
    isTTY: true,
    raw: false,
    setRawMode: (raw: boolean) => {
      this.keys.raw = raw;
    },
    setEncoding: () => undefined,
    resume: () => undefined,
    pause: () => undefined,
  });
  /** Frames drawn so far: each starts at the top-left corner. */
  frames(): string[] {
    return this.output
      .split('\u001b[H')
      .slice(1)
      .filter((frame) => frame.includes('screen crypto'));
  }
  press(key: string): void {
    this.keys.emit('data', key);
  }
}

class FakeInterrupts implements Interrupts {
  listeners: Array<(signal: InterruptSignal) => void> = [];
  subscribe(listener: (signal: InterruptSignal) => void): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }
  exit(): void {
    throw new Error('a watch ends by itself; it never asks the process to exit');
  }
}

/** Waits (in real time, while I/O runs) until `done` holds. */
async function until(done: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !done(); i++) {
    await flushMicrotasks();
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  expect(done(), what).toBe(true);
}

function startWatch(args: string[], terminal: FakeTerminal, clock: ManualClock, interrupts?: FakeInterrupts) {
  let stderr = '';
  const done = main(['node', 'screen', 'crypto', '--sources', 'coingecko', '--sort', 'mcap', '--limit', '5', ...args], {
    stdout: terminal.stdout,
    stderr: { write: (chunk: string) => (stderr += chunk) },
    env: cryptoEnv(api, cacheDir, { XDG_CONFIG_HOME: cacheDir }),
    clock,
    stdin: terminal.keys,
    ...(interrupts ? { interrupts } : {}),
  });
  return { done, stderr: () => stderr };
}

describe('--watch', () => {
  it('redraws in place on the alternate screen every interval, marks changed cells, and q restores the terminal with exit 0', async () => {
    const terminal = new FakeTerminal();
    const clock = new ManualClock(Date.now());
    const watch = startWatch(['--watch', '5'], terminal, clock);
    await until(() => terminal.frames().some((frame) => frame.includes('next refresh')), 'the first frame');
    expect(terminal.output.startsWith('\u001b[?1049h\u001b[?25l')).toBe(true);
    expect(terminal.keys.raw).toBe(true);
    const first = terminal.frames().at(-1)!;
    expect(first).toContain('screen crypto');
    expect(first).toContain('every 5s');
    expect(first).toContain('update 1');
    expect(first).toMatch(/coingecko fresh 0s · binance skipped · coincap skipped/);
    expect(first).toContain('BTC');
    expect(first).not.toContain('*'); // nothing marked on the first frame
    expect(api.requestCount(CRYPTO_PATHS.coingecko)).toBe(1);

    // 5 s on: a refresh, from the cache (its TTL is 60 s), the same rows: nothing marked.
    await clock.advance(5_000);
    await until(() => terminal.frames().some((frame) => frame.includes('update 2') && frame.includes('next refresh')), 'the second frame');
    expect(terminal.frames().at(-1)).toMatch(/coingecko cached 5s/);
    expect(terminal.frames().at(-1)).not.toContain('*');
    expect(api.requestCount(CRYPTO_PATHS.coingecko)).toBe(1);

    // Refresh by refresh, until the cache is past its 60 s: a fetch, and BTC's new price is marked.
    market.find((coin) => coin.id === 'bitcoin')!.current_price = 12_345;
    for (let update = 3; update <= 14; update++) {
      await clock.advance(5_000);
      await until(
        () => terminal.frames().some((frame) => frame.includes(`update ${update}`) && frame.includes('next refresh')),
        `update ${update}`,
      );
    }
    expect(terminal.frames().filter((frame) => frame.includes('12,345')).length).toBeGreaterThan(0);
    const marked = terminal.frames().find((frame) => frame.includes('12,345') && frame.includes('next refresh'))!;
    // Without colour (NO_COLOR here) a changed cell is followed by "*": only the price changed.
    expect(marked).toContain('12,345*');
    expect(marked.match(/\*/g)).toHaveLength(1);
    expect(api.requestCount(CRYPTO_PATHS.coingecko)).toBe(2);

    terminal.press('q');
    expect(await watch.done).toBe(0);
    expect(terminal.output.endsWith('\u001b[?25h\u001b[?1049l')).toBe(true);
    expect(terminal.keys.raw).toBe(false);
  });

  it('r refreshes at once; Ctrl-C (a key in raw mode) and SIGINT quit with exit 0; state is saved at the end', async () => {
    const terminal = new FakeTerminal();
    const clock = new ManualClock(Date.now());
    const watch = startWatch(['--watch'], terminal, clock);
    await until(() => terminal.frames().some((frame) => frame.includes('update 1') && frame.includes('next refresh')), 'the first frame');
    // The default interval is the sources' shortest TTL: 60 s for crypto.
    expect(terminal.frames().at(-1)).toContain('every 60s');
    terminal.press('r');
    await until(() => terminal.frames().some((frame) => frame.includes('update 2')), 'a refresh on r');
    terminal.press('\u0003');
    expect(await watch.done).toBe(0);

    const interrupts = new FakeInterrupts();
    const second = new FakeTerminal();
    const again = startWatch(['--watch', '30'], second, clock, interrupts);
    await until(() => second.frames().some((frame) => frame.includes('next refresh')), 'the first frame');
    for (const listener of interrupts.listeners) listener('SIGINT');
    expect(await again.done).toBe(0);
    expect(second.output.endsWith('\u001b[?25h\u001b[?1049l')).toBe(true);
    const status = await runMain(['status', '--json'], cryptoEnv(api, cacheDir));
    expect(JSON.parse(status.stdout).sources.find((s: { name: string }) => s.name === 'coingecko').lastSuccessAt).not.toBeNull();
  });

  it('r fetches every selected source again past fresh cache; an r pressed during a refresh fetches again right after it', async () => {
    routeCrypto(api);
    let hold: Promise<void> | undefined;
    api.route('GET', CRYPTO_PATHS.coingecko, async () => {
      await hold;
      return BODIES.coingecko;
    });
    const paths = [CRYPTO_PATHS.coingecko, CRYPTO_PATHS.binanceTicker, CRYPTO_PATHS.coincap];
    const counts = (): number[] => paths.map((path) => api.requestCount(path));
    const terminal = new FakeTerminal();
    const clock = new ManualClock(Date.now());
    const updated = (n: number): boolean =>
      terminal.frames().some((frame) => frame.includes(`update ${n}`) && frame.includes('next refresh'));
    // Every 30 s with a 60 s cache: the interval alone would fetch nothing new.
    const watch = startWatch(['--sources', 'coingecko,binance,coincap', '--watch', '30'], terminal, clock);
    await until(() => updated(1), 'the first frame');
    expect(counts()).toEqual([1, 1, 1]);

    terminal.press('r');
    await until(() => updated(2), 'a refresh on r');
    expect(counts()).toEqual([2, 2, 2]);

    // r while CoinGecko is still answering: once that refresh is drawn, the next one starts without waiting 30 s.
    let release = (): void => undefined;
    hold = new Promise<void>((resolve) => {
      release = resolve;
    });
    terminal.press('r');
    await until(() => api.requestCount(CRYPTO_PATHS.coingecko) === 3, 'the third fetch under way');
    terminal.press('r');
    hold = undefined;
    release();
    await until(() => updated(4), 'the refresh the second r asked for');
    expect(counts()).toEqual([4, 4, 4]);
    terminal.press('q');
    expect(await watch.done).toBe(0);
  });

  it('fires an alert once while it stays true across refreshes, and shows it in the footer', async () => {
    const terminal = new FakeTerminal();
    const clock = new ManualClock(Date.now());
    market.find((coin) => coin.id === 'bitcoin')!.current_price = 50_000;
    const watch = startWatch(['--watch', '5', '--alert', 'symbol == "BTC" and priceUsd < 80000'], terminal, clock);
    await until(() => terminal.frames().some((frame) => frame.includes('update 1') && frame.includes('next refresh')), 'the first frame');
    expect(terminal.frames().at(-1)).toContain('alert: BTC (symbol == "BTC" and priceUsd < 80000, priceUsd 50000)');
    await clock.advance(61_000);
    await until(() => terminal.frames().some((frame) => frame.includes('update 2') && frame.includes('next refresh')), 'the second frame');
    terminal.press('q');
    expect(await watch.done).toBe(0);
    // The next run (not a watch) sees it still true: nothing fires.
    const run = await runMain(
      ['crypto', '--sources', 'coingecko', '--alert', 'symbol == "BTC" and priceUsd < 80000', '--json', '--symbols', 'BTC'],
      cryptoEnv(api, cacheDir),
      { clock },
    );
    expect(JSON.parse(run.stdout).alerts).toEqual([]);
  });

  it('without a terminal is exit 2 with one line, before any request; with --json too', async () => {
    const piped = await runMain(['crypto', '--watch', '5'], cryptoEnv(api, cacheDir));
    expect(piped).toMatchObject({
      code: 2,
      stdout: '',
      stderr: 'screen: --watch needs a terminal: stdout is not one (run without --watch from cron or a pipe)\n',
    });
    const json = await runMain(['crypto', '--watch', '--json'], cryptoEnv(api, cacheDir));
    expect(json).toMatchObject({ code: 2, stderr: 'screen: --watch draws a table: it cannot be combined with --json\n' });
    const changes = await runMain(['crypto', '--watch', '--changes'], cryptoEnv(api, cacheDir));
    expect(changes).toMatchObject({
      code: 2,
      stderr: 'screen: --watch marks what changed in place: it cannot be combined with --changes\n',
    });
    expect(api.requestCount()).toBe(0);
  });
});
