/**
 * The store's ports: what a run asks of the place its resilience state and cached responses live
 * (cached responses, and any other kind of entry, go through the entry-backend port of
 * entry-backend.ts, under the response cache of response-cache.ts),
 * shaped by the operations (reserve a slot, step a breaker, spend a budget, fill an entry under a
 * lock), so a backend that many processes share can make each one atomic. Two backends:
 * - the file store (the embedded default): the cache dir's entry files and `state.json`; a host's
 *   pacing and breaker live in the process and are saved at the end of the run;
 * - the Redis store (`--store redis://…`): every port below, live, with Lua scripts wherever two
 *   processes could race, and the file store behind it for when Redis cannot be reached.
 */
import type { BreakerStateName } from '../breaker-state.js';
import type { SourceState } from './file/state-file.js';

/** Daily budgets (e.g. Alpha Vantage's 25 calls a day), spent before each call, never past the limit in total. */
export interface BudgetPort {
  /** Takes up to `amount` units of `name`'s budget for the UTC day of now; resolves how many were granted. */
  consume(name: string, amount: number, limitPerDay: number): Promise<number>;
  /** Units left today, without spending any. */
  remaining(name: string, limitPerDay: number): Promise<number>;
}

/** Each source's health across runs: last success, last failure and its reason, recent rate limits. */
export interface SourceHistoryPort {
  /** @param at epoch ms */
  recordSuccess(source: string, at: number): void;
  /** @param reason a short, secret-free description */
  recordFailure(source: string, at: number, reason: string): void;
  recordRateLimit(source: string, at: number): void;
  /** Writes what was recorded (a shared store writes as it goes; this waits for those writes). */
  flush(): Promise<void>;
  /** What is known of `sources` (the file store gives every source it has), this run's records included. */
  read(sources: readonly string[]): Promise<Readonly<Record<string, SourceState>>>;
}

/** A host's learned pace as the shared schedule keeps it (the fields of `PaceState`, plus when it last slowed). */
export interface SharedPace {
  delayMs: number;
  successes: number;
  floorMs?: number;
  floorUntil?: number;
  /** Epoch ms of the last slow-down for a rate limit (-Infinity: none); a limit met by a request sent before it teaches nothing new. */
  slowedAt: number;
  /** Bumped by every change: `updatePace` applies only over the version its caller read. */
  version: number;
}

/** What `reserveSlot` gives a caller. */
export interface SlotGrant {
  /** False when the slot is further off than `maxWaitMs`: nothing was reserved. */
  reserved: boolean;
  /** How long until the slot, in ms (0: go now). */
  waitMs: number;
  /** Epoch ms (fleet time) before which nobody may start. */
  blockedUntil: number;
  pace: SharedPace;
}

/** The bounds a host's slots are reserved within, in ms. */
export interface SlotBounds {
  /** A new host's delay. */
  defaultDelayMs: number;
  minDelayMs: number;
  maxDelayMs: number;
  /** A slot further off than this is refused. */
  maxWaitMs: number;
  /** A block further ahead than this counts as damage and is cut to it. */
  maxBlockMs: number;
}

/** One pacing schedule per API host, shared by every process, so their combined rate stays within the API's. */
export interface PacingPort {
  /** Reserves the host's next start slot for one caller (see `SlotGrant`). */
  reserveSlot(host: string, bounds: SlotBounds): Promise<SlotGrant>;
  /** Epoch ms (fleet time) before which no slot of the host starts. */
  blockedUntil(host: string): Promise<number>;
  /** No slot of the host before `untilMs` (a Retry-After seen by one process blocks all). */
  block(host: string, untilMs: number): Promise<void>;
  /** Replaces the learned pace if still at `expectedVersion`; resolves whether it did and the pace now stored. */
  updatePace(host: string, expectedVersion: number, next: Omit<SharedPace, 'version'>): Promise<{ applied: boolean; pace: SharedPace }>;
}

export type BreakerStep = 'acquire' | 'success' | 'failure' | 'peek';

/** The rules a shared breaker steps by (those of `CircuitBreakerOptions`), in ms. */
export interface BreakerRules {
  failureThreshold: number;
  recoveryTimeoutMs: number;
  halfOpenMaxProbes: number;
  halfOpenMaxMs: number;
}

/** A breaker's state after a step. Times are epoch ms (fleet time). */
export interface BreakerReading {
  /** The stored state before the step, and after it. */
  before: BreakerStateName;
  state: BreakerStateName;
  failures: number;
  openedAt: number;
  /** When the current HALF_OPEN began. */
  since: number;
  probes: number;
  /** For `acquire`: whether the call was admitted. */
  admitted: boolean;
  /** Until a call would be admitted, ms (0: now). */
  retryAfterMs: number;
}

/** Breaker state per host, every transition atomic: open in one process is open in all, one half-open probe fleet-wide. */
export interface BreakerPort {
  step(host: string, step: BreakerStep, rules: BreakerRules): Promise<BreakerReading>;
}
