import { describeError } from '../run-source.js';
import type { FiredAlert } from '../../../screens/alerts/alert-states.js';
import type { HttpPoster } from '../../../http/types.js';
import type { Logger } from '../../../output/logger.js';
import type { RunMemory } from '../../../store/run-memory.js';
import { alertPayload } from './alert-payload.js';
import { loadPending, type NotifyChannel, savePending, withPending } from './pending-alerts.js';
import { postWebhook, webhookLabel } from './post-webhook.js';
import { runNotifyCommand } from './run-notify-command.js';

/** A notification's time limit (README "Changes and alerts": the webhook's 10 s), or `--timeout-ms` when that is shorter. */
export const NOTIFY_TIMEOUT_MS = 10_000;
/** Retries of a webhook POST at most (within its time limit). */
const WEBHOOK_MAX_RETRIES = 2;
/** The monitor's counter of failed deliveries (`qaht_notify_failures{channel}`). */
export const NOTIFY_FAILURES = 'notify.failures';

export interface NotifyTargets {
  notifyCmd: string | undefined;
  webhook: string | undefined;
}

/** What the deliveries came to: the channels that failed (their alerts are pending). */
export interface NotifyReport {
  failed: NotifyChannel[];
}

/**
 * Sends the alerts that fired, and those earlier runs failed to deliver (marked `redelivered`),
 * to `--notify-cmd` and `--webhook`, at once and each within its time limit. Delivery is at least
 * once: a channel that fails keeps its alerts pending in `memory` for the next run, one that
 * succeeds clears them, so an alert is never sent twice after a success. A failure is one line
 * through `alarm` (shown even under `--quiet`), a `warn` log record and a count in the monitor
 * (`count`); never a failed run, and never a throw.
 */
export async function notifyAlerts(input: {
  command: string;
  generatedAt: string;
  alerts: readonly FiredAlert[];
  labelKey: 'symbol' | 'title';
  targets: NotifyTargets;
  http: () => Promise<HttpPoster>;
  timeoutMs: number;
  maxRetries: number;
  env: NodeJS.ProcessEnv;
  secrets: readonly string[];
  /** A failed delivery's line: printed whatever `--quiet` says. */
  alarm: (message: string) => void;
  logger: Logger;
  /** Where undelivered alerts wait for the next run; without it a failed delivery is only reported. */
  memory?: RunMemory;
  /** Counts a channel's outcome: 1 for a failure, 0 for a delivery. */
  count?: (channel: NotifyChannel, failures: number) => void;
}): Promise<NotifyReport> {
  const { targets } = input;
  const timeoutMs = Math.min(NOTIFY_TIMEOUT_MS, input.timeoutMs);
  const failed: NotifyChannel[] = [];
  const deliver = async (channel: NotifyChannel, label: string, send: (body: string) => Promise<void>): Promise<void> => {
    const pending = input.memory ? await loadPending(input.memory, input.command, channel) : [];
    const alerts = withPending(pending, input.alerts);
    if (alerts.length === 0) return;
    const body = JSON.stringify(alertPayload(input.command, input.generatedAt, alerts, input.labelKey));
    try {
      await send(body);
      input.count?.(channel, 0);
      if (pending.length > 0 && input.memory) await keep(input, channel, []);
    } catch (error) {
      failed.push(channel);
      input.count?.(channel, 1);
      const reason = describeError(error);
      const kept = input.memory ? await keep(input, channel, alerts) : false;
      const what = `${alerts.length} alert${alerts.length === 1 ? '' : 's'}`;
      input.logger.warn({ target: label, channel, reason, alerts: alerts.length, pending: kept }, 'notification failed');
      input.alarm(`${label} failed: ${reason}; ${kept ? `${what} kept, sent again on the next run` : `${what} not delivered`}`);
    }
  };
  const tasks: Array<Promise<void>> = [];
  if (targets.notifyCmd) {
    const cmd = targets.notifyCmd;
    tasks.push(
      deliver('notify-cmd', '--notify-cmd', (body) => runNotifyCommand(cmd, body, { timeoutMs, env: input.env, secrets: input.secrets })),
    );
  }
  if (targets.webhook) {
    const url = targets.webhook;
    tasks.push(
      deliver('webhook', `--webhook ${webhookLabel(url)}`, async (body) =>
        postWebhook(await input.http(), url, body, {
          timeoutMs,
          maxRetries: Math.min(WEBHOOK_MAX_RETRIES, input.maxRetries),
          secrets: input.secrets,
        }),
      ),
    );
  }
  await Promise.all(tasks);
  return { failed };
}

/** Saves a channel's pending alerts; false (and a log record) when the memory cannot keep them. */
async function keep(
  input: { memory?: RunMemory; command: string; logger: Logger },
  channel: NotifyChannel,
  alerts: readonly FiredAlert[],
): Promise<boolean> {
  try {
    await savePending(input.memory!, input.command, channel, alerts);
    return true;
  } catch (error) {
    input.logger.warn({ channel, reason: describeError(error) }, 'could not keep undelivered alerts');
    return false;
  }
}
