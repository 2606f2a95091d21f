import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { InterruptSignal, Interrupts } from '../../src/commands/command-spec.js';
import type { FakeApi } from '../helpers/fake-api/index.js';
import { runMain, useCliSandbox } from '../helpers/run-cli.js';
import { CRYPTO_PATHS, cryptoEnv, routeCrypto } from './ops-fixtures.js';

/**
 * Signals are the bin's: `main` in-process installs no handler and never exits its caller. A run
 * handed `Interrupts` (as the bin hands it the process's) listens while it runs and, on one,
 * saves its state and then asks to exit. The real SIGINT/SIGTERM exits are in
 * overlap-and-signals.test.ts, on the spawned bin.
 */

let api: FakeApi;
let cacheDir: string;

useCliSandbox((sandbox) => {
  ({ api, cacheDir } = sandbox);
  routeCrypto(api);
});

const listeners = (): number[] => [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')];

describe('interrupts in-process', () => {
  it('main without interrupts adds no SIGINT/SIGTERM listener, even while a run is fetching', async () => {
    const before = listeners();
    const during: number[][] = [];
    api.route('GET', CRYPTO_PATHS.binanceTicker, (_req, _url, ctx) => {
      during.push(listeners());
      return ctx.text('[]', { headers: { 'content-type': 'application/json' } });
    });
    const run = await runMain(['crypto', '--json'], cryptoEnv(api, cacheDir));
    expect(run.code, run.stderr).toBe(0);
    expect(during).toEqual([before]);
    expect(listeners()).toEqual(before);
  });

  it('a run given interrupts listens while it runs; an interrupt saves state and asks to exit with that signal', async () => {
    let listener: ((signal: InterruptSignal) => void) | undefined;
    let unsubscribed = false;
    const exited: InterruptSignal[] = [];
    const interrupts: Interrupts = {
      subscribe(onInterrupt) {
        listener = onInterrupt;
        return () => {
          unsubscribed = true;
        };
      },
      exit: (signal) => void exited.push(signal),
    };
    // The interrupt lands while CoinGecko's request is in flight.
    api.route('GET', CRYPTO_PATHS.coingecko, async (_req, _url, ctx) => {
      listener?.('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 300));
      return ctx.text('[]', { headers: { 'content-type': 'application/json' } });
    });
    let stderr = '';
    const code = await main(['node', 'screen', 'crypto', '--json'], {
      stdout: { write: () => true },
      stderr: { write: (chunk: string) => (stderr += chunk) },
      env: cryptoEnv(api, cacheDir),
      interrupts,
    });
    expect(code, stderr).toBe(0); // the fake exit returns, so the run goes on to the end
    expect(exited).toEqual(['SIGTERM']);
    expect(unsubscribed).toBe(true);
    // What the interrupt saved before asking to exit: a whole state file.
    expect(JSON.parse(await readFile(join(cacheDir, 'state.json'), 'utf8'))).toMatchObject({ schema: 1 });
  });
});
