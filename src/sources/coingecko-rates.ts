/**
 * CoinGecko `/exchange_rates`: what one BTC is worth in each currency CoinGecko quotes (fiat,
 * crypto and commodities). `--currency` converts the other sources' USD prices with it, so one
 * run's rows all use the rate that run got. Keyless; the demo key goes in its header as for markets.
 */
import * as v from 'valibot';
import type { HttpGetter } from '../http/types.js';
import { classifyCoinGeckoResponse } from './coingecko.js';
import { unexpectedData, validateResponse } from './shared/validate.js';

const SOURCE = 'coingecko';

const RatesSchema = v.object({
  rates: v.record(v.string(), v.object({ value: v.number() })),
});

/** Units of each currency per BTC, by lower-case code (`{ usd: 67500, eur: 62100, btc: 1 }`). */
export type BtcRates = Record<string, number>;

/**
 * One BTC in every currency CoinGecko knows.
 * @throws QahtError QAHT_ERR_INVALID_DATA when the shape changed or USD is missing; the client's errors otherwise.
 */
export async function fetchCoinGeckoRates(http: HttpGetter, options: { baseUrl: string; apiKey?: string | undefined }): Promise<BtcRates> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.apiKey) headers['x-cg-demo-api-key'] = options.apiKey;
  const response = await http.request(`${options.baseUrl}/exchange_rates`, {
    headers,
    secrets: options.apiKey ? [options.apiKey] : [],
    source: SOURCE,
    classify: classifyCoinGeckoResponse,
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.text);
  } catch (error) {
    throw unexpectedData(SOURCE, 'exchange_rates is not JSON', { url: response.url, cause: error });
  }
  const body = validateResponse(SOURCE, RatesSchema, parsed, { url: response.url });
  const rates: BtcRates = {};
  for (const [code, { value }] of Object.entries(body.rates)) if (Number.isFinite(value) && value > 0) rates[code.toLowerCase()] = value;
  if (rates.usd === undefined) throw unexpectedData(SOURCE, 'exchange_rates has no usd rate', { url: response.url });
  return rates;
}

/** Whether a cached value is a rate table (the cache checks every value it serves). */
export function isBtcRates(value: unknown): value is BtcRates {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((rate) => typeof rate === 'number' && Number.isFinite(rate) && rate > 0) &&
    typeof (value as BtcRates).usd === 'number'
  );
}
