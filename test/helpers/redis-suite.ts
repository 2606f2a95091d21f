import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { RedisConnection } from '../../src/store/redis/redis-connection.js';
import { ManualClock } from './manual-clock.js';
import { type RedisServer, startRedisServer } from './redis-server.js';
import { removeDir, tempCacheDir } from './run-cli.js';

/** One describe block's Redis: a private server for the block, flushed before each test, with a temp dir beside it. */
export interface RedisSuite {
  readonly server: RedisServer;
  /** A fresh dir per test (removed after it). */
  readonly dir: string;
  /** A connection under the prefix `qaht:` on a manual clock, closed after the test. */
  connect(): Promise<RedisConnection>;
}

/** Registers the block's hooks; call it inside `describe`. */
export function redisSuite(): RedisSuite {
  let server: RedisServer | undefined;
  let dir: string | undefined;
  const open: RedisConnection[] = [];
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await server?.stop();
  });
  beforeEach(async () => {
    await server!.flush();
    dir = await tempCacheDir();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((connection) => connection.close()));
    if (dir) await removeDir(dir);
  });
  return {
    get server() {
      return server!;
    },
    get dir() {
      return dir!;
    },
    async connect() {
      const url = server!.url;
      const connection = await RedisConnection.open({
        location: { kind: 'redis', url, safeUrl: url, prefix: 'qaht:' },
        clock: new ManualClock(),
      });
      open.push(connection);
      return connection;
    },
  };
}
