import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CRYPTO_OPTIONS, runCrypto } from '../../../src/commands/crypto/run.js';
import { commonOptions, createFakeRuntime, StubHttp, type StubReply } from '../../helpers/fake-runtime.js';

/**
 * The `--demo` recordings must stay consistent with the adapters' schemas and show every screen
 * feature: this replays them through `runCrypto` the way the demo server serves them.
 */
const RECORDINGS = new URL('../../../src/demo/recordings/', import.meta.url);

interface Recording {
  source: string;
  path: string;
  query?: Record<string, string>;
  contentType: string;
  file: string;
}

/** The demo server's time tokens, resolved against `nowMs` (N seconds from now). */
function resolveTokens(text: string, nowMs: number): string {
  return text.replace(/\{\{(iso|unix|unixms):(-?\d+)\}\}/g, (_, kind: string, offset: string) => {
    const ms = nowMs + Number(offset) * 1000;
    if (kind === 'iso') return new Date(ms).toISOString();
    return String(kind === 'unix' ? Math.floor(ms / 1000) : ms);
  });
}

function demoReplies(nowMs: number): StubReply[] {
  const index = JSON.parse(readFileSync(new URL('crypto.json', RECORDINGS), 'utf8')) as Recording[];
  return index.map((recording) => {
    const body = resolveTokens(readFileSync(new URL(recording.file, RECORDINGS), 'utf8'), nowMs);
    JSON.parse(body); // every body is valid JSON once its tokens are replaced
    return {
      match: (url: URL) =>
        url.pathname === `/${recording.source}${recording.path}` &&
        Object.entries(recording.query ?? {}).every(([key, value]) => url.searchParams.get(key) === value),
      body,
    };
  });
}

const DEMO_ENV = {
  SCREEN_COINGECKO_URL: 'http://127.0.0.1:1/coingecko',
  SCREEN_BINANCE_URL: 'http://127.0.0.1:1/binance',
  SCREEN_COINCAP_URL: 'http://127.0.0.1:1/coincap',
  COINCAP_API_KEY: 'demo-key',
};

async function runDemo(overrides: Partial<typeof DEFAULT_CRYPTO_OPTIONS> & { limit?: number } = {}) {
  const rt = createFakeRuntime({ http: new StubHttp([]), env: DEMO_ENV });
  const http = new StubHttp(demoReplies(rt.clock.now()));
  rt.http = async () => http;
  const { limit, ...crypto } = overrides;
  return { result: await runCrypto(rt, { ...commonOptions({ limit }), ...DEFAULT_CRYPTO_OPTIONS, ...crypto }), http };
}

describe('crypto demo recordings', () => {
  it('replay through every adapter: 250 coins, Binance USD pairs and CoinCap, all fresh', async () => {
    const { result } = await runDemo({ limit: 1000 });
    expect(result.sources.map((s) => [s.name, s.status, s.error])).toEqual([
      ['coingecko', 'fresh', null],
      ['binance', 'fresh', null],
      ['coincap', 'fresh', null],
    ]);
    expect(result.sources[0]!.items).toBe(250);
    expect(result.sources[1]!.items).toBeGreaterThan(200);
    expect(result.sources[2]!.items).toBeGreaterThan(200);
    expect(result.results.length).toBeGreaterThan(150);
    expect(result.results.filter((r) => r.sources.length === 3).length).toBeGreaterThan(100);
  });

  it('show every exclusion reason, the symbol collision and the price mismatch', async () => {
    const { result } = await runDemo({ limit: 1000 });
    const reasonOf = (id: string) => result.excluded!.find((e) => e.id === id)?.reason;
    expect(reasonOf('tether')).toBe('stablecoin');
    expect(reasonOf('wrapped-bitcoin')).toBe('wrapped token');
    expect(reasonOf('staked-ether')).toBe('wrapped token');
    expect(reasonOf('btcup')).toBe('leveraged token');
    expect(reasonOf('3x-long-bitcoin-token')).toBe('leveraged token');
    expect(reasonOf('syrupusdc')).toMatch(/^stablecoin \(7d range [01]\.\d%\)$/);
    expect(result.excluded!.some((e) => e.reason === 'volume below $1M')).toBe(true);

    const row = (id: string) => result.results.find((r) => r.id === id)!;
    expect(row('the-open-network').sources).toContain('binance');
    expect(row('tokamak-network').sources).not.toContain('binance');
    expect(row('neiro-on-eth').flags).toEqual(['price_mismatch:binance']);
    expect(row('binancecoin').sources).toEqual(['coingecko', 'binance', 'coincap']);
    expect(row('bitcoin').sparkline7d).toHaveLength(24);
  });

  it('serve a second CoinGecko page for --top 300', async () => {
    const { result, http } = await runDemo({ top: 300 });
    expect(http.calls.filter((u) => u.pathname.startsWith('/coingecko')).map((u) => u.searchParams.get('page'))).toEqual(['1', '2']);
    expect(result.sources[0]!.items).toBeGreaterThan(250);
  });
});
