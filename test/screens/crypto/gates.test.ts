import { describe, expect, it } from 'vitest';
import { formatUsdThreshold } from '../../../src/screens/crypto/compact-usd.js';
import { exclusionReason, sparklineRangeRatio, type GateOptions } from '../../../src/screens/crypto/gates.js';
import { merged, series } from './fixtures.js';

const KNOWN = new Set(['BTC', 'ETH', 'JUP', 'SYRUP', 'BTCUP', 'ETH3L']);
const GATES: GateOptions = { minVolumeUsd: 1_000_000, knownSymbols: KNOWN };

describe('exclusionReason', () => {
  it('passes an ordinary liquid coin', () => {
    expect(exclusionReason(merged('bitcoin', { symbol: 'BTC', name: 'Bitcoin' }), GATES)).toBeUndefined();
  });

  it('excludes a coin with no price', () => {
    expect(exclusionReason(merged('ghost', { priceUsd: null }), GATES)).toBe('no price');
  });

  it('excludes listed stablecoins and USD-named tickers as "stablecoin"', () => {
    for (const symbol of ['USDT', 'USDC', 'DAI', 'FDUSD', 'TUSD', 'USDE', 'PYUSD', 'USDD', 'FRAX', 'BUSD', 'USDS', 'RLUSD', 'USDC.E']) {
      expect(exclusionReason(merged(symbol.toLowerCase(), { symbol, priceUsd: 1 }), GATES), symbol).toBe('stablecoin');
    }
  });

  it('excludes coins whose 7-day range is under 2% of the price, quoting the range', () => {
    const flat = merged('new-dollar', { symbol: 'NDL', name: 'New Dollar', priceUsd: 1, sparkline7d: series(0.998, 1.002) });
    expect(exclusionReason(flat, GATES)).toBe('stablecoin (7d range 0.4%)');
    const calmButMoving = merged('bitcoin', { symbol: 'BTC', priceUsd: 100, sparkline7d: series(97, 100) });
    expect(exclusionReason(calmButMoving, GATES)).toBeUndefined();
    // Too few points (or none) say nothing about stability.
    expect(exclusionReason(merged('short', { sparkline7d: [10, 10, 10] }), GATES)).toBeUndefined();
    expect(exclusionReason(merged('none', { sparkline7d: null }), GATES)).toBeUndefined();
  });

  it('excludes wrapped, bridged and staked tokens by symbol, id or name', () => {
    expect(exclusionReason(merged('wrapped-bitcoin', { symbol: 'WBTC', name: 'Wrapped Bitcoin' }), GATES)).toBe('wrapped token');
    expect(exclusionReason(merged('weth', { symbol: 'WETH', name: 'WETH' }), GATES)).toBe('wrapped token');
    expect(exclusionReason(merged('staked-ether', { symbol: 'STETH', name: 'Lido Staked Ether' }), GATES)).toBe('wrapped token');
    expect(exclusionReason(merged('coinbase-wrapped-btc', { symbol: 'CBBTC', name: 'Coinbase Wrapped BTC' }), GATES)).toBe('wrapped token');
    expect(exclusionReason(merged('wrapped-avax', { symbol: 'XAVAX', name: 'Something' }), GATES)).toBe('wrapped token');
    expect(exclusionReason(merged('some-lst', { symbol: 'ZSOL', name: 'Zeta Staked SOL' }), GATES)).toBe('wrapped token');
  });

  it('excludes leveraged tokens by suffix on a listed symbol or by name, sparing SYRUP and JUP', () => {
    expect(exclusionReason(merged('btcup', { symbol: 'BTCUP', name: 'BTCUP' }), GATES)).toBe('leveraged token');
    expect(exclusionReason(merged('eth3l', { symbol: 'ETH3L', name: 'ETH3L' }), GATES)).toBe('leveraged token');
    expect(exclusionReason(merged('ethbear', { symbol: 'ETHBEAR', name: 'ETHBEAR' }), GATES)).toBe('leveraged token');
    expect(exclusionReason(merged('3x-long-bitcoin-token', { symbol: 'BULL', name: '3X Long Bitcoin Token' }), GATES)).toBe(
      'leveraged token',
    );
    expect(exclusionReason(merged('eth-2x-fli', { symbol: 'ETH2X-FLI', name: 'ETH 2x Flexible Leverage Index' }), GATES)).toBe(
      'leveraged token',
    );
    expect(exclusionReason(merged('syrup', { symbol: 'SYRUP', name: 'Maple Finance' }), GATES)).toBeUndefined();
    expect(exclusionReason(merged('jupiter', { symbol: 'JUP', name: 'Jupiter' }), GATES)).toBeUndefined();
  });

  it('excludes coins under the volume floor, naming the floor, and coins with unknown volume', () => {
    expect(exclusionReason(merged('thin', { volume24hUsd: 999_999 }), GATES)).toBe('volume below $1M');
    expect(exclusionReason(merged('thin', { volume24hUsd: 2e6 }), { ...GATES, minVolumeUsd: 2.5e6 })).toBe('volume below $2.5M');
    expect(exclusionReason(merged('unknown', { volume24hUsd: null }), GATES)).toBe('volume unknown');
    expect(exclusionReason(merged('unknown', { volume24hUsd: null }), { ...GATES, minVolumeUsd: 0 })).toBeUndefined();
  });

  it('lets symbols named with --symbols past the category gates, but not past the volume floor', () => {
    const tether = merged('tether', { symbol: 'USDT', name: 'Tether', priceUsd: 1 });
    expect(exclusionReason(tether, { ...GATES, namedSymbols: new Set(['USDT']) })).toBeUndefined();
    expect(exclusionReason({ ...tether, volume24hUsd: 10 }, { ...GATES, namedSymbols: new Set(['USDT']) })).toBe('volume below $1M');
  });

  it('checks the category before the volume floor', () => {
    expect(exclusionReason(merged('wbtc', { symbol: 'WBTC', volume24hUsd: 5 }), GATES)).toBe('wrapped token');
  });
});

describe('sparklineRangeRatio', () => {
  it('is (max - min) / price', () => {
    expect(sparklineRangeRatio({ priceUsd: 100, sparkline7d: series(90, 100) })).toBeCloseTo(0.1, 10);
  });
});

describe('formatUsdThreshold', () => {
  it('writes thresholds the way people do', () => {
    expect([1e6, 2.5e6, 5e5, 1.25e9, 750, 0].map(formatUsdThreshold)).toEqual(['$1M', '$2.5M', '$500K', '$1.25B', '$750', '$0']);
  });
});
