import { describe, expect, it } from 'vitest';
import { screenCrypto, type CryptoScreenOptions } from '../../../src/screens/crypto/screen-crypto.js';
import type { CryptoSourceData } from '../../../src/screens/crypto/merge.js';
import { binanceAsset, coincapAsset, market, series } from './fixtures.js';

const OPTIONS: CryptoScreenOptions = { sort: 'score', ascending: false, minVolumeUsd: 1_000_000 };

const DATA: CryptoSourceData = {
  coingecko: [
    market('bitcoin', {
      symbol: 'btc',
      name: 'Bitcoin',
      rank: 1,
      priceUsd: 96000,
      marketCapUsd: 1.9e12,
      volume24hUsd: 3.5e10,
      change24hPct: 1.2,
    }),
    market('ethereum', {
      symbol: 'eth',
      name: 'Ethereum',
      rank: 2,
      priceUsd: 3400,
      marketCapUsd: 4.1e11,
      volume24hUsd: 2e10,
      change24hPct: 4,
    }),
    market('tether', {
      symbol: 'usdt',
      name: 'Tether',
      rank: 3,
      priceUsd: 1,
      marketCapUsd: 1.4e11,
      volume24hUsd: 6e10,
      sparkline7d: series(0.999, 1.001),
    }),
    market('wrapped-bitcoin', { symbol: 'wbtc', name: 'Wrapped Bitcoin', rank: 12, priceUsd: 96000, marketCapUsd: 1.3e10 }),
    market('paxos-dollar-ish', {
      symbol: 'pdx',
      name: 'Pegged Thing',
      rank: 40,
      priceUsd: 1,
      marketCapUsd: 1e9,
      sparkline7d: series(0.998, 1.002),
    }),
    market('btcup', { symbol: 'btcup', name: 'BTCUP', rank: 200, priceUsd: 50, marketCapUsd: 1e8 }),
    market('tiny', { symbol: 'tiny', name: 'Tiny', rank: 240, priceUsd: 0.01, marketCapUsd: 5e7, volume24hUsd: 2e5 }),
    market('neiro-on-eth', {
      symbol: 'neiro',
      name: 'Neiro',
      rank: 150,
      priceUsd: 0.3,
      marketCapUsd: 3e8,
      volume24hUsd: 3e7,
      change24hPct: 9,
    }),
  ],
  binance: [binanceAsset('BTC', 96010), binanceAsset('ETH', 3401), binanceAsset('NEIRO', 0.00049)],
  coincap: [coincapAsset('bitcoin', { symbol: 'BTC', name: 'Bitcoin', priceUsd: 95990 })],
};

