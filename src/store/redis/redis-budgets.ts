/**
 * Daily budgets and source history in Redis, for every process that shares the store:
 * - a budget is one counter per name and UTC day (`<prefix>budget:<name>:<day>`, kept two days),
 *   spent by a script that never passes the limit, before each call;
 * - a source's history is a hash (`<prefix>source:<name>`, kept 30 days) whose times only move
 *   forward, and its rate-limit answers a sorted set (`<prefix>ratelimits:<name>`, kept 24 h).
 * While the store is down (or once it goes down), both answer from the file store instead.
 */
import { randomUUID } from 'node:crypto';
import { redactSecrets } from '../../redact.js';
import { PendingWrites } from '../pending-writes.js';
import { RATE_LIMIT_MAX_EVENTS, RATE_LIMIT_WINDOW_MS, type SourceState, utcDay } from '../file/state-file.js';
import { SOURCE_HISTORY_MS } from '../file/state-store.js';
import type { BudgetPort, SourceHistoryPort } from '../store-ports.js';
import { isStoreUnavailable } from '../../errors.js';
import type { RedisConnection } from './redis-connection.js';
import { numberOr, strings } from './redis-host-state.js';
import { CONSUME_BUDGET, RECORD_RATE_LIMIT, SET_IF_NEWER } from './redis-scripts.js';

/** A day's counter outlives its day by one, for clocks a little behind. */
const BUDGET_TTL_MS = 2 * 24 * 3600_000;
/** Longest failure reason stored (they are one line; this bounds a hostile one). */
const REASON_MAX_CHARS = 500;

/** Runs `primary` while the store is up; the fallback once it is (or goes) down. */
export async function orFallback<T>(connection: RedisConnection, primary: () => Promise<T>, fallback: () => Promise<T>): Promise<T> {
  if (!connection.up) return fallback();
  try {
    return await primary();
  } catch (error) {
    if (isStoreUnavailable(error)) return fallback();
    throw error;
  }
}

export class RedisBudgets implements BudgetPort {
  readonly #connection: RedisConnection;
  readonly #fallback: BudgetPort;

  constructor(connection: RedisConnection, fallback: BudgetPort) {
    this.#connection = connection;
    this.#fallback = fallback;
  }

  consume(name: string, amount: number, limitPerDay: number): Promise<number> {
    if (!(amount > 0)) return Promise.resolve(0);
    return orFallback(
      this.#connection,
      async () =>
        numberOr(strings(await this.#connection.eval(CONSUME_BUDGET, [this.#key(name)], [amount, limitPerDay, BUDGET_TTL_MS]))[0], 0),
      () => this.#fallback.consume(name, amount, limitPerDay),
    );
  }

  remaining(name: string, limitPerDay: number): Promise<number> {
    return orFallback(
      this.#connection,
      async () => Math.max(0, limitPerDay - numberOr(strings(await this.#connection.command(['GET', this.#key(name)]))[0], 0)),
      () => this.#fallback.remaining(name, limitPerDay),
    );
  }

  #key(name: string): string {
    return this.#connection.key(`budget:${name}:${utcDay(this.#connection.clock.now())}`);
  }
}

export class RedisHistory implements SourceHistoryPort {
  readonly #connection: RedisConnection;
  readonly #fallback: SourceHistoryPort;
  readonly #secrets: readonly string[];
  readonly #writes = new PendingWrites();

  constructor(connection: RedisConnection, fallback: SourceHistoryPort, secrets: readonly string[] = []) {
    this.#connection = connection;
    this.#fallback = fallback;
    this.#secrets = secrets;
  }

  recordSuccess(source: string, at: number): void {
    this.#write(
      source,
      () => this.#setIfNewer(source, 'lastSuccessAt', at),
      () => this.#fallback.recordSuccess(source, at),
    );
  }

  recordFailure(source: string, at: number, reason: string): void {
    const clean = redactSecrets(reason, this.#secrets).slice(0, REASON_MAX_CHARS);
    this.#write(
      source,
      () => this.#setIfNewer(source, 'lastFailureAt', at, ['lastFailureReason', clean]),
      () => this.#fallback.recordFailure(source, at, clean),
    );
  }

  recordRateLimit(source: string, at: number): void {
    this.#write(
      source,
      async () => {
        const member = `${at}:${randomUUID()}`;
        await this.#connection.eval(
          RECORD_RATE_LIMIT,
          [this.#key('ratelimits', source)],
          [at, member, RATE_LIMIT_WINDOW_MS, RATE_LIMIT_WINDOW_MS, RATE_LIMIT_MAX_EVENTS],
        );
      },
      () => this.#fallback.recordRateLimit(source, at),
    );
  }

  async flush(): Promise<void> {
    await this.#writes.settleAll();
    await this.#fallback.flush();
  }

  /** Reads the named sources (`names`; the file store's when Redis is down). */
  async read(names: readonly string[]): Promise<Readonly<Record<string, SourceState>>> {
    await this.#writes.settleAll();
    return orFallback(
      this.#connection,
      async () => {
        const now = this.#connection.clock.now();
        const entries = await Promise.all(
          names.map(async (name): Promise<[string, SourceState]> => {
            const [fields, events] = await Promise.all([
              this.#connection.command(['HMGET', this.#key('source', name), 'lastSuccessAt', 'lastFailureAt', 'lastFailureReason']),
              this.#connection.command([
                'ZRANGEBYSCORE',
                this.#key('ratelimits', name),
                String(now - RATE_LIMIT_WINDOW_MS),
                '+inf',
                'WITHSCORES',
              ]),
            ]);
            return [name, sourceStateOf(strings(fields), strings(events))];
          }),
        );
        return Object.fromEntries(entries.filter(([, state]) => Object.keys(state).length > 0));
      },
      () => this.#fallback.read(names),
    );
  }

  #write(source: string, primary: () => Promise<void>, fallback: () => void): void {
    this.#writes.track(
      source,
      orFallback(this.#connection, primary, async () => fallback()),
    );
  }

  async #setIfNewer(source: string, field: string, at: number, companion?: [string, string]): Promise<void> {
    await this.#connection.eval(
      SET_IF_NEWER,
      [this.#key('source', source)],
      [field, at, companion?.[0] ?? '', companion?.[1] ?? '', SOURCE_HISTORY_MS],
    );
  }

  #key(kind: 'source' | 'ratelimits', name: string): string {
    return this.#connection.key(`${kind}:${name}`);
  }
}

function sourceStateOf(fields: readonly string[], events: readonly string[]): SourceState {
  const state: SourceState = {};
  const success = numberOr(fields[0], Number.NaN);
  const failure = numberOr(fields[1], Number.NaN);
  if (Number.isFinite(success)) state.lastSuccessAt = success;
  if (Number.isFinite(failure)) {
    state.lastFailureAt = failure;
    state.lastFailureReason = fields[2] ?? '';
  }
  // WITHSCORES: member, score, member, score...
  const times = events.filter((_, index) => index % 2 === 1).map((score) => numberOr(score, Number.NaN));
  const recent = times.filter(Number.isFinite).slice(-RATE_LIMIT_MAX_EVENTS);
  if (recent.length > 0) state.rateLimitEvents = recent;
  return state;
}
