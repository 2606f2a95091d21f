import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { FakeApi, FakeStream } from '../helpers/fake-api/index.js';
import { startFakeStream } from '../helpers/fake-api/index.js';
import { flushMicrotasks, ManualClock } from '../helpers/manual-clock.js';
import { useCliSandbox } from '../helpers/run-cli.js';
import { waitUntil } from './ops-fixtures.js';
import { cryptoEnv, routeCrypto } from './crypto-fixtures.js';

/**
 * `screen crypto --watch` with live prices: a fake terminal, a manual clock, the REST sources on
 * the fake API and Binance's stream on a loopback WebSocket. A frame on the stream moves a price on
 * screen between refreshes, with no request to any API.
 */

let api: FakeApi;
let cacheDir: string;
let stream: FakeStream;
useCliSandbox((sandbox) => {
  ({ api, cacheDir } = sandbox);
  routeCrypto(api);
});
beforeEach(async () => {
  stream = await startFakeStream();
});
afterEach(async () => {
  await stream.close();
});

class FakeTerminal {
  output = '';
  readonly stdout = { isTTY: true, columns: 160, rows: 30, write: (chunk: string) => (this.output += chunk) };
  readonly keys = Object.assign(new EventEmitter(), {
    isTTY: true,
    setRawMode: () => undefined,
    setEncoding: () => undefined,
    resume: () => undefined,
    pause: () => undefined,
  });
  frames(): string[] {
    return this.output
      .split('\u001b[H')
      .slice(1)
      .filter((frame) => frame.includes('screen crypto'));
  }
}

async function until(done: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000 && !done(); i++) {
    await flushMicrotasks();
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  expect(done(), what).toBe(true);
}

describe('crypto --watch with live prices', () => {
  it('moves a price on screen between refreshes, shows the stream in the header, and closes it on q', async () => {
    const terminal = new FakeTerminal();
    const clock = new ManualClock(Date.now());
    const done = main(['node', 'screen', 'crypto', '--sort', 'mcap', '--limit', '5', '--watch', '60'], {
      stdout: terminal.stdout,
      stderr: { write: () => true },
      env: cryptoEnv(api, cacheDir, { XDG_CONFIG_HOME: cacheDir, SCREEN_BINANCE_WS_URL: stream.wsUrl }),
      clock,
      stdin: terminal.keys,
    });
    await waitUntil(() => stream.server.sockets.size === 1, 'the stream connection');
    await until(
      () => terminal.frames().some((frame) => frame.includes('next refresh') && frame.includes('binance-stream live')),
      'a frame with the stream live',
    );
    const requests = api.requestCount();
    stream.sendPrices({ BTCUSDT: 123_456 }, clock.now());
    // Redraws for prices come at most once a second (the last was for the stream coming up).
    await clock.advance(1_000);
    await until(() => terminal.frames().some((frame) => frame.includes('123,456')), 'the moved price on screen');
    const moved = terminal.frames().find((frame) => frame.includes('123,456'))!;
    expect(moved).toContain('update 1');
    expect(api.requestCount()).toBe(requests);

    terminal.keys.emit('data', 'q');
    expect(await done).toBe(0);
    await waitUntil(() => stream.server.closes.length === 1, 'the close frame');
    expect(stream.server.closes[0]).toEqual({ code: 1000, reason: 'stopping' });
  });
});
