/**
 * Each API host's pacing schedule and circuit breaker, kept in Redis for every process that shares
 * the store (`<prefix>pace:<host>`, `<prefix>breaker:<host>`, each kept a day after its last
 * change). The rules that learn a pace and step a breaker are the resilience core's; this module
 * only makes each read-and-write atomic (redis-scripts.ts).
 */
import type {
  BreakerPort,
  BreakerReading,
  BreakerRules,
  BreakerStep,
  PacingPort,
  SharedPace,
  SlotBounds,
  SlotGrant,
} from '../store-ports.js';
import type { RawReply, RedisConnection } from './redis-connection.js';
import { BLOCK_HOST, BREAKER_STEP, RESERVE_SLOT, UPDATE_PACE } from './redis-scripts.js';
import type { BreakerStateName } from '../../breaker-state.js';

/** How long a host's schedule and breaker outlive their last change (the file store's state keeps a day too). */
export const HOST_STATE_TTL_MS = 24 * 3600_000;

/** The pacing port on Redis. */
export class RedisPacing implements PacingPort {
  readonly #connection: RedisConnection;

  constructor(connection: RedisConnection) {
    this.#connection = connection;
  }

  async reserveSlot(host: string, bounds: SlotBounds): Promise<SlotGrant> {
    const reply = await this.#connection.eval(
      RESERVE_SLOT,
      [this.#key(host)],
      [
        this.#connection.clock.now(),
        bounds.defaultDelayMs,
        bounds.minDelayMs,
        bounds.maxDelayMs,
        bounds.maxWaitMs,
        bounds.maxBlockMs,
        HOST_STATE_TTL_MS,
      ],
    );
    const fields = strings(reply);
    if (fields[0]?.endsWith('!')) this.#connection.reportDamage(`the shared pacing of ${host} held an impossible time or delay`);
    return {
      reserved: fields[0]?.startsWith('ok') === true,
      waitMs: Math.max(0, numberOr(fields[1], 0)),
      blockedUntil: numberOr(fields[2], 0),
      pace: paceOf(fields.slice(3)),
    };
  }

  async blockedUntil(host: string): Promise<number> {
    return numberOr(strings(await this.#connection.command(['HGET', this.#key(host), 'blocked']))[0], 0);
  }

  async block(host: string, untilMs: number): Promise<void> {
    await this.#connection.eval(BLOCK_HOST, [this.#key(host)], [untilMs, HOST_STATE_TTL_MS]);
  }

  async updatePace(
    host: string,
    expectedVersion: number,
    next: Omit<SharedPace, 'version'>,
  ): Promise<{ applied: boolean; pace: SharedPace }> {
    const floor = next.floorMs !== undefined && next.floorUntil !== undefined;
    const reply = await this.#connection.eval(
      UPDATE_PACE,
      [this.#key(host)],
      [
        expectedVersion,
        next.delayMs,
        next.successes,
        floor ? next.floorMs! : '',
        floor ? next.floorUntil! : '',
        Number.isFinite(next.slowedAt) ? next.slowedAt : '',
        HOST_STATE_TTL_MS,
      ],
    );
    const fields = strings(reply);
    return { applied: fields[0] === '1', pace: paceOf(fields.slice(1)) };
  }

  #key(host: string): string {
    return this.#connection.key(`pace:${host}`);
  }
}

/** The breaker port on Redis. */
export class RedisBreakers implements BreakerPort {
  readonly #connection: RedisConnection;

  constructor(connection: RedisConnection) {
    this.#connection = connection;
  }

  async step(host: string, step: BreakerStep, rules: BreakerRules): Promise<BreakerReading> {
    const reply = await this.#connection.eval(
      BREAKER_STEP,
      [this.#connection.key(`breaker:${host}`)],
      [
        step,
        this.#connection.clock.now(),
        rules.failureThreshold,
        rules.recoveryTimeoutMs,
        rules.halfOpenMaxProbes,
        rules.halfOpenMaxMs,
        HOST_STATE_TTL_MS,
      ],
    );
    const f = strings(reply);
    if (f[8] === '1') this.#connection.reportDamage(`the shared breaker of ${host} held an impossible time`);
    return {
      before: stateName(f[0]),
      state: stateName(f[1]),
      failures: numberOr(f[2], 0),
      openedAt: numberOr(f[3], 0),
      since: numberOr(f[4], 0),
      probes: numberOr(f[5], 0),
      admitted: f[6] === '1',
      retryAfterMs: Math.max(0, numberOr(f[7], 0)),
    };
  }
}

/** The learned pace from its six fields: delay, successes, floorMs, floorUntil, slowedAt, version. */
function paceOf(fields: readonly (string | undefined)[]): SharedPace {
  const pace: SharedPace = {
    delayMs: numberOr(fields[0], 0),
    successes: Math.max(0, Math.floor(numberOr(fields[1], 0))),
    slowedAt: numberOr(fields[4], Number.NEGATIVE_INFINITY),
    version: numberOr(fields[5], 0),
  };
  const floorMs = numberOr(fields[2], Number.NaN);
  const floorUntil = numberOr(fields[3], Number.NaN);
  if (Number.isFinite(floorMs) && Number.isFinite(floorUntil)) Object.assign(pace, { floorMs, floorUntil });
  return pace;
}

/** The script's words (closed, open, halfOpen) as every other breaker spells them. */
function stateName(raw: string | undefined): BreakerStateName {
  return raw === 'open' ? 'OPEN' : raw === 'halfOpen' ? 'HALF_OPEN' : 'CLOSED';
}

/** A reply as a list of strings (a scalar as a list of one; nil as an empty string). */
export function strings(reply: RawReply): string[] {
  if (Array.isArray(reply)) return reply.map((item) => (item === null || Array.isArray(item) ? '' : String(item)));
  return [reply === null ? '' : String(reply)];
}

/** `raw` as a finite number, else `fallback` (a damaged or missing field). */
export function numberOr(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  return Number.isFinite(value) ? value : fallback;
}
