/**
 * The demo's CoinGecko markets in another currency: the USD sample converted with the demo's own
 * `/exchange_rates` sample, so `--demo --currency eur` gets CoinGecko quotes that agree with the
 * rate the run converts the other sources with. Deterministic: the same body and rate give the same answer.
 */

/** The money fields of a `/coins/markets` row (percentages, supplies and ranks are not money). */
const MONEY_FIELDS = [
  'current_price',
  'market_cap',
  'fully_diluted_valuation',
  'total_volume',
  'high_24h',
  'low_24h',
  'price_change_24h',
  'market_cap_change_24h',
  'ath',
  'atl',
] as const;

/** Units of `currency` per USD in an `/exchange_rates` body (per BTC ÷ USD per BTC), or undefined when it has none. */
export function demoRatePerUsd(ratesBody: string, currency: string): number | undefined {
  const rates = (JSON.parse(ratesBody) as { rates: Record<string, { value: number }> }).rates;
  const usd = rates.usd?.value;
  const quote = rates[currency.toLowerCase()]?.value;
  return usd && quote ? quote / usd : undefined;
}

const convert = (value: unknown, perUsd: number): unknown => (typeof value === 'number' ? Number((value * perUsd).toPrecision(12)) : value);

/** A USD `/coins/markets` body with every price, volume, cap and sparkline point times `perUsd`. */
export function quoteMarkets(usdBody: string, perUsd: number): string {
  const rows = JSON.parse(usdBody) as Array<Record<string, unknown>>;
  for (const row of rows) {
    for (const field of MONEY_FIELDS) if (field in row) row[field] = convert(row[field], perUsd);
    const sparkline = row.sparkline_in_7d as { price?: unknown[] } | null | undefined;
    if (Array.isArray(sparkline?.price)) sparkline.price = sparkline.price.map((point) => convert(point, perUsd));
  }
  return JSON.stringify(rows);
}
