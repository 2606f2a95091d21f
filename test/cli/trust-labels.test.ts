import { describe, expect, it } from 'vitest';
import type { FakeApi } from '../helpers/fake-api/index.js';
import { runMain, useCliSandbox } from '../helpers/run-cli.js';
import { parseCommandJson } from './ops-fixtures.js';
import {
  MARKET_KEYS,
  MARKET_PATHS,
  marketEnv,
  type MarketRowJson,
  readStateFile,
  routeMarket,
  syntheticSymbols,
} from './market-fixtures.js';

/**
 * Honest labels: Alpha Vantage's premium-endpoint notice is "not on the free plan" (no limiter or
 * breaker learns from it), and a market row says what its change is measured against
 * (`changeBasis`) in JSON, CSV and alert rules.
 */

let api: FakeApi;
let cacheDir: string;
useCliSandbox((sandbox) => {
  ({ api, cacheDir } = sandbox);
});

const PREMIUM_NOTICE = {
  Information:
    'Thank you for using Alpha Vantage! This is a premium endpoint. You may subscribe to any of the premium plans at https://www.alphavantage.co/premium/ to instantly unlock all premium endpoints',
};

describe('labels that say what happened', () => {
  it('a premium-endpoint notice is "not on the free plan", not a rate limit, and teaches no limiter or breaker', async () => {
    routeMarket(api);
    api.route('GET', MARKET_PATHS.alphavantage, { json: PREMIUM_NOTICE });
    const run = await runMain(['market', '--sources', 'alphavantage', 'IBM', '--json'], marketEnv(api, cacheDir));
    expect(run.code, run.stderr).toBe(1);
    const doc = parseCommandJson<MarketRowJson>(run.stdout, run.stderr);
    const av = doc.sources.find((source) => source.name === 'alphavantage')!;
    expect(av.status).toBe('failed');
    expect(av.error).toMatch(/not on the free plan/);
    expect(av.error).not.toMatch(/rate limit/);
    expect(run.stderr).not.toMatch(/rate limited/);
    expect(run.stdout + run.stderr).not.toContain(MARKET_KEYS.alphavantage);
    // Neither the breaker nor the limiter heard of it: no failure, no slow-down, no success either.
    const host = new URL(api.url).host;
    const state = (await readStateFile(cacheDir)) as unknown as {
      hosts: Record<string, { breaker: { failures: number }; limiter: { delayMs: number; successes: number; blockedUntil: number } }>;
    };
    expect(state.hosts[host]!.breaker.failures).toBe(0);
    expect(state.hosts[host]!.limiter).toMatchObject({ successes: 0, blockedUntil: 0 });
    const before = state.hosts[host]!.limiter.delayMs;
    await runMain(['market', '--sources', 'alphavantage', 'MSFT', '--json'], marketEnv(api, cacheDir));
    const after = (await readStateFile(cacheDir)) as unknown as typeof state;
    expect(after.hosts[host]!.limiter.delayMs).toBe(before);
    expect(after.hosts[host]!.breaker.failures).toBe(0);
  });

  it('a market row says whether its change is since the previous close or since the open: JSON, CSV and rules', async () => {
    routeMarket(api);
    const [ticker] = syntheticSymbols(1);
    const basisOf = async (sources: string, symbol: string): Promise<string> => {
      const json = await runMain(['market', '--sources', sources, symbol, '--json'], marketEnv(api, cacheDir));
      return parseCommandJson<MarketRowJson>(json.stdout, json.stderr).results[0]!.changeBasis;
    };
    expect(await basisOf('stooq', ticker!)).toBe('open');
    expect(await basisOf('finnhub', 'IBM')).toBe('prevClose');

    const csv = await runMain(['market', '--sources', 'stooq', ticker!, '--csv'], marketEnv(api, cacheDir));
    const [header, line] = csv.stdout.trim().split('\n');
    expect(line!.split(',')[header!.split(',').indexOf('changeBasis')]).toBe('open');

    // A rule can tell the two apart (a since-open move is not a day's move).
    const fired = async (sources: string, symbol: string): Promise<string[]> => {
      const alert = await runMain(
        ['market', '--sources', sources, symbol, '--json', '--force-refresh', '--alert', 'changeBasis == "prevClose" and price > 0'],
        marketEnv(api, cacheDir),
      );
      return (JSON.parse(alert.stdout) as { alerts: Array<{ symbol: string }> }).alerts.map((a) => a.symbol);
    };
    expect(await fired('stooq', ticker!)).toEqual([]);
    expect(await fired('finnhub', 'IBM')).toEqual(['IBM']);
  });
});
