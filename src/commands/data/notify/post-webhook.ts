import { QahtError } from '../../../errors.js';
import type { HttpPoster } from '../../../http/types.js';
import { redactUrl, secretsInWebhookUrl } from '../../../redact.js';

/** The webhook's URL as messages and logs show it: its token parts redacted (see `secretsInWebhookUrl`). */
export function webhookLabel(url: string): string {
  return redactUrl(url, secretsInWebhookUrl(url));
}

/**
 * POSTs `body` (JSON) to the webhook through the run's HTTP client, so the host has its breaker
 * and pacing, each attempt its deadline, and failures their retries; `timeoutMs` bounds the whole
 * delivery, retries included.
 * @throws QahtError the client's, with the URL's token redacted from the message.
 */
export async function postWebhook(
  client: HttpPoster,
  url: string,
  body: string,
  options: { timeoutMs: number; maxRetries: number; secrets?: readonly string[] },
): Promise<void> {
  const { target, authorization } = basicAuth(url);
  const secrets = [...(options.secrets ?? []), ...secretsInWebhookUrl(url), ...(authorization ? [authorization] : [])];
  const signal = AbortSignal.timeout(options.timeoutMs);
  try {
    // No `source`: a webhook is not a data source, and its answers must not enter a source's history.
    await client.post(target, body, {
      secrets,
      signal,
      timeoutMs: options.timeoutMs,
      maxRetries: options.maxRetries,
      ...(authorization ? { headers: { authorization } } : {}),
    });
  } catch (error) {
    if (signal.aborted)
      throw new QahtError('QAHT_ERR_TIMEOUT', `no answer from ${webhookLabel(url)} within ${options.timeoutMs} ms`, { cause: error });
    throw error;
  }
}

/**
 * `https://user:pass@host/…`: fetch would drop the user info, so it travels as it would from a
 * browser, as `Authorization: Basic` (the URL without it is what is requested).
 */
function basicAuth(url: string): { target: string; authorization: string | undefined } {
  const parsed = new URL(url);
  if (!parsed.username && !parsed.password) return { target: url, authorization: undefined };
  const credentials = `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;
  parsed.username = '';
  parsed.password = '';
  return { target: parsed.toString(), authorization: `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}` };
}
