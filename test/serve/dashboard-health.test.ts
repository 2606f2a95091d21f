import { afterEach, describe, expect, it } from 'vitest';
import { flushMicrotasks } from '../helpers/manual-clock.js';
import { cryptoResult, failedResult, newsResult, scriptedJob, source, startTestService, type TestService } from './serve-fixtures.js';

/**
 * The dashboard never looks healthy when it is not: its header says `live`, `degraded` or `down`
 * with how many screens are stale or failed and which breakers are not closed, and a failure
 * reason is shown as the CLI's status lines show it (hosts, never URLs or bodies).
 */

const NOW = Date.UTC(2026, 10, 29, 10, 0, 0);
const URL_REASON = 'HTTP 503 from GET https://api.coingecko.com/api/v3/coins/markets?vs_currency=usd&page=1: <html>upstream down</html>';
let running: TestService | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function page(t: TestService): Promise<string> {
  await flushMicrotasks();
  return (await t.service.app.inject({ method: 'GET', url: '/' })).body;
}

function header(html: string): string {
  return /<div id="page-health"[\s\S]*?<\/div>/.exec(html)?.[0] ?? '';
}

describe('the dashboard header', () => {
  it('says live when every screen is fresh', async () => {
    running = startTestService([scriptedJob('crypto', cryptoResult(NOW))]);
    const html = header(await page(running));
    expect(html).toContain('data-health="live"');
  });

  it('says down while every source fails, with the count, the open breaker and short reasons without URLs', async () => {
    running = startTestService([scriptedJob('crypto', failedResult('crypto', NOW, URL_REASON))]);
    const html = await page(running);
    const head = header(html);
    expect(head).toContain('data-health="down"');
    expect(head).toMatch(/1 failed of 1 screen/);
    expect(head).toContain('HTTP 503 from api.coingecko.com');
    expect(html).not.toContain('https://api.coingecko.com/api/v3');
    expect(html).not.toContain('upstream down');
  });

  it('says degraded when one screen serves stale data', async () => {
    running = startTestService([
      scriptedJob(
        'crypto',
        cryptoResult(NOW, 5, [source('coingecko', 'stale', NOW - 600_000, { error: URL_REASON }), source('binance', 'fresh', NOW)]),
      ),
      scriptedJob('news', newsResult(NOW, [{ title: 'ETF', url: 'https://example.com/etf' }]), { query: 'bitcoin' }),
    ]);
    const head = header(await page(running));
    expect(head).toContain('data-health="degraded"');
    expect(head).toMatch(/1 stale of 2 screens/);
    expect(head).not.toContain('https://');
  });
});
