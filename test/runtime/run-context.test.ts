import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRunContext } from '../../src/runtime/run-context.js';
import { resolveRunSettings } from '../../src/options/run-options.js';
import { classifyCoinGeckoResponse } from '../../src/sources/coingecko.js';
import { startFakeApi } from '../helpers/fake-api/index.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { removeDir, tempCacheDir } from '../helpers/run-cli.js';

let dir: string;
const stderr = { write: () => true };
beforeEach(async () => {
  dir = await tempCacheDir();
});
afterEach(async () => {
  await removeDir(dir);
});

describe('createRunContext', () => {
  it('gives sources asking at the same moment one shared HTTP client', async () => {
    const context = await createRunContext({ settings: resolveRunSettings({ cacheDir: dir }, {}), env: {}, stderr, interactive: false });
    const [a, b, c] = await Promise.all([context.runtime.http(), context.runtime.http(), context.runtime.http()]);
    expect(a).toBe(b);
    expect(b).toBe(c);
    await context.close();
  });

  it('starts every source host at its documented pace (plus the 4% arrival margin), or at --pace-ms when given', async () => {
    const clock = new ManualClock();
    const documented = await createRunContext({
      settings: resolveRunSettings({ cacheDir: dir }, {}),
      env: {},
      stderr,
      interactive: false,
      clock,
    });
    const client = (await documented.runtime.http()) as unknown as { limiter: { delayMs(host: string): number } };
    expect(client.limiter.delayMs('api.coingecko.com')).toBe(2080);
    expect(client.limiter.delayMs('api.gdeltproject.org')).toBe(5720);
    // A host no source documents starts at one request a second.
    expect(client.limiter.delayMs('mirror.example')).toBe(1000);
    await documented.close();
    const paced = await createRunContext({
      settings: resolveRunSettings({ cacheDir: dir, paceMs: '0' }, {}),
      env: {},
      stderr,
      interactive: false,
      clock,
    });
    const fast = (await paced.runtime.http()) as unknown as { limiter: { delayMs(host: string): number } };
    expect(fast.limiter.delayMs('api.gdeltproject.org')).toBe(0);
    await paced.close();
  });
});

describe('what a run saves', () => {
  it('writes only the hosts it called: an open breaker of another host survives untouched', async () => {
    const { StateStore } = await import('../../src/store/file/state-store.js');
    const clock = new ManualClock();
    const seeded = await StateStore.load(dir, { clock });
    seeded.setHost('down.example', {
      breaker: { state: 'OPEN', failures: 0, openedAt: clock.now() },
      limiter: { delayMs: 3000, successes: 0, blockedUntil: 0, nextSlotAt: 0, updatedAt: clock.now() },
    });
    await seeded.flush();
    const before = (await StateStore.load(dir, { clock })).host('down.example');

    await clock.advance(5000);
    const context = await createRunContext({
      settings: resolveRunSettings({ cacheDir: dir }, {}),
      env: {},
      stderr,
      interactive: false,
      clock,
    });
    await context.runtime.http(); // a client, but no request to down.example
    await context.finish({ command: 'crypto', sources: [], metricsFile: undefined });
    await context.close();

    const after = (await StateStore.load(dir, { clock })).host('down.example');
    expect(after).toEqual(before);
  });

  it('records each rate limit in the state as the client reports it, soft ones included', async () => {
    const { StateStore } = await import('../../src/store/file/state-store.js');
    const api = await startFakeApi();
    try {
      api.route('GET', '/hard', { status: 429, json: { error: 'slow down' } });
      api.route('GET', '/soft', { json: { status: { error_code: 429, error_message: 'You have exceeded the Rate Limit' } } });
      const clock = new ManualClock();
      const settings = resolveRunSettings({ cacheDir: dir, paceMs: '0', maxRetries: '0' }, {});
      const context = await createRunContext({ settings, env: {}, stderr, interactive: false, clock });
      const http = await context.runtime.http();
      await expect(http.request(`${api.url}/hard`, { source: 'coingecko' })).rejects.toMatchObject({ code: 'QAHT_ERR_RATE_LIMITED' });
      clock.set(clock.now() + 1000);
      const soft = http.request(`${api.url}/soft`, { source: 'coingecko', classify: classifyCoinGeckoResponse });
      await expect(soft).rejects.toMatchObject({ code: 'QAHT_ERR_RATE_LIMITED' });
      await context.finish({ command: 'crypto', sources: [], metricsFile: undefined });
      await context.close();
      const saved = (await StateStore.load(dir, { clock })).source('coingecko');
      expect(saved?.rateLimitEvents).toEqual([clock.now() - 1000, clock.now()]);
    } finally {
      await api.close();
    }
  });

  it('does not record an --offline run as a failure of its sources', async () => {
    const { StateStore } = await import('../../src/store/file/state-store.js');
    const context = await createRunContext({
      settings: resolveRunSettings({ cacheDir: dir }, {}),
      env: {},
      stderr,
      interactive: false,
      mode: 'offline',
    });
    const report = { name: 'coingecko' as const, status: 'stale' as const, fetchedAt: null, ageSeconds: 10, items: 3, error: 'offline' };
    await context.finish({ command: 'crypto', sources: [report], metricsFile: undefined });
    await context.close();
    expect((await StateStore.load(dir)).source('coingecko')?.lastFailureAt).toBeUndefined();
  });
});
