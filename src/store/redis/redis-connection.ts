/**
 * The one connection a run keeps to the shared Redis store, and the rules every use of it follows:
 * - the `redis` package is imported here only, and only when a Redis store is selected;
 * - connecting, and then every command, gets `timeoutMs` (1 s) at most;
 * - the first failure (unreachable, timed out, dropped, refused) marks the store down for the rest
 *   of the run and is reported once through `onDown`; from then on every call fails at once with
 *   `QAHT_ERR_STORE_UNAVAILABLE`, which the Redis ports answer from the file store instead.
 * Nothing is queued while the server is away and nothing reconnects: a run lives seconds, and a
 * run that waits for Redis is worse than one that goes on without it.
 */
import { createHash } from 'node:crypto';
import { QahtError } from '../../errors.js';
import { systemClock, type Clock } from '../../time/clock.js';
import type { RedisLocation } from '../store-location.js';

/** The longest the store may hold a run up, at connect and per command (README "Running on several machines": 1 s). */
export const STORE_TIMEOUT_MS = 1_000;

/** A Lua script, run by its SHA1 (`EVALSHA`) and loaded on the first NOSCRIPT. */
export interface LuaScript {
  readonly source: string;
  readonly sha: string;
}

/** Builds a script from its Lua source. */
export function luaScript(source: string): LuaScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

/** A reply as RESP2 gives it: bulk strings as Buffers, integers, arrays, or null. */
export type RawReply = Buffer | number | null | RawReply[];

/** The part of the node-redis client this module drives: raw commands only, so the ports stay free of its typings. */
interface RawClient {
  sendCommand(args: ReadonlyArray<string | Buffer>, options?: Record<string, unknown>): Promise<unknown>;
  connect(): Promise<unknown>;
  destroy(): void;
  close(): Promise<void>;
  on(event: 'error', listener: (error: unknown) => void): unknown;
}

export interface RedisConnectionOptions {
  location: RedisLocation;
  /** Longest wait at connect and per command, ms. @default STORE_TIMEOUT_MS */
  timeoutMs?: number;
  /**
   * The fleet's time. Given (tests), it is used as is. Otherwise it is this machine's clock set to
   * the Redis server's (`TIME`, measured once at connect), so every process shares one clock for
   * the schedules and budgets it keeps in the store.
   */
  clock?: Clock;
  /** Called once, with a one-line, password-free reason, when the store goes down mid-run. */
  onDown?: (reason: string) => void;
  /** Called once per run, with one line, the first time a damaged key is repaired or ignored. */
  onDamaged?: (message: string) => void;
}

/** A live connection; see the file header. */
export class RedisConnection {
  readonly location: RedisLocation;
  /** Fleet time: see `RedisConnectionOptions.clock`. */
  readonly clock: Clock;
  #client: RawClient;
  readonly #timeoutMs: number;
  readonly #onDown: ((reason: string) => void) | undefined;
  readonly #onDamaged: ((message: string) => void) | undefined;
  #damageReported = false;
  #downReason: string | undefined;
  #closed = false;

  /**
   * Connects within `timeoutMs`.
   * @throws QahtError `QAHT_ERR_STORE_UNAVAILABLE` ("redis store redis://host:6379 unreachable: …")
   *   when the server cannot be reached, refuses the credentials or does not answer in time.
   */
  static async open(options: RedisConnectionOptions): Promise<RedisConnection> {
    const timeoutMs = options.timeoutMs ?? STORE_TIMEOUT_MS;
    const { createClient, RESP_TYPES } = await import('redis');
    const client = createClient({
      url: options.location.url,
      socket: { connectTimeout: timeoutMs, reconnectStrategy: false },
      disableOfflineQueue: true,
      // Bulk strings as Buffers: cache entries are checked byte for byte.
      commandOptions: { timeout: timeoutMs, typeMapping: { [RESP_TYPES.BLOB_STRING]: Buffer } },
    }) as unknown as RawClient;
    let failure: unknown;
    let connection: RedisConnection | undefined;
    // node-redis reports socket trouble as 'error' events; an unheard one would crash the process.
    client.on('error', (error) => {
      failure ??= error;
      if (connection) connection.#markDown(error);
    });
    // One budget for connecting and the clock reading together: never longer than `timeoutMs`.
    const deadline = Date.now() + timeoutMs;
    try {
      await withTimeout(client.connect(), timeoutMs, 'connect');
      const offsetMs = options.clock ? 0 : await measureOffset(client, Math.max(1, deadline - Date.now()));
      connection = new RedisConnection(options, client, offsetMs);
      return connection;
    } catch (error) {
      destroyQuietly(client);
      throw new QahtError(
        'QAHT_ERR_STORE_UNAVAILABLE',
        `redis store ${options.location.safeUrl} unreachable: ${describeRedisError(failure ?? error, options.location)}`,
        { cause: error },
      );
    }
  }

