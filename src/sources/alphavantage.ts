import * as v from 'valibot';
import { QahtError } from '../errors.js';
import type { HttpGetter, HttpResponse } from '../http/types.js';
import type { QuoteOutcome } from './market/quote.js';
import { parseDecimal, roundTo } from './shared/numbers.js';
import { shortText } from './shared/text.js';
import { unexpectedData, validateResponse } from './shared/validate.js';
import { DAILY_BUDGETS } from './documented-rates.js';

/** Alpha Vantage's free tier: 25 requests a day (no per-minute limit since 2024). */
export const ALPHAVANTAGE_DAILY_LIMIT = DAILY_BUDGETS.alphavantage;

/** The budget name in the state store's ledger (`rt.budgets`). */
export const ALPHAVANTAGE_BUDGET = 'alphavantage';

/** How Alpha Vantage's `Information` says a function needs a paid plan (not a rate limit). */
const PREMIUM_NOTICE = /\bpremium endpoint/i;
/** A limit notice also invites the reader to the premium plans: the limit wins. */
const LIMIT_NOTICE = /rate limit|per (?:day|minute)|\bdaily\b|frequency/i;

/** One GLOBAL_QUOTE request. */
export interface AlphaVantageQuoteRequest {
  /** Base URL without a trailing slash (`https://www.alphavantage.co` or an override). */
  baseUrl: string;
  apiKey: string;
  symbol: string;
  signal?: AbortSignal;
}

// Every value is a string; the numbered keys are the real field names.
const GlobalQuoteSchema = v.object({
  '01. symbol': v.optional(v.string()),
  '05. price': v.string(),
  '06. volume': v.optional(v.string()),
  '08. previous close': v.optional(v.string()),
  '10. change percent': v.optional(v.string()),
});

const BodySchema = v.looseObject({
  'Global Quote': v.optional(v.record(v.string(), v.unknown())),
  'Global Quote - DATA DELAYED': v.optional(v.record(v.string(), v.unknown())),
  Information: v.optional(v.string()),
  Note: v.optional(v.string()),
  'Error Message': v.optional(v.string()),
});

/** `<base>/query?function=GLOBAL_QUOTE&symbol=IBM&apikey=KEY`. */
export function alphaVantageQuoteUrl(baseUrl: string, symbol: string, apiKey: string): string {
  return `${baseUrl}/query?${new URLSearchParams({ function: 'GLOBAL_QUOTE', symbol, apikey: apiKey })}`;
}

/**
 * Fetches one GLOBAL_QUOTE. The caller must have taken one unit of the daily budget first.
 * `Information`/`Note` bodies (Alpha Vantage's HTTP 200 limit signal) fail the attempt as
 * QAHT_ERR_RATE_LIMITED (see `classifyAlphaVantageResponse`); an empty `Global Quote` resolves `unknown`.
 */
export async function fetchAlphaVantageQuote(http: HttpGetter, request: AlphaVantageQuoteRequest): Promise<QuoteOutcome> {
  const url = alphaVantageQuoteUrl(request.baseUrl, request.symbol, request.apiKey);
  const body = await http.fetchJson<unknown>(url, {
    source: 'alphavantage',
    secrets: [request.apiKey],
    // Every call spends one of 25 a day, answered or not: a retry could spend a unit nobody took.
    maxRetries: 0,
    classify: (response) => classifyAlphaVantageResponse(response, request.apiKey),
    ...(request.signal ? { signal: request.signal } : {}),
  });
  return parseAlphaVantageQuote(request.symbol, body, request.apiKey);
}

/**
 * The check each attempt runs (`RequestOptions.classify`): a soft rate limit (`Information`,
 * `Note`) or an `Error Message` at HTTP 200 is the attempt's failure, so the limiter and the
 * breaker learn it as such.
 */
export function classifyAlphaVantageResponse(response: HttpResponse, apiKey = ''): QahtError | undefined {
  let body: unknown;
  try {
    body = JSON.parse(response.text);
  } catch {
    return undefined;
  }
  return alphaVantageBodyError(body, apiKey);
}

/** True when a rate-limit message says the key's allowance for the whole day is gone. */
export function isDailyLimitMessage(error: unknown): boolean {
  return error instanceof QahtError && error.code === 'QAHT_ERR_RATE_LIMITED' && /\bdaily\b|per day/i.test(error.message);
}

/**
 * Maps a GLOBAL_QUOTE body. `apiKey` is scrubbed from any message quoted into an error (the
 * `Information` text names the key).
 */
export function parseAlphaVantageQuote(symbol: string, body: unknown, apiKey = ''): QuoteOutcome {
  const parsed = validateResponse('alphavantage', BodySchema, body);
  const failure = alphaVantageBodyError(parsed, apiKey);
  if (failure) throw failure;
  const raw = parsed['Global Quote'] ?? parsed['Global Quote - DATA DELAYED'];
  if (raw === undefined) throw unexpectedData('alphavantage', 'no "Global Quote"');
  if (Object.keys(raw).length === 0) return { kind: 'unknown', symbol, source: 'alphavantage' };
  const quote = validateResponse('alphavantage', GlobalQuoteSchema, raw);
  const price = parseDecimal(quote['05. price']);
  if (price === null) throw unexpectedData('alphavantage', '"05. price" is not a number');
  if (price === 0) return { kind: 'unknown', symbol, source: 'alphavantage' };
  let changePct = parsePercent(quote['10. change percent']);
  const previousClose = parseDecimal(quote['08. previous close']);
  if (changePct === null && previousClose) changePct = ((price - previousClose) / previousClose) * 100;
  return {
    kind: 'quote',
    quote: {
      symbol,
      name: null,
      price,
      changePct: roundTo(changePct, 4),
      changeBasis: 'previous-close',
      volume: parseDecimal(quote['06. volume']),
      source: 'alphavantage',
    },
  };
}

/** The failure an Alpha Vantage body reports instead of data: a soft rate limit or an error message. */
function alphaVantageBodyError(body: unknown, apiKey: string): QahtError | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const { Information, Note, 'Error Message': message } = body as Record<string, unknown>;
  const soft = typeof Information === 'string' ? Information : typeof Note === 'string' ? Note : undefined;
  // "This is a premium endpoint…": the key's plan lacks it, which no waiting changes.
  if (soft !== undefined && PREMIUM_NOTICE.test(soft) && !LIMIT_NOTICE.test(soft)) {
    return new QahtError('QAHT_ERR_NOT_ON_PLAN', 'alphavantage: not on the free plan (a premium endpoint)');
  }
  if (soft !== undefined) {
    const detail = /per day|daily/i.test(soft) ? ': daily limit reached' : '';
    return new QahtError('QAHT_ERR_RATE_LIMITED', `alphavantage rate limited${detail}`);
  }
  if (typeof message === 'string') {
    return new QahtError('QAHT_ERR_INVALID_DATA', `alphavantage error: ${shortText(message, { secrets: [apiKey] })}`);
  }
  return undefined;
}

/** "0.6671%" → 0.6671: Alpha Vantage writes its change with a percent sign. */
function parsePercent(text: string | undefined): number | null {
  return parseDecimal(text?.trim().replace(/%$/, ''));
}
