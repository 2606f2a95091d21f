import { describe, expect, it } from 'vitest';
import { liquidity, momentum, scoreCoin, type ScoreInput } from '../../../src/screens/crypto/score.js';

const BASE: ScoreInput = {
  change1hPct: 0.2,
  change24hPct: 1,
  change7dPct: 3,
  volume24hUsd: 5e7,
  marketCapUsd: 1e9,
  agreeingSources: 1,
  mismatchedSources: 0,
};

describe('scoreCoin', () => {
  it('rises strictly with each momentum input', () => {
    for (const key of ['change1hPct', 'change24hPct', 'change7dPct'] as const) {
      const scores = [-3, -1, 0, 1, 2, 3].map((change) => scoreCoin({ ...BASE, [key]: change }));
      for (let i = 1; i < scores.length; i += 1) expect(scores[i]!, `${key} step ${i}`).toBeGreaterThan(scores[i - 1]!);
    }
  });

  it('rises strictly with liquidity (turnover) until the cap, and never falls', () => {
    const scores = [1e6, 5e6, 2e7, 1e8, 5e8].map((volume) => scoreCoin({ ...BASE, volume24hUsd: volume }));
    for (let i = 1; i < scores.length; i += 1) expect(scores[i]!).toBeGreaterThan(scores[i - 1]!);
    expect(scoreCoin({ ...BASE, volume24hUsd: 5e9 })).toBe(scoreCoin({ ...BASE, volume24hUsd: 2e9 }));
  });

  it('keeps one outlier from dominating: +1000% in a day scores barely more than +40%', () => {
    const big = scoreCoin({ ...BASE, change24hPct: 40 });
    const absurd = scoreCoin({ ...BASE, change24hPct: 1000 });
    expect(absurd - big).toBeLessThan(0.1);
    expect(absurd).toBeLessThanOrEqual(100);
  });

  it('adds a bonus per agreeing source and subtracts 10 per mismatch', () => {
    const none = scoreCoin({ ...BASE, agreeingSources: 0 });
    const one = scoreCoin({ ...BASE, agreeingSources: 1 });
    const two = scoreCoin({ ...BASE, agreeingSources: 2 });
    expect(one - none).toBeCloseTo(5, 5);
    expect(two - one).toBeCloseTo(5, 5);
    expect(scoreCoin({ ...BASE, mismatchedSources: 1 })).toBeCloseTo(one - 10, 5);
  });

  it('stays within 0–100 with one decimal', () => {
    const top = scoreCoin({
      change1hPct: 50,
      change24hPct: 500,
      change7dPct: 900,
      volume24hUsd: 1e12,
      marketCapUsd: 1e9,
      agreeingSources: 2,
      mismatchedSources: 0,
    });
    const bottom = scoreCoin({
      change1hPct: -50,
      change24hPct: -90,
      change7dPct: -99,
      volume24hUsd: 0,
      marketCapUsd: 1e9,
      agreeingSources: 0,
      mismatchedSources: 2,
    });
    expect(top).toBeLessThanOrEqual(100);
    expect(top).toBeGreaterThan(99);
    expect(bottom).toBe(0);
    expect(Number.isInteger(scoreCoin(BASE) * 10)).toBe(true);
  });
});

describe('momentum', () => {
  it('is 0.5 when flat or unknown and averages only the changes that exist', () => {
    expect(momentum({ change1hPct: 0, change24hPct: 0, change7dPct: 0 })).toBe(0.5);
    expect(momentum({ change1hPct: null, change24hPct: null, change7dPct: null })).toBe(0.5);
    expect(momentum({ change1hPct: null, change24hPct: 8, change7dPct: null })).toBeCloseTo((Math.tanh(1) + 1) / 2, 10);
  });
});

describe('liquidity', () => {
  it('maps turnover 0.1% → 0 and 100% → 1 on a log scale; absolute volume without a market cap', () => {
    expect(liquidity({ volume24hUsd: 1e6, marketCapUsd: 1e9 })).toBe(0);
    expect(liquidity({ volume24hUsd: 1e9, marketCapUsd: 1e9 })).toBe(1);
    expect(liquidity({ volume24hUsd: 3.16e7, marketCapUsd: 1e9 })).toBeCloseTo(0.5, 2);
    expect(liquidity({ volume24hUsd: 1e8, marketCapUsd: null })).toBeCloseTo(0.5, 10);
    expect(liquidity({ volume24hUsd: null, marketCapUsd: 1e9 })).toBe(0);
  });
});