  /**
   * A connection that starts down, for a long-lived process (`screen serve`) that could not reach
   * Redis at start: every port falls back to the file store until `revive` reaches the server.
   * The fleet's clock is then this process's own (no offset could be measured).
   */
  static startingDown(options: RedisConnectionOptions, reason: string): RedisConnection {
    const connection = new RedisConnection(options, NO_CLIENT, 0);
    connection.#downReason = reason;
    return connection;
  }

  private constructor(options: RedisConnectionOptions, client: RawClient, offsetMs: number) {
    this.location = options.location;
    this.#client = client;
    this.#timeoutMs = options.timeoutMs ?? STORE_TIMEOUT_MS;
    this.#onDown = options.onDown;
    this.#onDamaged = options.onDamaged;
    const base = options.clock ?? systemClock;
    this.clock = offsetMs === 0 ? base : { now: () => base.now() + offsetMs, sleep: (ms, signal) => base.sleep(ms, signal) };
  }

  /** False once the store has failed (or been closed) in this run. */
  get up(): boolean {
    return this.#downReason === undefined && !this.#closed;
  }

  /** The key `name` under the store's prefix. */
  key(name: string): string {
    return `${this.location.prefix}${name}`;
  }

  /**
   * Sends one command.
   * @throws QahtError `QAHT_ERR_STORE_UNAVAILABLE` when the store is (or now goes) down.
   */
  async command(args: ReadonlyArray<string | number | Buffer>): Promise<RawReply> {
    // The key a plain command names comes right after its name (GET, SET, HGET, PEXPIRE…).
    const key = typeof args[1] === 'string' ? [args[1]] : [];
    return this.#repairingWrongType(key, () => this.#send(args));
  }

