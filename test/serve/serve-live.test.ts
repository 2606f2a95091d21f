import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeApi } from '../helpers/fake-api/index.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { parsePrometheusTextFormat } from '../helpers/prometheus-parser.js';
import { runMain, useCliSandbox } from '../helpers/run-cli.js';
import { BODIES, CRYPTO_PATHS } from '../cli/crypto-fixtures.js';
import { waitUntil } from '../cli/ops-fixtures.js';
import { HAS_PROMTOOL, promtoolCheck } from './promtool.js';
import { httpGet, type LiveServe, MARKER_KEYS, openEvents, routeEverything, serveEnv, startLiveServe } from './live-fixtures.js';

/**
 * `screen serve` for real: `main` in-process on a real port 0, its sources on the fake API
 * server, the schedule on a manual clock the test advances. What a reader, a dashboard or a
 * Prometheus server sees, and what reaches the upstream APIs.
 */

let api: FakeApi;
let cacheDir: string;
let serve: LiveServe | undefined;

useCliSandbox((sandbox) => {
  ({ api, cacheDir } = sandbox);
  routeEverything(api);
});
afterEach(async () => {
  await serve?.stop();
  serve = undefined;
});

/** No rate limit to speak of: these tests poll, and the manual clock never refills a bucket. */
const ARGS = ['--rate-limit', '1000000'];

async function start(args: string[] = [], extraEnv: Record<string, string> = {}, options: { keys?: boolean } = {}) {
  const clock = new ManualClock(Date.now());
  serve = await startLiveServe([...ARGS, ...args], serveEnv(api, cacheDir, extraEnv, options), clock);
  return { clock, origin: serve.origin };
}

/** A served document, or the `/readyz` answer, as these tests read them. */
interface Served {
  command: string;
  results: unknown[];
  sources: Array<{ name: string; status: string; ageSeconds: number | null; error: string | null }>;
  screens: Array<{ screen: string }>;
  news: Record<string, unknown>;
}

async function json(url: string): Promise<{ status: number; body: Served }> {
  const response = await httpGet(url);
  return { status: response.status, body: JSON.parse(response.body) as Served };
}

/**
 * Polls `/readyz` until 200. With `nudge`, the manual clock also moves 50 ms a poll: two news
 * queries share Finnhub's crypto feed, and the second waits for the first's cache lock with
 * short sleeps on the clock.
 */
