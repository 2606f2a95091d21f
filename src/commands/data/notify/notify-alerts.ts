import { describeError } from '../run-source.js';
import type { FiredAlert } from '../../../screens/alerts/alert-states.js';
import type { HttpPoster } from '../../../http/types.js';
import type { Logger } from '../../../output/logger.js';
import { alertPayload } from './alert-payload.js';
import { postWebhook, webhookLabel } from './post-webhook.js';
import { runNotifyCommand } from './run-notify-command.js';

/** A notification's time limit (README "Changes and alerts": the webhook's 10 s), or `--timeout-ms` when that is shorter. */
export const NOTIFY_TIMEOUT_MS = 10_000;
/** Retries of a webhook POST at most (within its time limit). */
const WEBHOOK_MAX_RETRIES = 2;

export interface NotifyTargets {
  notifyCmd: string | undefined;
  webhook: string | undefined;
}

/**
 * Sends the alerts that fired to `--notify-cmd` and `--webhook`, at once and each within its time
 * limit. A failure is a warning (`warn`, and the log), never a failed run; nothing is sent when
 * nothing fired. Never throws.
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
  warn: (message: string) => void;
  logger: Logger;
}): Promise<void> {
  const { targets, alerts } = input;
  if (alerts.length === 0 || (!targets.notifyCmd && !targets.webhook)) return;
  const body = JSON.stringify(alertPayload(input.command, input.generatedAt, alerts, input.labelKey));
  const timeoutMs = Math.min(NOTIFY_TIMEOUT_MS, input.timeoutMs);
  const tasks: Array<Promise<void>> = [];
  const fail = (what: string) => (error: unknown) => {
    const reason = describeError(error);
    input.logger.warn({ target: what, reason }, 'notification failed');
    input.warn(`${what} failed: ${reason}`);
  };
  if (targets.notifyCmd) {
    tasks.push(
      runNotifyCommand(targets.notifyCmd, body, { timeoutMs, env: input.env, secrets: input.secrets }).catch(fail('--notify-cmd')),
    );
  }
  if (targets.webhook) {
    const url = targets.webhook;
    tasks.push(
      input
        .http()
        .then((client) =>
          postWebhook(client, url, body, {
            timeoutMs,
            maxRetries: Math.min(WEBHOOK_MAX_RETRIES, input.maxRetries),
            secrets: input.secrets,
          }),
        )
        .catch(fail(`--webhook ${webhookLabel(url)}`)),
    );
  }
  await Promise.all(tasks);
}
