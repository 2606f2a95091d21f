import { isStoreUnavailable, QahtError } from '../errors.js';
import type { AdaptiveRateLimiter, LimiterSnapshot, PaceRule, PaceState } from '../resilience/adaptive-rate-limiter.js';
import { PendingWrites } from '../store/pending-writes.js';
import type { PacingPort, SharedPace, SlotGrant } from '../store/store-ports.js';
import { abortReason, type Clock } from '../time/clock.js';
import type { HostPacing } from '../resilience/host-policies.js';

export interface SharedPacerOptions {
  /** Where the schedule lives (Redis). */
  port: PacingPort;
  /**
   * This process's limiter, configured with every host's documented rate: its bounds and learning
   * rules are the shared schedule's too, and it paces alone once the store is down.
   */
  local: AdaptiveRateLimiter;
  /** This process's clock: the chain's times (`sentAt`, `blockUntil`) and the sleeps. */
  clock: Clock;
  /** The fleet's clock, which the store's times are on (see `RedisConnection.clock`). @default clock */
  fleetClock?: Clock;
  /** A slot further off than this fails at once instead of sleeping through the run, ms. */
  maxWaitMs: number;
}

/** What this process last learned of a host from the store. */
interface Mirror {
  pace: SharedPace | undefined;
  /** Fleet time. */
  blockedUntil: number;
  /** When this process's last success on the host was recorded (local time), for the ramp. */
  lastSuccessAt?: number;
  /** Settles when this process's caller in line has its slot: one reservation at a time per host. */
  turn: Promise<void>;
}

/**
 * A host's pacing shared by every process through the store: one schedule per API host, so the
 * fleet's combined rate stays within the API's, and a block (`Retry-After`) seen by one process
 * holds them all. Each caller reserves the next slot (GCRA: slots one learned delay apart, none
 * before the block); callers of one process take turns, so a slow-down reaches the next
 * reservation. After sleeping to its slot a caller checks the block again, since another process
 * may have been told to stop meanwhile. Outcomes teach the shared pace by the local limiter's
 * rules (compare-and-set in the store), written behind the request and landed before the host's
 * next slot. Once the store is down, the local limiter paces alone, seeded with what was learned.
 */
export class SharedPacer implements HostPacing {
  readonly #port: PacingPort;
  readonly #local: AdaptiveRateLimiter;
  readonly #clock: Clock;
  readonly #fleet: Clock;
  readonly #maxWaitMs: number;
  readonly #hosts = new Map<string, Mirror>();
  readonly #writes = new PendingWrites();
  #down = false;

  constructor(options: SharedPacerOptions) {
    this.#port = options.port;
    this.#local = options.local;
    this.#clock = options.clock;
    this.#fleet = options.fleetClock ?? options.clock;
    this.#maxWaitMs = options.maxWaitMs;
  }

