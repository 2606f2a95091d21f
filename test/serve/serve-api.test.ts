import { afterEach, describe, expect, it } from 'vitest';
import { buildStatus } from '../../src/commands/status/run.js';
import { jsonDocument } from '../../src/output/render-json.js';
import { flushMicrotasks } from '../helpers/manual-clock.js';
import { parsePrometheusTextFormat } from '../helpers/prometheus-parser.js';
import { HAS_PROMTOOL, promtoolCheck } from './promtool.js';
import { cryptoResult, failedResult, gate, newsResult, scriptedJob, startTestService, type TestService } from './serve-fixtures.js';

/**
 * Every endpoint and status code of `screen serve` (CONTRACT), through Fastify's `inject()` over
 * the real app and board, with scripted refreshes on a manual clock.
 */

const NOW = Date.UTC(2026, 10, 29, 10, 0, 0);
const TOKEN = 'serve-token-0123456789abcdef';
let running: TestService | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function started(...args: Parameters<typeof startTestService>): Promise<TestService> {
  running = startTestService(...args);
  await flushMicrotasks();
  return running;
}

function get(t: TestService, url: string, headers: Record<string, string> = {}) {
  return t.service.app.inject({ method: 'GET', url, headers });
}

describe('GET /api/signals', () => {
  it('serves the --json document of a screen, ages counted to now', async () => {
    const result = cryptoResult(NOW);
    const t = await started([scriptedJob('crypto', result)]);
    await t.clock.advance(12_000);
    const response = await get(t, '/api/signals?screen=crypto');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    const expected = jsonDocument(result, { refreshed: 1 });
    expected.sources = expected.sources.map((s) => ({ ...s, ageSeconds: s.fetchedAt === null ? null : 12 }));
    expect(response.json()).toEqual(expected);
  });

  it('serves every screen without ?screen=, news keyed by query, null for one with nothing yet', async () => {
    const waiting = gate();
    const t = await started([
      scriptedJob('crypto', cryptoResult(NOW)),
      scriptedJob('news', newsResult(NOW, [{ title: 'ETF inflows', url: 'https://example.com/etf' }]), { query: 'bitcoin' }),
      scriptedJob('news', { gate: waiting.promise, answer: newsResult(NOW, []) }, { query: 'solana' }),
    ]);
    const all = (await get(t, '/api/signals')).json();
    expect(Object.keys(all)).toEqual(['crypto', 'news']);
    expect(all.crypto.command).toBe('crypto');
    expect(Object.keys(all.news)).toEqual(['bitcoin', 'solana']);
    expect(all.news.bitcoin.results[0].title).toBe('ETF inflows');
    expect(all.news.solana).toBeNull();
    waiting.open();
  });

  it('picks a news query with ?q= (case and spaces aside), the first without it; 404 for one not served', async () => {
    const t = await started([
      scriptedJob('news', newsResult(NOW, [{ title: 'first', url: 'https://example.com/1' }]), { query: 'bitcoin' }),
      scriptedJob('news', newsResult(NOW, [{ title: 'second', url: 'https://example.com/2' }]), { query: 'Solana ETF' }),
    ]);
    expect((await get(t, '/api/signals?screen=news')).json().results[0].title).toBe('first');
    expect((await get(t, '/api/signals?screen=news&q=solana%20%20etf')).json().results[0].title).toBe('second');
    const missing = await get(t, '/api/signals?screen=news&q=dogecoin');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ error: 'no news query "dogecoin" is served' });
  });

  it('is 404 for a screen not enabled, 400 for a screen that does not exist or q without news, 503 before the first answer', async () => {
    const waiting = gate();
    const t = await started([scriptedJob('crypto', { gate: waiting.promise, answer: cryptoResult(NOW) })]);
    expect((await get(t, '/api/signals?screen=market')).statusCode).toBe(404);
    expect((await get(t, '/api/signals?screen=market')).json()).toEqual({ error: 'screen market is not enabled' });
    const bogus = await get(t, '/api/signals?screen=stocks');
    expect(bogus.statusCode).toBe(400);
    expect(bogus.json().error).toMatch(/^bad query: .*screen/);
    expect((await get(t, '/api/signals?screen=crypto&q=x')).statusCode).toBe(400);
    expect((await get(t, `/api/signals?screen=news&q=${'x'.repeat(201)}`)).statusCode).toBe(400);
    const early = await get(t, '/api/signals?screen=crypto');
    expect(early.statusCode).toBe(503);
    expect(early.headers['retry-after']).toBe('5');
    waiting.open();
    await flushMicrotasks();
    expect((await get(t, '/api/signals?screen=crypto')).statusCode).toBe(200);
  });

  it('says why a screen that never answered has nothing: its failure', async () => {
    const t = await started([scriptedJob('crypto', failedResult('crypto', NOW, 'HTTP 503 from GET api.coingecko.com'))]);
    const response = await get(t, '/api/signals?screen=crypto');
    expect(response.statusCode).toBe(503);
    expect(response.json().error).toBe(
      'crypto has nothing to serve yet: every source failed (coingecko: HTTP 503 from GET api.coingecko.com; binance: HTTP 503 from GET api.coingecko.com)',
    );
  });
});