describe('screenCrypto', () => {
  it('excludes with reasons, notes the counts, and ranks the rest by score', () => {
    const screen = screenCrypto(DATA, OPTIONS);
    expect(screen.excluded).toEqual([
      { id: 'tether', reason: 'stablecoin' },
      { id: 'wrapped-bitcoin', reason: 'wrapped token' },
      { id: 'paxos-dollar-ish', reason: 'stablecoin (7d range 0.4%)' },
      { id: 'btcup', reason: 'leveraged token' },
      { id: 'tiny', reason: 'volume below $1M' },
    ]);
    expect(screen.notes).toContain('5 excluded: stablecoin 2, leveraged token 1, volume below $1M 1, wrapped token 1');
    expect(screen.rows.map((r) => r.id)).toEqual(
      ['bitcoin', 'ethereum', 'neiro-on-eth'].sort((a, b) => scoreOf(screen, b) - scoreOf(screen, a)),
    );
    expect(screen.universe).toBe('coingecko');
  });

  it('builds CONTRACT rows: upper-case symbol, numbers, sources, flags, turnover and a 24-point sparkline', () => {
    const screen = screenCrypto(DATA, OPTIONS);
    const btc = screen.rows.find((r) => r.id === 'bitcoin')!;
    expect(btc).toMatchObject({
      rank: 1,
      symbol: 'BTC',
      name: 'Bitcoin',
      priceUsd: 96000,
      volume24hUsd: 3.5e10,
      marketCapUsd: 1.9e12,
      sources: ['coingecko', 'binance', 'coincap'],
      flags: [],
      turnover: Number((3.5e10 / 1.9e12).toPrecision(6)),
    });
    expect(btc.sparkline7d).toHaveLength(24);
    expect(Object.keys(btc).slice(0, 11)).toEqual([
      'rank',
      'id',
      'symbol',
      'name',
      'priceUsd',
      'change24hPct',
      'change7dPct',
      'volume24hUsd',
      'marketCapUsd',
      'score',
      'sources',
    ]);
    const neiro = screen.rows.find((r) => r.id === 'neiro-on-eth')!;
    expect(neiro).toMatchObject({ priceUsd: 0.3, sources: ['coingecko'], flags: ['price_mismatch:binance'] });
    expect(screen.notes).toContain('1 price mismatch over 10%, not merged: NEIRO (neiro-on-eth) vs binance');
  });

  it('filters by --min-mcap, --max-rank and --symbols (any case), noting what they removed', () => {
    expect(screenCrypto(DATA, { ...OPTIONS, minMarketCapUsd: 1e12 }).rows.map((r) => r.id)).toEqual(['bitcoin']);
    expect(screenCrypto(DATA, { ...OPTIONS, maxRank: 2, sort: 'mcap' }).rows.map((r) => r.id)).toEqual(['bitcoin', 'ethereum']);
    const bySymbol = screenCrypto(DATA, { ...OPTIONS, symbols: ['eth', ' Neiro '] });
    expect(bySymbol.rows.map((r) => r.id).sort()).toEqual(['ethereum', 'neiro-on-eth']);
    expect(bySymbol.notes).toContain('1 filtered out by --symbols');
    expect(screenCrypto(DATA, { ...OPTIONS, minMarketCapUsd: 1e12 }).notes).toContain('2 filtered out by --min-mcap $1T');
  });

  it('reports --symbols that no source listed instead of dropping them without a word', () => {
    const screen = screenCrypto(DATA, { ...OPTIONS, symbols: ['eth', 'FOO', 'bar'] });
    expect(screen.rows.map((r) => r.id)).toEqual(['ethereum']);
    expect(screen.notes).toContainEqual(
      expect.stringMatching(/^2 symbols not among the \d+ coins fetched: FOO, BAR \(a larger --top may list them\)$/),
    );
    expect(screenCrypto(DATA, { ...OPTIONS, symbols: ['eth'] }).notes.join('\n')).not.toContain('not among');
  });

  it('shows a stablecoin the user names with --symbols', () => {
    const screen = screenCrypto(DATA, { ...OPTIONS, symbols: ['usdt'] });
    expect(screen.rows.map((r) => r.id)).toEqual(['tether']);
    expect(screen.excluded.map((e) => e.id)).not.toContain('tether');
  });

  it('sorts by the chosen key, flips with --asc, and cuts to the limit with a note', () => {
    expect(screenCrypto(DATA, { ...OPTIONS, sort: 'change24h' }).rows.map((r) => r.id)).toEqual(['neiro-on-eth', 'ethereum', 'bitcoin']);
    expect(screenCrypto(DATA, { ...OPTIONS, sort: 'change24h', ascending: true }).rows.map((r) => r.id)).toEqual([
      'bitcoin',
      'ethereum',
      'neiro-on-eth',
    ]);
    const limited = screenCrypto(DATA, { ...OPTIONS, sort: 'mcap', limit: 2 });
    expect(limited.rows.map((r) => r.id)).toEqual(['bitcoin', 'ethereum']);
    expect(limited.matched).toBe(3);
    expect(limited.notes).toContain('showing 2 of 3 coins (--limit)');
  });

  it('gives the same output whatever the input order', () => {
    const reversed: CryptoSourceData = { ...DATA, coingecko: [...DATA.coingecko!].reverse(), binance: [...DATA.binance!].reverse() };
    expect(screenCrypto(reversed, OPTIONS).rows).toEqual(screenCrypto(DATA, OPTIONS).rows);
  });

  it('says which source defined the list when CoinGecko is missing', () => {
    const coincapOnly = screenCrypto({ coincap: [coincapAsset('bitcoin', { symbol: 'BTC', name: 'Bitcoin' })] }, OPTIONS);
    expect(coincapOnly.notes[0]).toMatch(/^coingecko unavailable: CoinCap defines the coin list/);
    const binanceOnly = screenCrypto({ binance: [binanceAsset('BTC', 96000), binanceAsset('USDC', 1), binanceAsset('BTCUP', 2)] }, OPTIONS);
    expect(binanceOnly.rows.map((r) => [r.id, r.rank, r.marketCapUsd])).toEqual([['btc', null, null]]);
    expect(binanceOnly.excluded).toEqual([
      { id: 'usdc', reason: 'stablecoin' },
      { id: 'btcup', reason: 'leveraged token' },
    ]);
  });
});

function scoreOf(screen: ReturnType<typeof screenCrypto>, id: string): number {
  return screen.rows.find((r) => r.id === id)!.score;
}

// Rows are built for the shown coins only (issue 13 item 9): a cut list is the start of the whole one.
describe('screenCrypto with a limit', () => {
  it('gives the first rows of the unlimited screen, with the same notes, exclusions and match count', () => {
    const whole = screenCrypto(DATA, { ...OPTIONS, minVolumeUsd: 0 });
    expect(whole.rows.length).toBeGreaterThan(2);
    for (const sort of ['score', 'turnover', 'volume'] as const) {
      const all = screenCrypto(DATA, { ...OPTIONS, minVolumeUsd: 0, sort });
      const cut = screenCrypto(DATA, { ...OPTIONS, minVolumeUsd: 0, sort, limit: 2 });
      expect(cut.rows).toEqual(all.rows.slice(0, 2));
      expect(cut.excluded).toEqual(all.excluded);
      expect(cut.matched).toBe(all.matched);
      expect(cut.notes).toEqual([...all.notes, `showing 2 of ${all.rows.length} coins (--limit)`]);
    }
  });
});
