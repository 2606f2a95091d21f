import { QahtError, isQahtError } from '../../errors.js';
import type { HttpGetter } from '../../http/types.js';
import type { BudgetPort } from '../../store/store-ports.js';
import { ALPHAVANTAGE_BUDGET, ALPHAVANTAGE_DAILY_LIMIT, fetchAlphaVantageQuote, isDailyLimitMessage } from '../alphavantage.js';
import { DOCUMENTED_DELAY_MS } from '../documented-rates.js';
import { fetchFinnhubQuote } from '../finnhub-quote.js';
import { STOOQ_BATCH_SIZE, fetchStooqQuotes } from '../stooq.js';
import type { MarketSourceName, QuoteOutcome } from './quote.js';

/**
 * Alpha Vantage has no pacing on the free tier (its limit is per day), so planning counts one
 * sequential round trip per call: an estimate, not a limit.
 */
export const ALPHAVANTAGE_REQUEST_MS = 1000;

/** What a driver needs to reach its API. */
export interface MarketDriverContext {
  /** The HTTP client, loaded on first use. */
  http: () => Promise<HttpGetter>;
  /** Base URL without a trailing slash, resolved on first use (under `--demo` that starts the source's server). */
  baseUrl: () => Promise<string>;
  apiKey: string;
  /** A daily allowance shared by every run (the store's budgets). */
  budgets: BudgetPort;
}

/** One market source as the scan sees it: how fast it is, how to ask it, when to give up on it. */
export interface MarketDriver {
  name: MarketSourceName;
  /** Symbols per request. */
  batchSize: number;
  /** Time one request occupies the source when planning, in ms (its pace). */
  requestMs: number;
  /** Most symbols it may still take (Infinity, or what is left of a daily budget). */
  capacity(): Promise<number>;
  /** One request for `symbols` (at most `batchSize`); every symbol gets an outcome, or it throws. */
  fetchBatch(symbols: readonly string[]): Promise<Map<string, QuoteOutcome>>;
  /**
   * Whether a failed request means the source should not be asked again this run. Limits,
   * open breakers, bad keys and blocks are final; Finnhub tolerates two isolated errors in a row.
   */
  isFinal(error: unknown, consecutiveErrors: number): boolean;
}

const FINAL_CODES = new Set(['QAHT_ERR_CIRCUIT_OPEN', 'QAHT_ERR_BUDGET_EXHAUSTED', 'QAHT_ERR_MISSING_KEY']);

function isFinalError(error: unknown): boolean {
  if (!isQahtError(error)) return false;
  if (FINAL_CODES.has(error.code)) return true;
  return error.code === 'QAHT_ERR_HTTP_STATUS' && (error.status === 401 || error.status === 403);
}

/** Builds the driver for a market source. */
export function createMarketDriver(name: MarketSourceName, context: MarketDriverContext): MarketDriver {
  switch (name) {
    case 'finnhub':
      return {
        name,
        batchSize: 1,
        requestMs: DOCUMENTED_DELAY_MS.finnhub,
        capacity: async () => Infinity,
        fetchBatch: async (symbols) =>
          singleSymbolBatch(symbols, async (symbol) =>
            fetchFinnhubQuote(await context.http(), { baseUrl: await context.baseUrl(), apiKey: context.apiKey, symbol }),
          ),
        // A 429 here has already been retried by the client with backoff; keep going unless it persists.
        isFinal: (error, consecutiveErrors) => isFinalError(error) || consecutiveErrors >= 3,
      };
    case 'stooq':
      return {
        name,
        batchSize: STOOQ_BATCH_SIZE,
        requestMs: DOCUMENTED_DELAY_MS.stooq,
        capacity: async () => Infinity,
        fetchBatch: async (symbols) =>
          fetchStooqQuotes(await context.http(), { baseUrl: await context.baseUrl(), apiKey: context.apiKey, symbols }),
        // One failed batch (block page, daily hits limit) predicts the next.
        isFinal: () => true,
      };
    case 'alphavantage':
      return {
        name,
        batchSize: 1,
        requestMs: ALPHAVANTAGE_REQUEST_MS,
        capacity: () => context.budgets.remaining(ALPHAVANTAGE_BUDGET, ALPHAVANTAGE_DAILY_LIMIT),
        fetchBatch: async (symbols) =>
          singleSymbolBatch(symbols, async (symbol) => {
            // The budget is taken before the call, so a crash mid-request still counts it.
            const granted = await context.budgets.consume(ALPHAVANTAGE_BUDGET, 1, ALPHAVANTAGE_DAILY_LIMIT);
            if (granted < 1) {
              throw new QahtError('QAHT_ERR_BUDGET_EXHAUSTED', `daily budget of ${ALPHAVANTAGE_DAILY_LIMIT} used`);
            }
            try {
              return await fetchAlphaVantageQuote(await context.http(), {
                baseUrl: await context.baseUrl(),
                apiKey: context.apiKey,
                symbol,
              });
            } catch (error) {
              // The key's real allowance is gone (perhaps used elsewhere): spare later runs today the call.
              if (isDailyLimitMessage(error)) await drainBudget(context.budgets);
              throw error;
            }
          }),
        // Every Alpha Vantage failure (soft limit, bad key, budget) repeats for the next symbol.
        isFinal: () => true,
      };
  }
}

async function singleSymbolBatch(
  symbols: readonly string[],
  fetchOne: (symbol: string) => Promise<QuoteOutcome>,
): Promise<Map<string, QuoteOutcome>> {
  const outcomes = new Map<string, QuoteOutcome>();
  for (const symbol of symbols) outcomes.set(symbol, await fetchOne(symbol));
  return outcomes;
}

async function drainBudget(budgets: BudgetPort): Promise<void> {
  const left = await budgets.remaining(ALPHAVANTAGE_BUDGET, ALPHAVANTAGE_DAILY_LIMIT);
  if (left > 0) await budgets.consume(ALPHAVANTAGE_BUDGET, left, ALPHAVANTAGE_DAILY_LIMIT);
}
