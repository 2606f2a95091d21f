import * as v from 'valibot';
import type { HttpGetter } from '../http/types.js';
import { classifyFinnhubResponse, finnhubErrorBody, finnhubErrorSchema } from './finnhub-error.js';
import type { QuoteOutcome } from './market/quote.js';
import { roundTo } from './shared/numbers.js';
import { unexpectedData, validateResponse } from './shared/validate.js';

/** One `/quote` request. */
export interface FinnhubQuoteRequest {
  /** Base URL without a trailing slash (`https://finnhub.io/api/v1` or an override). */
  baseUrl: string;
  apiKey: string;
  /** Upper-case ticker as the scan knows it (`AAPL`, `BRK.B`). */
  symbol: string;
  signal?: AbortSignal;
}

const nullableNumber = v.nullish(v.number());

// `c` current, `d` change, `dp` change %, `h`/`l`/`o` session high/low/open, `pc` previous close,
// `t` unix seconds. An unknown symbol gives zeros and nulls with HTTP 200.
// `c` must be present (a body without it is a changed shape, not an unknown symbol).
const QuoteSchema = v.object({
  c: v.nullable(v.number()),
  d: nullableNumber,
  dp: nullableNumber,
  h: nullableNumber,
  l: nullableNumber,
  o: nullableNumber,
  pc: nullableNumber,
  t: nullableNumber,
});

/** `<base>/quote?symbol=AAPL&token=KEY` (the token goes in the query, which Finnhub documents as safest). */
export function finnhubQuoteUrl(baseUrl: string, symbol: string, apiKey: string): string {
  return `${baseUrl}/quote?${new URLSearchParams({ symbol, token: apiKey })}`;
}

/** Fetches one quote. Unknown symbols resolve to `{ kind: 'unknown' }`; failures throw QahtErrors. */
export async function fetchFinnhubQuote(http: HttpGetter, request: FinnhubQuoteRequest): Promise<QuoteOutcome> {
  const body = await http.fetchJson<unknown>(finnhubQuoteUrl(request.baseUrl, request.symbol, request.apiKey), {
    source: 'finnhub',
    secrets: [request.apiKey],
    classify: (response) => classifyFinnhubResponse(response, request.apiKey),
    ...(request.signal ? { signal: request.signal } : {}),
  });
  return parseFinnhubQuote(request.symbol, body, request.apiKey);
}

/**
 * Maps a `/quote` body. `c == 0` (or null) is Finnhub's way of saying it has no data for the
 * symbol: missing, not an error. An `{"error": "..."}` body is thrown by `finnhubErrorBody` (rate
 * limited, or QAHT_ERR_HTTP_STATUS 401), with `apiKey` redacted from the quoted text.
 */
export function parseFinnhubQuote(symbol: string, body: unknown, apiKey = ''): QuoteOutcome {
  const errorBody = v.safeParse(finnhubErrorSchema, body);
  if (errorBody.success) throw finnhubErrorBody(errorBody.output.error, apiKey);
  if (Array.isArray(body)) throw unexpectedData('finnhub', 'an array, not a quote');
  const quote = validateResponse('finnhub', QuoteSchema, body);
  if (quote.c === null || quote.c === 0) return { kind: 'unknown', symbol, source: 'finnhub' };
  let changePct = quote.dp ?? null;
  if (changePct === null && quote.pc) changePct = ((quote.c - quote.pc) / quote.pc) * 100;
  return {
    kind: 'quote',
    quote: {
      symbol,
      name: null,
      price: quote.c,
      changePct: roundTo(changePct, 4),
      changeBasis: 'previous-close',
      volume: null,
      source: 'finnhub',
    },
  };
}
