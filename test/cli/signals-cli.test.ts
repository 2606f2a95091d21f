import { describe, expect, it } from 'vitest';
import { INTERVAL_MS } from '../../src/candle.js';
import type { GeneratedBar } from '../../src/demo/candle-generator.js';
import type { CryptoRow } from '../../src/screens/crypto/crypto-row.js';
import { SERIES_SIGNALS_VERSION } from '../../src/screens/signals/series-signals.js';
import { signalsDocument } from '../../src/screens/signals/summary-document.js';
import { driveClock } from '../helpers/drive-clock.js';
import type { FakeApi } from '../helpers/fake-api/index.js';
import { installHistoryRoutes } from '../helpers/fake-api/history-routes.js';
import { fileCandles } from '../helpers/file-candles.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { type CliRun, runMain, useCliSandbox } from '../helpers/run-cli.js';
import { BODIES, cryptoEnv, routeCrypto } from './crypto-fixtures.js';

/**
 * Signals end to end: `screen crypto` in-process against the fake APIs, its candle history from
 * the fake Binance klines with five planted daily series (the rest generated), on a manual clock.
 * Each planted coin must come out flagged, and `--signal`, `--sort` and `--alert` must act on
 * the new fields.
 */

const DAY = INTERVAL_MS['1d'];
/** 10:00 UTC: today's bar is forming (the fake serves it), yesterday's is the last closed one. */
const NOW = Date.UTC(2026, 11, 7, 10, 0, 0);
const TODAY = Math.floor(NOW / DAY) * DAY;

/** A daily bar from its close (highs just above, volume steady unless told). */
function bar(openTime: number, close: number, quoteVolume = 1e7, high = close * 1.005): GeneratedBar {
  return { openTime, open: close, high, low: close * 0.995, close, volume: quoteVolume / close, quoteVolume };
}

/** Planted series by day index `d` (−1 = yesterday, the last closed day; 0 = today, forming). */
const PLANTED: Record<string, (d: number, openTime: number) => GeneratedBar> = {
  // A quiet coin whose last closed day trades twenty times its usual volume.
  BTCUSDT: (d, t) => bar(t, 100 + Math.sin(d), d === -1 ? 2e8 : 1e7 * (1 + 0.1 * Math.sin(d))),
  // Closes above every high of the 20 days before, not above a spike 200 days ago: 20-day breakout.
  ETHUSDT: (d, t) => bar(t, d === -1 ? 110 : d === -200 ? 150 : 100 + 2 * Math.sin(d / 3)),
  // A steady climb: every close a 52-week high.
  SOLUSDT: (d, t) => bar(t, 50 + 0.1 * (d + 1000)),
  // Wild swings, then twenty calm days: the narrowest Bollinger width of the half year.
  XRPUSDT: (d, t) => bar(t, 100 + (d >= -20 ? 0.5 : 10) * (d % 2 === 0 ? 1 : -1)),
  // Thirty days of 2% losses after a flat year: RSI deep under 30.
  DOGEUSDT: (d, t) => bar(t, d < -30 ? 100 + (d % 2 === 0 ? 1 : -1) : 100 * 0.98 ** (d + 31)),
};

let api: FakeApi;
let cacheDir: string;
let clock: ManualClock;
const usdtPairs = BODIES.binanceExchangeInfo.symbols
  .filter((s) => (s as { quoteAsset?: string }).quoteAsset === 'USDT')
  .map((s) => s.symbol);

useCliSandbox(async (sandbox) => {
  ({ api, cacheDir } = sandbox);
  clock = new ManualClock(NOW);
  routeCrypto(api);
  installHistoryRoutes(api, {
    now: () => clock.now(),
    symbols: usdtPairs,
    prefixes: { binance: '/bn', coingecko: '/cg/api/v3' },
    barAt: (symbol, interval, openTime) => (interval === '1d' ? PLANTED[symbol]?.((openTime - TODAY) / DAY, openTime) : undefined),
  });
});

interface SignalsJson {
  scoreModel: string;
  results: CryptoRow[];
  alerts?: Array<{ rule: string; id: string; symbol: string; value: unknown }>;
}

async function crypto(args: string[]): Promise<{ run: CliRun; doc: SignalsJson }> {
  const env = cryptoEnv(api, cacheDir, { SCREEN_HISTORY_BUDGET: '500' });
  const run = await driveClock(clock, runMain(['crypto', '--json', ...args], env, { clock }));
  expect(run.code, run.stderr).toBe(0);
  return { run, doc: JSON.parse(run.stdout) as SignalsJson };
}

const bySymbol = (doc: SignalsJson, symbol: string): CryptoRow => {
  const row = doc.results.find((r) => r.symbol === symbol);
  expect(row, `${symbol} in the results`).toBeDefined();
  return row!;
};