async function waitReady(origin: string, nudge?: ManualClock): Promise<void> {
  let status = 0;
  const deadline = performance.now() + 15_000;
  while (status !== 200) {
    if (performance.now() > deadline) throw new Error('not ready within 15 s');
    status = (await httpGet(`${origin}/readyz`)).status;
    if (status === 200) break;
    if (nudge) await nudge.advance(50);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Waits for `condition`, moving the manual clock 50 ms at a time (for the cache lock two news queries share). */
async function nudgeUntil(condition: () => boolean, clock: ManualClock, what: string): Promise<void> {
  const deadline = performance.now() + 15_000;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await clock.advance(50);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('screen serve against the fake APIs', () => {
  it('is not ready (503) until every screen has an answer, then serves each screen the --json document', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    api.route('GET', CRYPTO_PATHS.coingecko, async (_req, _url, ctx) => {
      await held;
      ctx.json(BODIES.coingecko);
    });
    const { origin } = await start();
    await waitUntil(() => api.requestCount('/gn/rss/search') > 0, 'the news refresh');
    const early = await json(`${origin}/readyz`);
    expect(early.status).toBe(503);
    expect(early.body.screens.find((screen) => screen.screen === 'crypto')).toEqual({
      screen: 'crypto',
      ready: false,
      stale: false,
    });
    expect((await httpGet(`${origin}/api/signals?screen=crypto`)).status).toBe(503);
    release();
    await waitReady(origin);

    const crypto = await json(`${origin}/api/signals?screen=crypto`);
    expect(crypto.status).toBe(200);
    expect(crypto.body.command).toBe('crypto');
    expect(crypto.body.results.length).toBeGreaterThanOrEqual(20);
    expect(crypto.body.sources.map((s) => [s.name, s.status])).toEqual([
      ['coingecko', 'fresh'],
      ['binance', 'fresh'],
      ['coincap', 'fresh'],
      // The live stream, on a port nothing listens on here (its own tests are serve-stream's).
      ['binance-stream', 'down'],
    ]);
    const news = await json(`${origin}/api/signals?screen=news&q=bitcoin`);
    expect(news.body.command).toBe('news');
    expect(news.body.results.length).toBeGreaterThan(0);
    const market = await json(`${origin}/api/signals?screen=market`);
    expect(market.body.command).toBe('market');
    expect(market.body.results.length).toBeGreaterThan(0);
    const all = await json(`${origin}/api/signals`);
    expect(Object.keys(all.body)).toEqual(['crypto', 'news', 'market']);
    expect(Object.keys(all.body.news)).toEqual(['bitcoin']);
  });

  it('answers readers from memory: only the schedule reaches upstream, one update event per refreshed screen', async () => {
    const { clock, origin } = await start([
      '--every',
      'crypto=60s,news=5m,market=off',
      '--news-query',
      'bitcoin',
      '--news-query',
      'ethereum',
    ]);
    const startedAt = clock.now();
    await waitReady(origin, clock);
    const events = await openEvents(origin);
    const before = api.requestCount();
    for (let i = 0; i < 20; i++) {
      for (const path of [
        '/',
        '/api/signals?screen=crypto',
        '/api/signals?screen=news&q=ethereum',
        '/api/signals',
        '/api/metrics',
        '/metrics',
        '/readyz',
      ]) {
        expect((await httpGet(`${origin}${path}`)).status, path).toBe(200);
      }
    }
    expect(api.requestCount()).toBe(before);

    // The next refresh is due a minute after the data was fetched (the clock moved a little since the start).
    await clock.advance(startedAt + 60_000 - clock.now());
    await nudgeUntil(() => events.events.length >= 1, clock, 'the crypto update event');
    // Crypto's three lists again (Binance's exchangeInfo is cached for a day); news not yet due.
    expect(api.requestCount() - before).toBe(3);
    expect(events.events.map((e) => [e.event, (e.data as { screen: string }).screen])).toEqual([['update', 'crypto']]);
    const update = events.events[0]!.data as {
      document: { command: string; results: unknown[] };
      html: { id: string; section: string; health: string };
    };
    expect(update.document.command).toBe('crypto');
    expect(update.html.id).toBe('crypto');
    expect(update.html.section).toMatch(/^<section id="crypto"/);
    expect(update.html.health).toMatch(/^<section id="health"/);

    // Crypto every minute; at five minutes both news queries too.
    for (let minute = 2; minute <= 5; minute++) {
      await clock.advance(startedAt + minute * 60_000 - clock.now());
      await nudgeUntil(() => events.events.length >= minute + (minute === 5 ? 2 : 0), clock, `the updates of minute ${minute}`);
    }
    const screens = events.events.map((e) => {
      const data = e.data as { screen: string; query: string | null };
      return data.query === null ? data.screen : `${data.screen} ${data.query}`;
    });
    expect(screens.filter((s) => s === 'crypto')).toHaveLength(5);
    expect(screens.filter((s) => s.startsWith('news')).sort()).toEqual(['news bitcoin', 'news ethereum']);
    events.close();
  });

  it('keeps serving while the APIs are down: the cached answer, marked stale with its age and the failure', async () => {
    const { clock, origin } = await start(['--every', 'crypto=60s,news=off,market=off']);
    await waitReady(origin);
    const events = await openEvents(origin);
    for (const path of Object.values(CRYPTO_PATHS)) api.fault(path, { status: 503 });
    await clock.advance(60_000);
    await waitUntil(() => events.events.length >= 1, 'the failed refresh');
    await clock.advance(30_000);
    const down = await json(`${origin}/api/signals?screen=crypto`);
    expect(down.status).toBe(200);
    expect(down.body.results.length).toBeGreaterThanOrEqual(20);
    for (const name of ['coingecko', 'binance', 'coincap']) {
      const report = down.body.sources.find((s) => s.name === name)!;
      expect(report.status, name).toBe('stale');
      expect(report.ageSeconds, name).toBe(90);
      expect(report.error, name).toMatch(/HTTP 503/);
    }
    expect((await httpGet(`${origin}/readyz`)).status).toBe(200);
    const page = (await httpGet(`${origin}/`)).body;
    expect(page).toContain('<li class="badge status-stale"');
    events.close();
  });

  it('never puts an API key in a response, an event or the log', async () => {
    const { clock, origin } = await start(['--log-level', 'debug']);
    await waitReady(origin);
    const events = await openEvents(origin);
    await clock.advance(60_000);
    await waitUntil(() => events.events.length >= 1, 'an update event');
    const page = (await httpGet(`${origin}/`)).body;
    const assets = [...page.matchAll(/(?:href|src)="(\/assets\/[^"]*)"/g)].map((match) => match[1]!);
    const paths = [
      '/',
      ...assets,
      '/api/signals',
      '/api/signals?screen=crypto',
      '/api/signals?screen=news',
      '/api/signals?screen=market',
      '/api/metrics',
      '/metrics',
      '/readyz',
      '/healthz',
      '/nope',
    ];
    const bodies = await Promise.all(paths.map(async (path) => (await httpGet(`${origin}${path}`)).body));
    events.close();
    const everything = [...bodies, events.text(), serve!.stderr()].join('\n');
    expect(everything.length).toBeGreaterThan(50_000);
    for (const [variable, key] of Object.entries(MARKER_KEYS)) expect(everything.includes(key), variable).toBe(false);
    // The keys did reach the APIs: they are set, and used.
    expect(
      api.requests.some((r) => r.query.get('apiKey') === MARKER_KEYS.NEWSAPI_KEY || r.headers['x-api-key'] === MARKER_KEYS.NEWSAPI_KEY),
    ).toBe(true);
  });

  it('serves Prometheus text that the parser and promtool accept, with the fleet of sources and hosts as labels', async () => {
    const { origin } = await start();
    await waitReady(origin);
    await httpGet(`${origin}/api/signals?screen=crypto`);
    const text = (await httpGet(`${origin}/metrics`)).body;
    const families = parsePrometheusTextFormat(text);
    const names = families.map((family) => family.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'qaht_source_up',
        'qaht_http_request_duration_seconds',
        'qaht_breaker_state',
        'qaht_operation_duration_seconds',
      ]),
    );
    const sources = new Set(families.find((f) => f.name === 'qaht_source_status')!.metrics.map((m) => m.labels?.source));
    expect([...sources].sort()).toEqual([
      'alphavantage',
      'binance',
      'coincap',
      'coingecko',
      'finnhub',
      'gdelt',
      'google_news',
      'hn',
      'newsapi',
      'stooq',
    ]);
    for (const line of text.split('\n').filter((l) => l !== '' && !l.startsWith('#'))) expect(line).toContain('command="serve"');
    expect(text).toMatch(new RegExp(`qaht_breaker_state\\{command="serve",host="${api.host.replace('.', '\\.')}",state="closed"\\} 1`));
    if (HAS_PROMTOOL) {
      const checked = await promtoolCheck(text);
      expect(checked, checked.output).toEqual({ code: 0, output: '' });
    } else {
      console.warn('promtool not installed: /metrics checked by the parser only');
    }
  });

  it('requires the bearer token on a real socket when SCREEN_SERVE_TOKEN is set, except /healthz', async () => {
    const token = 'live-token-5f2c9d1e7a3b';
    const { origin } = await start([], { SCREEN_SERVE_TOKEN: token });
    expect((await httpGet(`${origin}/api/signals?screen=crypto`)).status).toBe(401);
    expect((await httpGet(`${origin}/healthz`)).status).toBe(200);
    await waitUntil(() => api.requestCount(CRYPTO_PATHS.coingecko) > 0, 'the first refresh');
    const authorised = { authorization: `Bearer ${token}` };
    const deadline = performance.now() + 15_000;
    while ((await httpGet(`${origin}/readyz`, authorised)).status !== 200) {
      if (performance.now() > deadline) throw new Error('not ready');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect((await httpGet(`${origin}/api/signals?screen=crypto`, authorised)).status).toBe(200);
    const events = await openEvents(origin, authorised);
    events.close();
    await expect(openEvents(origin)).rejects.toThrow('401');
  });

  it('refuses a header block over 8 KiB (431)', async () => {
    const { origin } = await start();
    expect((await httpGet(`${origin}/healthz`, { 'x-pad': 'x'.repeat(9_000) })).status).toBe(431);
  });

  it('stops on SIGTERM: event streams end, state is saved, main returns 0', async () => {
    const { origin } = await start();
    await waitReady(origin);
    const events = await openEvents(origin);
    const code = await serve!.stop('SIGTERM');
    serve = undefined;
    expect(code).toBe(0);
    await events.ended;
    const state = JSON.parse(await readFile(join(cacheDir, 'state.json'), 'utf8'));
    expect(Object.keys(state.hosts)).toContain(api.host);
    expect(state.sources.coingecko.lastSuccessAt).toEqual(expect.any(Number));
    await expect(httpGet(`${origin}/healthz`)).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('screen serve: bad set-ups are exit 2 with one line, before listening', () => {
  it('a non-loopback --host without SCREEN_SERVE_TOKEN, a short token, a bad --every, a taken port', async () => {
    const env = serveEnv(api, cacheDir);
    const cases: Array<[string[], Record<string, string>, RegExp]> = [
      [['--host', '0.0.0.0'], {}, /^screen: --host 0\.0\.0\.0 can be reached from other machines: set SCREEN_SERVE_TOKEN/],
      [['--host', 'example.com'], {}, /can be reached from other machines/],
      [[], { SCREEN_SERVE_TOKEN: 'short' }, /^screen: SCREEN_SERVE_TOKEN must be at least 16 characters long\n$/],
      [['--every', 'crypto=5s'], {}, /^screen: --every crypto must be between 10s and 1d, got "5s"\n$/],
      [['--every', 'stocks=1m'], {}, /^screen: --every: unknown screen "stocks"; choose from crypto, news, market\n$/],
      [['--every', 'crypto=off,news=off,market=off'], {}, /^screen: nothing to serve: every screen is off in --every\n$/],
      [['--host', 'not a host'], {}, /^screen: --host expects an IP address or a hostname/],
    ];
    for (const [args, extra, message] of cases) {
      const run = await runMain(['serve', '--port', '0', ...args], { ...env, ...extra });
      expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toContain('listening');
    }
    // The token itself is never quoted.
    const leaky = await runMain(['serve', '--port', '0'], { ...env, SCREEN_SERVE_TOKEN: 'secret with space' });
    expect(leaky.stderr).toBe('screen: SCREEN_SERVE_TOKEN must not contain spaces or control characters\n');
  });

  it('a port already in use', async () => {
    const { origin } = await start();
    const port = new URL(origin).port;
    const clock = new ManualClock(Date.now());
    const second = await import('../../src/cli/main.js').then(({ main }) => {
      let stderr = '';
      return main(['node', 'screen', 'serve', '--port', port], {
        stdout: { write: () => true },
        stderr: { write: (chunk: string) => (stderr += chunk) },
        env: serveEnv(api, cacheDir),
        clock,
        interrupts: { subscribe: () => () => undefined, exit: () => undefined },
      }).then((code) => ({ code, stderr }));
    });
    expect(second.code).toBe(2);
    expect(second.stderr).toBe(`screen: cannot listen on 127.0.0.1:${port}: the address is in use\n`);
  });

  it('leaves market out when no market source has a key, and says so', async () => {
    const { origin } = await start([], {}, { keys: false });
    expect(serve!.stderr()).toContain(
      'note: market left out: none of its sources has a key (set FINNHUB_API_KEY, ALPHAVANTAGE_API_KEY or STOOQ_API_KEY)',
    );
    expect((await httpGet(`${origin}/api/signals?screen=market`)).status).toBe(404);
  });
});
