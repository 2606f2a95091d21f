/**
 * Schemas of the crypto records the adapters return and the cache stores (records.ts,
 * binance-usd-assets.ts). A cached value is checked with them before it is served, exactly as a
 * value just fetched: a record of another shape is a miss, never a crash in the screen.
 */
import * as v from 'valibot';
import type { BinanceUsdSymbol } from './binance-usd-assets.js';
import type { BinanceAsset, CoinMarket } from './records.js';
import { numberList, shapeCheck } from '../shared/validate.js';

const nullableNumber = v.nullable(v.number());

const CoinMarketSchema = v.object({
  id: v.string(),
  symbol: v.string(),
  name: v.string(),
  rank: nullableNumber,
  priceUsd: nullableNumber,
  marketCapUsd: nullableNumber,
  volume24hUsd: nullableNumber,
  change1hPct: nullableNumber,
  change24hPct: nullableNumber,
  change7dPct: nullableNumber,
  sparkline7d: v.nullable(numberList),
}) satisfies v.GenericSchema<CoinMarket>;

const BinanceAssetSchema = v.object({
  base: v.string(),
  priceUsd: nullableNumber,
  change24hPct: nullableNumber,
  volume24hUsd: v.number(),
  pricePair: v.string(),
}) satisfies v.GenericSchema<BinanceAsset>;

const BinanceUsdSymbolSchema = v.object({
  symbol: v.string(),
  base: v.string(),
  quote: v.string(),
}) satisfies v.GenericSchema<BinanceUsdSymbol>;

/** CoinGecko's and CoinCap's list of `CoinMarket`. */
export const isCoinMarketList = shapeCheck(v.array(CoinMarketSchema));
/** Binance's list of `BinanceAsset`. */
export const isBinanceAssetList = shapeCheck(v.array(BinanceAssetSchema));
/** One Binance host's `BinanceUsdSymbol` list (exchangeInfo, cached a day). */
export const isBinanceUsdSymbolList = shapeCheck(v.array(BinanceUsdSymbolSchema));
