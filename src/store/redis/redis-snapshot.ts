/**
 * What `screen status` reads from the shared store, in the shapes the file store's state has
 * (state-file.ts), so one report builder serves both: each host's breaker (as a `BreakerSnapshot`)
 * and learned pace, each source's history, and today's budgets. Read-only.
 */
import { utcDay, type BudgetState, type HostState, type SourceState } from '../file/state-file.js';
import type { SourceHistoryPort } from '../store-ports.js';
import type { RedisConnection } from './redis-connection.js';
import { HOST_STATE_TTL_MS, numberOr, strings } from './redis-host-state.js';

export interface SharedStateSnapshot {
  hosts: Record<string, HostState>;
  sources: Record<string, SourceState>;
  budgets: Record<string, BudgetState>;
}

/**
 * Reads `hosts`, `sources` (through `history`) and the budgets `budgetNames` for today.
 * @param recoveryMs the breaker's recovery time: a half-open breaker reads as one whose recovery just passed
 */
export async function readSharedState(
  connection: RedisConnection,
  query: {
    hosts: readonly string[];
    history: SourceHistoryPort;
    sources: readonly string[];
    budgetNames: readonly string[];
    recoveryMs: number;
  },
): Promise<SharedStateSnapshot> {
  const now = connection.clock.now();
  const day = utcDay(now);
  const [hostEntries, sources, budgetEntries] = await Promise.all([
    Promise.all(query.hosts.map(async (host) => [host, await readHost(connection, host, query.recoveryMs)] as const)),
    query.history.read(query.sources),
    Promise.all(
      query.budgetNames.map(async (name) => {
        const used = numberOr(strings(await connection.command(['GET', connection.key(`budget:${name}:${day}`)]))[0], 0);
        return [name, { day, used }] as const;
      }),
    ),
  ]);
  const hosts: Record<string, HostState> = {};
  for (const [host, state] of hostEntries) if (state) hosts[host] = state;
  return { hosts, sources: { ...sources }, budgets: Object.fromEntries(budgetEntries) };
}

async function readHost(connection: RedisConnection, host: string, recoveryMs: number): Promise<HostState | undefined> {
  const [pace, breaker, paceTtl, breakerTtl] = await Promise.all([
    connection.command(['HMGET', connection.key(`pace:${host}`), 'delay', 'blocked']),
    connection.command(['HMGET', connection.key(`breaker:${host}`), 'state', 'failures', 'openedAt', 'since']),
    connection.command(['PTTL', connection.key(`pace:${host}`)]),
    connection.command(['PTTL', connection.key(`breaker:${host}`)]),
  ]);
  const [delay, blocked] = strings(pace);
  const [state, failures, openedAt, since] = strings(breaker);
  const result: HostState = { updatedAt: 0 };
  if (delay !== undefined && delay !== '') result.limiter = { delayMs: numberOr(delay, 0), blockedUntil: numberOr(blocked, 0) };
  if (state === 'open') result.breaker = { state: 'OPEN', failures: 0, openedAt: numberOr(openedAt, 0) };
  else if (state === 'halfOpen') result.breaker = { state: 'OPEN', failures: 0, openedAt: numberOr(since, 0) - recoveryMs };
  else if (state === 'closed') result.breaker = { state: 'CLOSED', failures: numberOr(failures, 0), openedAt: null };
  if (!result.limiter && !result.breaker) return undefined;
  // A record lives HOST_STATE_TTL_MS after its last change: what is left of that dates the change.
  const left = Math.max(numberOr(strings(paceTtl)[0], -1), numberOr(strings(breakerTtl)[0], -1));
  result.updatedAt = left > 0 ? connection.clock.now() - (HOST_STATE_TTL_MS - left) : connection.clock.now();
  return result;
}