  async wait(host: string, signal?: AbortSignal): Promise<void> {
    if (this.#down) return this.#local.wait(host, signal);
    if (signal?.aborted) throw abortReason(signal);
    const mirror = this.#mirror(host);
    const previous = mirror.turn;
    let done: () => void = () => undefined;
    mirror.turn = new Promise<void>((resolve) => {
      done = resolve;
    });
    try {
      await previous;
      if (signal?.aborted) throw abortReason(signal);
      await this.#writes.settle(host);
      await this.#reserve(host, mirror, signal);
    } catch (error) {
      if (!isStoreUnavailable(error)) throw error;
      this.#fallBack();
      return this.#local.wait(host, signal);
    } finally {
      done();
    }
  }

  onSuccess(host: string): void {
    const mirror = this.#mirror(host);
    const now = this.#clock.now();
    const sincePreviousMs = mirror.lastSuccessAt === undefined ? 0 : now - mirror.lastSuccessAt;
    mirror.lastSuccessAt = now;
    // A lost race only delays a speed-up: not worth a second round trip.
    this.#learn(host, { kind: 'success', nowMs: this.#fleet.now(), sincePreviousMs }, 0, () => this.#local.onSuccess(host));
  }

  onRateLimit(host: string, retryAfterMs?: number, sentAt?: number): void {
    const sentAtFleet = sentAt === undefined ? undefined : sentAt + this.#offset();
    this.#learn(
      host,
      { kind: 'rate-limit', nowMs: this.#fleet.now() },
      3,
      () => this.#local.onRateLimit(host, retryAfterMs, sentAt),
      (pace) => sentAtFleet === undefined || sentAtFleet >= pace.slowedAt,
    );
    if (retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs > 0)
      this.blockUntil(host, this.#clock.now() + retryAfterMs);
  }

  onError(host: string): void {
    this.#learn(host, { kind: 'error' }, 3, () => this.#local.onError(host));
  }

  resetDelay(host: string): void {
    this.#learn(host, { kind: 'reset' }, 3, () => this.#local.resetDelay(host));
  }

  setPace(host: string, delayMs: number): void {
    this.#learn(host, { kind: 'pace', delayMs }, 3, () => this.#local.setPace(host, delayMs));
  }

  blockUntil(host: string, epochMs: number): void {
    if (!Number.isFinite(epochMs)) return;
    if (this.#down) {
      this.#local.blockUntil(host, epochMs);
      return;
    }
    const mirror = this.#mirror(host);
    const until = Math.min(epochMs, this.#clock.now() + this.#local.maxBlockMs) + this.#offset();
    mirror.blockedUntil = Math.max(mirror.blockedUntil, until);
    this.#write(
      host,
      () => this.#port.block(host, until),
      () => this.#local.blockUntil(host, epochMs),
    );
  }

  delayMs(host: string): number {
    if (this.#down) return this.#local.delayMs(host);
    return this.#hosts.get(host)?.pace?.delayMs ?? this.#local.delayMs(host);
  }

  blockedUntil(host: string): number {
    if (this.#down) return this.#local.blockedUntil(host);
    const blocked = this.#hosts.get(host)?.blockedUntil ?? 0;
    return blocked > 0 ? blocked - this.#offset() : 0;
  }

  toJSON(): LimiterSnapshot {
    if (this.#down) return this.#local.toJSON();
    const now = this.#clock.now();
    const snapshot: LimiterSnapshot = {};
    for (const [host, { pace }] of this.#hosts) {
      if (!pace) continue;
      snapshot[host] = {
        delayMs: pace.delayMs,
        successes: pace.successes,
        blockedUntil: this.blockedUntil(host),
        nextSlotAt: 0,
        updatedAt: now,
      };
      if (pace.floorMs !== undefined && pace.floorUntil !== undefined) {
        Object.assign(snapshot[host], { floorMs: pace.floorMs, floorUntil: pace.floorUntil - this.#offset() });
      }
    }
    return snapshot;
  }

  /** Resolves once every outcome reported so far is in the store. */
  flush(): Promise<void> {
    return this.#writes.settleAll();
  }

  async #reserve(host: string, mirror: Mirror, signal: AbortSignal | undefined): Promise<void> {
    const bounds = this.#local.boundsFor(host);
    for (;;) {
      const grant: SlotGrant = await this.#port.reserveSlot(host, {
        defaultDelayMs: bounds.defaultDelayMs,
        minDelayMs: bounds.minDelayMs,
        maxDelayMs: bounds.maxDelayMs,
        maxWaitMs: this.#maxWaitMs,
        maxBlockMs: this.#local.maxBlockMs,
      });
      mirror.pace = grant.pace;
      mirror.blockedUntil = grant.blockedUntil;
      if (!grant.reserved) {
        // A slot past the run's deadline is not waited for (and teaches no breaker or limiter).
        const until = new Date(this.#clock.now() + grant.waitMs).toTimeString().slice(0, 8);
        throw new QahtError(
          'QAHT_ERR_DEADLINE',
          `${host} paced until ${until} (in ${Math.ceil(grant.waitMs / 1000)}s), past the run's deadline`,
          {
            retryAfterMs: grant.waitMs,
          },
        );
      }
      if (grant.waitMs <= 0) return;
      await this.#clock.sleep(grant.waitMs, signal);
      // Another process may have been told to stop while this one slept toward its slot.
      mirror.blockedUntil = await this.#port.blockedUntil(host);
      if (mirror.blockedUntil <= this.#fleet.now()) return;
    }
  }

  /**
   * Applies `rule` to the shared pace by compare-and-set, retrying a lost race up to `retries`
   * times on the pace the store answered with; `when` may decline the rule for the pace it sees.
   */
  #learn(host: string, rule: PaceRule, retries: number, onLocal: () => void, when?: (pace: SharedPace) => boolean): void {
    if (this.#down) {
      onLocal();
      return;
    }
    const mirror = this.#mirror(host);
    const apply = async (): Promise<void> => {
      let pace = mirror.pace;
      for (let attempt = 0; pace !== undefined && attempt <= retries; attempt++) {
        if (when && !when(pace)) return;
        const next: PaceState & { slowedAt: number } = { ...pace };
        this.#local.applyRule(host, next, rule);
        if (rule.kind === 'rate-limit') next.slowedAt = rule.nowMs;
        if (samePace(pace, next)) return;
        const { version: _version, ...learned } = next as SharedPace;
        const result = await this.#port.updatePace(host, pace.version, learned);
        mirror.pace = result.pace;
        if (result.applied) return;
        pace = result.pace;
      }
    };
    this.#write(host, apply, onLocal);
  }

  #write(host: string, write: () => Promise<void>, onLocal: () => void): void {
    this.#writes.track(
      host,
      write().catch((error: unknown) => {
        if (!isStoreUnavailable(error)) throw error;
        this.#fallBack();
        onLocal();
      }),
    );
  }

  /**
   * The store answers again (a long-lived process reconnected): the shared schedule takes over
   * from the local limiter, whose learning meanwhile is not carried back (the fleet's wins).
   */
  rejoin(): void {
    this.#down = false;
    for (const mirror of this.#hosts.values()) {
      mirror.pace = undefined;
      mirror.blockedUntil = 0;
    }
  }

  /** Hands pacing to the local limiter, seeded with each host's shared delay and block. */
  #fallBack(): void {
    if (this.#down) return;
    const offset = this.#offset();
    this.#down = true;
    for (const [host, mirror] of this.#hosts) {
      if (mirror.pace) this.#local.setPace(host, mirror.pace.delayMs);
      if (mirror.blockedUntil > 0) this.#local.blockUntil(host, mirror.blockedUntil - offset);
    }
  }

  #mirror(host: string): Mirror {
    let mirror = this.#hosts.get(host);
    if (!mirror) {
      mirror = { pace: undefined, blockedUntil: 0, turn: Promise.resolve() };
      this.#hosts.set(host, mirror);
    }
    return mirror;
  }

  /** Fleet time minus local time, ms. */
  #offset(): number {
    return this.#fleet === this.#clock ? 0 : this.#fleet.now() - this.#clock.now();
  }
}

function samePace(a: SharedPace, b: PaceState & { slowedAt: number }): boolean {
  return (
    a.delayMs === b.delayMs &&
    a.successes === b.successes &&
    a.floorMs === b.floorMs &&
    a.floorUntil === b.floorUntil &&
    a.slowedAt === b.slowedAt
  );
}
