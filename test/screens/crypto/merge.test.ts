import { describe, expect, it } from 'vitest';
import { mergeCryptoSources } from '../../../src/screens/crypto/merge.js';
import { binanceAsset, coincapAsset, market } from './fixtures.js';

describe('mergeCryptoSources', () => {
  it('keys rows by CoinGecko id and joins CoinCap by id, then by symbol + name', () => {
    const { coins, universe } = mergeCryptoSources({
      coingecko: [
        market('bitcoin', { symbol: 'btc', name: 'Bitcoin' }),
        market('binancecoin', { symbol: 'bnb', name: 'BNB' }),
        market('ripple', { symbol: 'xrp', name: 'XRP' }),
      ],
      coincap: [
        coincapAsset('bitcoin', { symbol: 'BTC', name: 'Bitcoin', priceUsd: 10.1 }),
        coincapAsset('binance-coin', { symbol: 'BNB', name: 'BNB' }),
        coincapAsset('xrp', { symbol: 'XRP', name: 'X R P' }),
        coincapAsset('only-on-coincap', { symbol: 'OOC' }),
      ],
    });
    expect(universe).toBe('coingecko');
    expect(coins.map((c) => [c.id, c.symbol, c.sources])).toEqual([
      ['bitcoin', 'BTC', ['coingecko', 'coincap']],
      ['binancecoin', 'BNB', ['coingecko', 'coincap']],
      // "X R P" and "XRP" compare equal once punctuation and spaces are removed.
      ['ripple', 'XRP', ['coingecko', 'coincap']],
    ]);
    expect(coins[0]!.priceUsd).toBe(10);
    expect(coins[0]!.agreeing).toEqual(['coincap']);
  });

  it("gives a shared symbol's Binance pair to the coin with the larger market cap", () => {
    const { coins } = mergeCryptoSources({
      coingecko: [
        market('tokamak-network', { symbol: 'ton', name: 'Tokamak Network', marketCapUsd: 6e7, rank: 240, priceUsd: 1.5 }),
        market('the-open-network', { symbol: 'ton', name: 'Toncoin', marketCapUsd: 1.3e10, rank: 18, priceUsd: 5.4 }),
      ],
      binance: [binanceAsset('TON', 5.41)],
    });
    const [tokamak, toncoin] = coins;
    expect(toncoin!.sources).toEqual(['coingecko', 'binance']);
    expect(toncoin!.agreeing).toEqual(['binance']);
    expect(tokamak!.sources).toEqual(['coingecko']);
    expect(tokamak!.mismatched).toEqual([]);
  });

  it('breaks a market-cap tie by rank, then id', () => {
    const { coins } = mergeCryptoSources({
      coingecko: [
        market('b-coin', { symbol: 'x', marketCapUsd: null, rank: null }),
        market('a-coin', { symbol: 'x', marketCapUsd: null, rank: null }),
      ],
      binance: [binanceAsset('X', 10)],
    });
    expect(coins.find((c) => c.id === 'a-coin')!.sources).toContain('binance');
    expect(coins.find((c) => c.id === 'b-coin')!.sources).not.toContain('binance');
  });

  it('does not merge a price that disagrees by more than 10%: keeps the universe price and flags the row', () => {
    const { coins } = mergeCryptoSources({
      coingecko: [market('neiro-on-eth', { symbol: 'neiro', priceUsd: 0.3, volume24hUsd: null, change24hPct: null })],
      binance: [binanceAsset('NEIRO', 0.00049, { volume24hUsd: 9e7 })],
      coincap: [coincapAsset('neiro-on-eth', { priceUsd: 0.29, volume24hUsd: 4e6 })],
    });
    const [coin] = coins;
    expect(coin!.priceUsd).toBe(0.3);
    expect(coin!.mismatched).toEqual(['binance']);
    expect(coin!.sources).toEqual(['coingecko', 'coincap']);
    // The agreeing CoinCap filled the null volume; the disagreeing Binance volume was not used.
    expect(coin!.volume24hUsd).toBe(4e6);
  });

  it('treats a difference of exactly 10% as agreement', () => {
    const { coins } = mergeCryptoSources({ coingecko: [market('a', { symbol: 'a', priceUsd: 100 })], binance: [binanceAsset('A', 110)] });
    expect(coins[0]!.agreeing).toEqual(['binance']);
  });

  it('falls back to CoinCap as the universe when CoinGecko failed', () => {
    const { coins, universe } = mergeCryptoSources({
      coingecko: undefined,
      coincap: [coincapAsset('bitcoin', { symbol: 'BTC', name: 'Bitcoin', rank: 1 })],
      binance: [binanceAsset('BTC', 10)],
    });
    expect(universe).toBe('coincap');
    expect(coins).toHaveLength(1);
    expect(coins[0]).toMatchObject({ id: 'bitcoin', rank: 1, change7dPct: null, sources: ['binance', 'coincap'] });
  });

  it('uses Binance base assets alone when both ranked sources failed', () => {
    const { coins, universe } = mergeCryptoSources({
      coingecko: undefined,
      coincap: undefined,
      binance: [binanceAsset('BTC', 96000, { volume24hUsd: 1.2e9, change24hPct: -0.5 })],
    });
    expect(universe).toBe('binance');
    expect(coins).toEqual([
      {
        id: 'btc',
        symbol: 'BTC',
        name: 'BTC',
        rank: null,
        priceUsd: 96000,
        marketCapUsd: null,
        volume24hUsd: 1.2e9,
        change1hPct: null,
        change24hPct: -0.5,
        change7dPct: null,
        sparkline7d: null,
        sources: ['binance'],
        agreeing: [],
        mismatched: [],
      },
    ]);
  });

  it('returns no coins and no universe when nothing answered', () => {
    expect(mergeCryptoSources({})).toEqual({ coins: [], universe: undefined });
  });
});