describe('GET /readyz and /healthz', () => {
  it('/readyz is 503 until every screen has something to serve, then 200; /healthz is 200 throughout', async () => {
    const slowNews = gate();
    const t = await started([
      scriptedJob('crypto', cryptoResult(NOW)),
      scriptedJob('news', { gate: slowNews.promise, answer: newsResult(NOW, []) }, { query: 'bitcoin' }),
    ]);
    const before = await get(t, '/readyz');
    expect(before.statusCode).toBe(503);
    expect(before.json()).toEqual({
      ready: false,
      screens: [
        { screen: 'crypto', ready: true, stale: false },
        { screen: 'news', query: 'bitcoin', ready: false, stale: false },
      ],
    });
    expect((await get(t, '/healthz')).statusCode).toBe(200);
    slowNews.open();
    await flushMicrotasks();
    expect((await get(t, '/readyz')).statusCode).toBe(200);
    expect((await get(t, '/healthz')).json()).toEqual({ status: 'ok' });
    expect((await t.service.app.inject({ method: 'HEAD', url: '/healthz' })).statusCode).toBe(200);
  });

  it('stays ready while a screen serves stale data, and says so', async () => {
    const job = scriptedJob('crypto', cryptoResult(NOW));
    job.push(new Error('disk full'));
    const t = await started([job]);
    await t.clock.advance(60_000);
    const response = await get(t, '/readyz');
    expect(response.statusCode).toBe(200);
    expect(response.json().screens[0]).toEqual({ screen: 'crypto', ready: true, stale: true });
  });
});

describe('GET /api/metrics and /metrics', () => {
  it('/api/metrics is the monitor stats, the API requests themselves included', async () => {
    const t = await started([scriptedJob('crypto', cryptoResult(NOW))]);
    t.monitor.increment('cache_hits', 3);
    t.monitor.increment('cache_misses', 1);
    await get(t, '/api/signals?screen=crypto');
    const stats = (await get(t, '/api/metrics')).json();
    expect(Object.keys(stats)).toEqual(['uptimeS', 'cacheHitRate', 'counters', 'timings', 'errors']);
    expect(stats.cacheHitRate).toBe(0.75);
    expect(stats.timings['serve.request'].count).toBe(1);
  });

  it('/metrics is Prometheus text: command="serve" on every series, sources and hosts as labels, the API latency', async () => {
    const t = await started([
      scriptedJob('crypto', cryptoResult(NOW)),
      scriptedJob('news', newsResult(NOW, []), { query: 'bitcoin' }),
      scriptedJob('news', newsResult(NOW, []), { query: 'solana' }),
    ]);
    await get(t, '/api/signals?screen=crypto');
    await get(t, '/');
    const response = await get(t, '/metrics');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = response.body;
    const families = parsePrometheusTextFormat(text);
    expect(families.map((family) => family.name)).toEqual(
      expect.arrayContaining(['qaht_source_status', 'qaht_breaker_state', 'qaht_operation_duration_seconds']),
    );
    // The parser folds a summary's samples into one object without their labels: the lines say it.
    const samples = text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
    expect(samples.length).toBeGreaterThan(20);
    for (const line of samples) expect(line).toMatch(/^[a-z_]+\{command="serve"[,}]/);
    const status = families.find((family) => family.name === 'qaht_source_status')!;
    // google_news and hn run for both queries, yet appear once each.
    const googleNews = status.metrics.filter((metric) => metric.labels?.source === 'google_news' && metric.labels.status === 'fresh');
    expect(googleNews).toEqual([{ labels: { command: 'serve', source: 'google_news', status: 'fresh' }, value: '1' }]);
    const breaker = families.find((family) => family.name === 'qaht_breaker_state')!;
    expect(breaker.metrics).toContainEqual({ labels: { command: 'serve', host: 'api.coingecko.com', state: 'closed' }, value: '1' });
    // The monitor's labelled series: one per route served.
    expect(text).toMatch(/^qaht_operation_duration_seconds_count\{command="serve",operation="serve.request",route="\/api\/signals"\} 1$/m);
    expect(text).toMatch(/^qaht_operation_duration_seconds_count\{command="serve",operation="serve.request",route="\/"\} 1$/m);
    if (HAS_PROMTOOL) {
      const checked = await promtoolCheck(text);
      expect(checked, checked.output).toEqual({ code: 0, output: '' });
    } else {
      console.warn('promtool not installed: /metrics checked by the parser only');
    }
  });
});

