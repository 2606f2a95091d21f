import { describe, expect, it } from 'vitest';
import type { FakeApi } from '../helpers/fake-api/index.js';
import { runMain, useCliSandbox } from '../helpers/run-cli.js';
import { BODIES, CRYPTO_PATHS, cryptoEnv, routeCrypto } from './crypto-fixtures.js';

/**
 * `--currency` against the fake API: CoinGecko answers in the currency itself (`vs_currency`),
 * Binance and CoinCap are converted with the rate the same run got from CoinGecko's
 * `/exchange_rates`; the JSON keeps the USD fields and adds the currency's; a bad code is exit 2.
 */

let api: FakeApi;
let cacheDir: string;

/** One BTC in USD and EUR as the fake's `/exchange_rates` says (EUR per USD = 0.9123…). */
const BTC_USD = 96_000;
const BTC_EUR = 87_586.57;
/** The fake's EUR quotes are not its USD quotes × the rate: exact CoinGecko rows can be told from converted ones. */
const GECKO_EUR_FACTOR = 0.917;

interface GeckoCoin {
  id: string;
  current_price: number | null;
  total_volume: number | null;
  market_cap: number | null;
}

function geckoIn(vsCurrency: string): GeckoCoin[] {
  const coins = BODIES.coingecko as unknown as GeckoCoin[];
  if (vsCurrency === 'usd') return coins;
  const scale = (value: number | null): number | null => (value === null ? null : value * GECKO_EUR_FACTOR);
  return coins.map((coin) => ({
    ...coin,
    current_price: scale(coin.current_price),
    total_volume: scale(coin.total_volume),
    market_cap: scale(coin.market_cap),
  }));
}

useCliSandbox((sandbox) => {
  ({ api, cacheDir } = sandbox);
  routeCrypto(api);
  api.route('GET', CRYPTO_PATHS.coingecko, (_req, url) => geckoIn(url.searchParams.get('vs_currency') ?? 'usd'));
  api.route('GET', '/cg/api/v3/exchange_rates', {
    json: {
      rates: {
        btc: { name: 'Bitcoin', unit: 'BTC', value: 1, type: 'crypto' },
        usd: { name: 'US Dollar', unit: '$', value: BTC_USD, type: 'fiat' },
        eur: { name: 'Euro', unit: '€', value: BTC_EUR, type: 'fiat' },
      },
    },
  });
});

interface Row {
  id: string;
  symbol: string;
  sources: string[];
  priceUsd: number | null;
  volume24hUsd: number | null;
  marketCapUsd: number | null;
  price?: number | null;
  volume24h?: number | null;
  marketCap?: number | null;
}
interface Doc {
  currency: string;
  currencyPerUsd?: number;
  results: Row[];
}

const close = (actual: number | null | undefined, expected: number | null): void => {
  if (expected === null) expect(actual).toBeNull();
  else expect(Math.abs((actual as number) - expected) / Math.abs(expected)).toBeLessThan(1e-9);
};

describe('--currency', () => {
  it("eur: CoinGecko rows exactly as CoinGecko quoted them in EUR, converted rows within 1e-9 of the run's rate", async () => {
    const run = await runMain(['crypto', '--currency', 'eur', '--json', '--limit', '100', '--min-volume', '0'], cryptoEnv(api, cacheDir));
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout) as Doc;
    expect(doc.currency).toBe('eur');
    const rate = BTC_EUR / BTC_USD;
    expect(doc.currencyPerUsd).toBe(rate);
    expect(api.requests.find((r) => r.path === CRYPTO_PATHS.coingecko)?.query.get('vs_currency')).toBe('eur');
    const eur = new Map(geckoIn('eur').map((coin) => [coin.id, coin]));
    const fromGecko = doc.results.filter((row) => row.sources[0] === 'coingecko');
    expect(fromGecko.length).toBeGreaterThan(10);
    for (const row of fromGecko) {
      const quoted = eur.get(row.id)!;
      expect(row.price, row.id).toBe(quoted.current_price);
      expect(row.volume24h, row.id).toBe(quoted.total_volume);
      expect(row.marketCap, row.id).toBe(quoted.market_cap);
      // The USD fields stay, in USD (CoinGecko's quote turned back with the same rate).
      close(row.priceUsd, (quoted.current_price as number) / rate);
    }

    const converted = JSON.parse(
      (
        await runMain(
          ['crypto', '--currency', 'eur', '--json', '--sources', 'binance,coincap', '--min-volume', '0'],
          cryptoEnv(api, cacheDir),
        )
      ).stdout,
    ) as Doc;
    expect(converted.results.length).toBeGreaterThan(10);
    for (const row of converted.results) {
      expect(row.sources[0]).not.toBe('coingecko');
      close(row.price, row.priceUsd === null ? null : row.priceUsd * converted.currencyPerUsd!);
      close(row.volume24h, row.volume24hUsd === null ? null : row.volume24hUsd * converted.currencyPerUsd!);
    }
  });

  it('the table is in the currency: headers and numbers', async () => {
    const run = await runMain(
      ['crypto', '--currency', 'eur', '--sources', 'coingecko', '--symbols', 'BTC'],
      cryptoEnv(api, cacheDir, { COLUMNS: '200' }),
    );
    expect(run.code, run.stderr).toBe(0);
    const header = run.stdout.split('\n')[1]!;
    expect(header).toContain('Price €');
    expect(header).toContain('Volume €');
    expect(header).toContain('MCap €');
    const btc = geckoIn('eur').find((coin) => coin.id === 'bitcoin')!;
    const shown = Math.round(btc.current_price as number).toLocaleString('en-US');
    expect(run.stdout).toContain(shown);
  });

  it('usd is the default: the document says so and rows have no extra fields', async () => {
    const doc = JSON.parse((await runMain(['crypto', '--json'], cryptoEnv(api, cacheDir))).stdout) as Doc;
    expect(doc.currency).toBe('usd');
    expect(doc.results[0]).not.toHaveProperty('price');
    expect(api.requests.some((r) => r.path.endsWith('/exchange_rates'))).toBe(false);
  });

  it('an unknown code is exit 2 in one line, before any request', async () => {
    const run = await runMain(['crypto', '--currency', 'xyz'], cryptoEnv(api, cacheDir));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^screen: --currency "xyz" is not a currency CoinGecko quotes \(e\.g\. usd, eur, .*\)\n$/);
    expect(api.requests).toHaveLength(0);
  });

  it('without a rate the run stays in USD and says so', async () => {
    api.fault('/cg/api/v3/exchange_rates', { status: 503 });
    const run = await runMain(['crypto', '--currency', 'eur', '--json', '--max-retries', '0'], cryptoEnv(api, cacheDir));
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as Doc).currency).toBe('usd');
    expect(run.stderr).toMatch(/prices in USD, not EUR: no exchange rate \(HTTP 503/);
  });
});