describe('screen crypto: signals end to end', () => {
  it('flags the planted volume spike, breakouts, squeeze and oversold coin, and says why', async () => {
    const { doc } = await crypto([]);
    expect(doc.scoreModel).toBe('signals-v1');
    const yesterdayClose = new Date(TODAY - 1).toISOString();

    const btc = bySymbol(doc, 'BTC');
    expect(btc.historyAsOf).toBe(yesterdayClose);
    expect(btc.rvol).toBeGreaterThan(15);
    expect(btc.why).toMatch(/^vol×\d+\.\d/);
    expect(btc.scoreBasis).toBe('signals');
    expect(btc.listedDays).toBe(999);
    expect(btc.rsi14h).not.toBeNull();

    expect(bySymbol(doc, 'ETH').breakout).toBe('20d');
    expect(bySymbol(doc, 'ETH').why).toContain('20d high');
    expect(bySymbol(doc, 'SOL').breakout).toBe('52w');
    expect(bySymbol(doc, 'SOL').trend).toBe('up');
    expect(bySymbol(doc, 'XRP').squeezePct).toBeCloseTo(100 / 180, 10);
    expect(bySymbol(doc, 'XRP').why).toContain('squeeze p1');
    expect(bySymbol(doc, 'DOGE').rsi14).toBeLessThan(30);
    expect(bySymbol(doc, 'DOGE').why).toMatch(/RSI \d+ oversold/);
    expect(bySymbol(doc, 'DOGE').trend).toBe('down');
  });

  it('says the same on a warm run, which reads the series summaries, and when a summary is of an older version', async () => {
    const fields = (doc: SignalsJson) =>
      doc.results.map(
        ({ symbol, rvol, breakout, rs7dPct, rs30dPct, squeezePct, rsi14, rsi14h, trend, listedDays, historyAsOf, why, score }) => ({
          symbol,
          rvol,
          breakout,
          rs7dPct,
          rs30dPct,
          squeezePct,
          rsi14,
          rsi14h,
          trend,
          listedDays,
          historyAsOf,
          why,
          score,
        }),
      );
    // The first run fetches the series; then two read-only runs: one reads each series' summary,
    // the other (every summary made stale) each whole series.
    expect((await crypto([])).run.code).toBe(0);
    const store = fileCandles(cacheDir);
    const btc = { source: 'binance', interval: '1d', asset: 'BTCUSDT' } as const;
    expect((await store.readHead(btc))?.summary).toMatchObject({ v: SERIES_SIGNALS_VERSION });
    const readOnly = ['--history-budget', '0'];
    const fromSummaries = fields((await crypto(readOnly)).doc);
    expect(fromSummaries.find((row) => row.symbol === 'BTC')?.rvol).toBeGreaterThan(15);
    // Summaries of another version (a signal definition changed since) are recomputed from the series.
    const keys = await store.keys();
    expect(keys.length).toBeGreaterThan(20);
    for (const key of keys) {
      const stored = await store.read(key);
      await store.write(key, stored!, { ...signalsDocument(stored!.series), v: SERIES_SIGNALS_VERSION - 1, rvol: 999 });
    }
    expect(fields((await crypto(readOnly)).doc)).toEqual(fromSummaries);
  });

  it('keeps only flagged rows with --signal, and orders by the new --sort keys', async () => {
    const only = async (flag: string) => (await crypto(['--signal', flag])).doc.results;
    const spikes = await only('rvol');
    expect(spikes.map((r) => r.symbol)).toContain('BTC');
    expect(spikes.every((r) => r.rvol !== null && r.rvol >= 2.5)).toBe(true);
    const breakouts = await only('breakout');
    expect(breakouts.map((r) => r.symbol)).toEqual(expect.arrayContaining(['ETH', 'SOL']));
    expect(breakouts.every((r) => r.breakout !== null)).toBe(true);
    expect((await only('squeeze')).map((r) => r.symbol)).toContain('XRP');
    const oversold = await only('oversold');
    expect(oversold.map((r) => r.symbol)).toContain('DOGE');
    expect(oversold.every((r) => r.rsi14 !== null && r.rsi14 < 30)).toBe(true);
    const both = (await crypto(['--signal', 'rvol', '--signal', 'oversold'])).doc.results;
    expect(both.every((r) => r.rvol! >= 2.5 && r.rsi14! < 30)).toBe(true);

    expect((await crypto(['--sort', 'rvol'])).doc.results[0]!.symbol).toBe('BTC');
    expect((await crypto(['--sort', 'squeeze'])).doc.results[0]!.symbol).toBe('XRP');
    expect((await crypto(['--sort', 'rsi', '--asc'])).doc.results[0]!.symbol).toBe('DOGE');
    const byRs = (await crypto(['--sort', 'rs7d'])).doc.results.map((r) => r.rs7dPct);
    const known = byRs.filter((v): v is number => v !== null);
    expect(known).toEqual([...known].sort((a, b) => b - a));
  });

  it('fires alerts on the signal fields, and rejects --signal names it does not know', async () => {
    const { doc } = await crypto(['--alert', 'rvol >= 10', '--alert', 'breakout ~ "52w" and trend == "up"']);
    expect(doc.alerts?.map((a) => [a.rule, a.symbol])).toEqual(
      expect.arrayContaining([
        ['rvol >= 10', 'BTC'],
        ['breakout ~ "52w" and trend == "up"', 'SOL'],
      ]),
    );
    const bad = await driveClock(clock, runMain(['crypto', '--signal', 'moon'], cryptoEnv(api, cacheDir), { clock }));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--signal must be one of rvol, breakout, rs, squeeze, oversold, overbought/);
  });
});
