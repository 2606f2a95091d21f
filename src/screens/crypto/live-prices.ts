import type { StreamPrice } from '../../sources/crypto/binance-stream-frames.js';
import type { CryptoRow } from './crypto-row.js';

/** A live price of one base asset: USD, and the exchange's event time (epoch ms). */
export interface LivePrice {
  priceUsd: number;
  atMs: number;
}

/** Where a row's price came from: the live stream, or the last scheduled (REST) refresh. */
export type PriceSource = 'stream' | 'rest';

/** A crypto row with where its price came from and when it was taken. */
export type LiveRow = CryptoRow & { priceAt: string; priceSource: PriceSource };

/**
 * A live price that differs from the row's REST price by more than this share is another asset
 * with the same ticker (or a broken print), never the row's price.
 */
const MAX_DEVIATION = 0.5;
/** Most assets the book holds (Binance lists a few hundred USDT pairs): a server inventing symbols cannot grow it further. */
export const MAX_BOOK_ASSETS = 5_000;

/**
 * The newest stream price of every base asset seen since the stream came up. `version` grows
 * with every change, so what is derived from the book is rebuilt only when it moved.
 */
export class PriceBook {
  readonly #prices = new Map<string, LivePrice>();
  #version = 0;

  get version(): number {
    return this.#version;
  }

  get size(): number {
    return this.#prices.size;
  }

  get(base: string): LivePrice | undefined {
    return this.#prices.get(base);
  }

  /**
   * Takes a frame's prices (an older event time never replaces a newer one; past `MAX_BOOK_ASSETS`
   * no new asset is added); returns how many changed.
   */
  update(prices: readonly StreamPrice[]): number {
    let changed = 0;
    for (const price of prices) {
      const known = this.#prices.get(price.base);
      if (known && (known.atMs > price.atMs || (known.atMs === price.atMs && known.priceUsd === price.priceUsd))) continue;
      if (!known && this.#prices.size >= MAX_BOOK_ASSETS) continue;
      this.#prices.set(price.base, { priceUsd: price.priceUsd, atMs: price.atMs });
      changed += 1;
    }
    if (changed > 0) this.#version += 1;
    return changed;
  }

  /** Forgets every price (the stream went down: its prices stop being live). */
  clear(): void {
    if (this.#prices.size === 0) return;
    this.#prices.clear();
    this.#version += 1;
  }
}

/**
 * Rows with their price from `book` where it has one for the row (`priceSource: "stream"`),
 * else the REST price, taken at `restAt(row)` (ISO). A ticker shared by several rows belongs to the one
 * with the largest market cap, as when the REST ticker is joined; a row whose REST price already
 * disagreed with Binance's (`price_mismatch:binance`), or that the live price is far from, keeps
 * its REST price.
 */
export function withLivePrices(rows: readonly CryptoRow[], book: PriceBook, restAt: (row: CryptoRow) => string): LiveRow[] {
  const owners = new Map<string, CryptoRow>();
  for (const row of rows) {
    const owner = owners.get(row.symbol);
    if (!owner || (row.marketCapUsd ?? -1) > (owner.marketCapUsd ?? -1)) owners.set(row.symbol, row);
  }
  return rows.map((row) => {
    const live = owners.get(row.symbol) === row ? book.get(row.symbol) : undefined;
    if (!live || row.flags.includes('price_mismatch:binance') || !near(live.priceUsd, row.priceUsd)) {
      return { ...row, priceAt: restAt(row), priceSource: 'rest' };
    }
    return { ...row, priceUsd: live.priceUsd, priceAt: new Date(live.atMs).toISOString(), priceSource: 'stream' };
  });
}

function near(live: number, rest: number | null): boolean {
  if (rest === null || rest <= 0) return true;
  return Math.abs(live - rest) / rest <= MAX_DEVIATION;
}
