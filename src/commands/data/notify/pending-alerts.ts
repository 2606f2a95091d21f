import * as v from 'valibot';
import type { FiredAlert } from '../../../screens/alerts/alert-states.js';
import type { RunMemory } from '../../../store/run-memory.js';

/** Where a notification goes: `--notify-cmd` or `--webhook` (the `channel` label of `qaht_notify_failures`). */
export type NotifyChannel = 'notify-cmd' | 'webhook';

/** How long an undelivered alert waits for a run whose notifier works: a week. */
const PENDING_KEEP_MS = 7 * 24 * 3600_000;
/** Most alerts kept pending per command and channel (the oldest go first). */
const PENDING_MAX = 200;

const PendingSchema = v.array(
  v.object({
    rule: v.string(),
    id: v.string(),
    label: v.string(),
    field: v.string(),
    value: v.nullable(v.union([v.number(), v.string()])),
    firedAt: v.string(),
  }),
);

function pendingKey(command: string, channel: NotifyChannel): string {
  return `alerts-pending:${command}:${channel}`;
}

/** The alerts a channel failed to deliver in earlier runs, each marked `redelivered`; none when unreadable. */
export async function loadPending(memory: RunMemory, command: string, channel: NotifyChannel): Promise<FiredAlert[]> {
  let document: unknown;
  try {
    document = await memory.load(pendingKey(command, channel));
  } catch {
    return [];
  }
  const parsed = v.safeParse(PendingSchema, document);
  return parsed.success ? parsed.output.map((alert) => ({ ...alert, redelivered: true as const })) : [];
}

/** Keeps `alerts` pending for the channel (an empty list clears it). @throws the memory's error. */
export async function savePending(
  memory: RunMemory,
  command: string,
  channel: NotifyChannel,
  alerts: readonly FiredAlert[],
): Promise<void> {
  const kept = alerts.slice(-PENDING_MAX).map(({ rule, id, label, field, value, firedAt }) => ({ rule, id, label, field, value, firedAt }));
  await memory.save(pendingKey(command, channel), kept, PENDING_KEEP_MS);
}

/** The pending alerts first (those the new ones do not repeat: same rule, same item), then the new ones. */
export function withPending(pending: readonly FiredAlert[], fired: readonly FiredAlert[]): FiredAlert[] {
  const fresh = new Set(fired.map((alert) => `${alert.rule}\u0000${alert.id}`));
  return [...pending.filter((alert) => !fresh.has(`${alert.rule}\u0000${alert.id}`)), ...fired];
}