describe('GET /', () => {
  it('renders the page: the ranked rows with sparklines, freshness badges, the health panel; assets from qaht only', async () => {
    const t = await started([scriptedJob('crypto', cryptoResult(NOW))]);
    t.setHealth(
      buildStatus({
        cacheDir: '/tmp/x',
        env: {},
        nowMs: NOW,
        hosts: {
          'api.coingecko.com': {
            breaker: { state: 'OPEN', failures: 5, openedAt: NOW - 10_000, halfOpenInFlight: 0 },
            limiter: { delayMs: 4160, blockedUntil: 0 },
            updatedAt: NOW,
          },
        },
        sources: { binance: { lastSuccessAt: NOW - 120_000 } },
        budgets: { alphavantage: { day: '2026-11-29', used: 7 } },
        listings: [],
      }),
    );
    const response = await get(t, '/');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['content-security-policy']).toContain("default-src 'none'");
    const page = response.body;
    expect(page.match(/<tr data-id="coin-\d+">/g)).toHaveLength(25);
    expect(page.match(/<svg class="spark"/g)).toHaveLength(25);
    expect(page).toContain('<li class="badge status-fresh" data-fetched-at="');
    expect(page).toMatch(
      /<tr data-source="coingecko"><td><b>coingecko<\/b><\/td><td><div title="api.coingecko.com"><span class="breaker breaker-open">open<\/span> <span class="note">probe in 50s<\/span>/,
    );
    expect(page).toContain('4.2s / 2.0s');
    expect(page).toContain('18 of 25');
    // Every asset the page names is served by qaht and found there.
    const assets = [...page.matchAll(/(?:href|src)="(\/[^"]*)"/g)].map((match) => match[1]!);
    expect(assets.length).toBeGreaterThanOrEqual(6);
    for (const path of assets) expect((await get(t, path)).statusCode, path).toBe(200);
    expect(page).not.toMatch(/(?:href|src)="(?:https?:)?\/\//);
  });

  it('escapes third-party text for HTML and never links a javascript: URL', async () => {
    const hostile = '<script>alert(1)</script>\u202e"onmouseover="x';
    const t = await started([
      scriptedJob('crypto', { ...cryptoResult(NOW, 1), results: [{ ...cryptoResultRow(), name: hostile, symbol: '<b>X' }] }),
      scriptedJob(
        'news',
        newsResult(NOW, [
          { title: hostile, url: 'javascript:alert(document.cookie)', source: '<img src=x onerror=alert(1)>' },
          { title: 'fine', url: 'https://example.com/a?b=1&c="2"' },
        ]),
        { query: '<q>' },
      ),
    ]);
    const page = (await get(t, '/')).body;
    expect(page).not.toContain('<script>alert');
    expect(page).not.toContain('<img src=x');
    expect(page).not.toContain('\u202e');
    expect(page).not.toContain('javascript:');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;onmouseover=&quot;x');
    expect(page).toContain('<a href="https://example.com/a?b=1&amp;c=%222%22" rel="noopener noreferrer nofollow" target="_blank">fine</a>');
    expect(page).toContain('News: &lt;q&gt;');
    // The page's only script is qaht's own file.
    expect(page.match(/<script/g)).toHaveLength(1);
  });
});

