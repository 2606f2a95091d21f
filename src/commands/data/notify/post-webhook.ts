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
  const secrets = [...(options.secrets ?? []), ...secretsInWebhookUrl(url)];
  const signal = AbortSignal.timeout(options.timeoutMs);
  try {
    // No `source`: a webhook is not a data source, and its answers must not enter a source's history.
    await client.post(url, body, { secrets, signal, timeoutMs: options.timeoutMs, maxRetries: options.maxRetries });
  } catch (error) {
    if (signal.aborted)
      throw new QahtError('QAHT_ERR_TIMEOUT', `no answer from ${webhookLabel(url)} within ${options.timeoutMs} ms`, { cause: error });
    throw error;
  }
}
