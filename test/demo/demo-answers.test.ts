import { describe, expect, it } from 'vitest';
import { moveQuotes } from '../../src/demo/moving-quotes.js';
import { demoNewsNote, demoTopicOf } from '../../src/demo/news-topics.js';
import { cleanEnv, removeDir, runMain, tempCacheDir } from '../helpers/run-cli.js';

/**
 * What `--demo` answers: news by query (bitcoin and ethereum samples, an honest note for anything
 * else), market rows from more than Stooq, and crypto prices that move from one minute to the next.
 */

interface Doc {
  sources: Array<{ name: string; status: string; items: number }>;
  results: Array<{ title?: string; sources: string[] }>;
}

async function demo(args: string[]): Promise<{ doc: Doc; stderr: string }> {
  const dir = await tempCacheDir();
  try {
    const run = await runMain([...args, '--demo', '--json'], cleanEnv({ SCREEN_CACHE_DIR: dir }));
    expect(run.code, run.stderr).toBe(0);
    return { doc: JSON.parse(run.stdout) as Doc, stderr: run.stderr };
  } finally {
    await removeDir(dir);
  }
}

describe('--demo', () => {
  it('answers news by query: bitcoin and ethereum have their own samples, anything else says there is none', async () => {
    const bitcoin = await demo(['news', 'bitcoin']);
    const ethereum = await demo(['news', 'ethereum']);
    const titles = (doc: Doc): string[] => doc.results.map((row) => row.title!);
    expect(titles(bitcoin.doc).some((title) => /bitcoin/i.test(title))).toBe(true);
    expect(titles(ethereum.doc).filter((title) => /ethereum|ether/i.test(title)).length).toBeGreaterThanOrEqual(4);
    expect(titles(ethereum.doc)).not.toContain(titles(bitcoin.doc)[0]);
    expect(bitcoin.stderr).not.toContain('no demo recording');

    const other = await demo(['news', 'semiconductor tariffs']);
    for (const name of ['google_news', 'hn', 'gdelt', 'newsapi']) {
      expect(other.doc.sources.find((source) => source.name === name)).toMatchObject({ status: 'fresh', items: 0 });
    }
    expect(other.stderr).toContain(
      'no demo recording for "semiconductor tariffs": --demo has sample news for bitcoin and ethereum only (samples in each API\'s shape, not live news)',
    );
  });

  it('serves market rows from more than Stooq', async () => {
    const { doc } = await demo(['market']);
    const first = new Set(doc.results.map((row) => row.sources[0]));
    expect(first.has('stooq')).toBe(true);
    expect(first.size).toBeGreaterThan(1);
  });

  it('moves crypto prices a little each minute, the same within a minute', () => {
    const body = '[{"id":"bitcoin","current_price":96243.5},{"symbol":"BTCUSDT","lastPrice":"96107.24619"},{"priceUsd":"1.0009"}]';
    const at = Date.UTC(2026, 10, 29, 10, 0, 5);
    const now = moveQuotes(body, at);
    expect(moveQuotes(body, at + 50_000)).toBe(now);
    const later = moveQuotes(body, at + 60_000);
    expect(later).not.toBe(now);
    const prices = (text: string): number[] =>
      [...text.matchAll(/"(?:current_price|lastPrice|priceUsd)":"?([\d.]+)/g)].map((match) => Number(match[1]));
    const original = prices(body);
    for (const [index, price] of prices(later).entries()) expect(Math.abs(price / original[index]! - 1)).toBeLessThanOrEqual(0.005);
    expect(JSON.parse(later)[1].lastPrice).toMatch(/^\d+(\.\d+)?$/);
    expect(typeof JSON.parse(later)[0].current_price).toBe('number');
  });

  it('quotes CoinGecko markets in every currency of its rates sample: the USD sample at the sample rate', async () => {
    interface Quoted {
      currency: string;
      currencyPerUsd: number;
      sources: Doc['sources'];
      results: Array<{ id: string; sources: string[]; price: number; priceUsd: number; marketCap: number; marketCapUsd: number }>;
    }
    const currencies = ['eur', 'gbp', 'jpy', 'btc', 'eth'];
    const runs = await Promise.all(
      currencies.map((currency) =>
        demo(['crypto', '--currency', currency, '--sources', 'coingecko', '--sort', 'mcap', '--limit', '5', '--min-volume', '0']),
      ),
    );
    for (const [index, { doc, stderr }] of runs.entries()) {
      const currency = currencies[index]!;
      const quoted = doc as unknown as Quoted;
      expect(quoted.currency, stderr).toBe(currency);
      expect(
        quoted.sources.find((source) => source.name === 'coingecko'),
        currency,
      ).toMatchObject({ status: 'fresh' });
      expect(quoted.results.length, `${currency}: ${stderr}`).toBe(5);
      for (const row of quoted.results) {
        expect(row.sources[0]).toBe('coingecko');
        expect(Math.abs(row.price / (row.priceUsd * quoted.currencyPerUsd) - 1)).toBeLessThan(1e-9);
        expect(Math.abs(row.marketCap / (row.marketCapUsd * quoted.currencyPerUsd) - 1)).toBeLessThan(1e-9);
      }
      // The rates sample's own BTC rate: one bitcoin is one BTC (give or take the demo's ±0.5% move).
      const bitcoin = quoted.results.find((row) => row.id === 'bitcoin')!;
      if (currency === 'btc') expect(Math.abs(bitcoin.price - 1)).toBeLessThanOrEqual(0.005);
    }
  }, 60_000);

  it('knows its topics', () => {
    expect(demoTopicOf('Bitcoin ETF')).toBe('bitcoin');
    expect(demoTopicOf('ether staking')).toBe('ethereum');
    expect(demoTopicOf('fed rates')).toBeUndefined();
    expect(demoNewsNote(['bitcoin', 'ethereum'])).toBeUndefined();
  });
});
