import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { FakeApi } from '../helpers/fake-api/index.js';
import { useCliSandbox } from '../helpers/run-cli.js';
import { ALL_CRYPTO_PATHS } from '../cli/crypto-fixtures.js';
import { spawnCli, waitUntil } from '../cli/ops-fixtures.js';
import { httpGet, routeEverything, serveEnv } from './live-fixtures.js';
import { type ReadLoad, readLoad } from './load-readers.js';

/**
 * `screen serve` under hostile clients, bounded and on loopback only: 300 slowloris sockets are
 * closed by the server within 12 s; 50 clients that pipeline requests and never read leave the
 * server's memory within 50 MiB of where it was once they go; readers keep a p99 under 100 ms
 * during each attack; and a loopback-bound server answers a foreign `Host:` with 421 (DNS
 * rebinding), its own names and `--allowed-host` with 200.
 */

let api: FakeApi;
let cacheDir: string;
useCliSandbox((sandbox) => {
  ({ api, cacheDir } = sandbox);
  routeEverything(api);
});

const rssMiB = (pid: number): number => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Readers alongside an attack: up to three windows, judged by the best (other files share the cores). */
async function readersDuring(origin: string, stillAttacking: () => boolean): Promise<ReadLoad> {
  const windows: ReadLoad[] = [];
  do {
    windows.push(
      await readLoad({ url: `${origin}/api/signals?screen=crypto`, readers: 20, pauseMs: 100, warmupMs: 200, durationMs: 2_000 }),
    );
  } while (windows.length < 3 && stillAttacking() && !windows.some((load) => load.p99Ms < 100));
  for (const load of windows) expect(load.errors, JSON.stringify(load)).toBe(0);
  return windows.reduce((a, b) => (b.p99Ms < a.p99Ms ? b : a));
}

describe('screen serve under hostile clients', () => {
  it('closes slowloris sockets, bounds pipeliners, and refuses foreign host names', { timeout: 90_000 }, async () => {
    const running = spawnCli(
      ['serve', '--port', '0', '--every', 'crypto=60s,news=off,market=off', '--rate-limit', '10000000', '--allowed-host', 'qaht.internal'],
      serveEnv(api, cacheDir),
      85_000,
    );
    let stderr = '';
    running.child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const pid = running.child.pid!;
    try {
      await waitUntil(() => /listening on \S+/.test(stderr), 'screen serve to listen');
      const origin = /listening on (\S+)/.exec(stderr)![1]!;
      const port = Number(new URL(origin).port);
      await waitUntil(() => ALL_CRYPTO_PATHS.every((path) => api.requestCount(path) === 1), 'the first refresh');
      for (;;) {
        if ((await httpGet(`${origin}/readyz`)).status === 200) break;
        await sleep(20);
      }

      // Host names: a rebinding page sends its own; the server's own names and --allowed-host pass.
      const withHost = (host: string) => httpGet(`${origin}/api/signals?screen=crypto`, { host });
      expect((await withHost('evil.example')).status).toBe(421);
      expect((await withHost(`evil.example:${port}`)).status).toBe(421);
      expect((await httpGet(`${origin}/healthz`, { host: 'evil.example' })).status).toBe(421);
      for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, 'qaht.internal', `QAHT.internal:${port}`]) {
        expect((await withHost(host)).status, host).toBe(200);
      }

      // Warm up, then the baseline the pipeliners are measured against.
      await readLoad({ url: `${origin}/api/signals?screen=crypto`, readers: 20, pauseMs: 0, warmupMs: 0, durationMs: 1_000 });
      await sleep(500);
      const baselineMiB = rssMiB(pid);

      // 300 slowloris sockets: a request line, then one header byte a second, never finished.
      const opened = performance.now();
      const slow: Socket[] = [];
      const closedAt: number[] = [];
      for (let i = 0; i < 300; i++) {
        const socket = connect({ host: '127.0.0.1', port });
        socket.on('error', () => undefined);
        socket.on('connect', () => socket.write(`GET / HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\nx-slow: `));
        socket.on('close', () => closedAt.push(performance.now() - opened));
        slow.push(socket);
      }
      const drip = setInterval(() => {
        for (const socket of slow) if (!socket.destroyed) socket.write('a');
      }, 1_000);
      try {
        const during = await readersDuring(origin, () => closedAt.length < 300);
        expect(during.p99Ms, JSON.stringify(during)).toBeLessThan(100);
        await waitUntil(() => closedAt.length === 300 || performance.now() - opened > 14_000, 'the slowloris sockets to close', 20_000);
      } finally {
        clearInterval(drip);
        for (const socket of slow) socket.destroy();
      }
      expect(closedAt.length).toBe(300);
      expect(Math.max(...closedAt), `first closed at ${Math.min(...closedAt)} ms`).toBeLessThan(12_000);

      // 50 clients that pipeline a thousand requests each and never read an answer.
      const request = `GET /api/signals?screen=crypto HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\n\r\n`.repeat(1_000);
      const pipeliners: Socket[] = [];
      let cut = 0;
      for (let i = 0; i < 50; i++) {
        const socket = connect({ host: '127.0.0.1', port });
        socket.on('error', () => undefined);
        socket.on('close', () => (cut += 1));
        socket.on('connect', () => {
          socket.pause();
          socket.write(request);
        });
        pipeliners.push(socket);
      }
      let peakMiB = baselineMiB;
      const sample = setInterval(() => (peakMiB = Math.max(peakMiB, rssMiB(pid))), 100);
      try {
        const during = await readersDuring(origin, () => true);
        expect(during.p99Ms, JSON.stringify(during)).toBeLessThan(100);
      } finally {
        clearInterval(sample);
        for (const socket of pipeliners) socket.destroy();
      }
      await waitUntil(() => cut === 50, 'the pipeliners to go');
      await sleep(1_000);
      const afterMiB = rssMiB(pid);
      expect(afterMiB - baselineMiB, `baseline ${baselineMiB} MiB, peak ${peakMiB} MiB, after ${afterMiB} MiB`).toBeLessThan(50);
      // The server still answers.
      expect((await httpGet(`${origin}/api/signals?screen=crypto`)).status).toBe(200);
    } finally {
      running.child.kill('SIGTERM');
      expect((await running.done).code).toBe(0);
    }
  });
});
