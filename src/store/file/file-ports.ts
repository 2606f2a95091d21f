/**
 * The file store's ports over `state.json` (state-store.ts): budgets spent under its file lock,
 * source history recorded in memory and merged into the file when the run saves.
 */
import type { Clock } from '../../time/clock.js';
import { utcDay } from './state-file.js';
import type { StateStore } from './state-store.js';
import type { BudgetPort, SourceHistoryPort } from '../store-ports.js';

/** Daily budgets in the state file, atomic across the processes sharing its folder. */
export function fileBudgets(state: StateStore, clock: Clock): BudgetPort {
  return {
    consume: (name, amount, limit) => state.consumeBudget(name, utcDay(clock.now()), amount, limit),
    remaining: async (name, limit) => Math.max(0, limit - state.budgetUsed(name, utcDay(clock.now()))),
  };
}

/** Source history in the state file; written by `flush` (the run's save), merged newest-wins with other runs'. */
export function fileHistory(state: StateStore): SourceHistoryPort {
  return {
    recordSuccess: (source, at) => state.recordSourceSuccess(source, at),
    recordFailure: (source, at, reason) => state.recordSourceFailure(source, at, reason),
    recordRateLimit: (source, at) => state.recordRateLimit(source, at),
    flush: () => state.flush(),
    read: async () => state.state.sources,
  };
}
