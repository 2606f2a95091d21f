/** Shared helpers for the store tests: temp dirs, a counting monitor, fixture processes, a loopback server. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, inject } from 'vitest';
import { DiskCache } from '../../src/store/file/disk-cache.js';
import { ManualClock } from '../helpers/manual-clock.js';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export function makeTempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'qaht-store-'));
}

export function removeDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}

/** A named pipe at `path`: a plain open of it for reading blocks until a writer appears (the hang to avoid). */
export function makeFifo(path: string): void {
  execFileSync('mkfifo', [path]);
}

/** A monitor that records counter totals. */
export class CountingMonitor {
  readonly counts = new Map<string, number>();
  increment(name: string, by = 1): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + by);
  }
  get(name: string): number {
    return this.counts.get(name) ?? 0;
  }
}

/**
 * A fixture child speaking one JSON object per stdout line: `fixture` names a file of
 * test/fixtures/store, run from the plain-JS bundle test/fixtures/bundle-fixtures.ts built of it.
 */
export class FixtureProcess {
  readonly child: ChildProcess;
  readonly messages: Array<Record<string, unknown>> = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #stderr = '';
  #waiters: Array<() => void> = [];

  constructor(fixture: string, args: string[]) {
    const script = join(inject('fixturesDir'), 'store', fixture.replace(/\.ts$/, '.mjs'));
    this.child = spawn(process.execPath, [script, ...args], {
      cwd: REPO_ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve({ code, signal })));
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      try {
        this.messages.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        this.messages.push({ raw: line });
      }
      for (const wake of this.#waiters.splice(0)) wake();
    });
    this.child.stderr!.on('data', (chunk: Buffer) => {
      this.#stderr += chunk.toString();
    });
    void this.exited.then(() => {
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }

  get stderr(): string {
    return this.#stderr;
  }

  /** Resolves the first message matching `predicate`; rejects if the child exits first. */
  async waitFor(predicate: (message: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
    for (;;) {
      const found = this.messages.find(predicate);
      if (found) return found;
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(
          `fixture exited (${this.child.exitCode ?? this.child.signalCode}) before the expected message; stderr: ${this.#stderr}`,
        );
      }
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  send(line: string): void {
    this.child.stdin!.write(`${line}\n`);
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    this.child.kill(signal);
  }
}

/** A loopback server on port 0 that counts requests and answers each after `delayMs` (real time). */
export async function startCountingServer(
  body: unknown,
  delayMs = 0,
): Promise<{ url: string; count: () => number; close: () => Promise<void> }> {
  let requests = 0;
  const server = createServer((_request: IncomingMessage, response: ServerResponse) => {
    requests++;
    setTimeout(() => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/data`,
    count: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Waits (in real time, polling every millisecond) until `condition` holds: a barrier for code that
 * does real file I/O between its steps, not a timing assertion. Fails after `limitMs`.
 */
export async function waitUntil(condition: () => boolean, limitMs = 10_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('waitUntil: condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/** A fresh cache dir, manual clock, counting monitor and opened `DiskCache` for each test. */
export interface CacheFixture {
  dir: string;
  clock: ManualClock;
  monitor: CountingMonitor;
  cache: DiskCache;
}

/** Registers the per-test set-up and clean-up of a `CacheFixture`; `bind` receives each new one. */
export function useCacheFixture(bind: (fixture: CacheFixture) => void): void {
  let dir: string;
  beforeEach(async () => {
    dir = await makeTempDir();
    const clock = new ManualClock();
    const monitor = new CountingMonitor();
    bind({ dir, clock, monitor, cache: await DiskCache.open({ dir, clock, monitor }) });
  });
  afterEach(() => removeDir(dir));
}