function cryptoResultRow(): Record<string, unknown> {
  return cryptoResult(NOW, 1).results[0] as Record<string, unknown>;
}

describe('the bearer token', () => {
  it('guards every route but /healthz when SCREEN_SERVE_TOKEN is set; the right token (any case of "Bearer") passes', async () => {
    const t = await started([scriptedJob('crypto', cryptoResult(NOW))], { token: TOKEN });
    for (const path of ['/', '/api/signals?screen=crypto', '/api/signals', '/api/metrics', '/metrics', '/readyz', '/api/events', '/nope']) {
      for (const headers of [
        {} as Record<string, string>,
        { authorization: `Bearer ${TOKEN}x` },
        { authorization: `Basic ${TOKEN}` },
        { authorization: 'Bearer' },
      ]) {
        const response = await get(t, path, headers);
        expect(response.statusCode, `${path} ${JSON.stringify(headers)}`).toBe(401);
        expect(response.headers['www-authenticate']).toBe('Bearer realm="qaht"');
        expect(response.json()).toEqual({ error: 'missing or wrong bearer token' });
      }
    }
    expect((await get(t, '/healthz')).statusCode).toBe(200);
    expect((await get(t, '/api/signals?screen=crypto', { authorization: `Bearer ${TOKEN}` })).statusCode).toBe(200);
    expect((await get(t, '/readyz', { authorization: `bearer ${TOKEN}` })).statusCode).toBe(200);
  });

  it('is not asked for without one', async () => {
    const t = await started([scriptedJob('crypto', cryptoResult(NOW))]);
    expect((await get(t, '/api/signals?screen=crypto')).statusCode).toBe(200);
  });
});

describe('limits on the server itself', () => {
  it('rate-limits each client address: 429 with Retry-After once its burst is spent, again allowed as time passes; /healthz never', async () => {
    const t = await started([scriptedJob('crypto', cryptoResult(NOW))], { requestsPerWindow: 5 });
    const codes: number[] = [];
    for (let i = 0; i < 7; i++) codes.push((await get(t, '/api/signals?screen=crypto')).statusCode);
    expect(codes).toEqual([200, 200, 200, 200, 200, 429, 429]);
    const limited = await get(t, '/api/metrics');
    expect(limited.headers['retry-after']).toBe('2');
    expect((await get(t, '/healthz')).statusCode).toBe(200);
    await t.clock.advance(2_000);
    expect((await get(t, '/api/metrics')).statusCode).toBe(200);
    expect((await get(t, '/api/metrics')).statusCode).toBe(429);
  });

  it('refuses a request target over 2 KiB (414), a body over 1 KiB (413), and unknown routes and methods (404)', async () => {
    const t = await started([scriptedJob('crypto', cryptoResult(NOW))]);
    const long = await get(t, `/api/signals?screen=crypto&pad=${'x'.repeat(2100)}`);
    expect(long.statusCode).toBe(414);
    const body = await t.service.app.inject({
      method: 'POST',
      url: '/api/signals',
      payload: 'x'.repeat(2000),
      headers: { 'content-type': 'text/plain' },
    });
    expect([404, 413]).toContain(body.statusCode);
    const big = await t.service.app.inject({
      method: 'GET',
      url: '/api/signals?screen=crypto',
      payload: JSON.stringify({ pad: 'x'.repeat(2000) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(big.statusCode).toBe(413);
    const unknown = await get(t, '/etc/passwd');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toEqual({ error: 'no route GET /etc/passwd' });
    expect((await t.service.app.inject({ method: 'DELETE', url: '/api/signals' })).statusCode).toBe(404);
  });

  it('sends the security headers with every answer', async () => {
    const t = await started([scriptedJob('crypto', cryptoResult(NOW))]);
    for (const path of ['/', '/api/signals?screen=crypto', '/nope', '/healthz']) {
      const response = await get(t, path);
      expect(response.headers['x-content-type-options'], path).toBe('nosniff');
      expect(response.headers['x-frame-options'], path).toBe('DENY');
      expect(response.headers['referrer-policy'], path).toBe('no-referrer');
    }
  });
});
