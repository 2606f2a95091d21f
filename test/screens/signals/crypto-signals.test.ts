import { describe, expect, it } from 'vitest';
import { INTERVAL_MS } from '../../../src/candle.js';
import { type CryptoScreenOptions, screenCrypto } from '../../../src/screens/crypto/screen-crypto.js';
import type { CoinHistory } from '../../../src/screens/signals/coin-signals.js';
import { market } from '../crypto/fixtures.js';
import { makeSeries, randomWalk, START } from './series.js';

const DAY = INTERVAL_MS['1d'];
const OPTIONS: CryptoScreenOptions = { sort: 'score', ascending: false, minVolumeUsd: 1_000_000 };

/** 300 quiet days, then a last day on ten times the volume that closes above every earlier high. */
function spiking(): CoinHistory {
  const walk = randomWalk(300, 3, 100, 0.5);
  walk.close[299] = 200;
  walk.high[299] = 201;
  walk.quoteVolume[299] = 1e7;
  return { daily: makeSeries(walk), hourly: null };
}

const quiet = (seed: number, days = 300, start = START): CoinHistory => ({
  daily: makeSeries({ ...randomWalk(days, seed), start }),
  hourly: null,
});
/** The run's clock: ten hours into the day after the last stored bar (that day's bar is still forming). */
const NOW = START + 300 * DAY + 10 * 3_600_000;

const DATA = {
  coingecko: [
    market('spiky', { symbol: 'spk', rank: 3 }),
    market('calm', { symbol: 'clm', rank: 1 }),
    market('steady', { symbol: 'std', rank: 2 }),
    market('fresh', { symbol: 'frs', rank: 4 }),
    market('unknown', { symbol: 'unk', rank: 5 }),
  ],
  binance: undefined,
  coincap: undefined,
};

const HISTORIES = new Map<string, CoinHistory>([
  ['spiky', spiking()],
  ['calm', quiet(4)],
  ['steady', quiet(5)],
  ['fresh', quiet(6, 20, START + 280 * DAY)],
]);
const WITH_HISTORY = { ...DATA, history: { byCoin: HISTORIES, pending: 0 } };

describe('screenCrypto with stored candles', () => {
  const screen = screenCrypto(WITH_HISTORY, { ...OPTIONS, asOfMs: NOW });
  const byId = new Map(screen.rows.map((row) => [row.id, row]));

  it('fills every signal field from the candles closed before the run, and says why', () => {
    const spiky = byId.get('spiky')!;
    expect(spiky.historyAsOf).toBe(new Date(START + 300 * DAY - 1).toISOString());
    expect(spiky.rvol).toBeGreaterThan(5);
    expect(spiky.breakout).toBe('20d');
    expect(spiky.listedDays).toBe(300);
    expect(spiky.squeezePct).not.toBeNull();
    expect(spiky.trend).not.toBeNull();
    expect(spiky.rsi14).toBeGreaterThan(70);
    expect(spiky.rsi14h).toBeNull();
    expect(spiky.why).toMatch(/^vol×\d+\.\d · \+\d+% vs market 7d · 20d high$/);
    expect(spiky.scoreBasis).toBe('signals');
    expect(screen.rows[0]!.id).toBe('spiky');
  });

  it('measures rs against the median of the ranked coins: the three with 7 days', () => {
    const returns = ['spiky', 'calm', 'steady'].map((id) => {
      const close = HISTORIES.get(id)!.daily!.close;
      return (close.at(-1)! / close.at(-8)! - 1) * 100;
    });
    const median = [...returns].sort((a, b) => a - b)[1]!;
    expect(byId.get('calm')!.rs7dPct).toBeCloseTo(returns[1]! - median, 10);
    expect(byId.get('spiky')!.rs7dPct).toBeCloseTo(returns[0]! - median, 10);
  });

  it('keeps a coin listed under 30 days out, and a coin without history on its snapshot score', () => {
    expect(screen.excluded).toContainEqual({ id: 'fresh', reason: 'listed under 30 days' });
    const unknown = byId.get('unknown')!;
    expect(unknown.scoreBasis).toBe('snapshot');
    expect(unknown.historyAsOf).toBeNull();
    expect(unknown.rvol).toBeNull();
    expect(unknown.why).toBe('');
    expect(screen.notes.join('\n')).toContain('listed under 30 days 1');
  });

  it('filters by --signal (every flag given) and sorts by the new keys', () => {
    const flagged = screenCrypto(WITH_HISTORY, { ...OPTIONS, asOfMs: NOW, signals: ['rvol', 'breakout'] });
    expect(flagged.rows.map((row) => row.id)).toEqual(['spiky']);
    expect(flagged.notes.join('\n')).toContain('filtered out by --signal rvol --signal breakout');
    const none = screenCrypto(WITH_HISTORY, { ...OPTIONS, asOfMs: NOW, signals: ['rvol', 'squeeze'] });
    expect(none.rows).toEqual([]);
    const byRvol = screenCrypto(WITH_HISTORY, { ...OPTIONS, sort: 'rvol', asOfMs: NOW });
    expect(byRvol.rows[0]!.id).toBe('spiky');
    expect(byRvol.rows.at(-1)!.id).toBe('unknown');
  });

  it('leaves every row on its snapshot score without history', () => {
    const plain = screenCrypto(DATA, OPTIONS);
    expect(plain.rows.every((row) => row.scoreBasis === 'snapshot' && row.rvol === null && row.why === '')).toBe(true);
    expect(plain.excluded).toEqual([]);
  });
});
