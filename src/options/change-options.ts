import { quoteValue, usageError, integer } from './parse-values.js';
import { defineOption, switchOption } from './option-record.js';
import { redactUrl, secretsInWebhookUrl } from '../redact.js';

/** Longest alert rule, in characters (the rule parser says so too, with the position). */
const RULE_MAX_CHARS = 500;
/** Longest `--notify-cmd`, in characters. */
const COMMAND_MAX_CHARS = 4096;
/** Longest `--webhook` URL, in characters. */
const URL_MAX_CHARS = 2048;
/** Longest `--watch` interval: a day. */
const MAX_WATCH_SECONDS = 86_400;
const WATCHLIST_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * The options of changes, alerts, notifications and watching, which every data command takes
 * beside `dataOptions`: `--changes`, `--alert`, `--notify-cmd`, `--webhook`, `--watch`,
 * `--watchlist`. Their values are only shaped here; what needs the command (a rule's fields, a
 * watchlist in the config file, a terminal) is checked by the data command.
 */
export function changeOptions(alertExample = 'change24hPct > 10') {
  return [
    switchOption('changes', '--changes', 'report only what changed since the previous run of the same command and arguments'),
    defineOption({
      key: 'alerts',
      flags: '--alert <rule>',
      description: `fire an alert when a rule on result fields becomes true, e.g. '${alertExample}' (repeatable)`,
      type: 'text',
      repeatable: true,
      parse: (raw: string, label: string): string => {
        if ([...raw].length > RULE_MAX_CHARS)
          throw usageError(`${label}: rule longer than ${RULE_MAX_CHARS} characters: ${quoteValue(raw)}`);
        return raw.trim();
      },
    }),
    defineOption({
      key: 'notifyCmd',
      flags: '--notify-cmd <cmd>',
      description: 'when alerts fire, run CMD through /bin/sh -c with them as JSON on its stdin',
      type: 'text',
      parse: (raw: string, label: string): string => {
        if (raw.includes('\u0000')) throw usageError(`${label} expects a shell command, got one with a NUL byte`);
        if ([...raw].length > COMMAND_MAX_CHARS) throw usageError(`${label}: command longer than ${COMMAND_MAX_CHARS} characters`);
        return raw;
      },
    }),
    defineOption({
      key: 'webhook',
      flags: '--webhook <url>',
      description: 'when alerts fire, POST them as JSON to URL (10 s timeout; a failure is a warning)',
      type: 'text',
      parse: (raw: string, label: string): string => webhookUrl(raw, label),
    }),
    defineOption({
      key: 'watch',
      flags: '--watch [seconds]',
      description: 'on a terminal: redraw the table every SECONDS; q or Ctrl-C quits',
      defaultLabel: 'the shortest TTL of the sources',
      ...integer(1, MAX_WATCH_SECONDS),
    }),
    defineOption({
      key: 'watchlist',
      flags: '--watchlist <name>',
      description: "the config file's [watchlists] list NAME: crypto symbols, market tickers or news queries",
      type: 'text',
      parse: (raw: string, label: string): string => {
        const name = raw.trim();
        if (!WATCHLIST_NAME.test(name))
          throw usageError(`${label} expects a list name of letters, digits, ".", "_" or "-", got ${quoteValue(raw)}`);
        return name;
      },
    }),
  ] as const;
}

/** An http(s) URL; messages show it with its token redacted (see `secretsInWebhookUrl`). */
function webhookUrl(raw: string, label: string): string {
  const text = raw.trim();
  if ([...text].length > URL_MAX_CHARS) throw usageError(`${label}: URL longer than ${URL_MAX_CHARS} characters`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw usageError(`${label} expects an http(s) URL, got ${quoteValue(redactUrl(text, secretsInWebhookUrl(text)))}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw usageError(`${label} expects an http(s) URL, got a ${url.protocol.replace(/:$/, '')}: URL`);
  }
  return text;
}