  /** Runs `script` (EVALSHA, loading it on NOSCRIPT) with `keys` and `args`. @throws like `command`. */
  async eval(script: LuaScript, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<RawReply> {
    return this.#repairingWrongType(keys, () => this.#evalOnce(script, keys, args));
  }

  /**
   * Reports a damaged key (a lock without a TTL, an absurd pacing time) that a caller repaired or
   * ignored: one warning per run, the rest only repaired.
   */
  reportDamage(what: string): void {
    if (this.#damageReported) return;
    this.#damageReported = true;
    this.#onDamaged?.(`redis store ${this.location.safeUrl}: ${what}; repaired, never obeyed`);
  }

  async #send(args: ReadonlyArray<string | number | Buffer>): Promise<RawReply> {
    if (!this.up) throw this.#unavailable();
    try {
      return (await withTimeout(
        this.#client.sendCommand(args.map((arg) => (typeof arg === 'number' ? String(arg) : arg))),
        this.#timeoutMs + 50,
        args[0] as string,
      )) as RawReply;
    } catch (error) {
      if (isWrongType(error)) throw error;
      this.#markDown(error);
      throw this.#unavailable(error);
    }
  }

  async #evalOnce(script: LuaScript, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<RawReply> {
    const tail = [String(keys.length), ...keys, ...args.map(String)];
    if (!this.up) throw this.#unavailable();
    try {
      return (await withTimeout(this.#client.sendCommand(['EVALSHA', script.sha, ...tail]), this.#timeoutMs + 50, 'EVALSHA')) as RawReply;
    } catch (error) {
      if (isWrongType(error)) throw error;
      if (!isNoScript(error)) {
        this.#markDown(error);
        throw this.#unavailable(error);
      }
    }
    return this.#send(['EVAL', script.source, ...tail]);
  }

  /**
   * A key of the wrong type under the prefix (something else wrote it, or a damaged restore) is
   * not the store going down: the key is ours, so it is deleted (reported once) and the command
   * runs again, once. A key outside the prefix is never touched: then the store counts as down.
   */
  async #repairingWrongType(keys: readonly string[], run: () => Promise<RawReply>): Promise<RawReply> {
    try {
      return await run();
    } catch (error) {
      if (!isWrongType(error)) throw error;
      const ours = keys.filter((key) => key.startsWith(this.location.prefix));
      if (ours.length === 0 || ours.length !== keys.length) {
        this.#markDown(error);
        throw this.#unavailable(error);
      }
      await this.#send(['DEL', ...ours]);
      this.reportDamage(
        `${ours.length === 1 ? 'a key' : 'keys'} of the wrong type (${ours.map((key) => key.slice(this.location.prefix.length)).join(', ')}) deleted`,
      );
      try {
        return await run();
      } catch (again) {
        this.#markDown(again);
        throw this.#unavailable(again);
      }
    }
  }

  /**
   * Connects again after the store went down, for a long-lived process (`screen serve`): resolves
   * true once the server answers (the connection is up again, and every port uses it), false while
   * it does not. Never throws; a one-shot run never calls it.
   */
  async revive(): Promise<boolean> {
    if (this.#closed) return false;
    if (this.#downReason === undefined) return true;
    const timeoutMs = this.#timeoutMs;
    const { createClient, RESP_TYPES } = await import('redis');
    const client = createClient({
      url: this.location.url,
      socket: { connectTimeout: timeoutMs, reconnectStrategy: false },
      disableOfflineQueue: true,
      commandOptions: { timeout: timeoutMs, typeMapping: { [RESP_TYPES.BLOB_STRING]: Buffer } },
    }) as unknown as RawClient;
    let live = false;
    client.on('error', (error) => {
      if (live && this.#client === client) this.#markDown(error);
    });
    try {
      await withTimeout(client.connect(), timeoutMs, 'connect');
      await withTimeout(client.sendCommand(['PING']), timeoutMs, 'PING');
    } catch {
      destroyQuietly(client);
      return false;
    }
    if (this.#closed) {
      destroyQuietly(client);
      return false;
    }
    live = true;
    this.#client = client;
    this.#downReason = undefined;
    this.#damageReported = false;
    return true;
  }

  /** Closes the connection (commands under way finish first); safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#downReason !== undefined) {
      destroyQuietly(this.#client);
      return;
    }
    await withTimeout(this.#client.close(), this.#timeoutMs, 'close').catch(() => destroyQuietly(this.#client));
  }

  #markDown(error: unknown): void {
    if (this.#downReason !== undefined || this.#closed) return;
    this.#downReason = describeRedisError(error, this.location);
    destroyQuietly(this.#client);
    this.#onDown?.(this.#downReason);
  }

  #unavailable(cause?: unknown): QahtError {
    const reason = this.#closed ? 'closed' : (this.#downReason ?? 'down');
    return new QahtError('QAHT_ERR_STORE_UNAVAILABLE', `redis store ${this.location.safeUrl} unavailable: ${reason}`, { cause });
  }
}

/** Redis's answer to a command on a key holding another type (also inside a script's error). */
function isWrongType(error: unknown): boolean {
  return error instanceof Error && /\bWRONGTYPE\b/.test(error.message);
}

/** Server time minus local time, in ms, from one `TIME` (taken at the middle of the round trip). */
async function measureOffset(client: RawClient, timeoutMs: number): Promise<number> {
  const before = Date.now();
  const reply = (await withTimeout(client.sendCommand(['TIME']), timeoutMs, 'TIME')) as Buffer[];
  const after = Date.now();
  const serverMs = Number(String(reply[0])) * 1000 + Number(String(reply[1])) / 1000;
  return Number.isFinite(serverMs) ? serverMs - (before + after) / 2 : 0;
}

/** A one-line reason with no password in it (node-redis messages may quote the URL). */
function describeRedisError(error: unknown, location: RedisLocation): string {
  const raw = error instanceof Error ? error.message || error.name : String(error);
  const password = passwordOf(location.url);
  const line = raw.split('\n')[0] ?? raw;
  return (password ? line.split(password).join('***') : line).slice(0, 200);
}

function passwordOf(url: string): string | undefined {
  try {
    const password = decodeURIComponent(new URL(url).password);
    return password === '' ? undefined : password;
  } catch {
    return undefined;
  }
}

/** The client of a connection that started down: never sent to (`up` is false until `revive` replaces it). */
const NO_CLIENT: RawClient = {
  sendCommand: () => Promise.reject(new Error('not connected')),
  connect: () => Promise.reject(new Error('not connected')),
  destroy: () => {},
  close: () => Promise.resolve(),
  on: () => NO_CLIENT,
};

/** Drops the socket; a client that is already closed says so by throwing, which changes nothing here. */
function destroyQuietly(client: RawClient): void {
  try {
    client.destroy();
  } catch {
    // Already closed.
  }
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}

/** `promise`, or a rejection after `ms` (the timer never keeps the process alive). */
function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer to ${what} within ${ms} ms`)), ms);
    timer.unref();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
