/** How often the demo's prices move: the crypto sources' cache TTL, so each refresh that fetches sees new ones. */
const STEP_MS = 60_000;
/** Largest move, as a share of the price (±0.5%): small enough that sources still agree. */
const AMPLITUDE = 0.005;
/** The price fields of the crypto samples (CoinGecko, Binance, CoinCap), as numbers or numeric strings. */
const PRICE = /"(current_price|lastPrice|priceUsd)":(\s*)("?)(-?\d+(?:\.\d+)?(?:e-?\d+)?)\3/g;

/**
 * The sample body with every price moved by a small amount that depends on the minute and the
 * price's place in the body: the same minute gives the same body (the cache's answer and a
 * fetch's agree), the next minute a slightly different one, so `--watch` has changes to mark.
 */
export function moveQuotes(body: string, nowMs: number): string {
  const step = Math.floor(nowMs / STEP_MS);
  let index = 0;
  return body.replace(PRICE, (_match, key: string, space: string, quote: string, number: string) => {
    index += 1;
    const moved = Number(number) * (1 + AMPLITUDE * Math.sin(step * 1.7 + index * 0.61));
    const text = quote ? moved.toPrecision(12).replace(/\.?0+$/, '') : String(Number(moved.toPrecision(12)));
    return `"${key}":${space}${quote}${text}${quote}`;
  });
}
