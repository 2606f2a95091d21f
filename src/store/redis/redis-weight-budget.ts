/**
 * Binance's weight budget shared by a fleet (`WeightBudget`): the minute's count in
 * `<prefix>history-weight:<minute>` and the `Retry-After` block in `<prefix>history-weight:blocked`,
 * each step one Lua script on the fleet's clock, so processes sharing the store never take more
 * than the limit between them. Without Redis the process's own budget answers.
 */
import type { WeightBudget } from '../history/weight-budget.js';
import { nextMinute } from '../history/weight-budget.js';
import { orFallback } from './redis-budgets.js';
import { luaScript, type RedisConnection } from './redis-connection.js';

/** How long a minute's count is kept (past its minute, for a slow clock). */
const COUNT_TTL_MS = 120_000;
/** Longest block honoured (a longer Retry-After is cut to it: Binance's 418 bans start at 2 min). */
const MAX_BLOCK_MS = 3 * 24 * 3600_000;

const TAKE_WEIGHT = luaScript(`
local now = tonumber(ARGV[3])
local blocked = tonumber(redis.call('GET', KEYS[2]) or '0')
if blocked > now then return blocked - now end
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
if used + tonumber(ARGV[1]) > tonumber(ARGV[2]) then return tonumber(ARGV[4]) - now end
redis.call('INCRBY', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 0
`);

const RAISE_TO = luaScript(`
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > current then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
return 0
`);

export class RedisWeightBudget implements WeightBudget {
  readonly #connection: RedisConnection;
  readonly #fallback: WeightBudget;

  constructor(connection: RedisConnection, fallback: WeightBudget) {
    this.#connection = connection;
    this.#fallback = fallback;
  }

  take(weight: number, limit: number): Promise<number> {
    return orFallback(
      this.#connection,
      async () => {
        const now = Math.floor(this.#connection.clock.now());
        const reply = await this.#connection.eval(
          TAKE_WEIGHT,
          [this.#minuteKey(now), this.#blockKey()],
          [weight, limit, now, nextMinute(now), COUNT_TTL_MS],
        );
        return typeof reply === 'number' ? Math.max(0, reply) : 0;
      },
      () => this.#fallback.take(weight, limit),
    );
  }

  observe(used: number): Promise<void> {
    return orFallback(
      this.#connection,
      async () => {
        const now = Math.floor(this.#connection.clock.now());
        await this.#connection.eval(RAISE_TO, [this.#minuteKey(now)], [Math.floor(used), COUNT_TTL_MS]);
      },
      () => this.#fallback.observe(used),
    );
  }

  block(untilMs: number): Promise<void> {
    return orFallback(
      this.#connection,
      async () => {
        const now = Math.floor(this.#connection.clock.now());
        const until = Math.min(Math.ceil(untilMs), now + MAX_BLOCK_MS);
        if (until <= now) return;
        await this.#connection.eval(RAISE_TO, [this.#blockKey()], [until, until - now]);
      },
      () => this.#fallback.block(untilMs),
    );
  }

  #minuteKey(now: number): string {
    return this.#connection.key(`history-weight:${Math.floor(now / 60_000)}`);
  }

  #blockKey(): string {
    return this.#connection.key('history-weight:blocked');
  }
}
