import { sanitizeText } from '../../../output/sanitize.js';
import type { FiredAlert } from '../../../screens/alerts/alert-states.js';

/** One fired alert as JSON shows it (README "Changes and alerts": `rule, id, symbol|title, value, firedAt`). */
export type AlertJson = { rule: string; id: string; value: number | string | null; firedAt: string; redelivered?: true } & Partial<
  Record<'symbol' | 'title', string>
>;

/** An alert in the contract's shape; third-party text is sanitised (it may reach a terminal or a chat). */
export function alertJson(alert: FiredAlert, labelKey: 'symbol' | 'title'): AlertJson {
  return {
    rule: alert.rule,
    id: sanitizeText(alert.id),
    [labelKey]: sanitizeText(alert.label),
    value: typeof alert.value === 'string' ? sanitizeText(alert.value) : alert.value,
    firedAt: alert.firedAt,
    // Only on a second (or later) try: a receiver that saw the first may have half-handled it.
    ...(alert.redelivered ? { redelivered: true } : {}),
  } as AlertJson;
}

/**
 * What `--notify-cmd` reads on its stdin and `--webhook` receives as its POST body: small, and the
 * same for both. `text` is one line a chat webhook (Slack, Mattermost, Rocket.Chat) shows as is.
 * ```json
 * { "app": "qaht", "command": "crypto", "generatedAt": "…", "text": "qaht crypto: 1 alert: BTC (priceUsd < 80000, priceUsd 79500)",
 *   "alerts": [{ "rule": "priceUsd < 80000", "id": "bitcoin", "symbol": "BTC", "value": 79500, "firedAt": "…" }] }
 * ```
 */
export interface AlertPayload {
  app: 'qaht';
  command: string;
  generatedAt: string;
  text: string;
  alerts: AlertJson[];
}

/** Most alerts named in `text` (all of them are in `alerts`). */
const TEXT_MAX_ALERTS = 5;

export function alertPayload(
  command: string,
  generatedAt: string,
  alerts: readonly FiredAlert[],
  labelKey: 'symbol' | 'title',
): AlertPayload {
  const named = alerts.slice(0, TEXT_MAX_ALERTS).map((alert) => `${sanitizeText(alert.label)} (${describeAlert(alert)})`);
  const more = alerts.length > TEXT_MAX_ALERTS ? `, and ${alerts.length - TEXT_MAX_ALERTS} more` : '';
  const count = `${alerts.length} alert${alerts.length === 1 ? '' : 's'}`;
  return {
    app: 'qaht',
    command,
    generatedAt,
    text: `qaht ${command}: ${count}: ${named.join('; ')}${more}`,
    alerts: alerts.map((alert) => alertJson(alert, labelKey)),
  };
}

/** `priceUsd < 80000, priceUsd 79500`: the rule and the value that made it true. */
export function describeAlert(alert: FiredAlert): string {
  const value = alert.value === null ? 'none' : typeof alert.value === 'number' ? String(alert.value) : `"${sanitizeText(alert.value)}"`;
  return `${alert.rule}, ${alert.field} ${value}`;
}
