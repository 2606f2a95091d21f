import * as v from 'valibot';
import { QahtError } from '../errors.js';
import type { HttpResponse } from '../http/types.js';
import { shortText } from './shared/text.js';

/** Finnhub's failure body, `{"error": "..."}`, which may arrive with HTTP 200. */
export const finnhubErrorSchema = v.looseObject({ error: v.string() });

/**
 * The one mapping of a Finnhub `{"error"}` body, shared by the news and quote adapters: a limit
 * message ("API limit reached…") → QAHT_ERR_RATE_LIMITED (status 429); anything else (a bad or
 * missing token, no access to the resource) → QAHT_ERR_HTTP_STATUS 401
 * "finnhub rejected the request: <text>". The key is redacted from the quoted text.
 */
export function finnhubErrorBody(message: string, apiKey: string): QahtError {
  const text = shortText(message, { secrets: [apiKey] });
  if (/limit/i.test(message)) return new QahtError('QAHT_ERR_RATE_LIMITED', `finnhub rate limited: ${text}`, { status: 429 });
  return new QahtError('QAHT_ERR_HTTP_STATUS', `finnhub rejected the request: ${text}`, { status: 401 });
}

/**
 * The check each attempt runs (`RequestOptions.classify`, news and quotes alike): an `{"error"}`
 * body at HTTP 200 is the attempt's failure ("API limit reached" a soft rate limit).
 */
export function classifyFinnhubResponse(response: HttpResponse, apiKey = ''): QahtError | undefined {
  if (!response.text.trimStart().startsWith('{')) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(response.text);
  } catch {
    return undefined;
  }
  const parsed = v.safeParse(finnhubErrorSchema, body);
  return parsed.success ? finnhubErrorBody(parsed.output.error, apiKey) : undefined;
}
