import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';

/** The Debian package's binary (`.ci/run` installs it when missing). */
export const REDIS_SERVER_BIN = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((path) => existsSync(path));

/** Whether this machine can run the Redis tests; when not, they skip with this note. */
export const REDIS_SKIP_NOTE = REDIS_SERVER_BIN ? undefined : 'redis-server is not installed: the shared-store tests are skipped';
if (REDIS_SKIP_NOTE) console.warn(`note: ${REDIS_SKIP_NOTE}`);

export interface RedisServer {
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** The server's process id (to SIGSTOP/SIGCONT or SIGKILL it). */
  readonly pid: number;
  /** Runs a command through `redis-cli`-free RESP on a fresh socket; resolves the raw reply text. */
  command(...args: string[]): Promise<string>;
  /** Every key and its whole value (strings, hashes, sorted sets), as text: what a test searches for secrets. */
  dump(): Promise<Array<{ key: string; value: string }>>;
  /** Removes every key. */
  flush(): Promise<void>;
  /** Stops the server (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * Starts a private redis-server on a free loopback port (or `port`, to restart one in place), without persistence (`--save ''
 * --appendonly no`), for one test file. Stop it in `afterAll`.
 */
export async function startRedisServer(options: { password?: string; port?: number } = {}): Promise<RedisServer> {
  if (!REDIS_SERVER_BIN) throw new Error(REDIS_SKIP_NOTE);
  const port = options.port ?? (await freePort());
  const auth = options.password === undefined ? [] : ['--requirepass', options.password];
  const child = spawn(
    REDIS_SERVER_BIN,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', '/tmp', '--loglevel', 'warning', ...auth],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitForPing(port, child);
  const command = (...args: string[]): Promise<string> =>
    send(port, options.password === undefined ? args : ['AUTH', options.password], options.password === undefined ? undefined : args);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: child.pid!,
    command,
    async dump() {
      const keys = parseArray(await command('KEYS', '*'));
      const out: Array<{ key: string; value: string }> = [];
      for (const key of keys) {
        const type = (await command('TYPE', key)).trim().replace(/^\+/, '');
        const value =
          type === 'string'
            ? await command('GET', key)
            : type === 'hash'
              ? await command('HGETALL', key)
              : type === 'zset'
                ? await command('ZRANGE', key, '0', '-1', 'WITHSCORES')
                : `(${type})`;
        out.push({ key, value });
      }
      return out;
    },
    async flush() {
      await command('FLUSHALL');
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

async function waitForPing(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
    try {
      // A server that wants a password answers NOAUTH: it is up.
      if (/^(\+PONG|-NOAUTH)/.test(await send(port, ['PING']))) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error('redis-server did not start within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * One command as RESP on its own connection (after `first`, e.g. AUTH, whose reply is skipped);
 * resolves the reply's raw text once it is complete.
 */
function send(port: number, first: readonly string[], then?: readonly string[]): Promise<string> {
  const encode = (args: readonly string[]): string =>
    `*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`;
  return new Promise((resolve, reject) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    let reply = Buffer.alloc(0);
    let skip = then !== undefined;
    socket.setTimeout(5_000, () => socket.destroy(new Error('redis test client timed out')));
    socket.on('connect', () => socket.write(encode(first) + (then ? encode(then) : '')));
    socket.on('data', (chunk) => {
      reply = Buffer.concat([reply, chunk]);
      if (skip) {
        const end = parseAt(reply, 0);
        if (end === -1) return;
        reply = reply.subarray(end);
        skip = false;
      }
      if (reply.length > 0 && complete(reply)) {
        socket.end();
        resolve(reply.toString('utf8'));
      }
    });
    socket.on('error', reject);
  });
}

/** Whether `buffer` holds one whole RESP2 reply. */
function complete(buffer: Buffer): boolean {
  return parseAt(buffer, 0) !== -1;
}

/** The offset after the reply starting at `at`, or -1 when it is not all there yet. */
function parseAt(buffer: Buffer, at: number): number {
  const lineEnd = buffer.indexOf('\r\n', at);
  if (lineEnd === -1) return -1;
  const type = String.fromCharCode(buffer[at]!);
  const head = buffer.toString('utf8', at + 1, lineEnd);
  if (type === '+' || type === '-' || type === ':') return lineEnd + 2;
  if (type === '$') {
    const length = Number(head);
    if (length < 0) return lineEnd + 2;
    const end = lineEnd + 2 + length + 2;
    return buffer.length >= end ? end : -1;
  }
  if (type === '*') {
    let offset = lineEnd + 2;
    for (let i = 0; i < Number(head); i++) {
      offset = parseAt(buffer, offset);
      if (offset === -1) return -1;
    }
    return offset;
  }
  return lineEnd + 2;
}

/** The bulk strings of a RESP2 array reply. */
export function parseArray(reply: string): string[] {
  const lines = reply.split('\r\n');
  const out: string[] = [];
  for (let i = 1; i < lines.length; i++) if (lines[i]!.startsWith('$') && lines[i] !== '$-1') out.push(lines[++i]!);
  return out;
}
