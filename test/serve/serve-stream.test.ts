import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeApi } from '../helpers/fake-api/index.js';
import { type FakeStream, startFakeStream } from '../helpers/fake-api/index.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { useCliSandbox } from '../helpers/run-cli.js';
import { waitUntil } from '../cli/ops-fixtures.js';
import { httpGet, type LiveServe, openEvents, routeEverything, serveEnv, startLiveServe } from './live-fixtures.js';

/**
 * `screen serve`'s live prices: `main` in-process on a real port, the REST sources on the fake
 * API, Binance's stream on a loopback WebSocket server, the schedule and the tick pacing on a
 * manual clock.
 */

let api: FakeApi;
let cacheDir: string;
let stream: FakeStream;
let serve: LiveServe | undefined;

useCliSandbox((sandbox) => {
  ({ api, cacheDir } = sandbox);
  routeEverything(api);
});
beforeEach(async () => {
  stream = await startFakeStream();
});
afterEach(async () => {
  await serve?.stop();
  serve = undefined;
  await stream.close();
});

interface Row {
  id: string;
  symbol: string;
  priceUsd: number | null;
  priceAt: string;
  priceSource: 'stream' | 'rest';
  sources: string[];
  flags: string[];
}
interface Doc {
  sources: Array<{ name: string; status: string; items: number; error: string | null }>;
  results: Row[];
}

async function crypto(origin: string): Promise<Doc> {
  return JSON.parse((await httpGet(`${origin}/api/signals?screen=crypto`)).body) as Doc;
}

/** Rows the stream can price: a Binance-confirmed price, no mismatch flag. */
function priced(doc: Doc): Row[] {
  return doc.results.filter((row) => row.sources.includes('binance') && !row.flags.includes('price_mismatch:binance'));
}

async function firstAnswer(origin: string): Promise<Doc> {
  for (;;) {
    const response = await httpGet(`${origin}/api/signals?screen=crypto`);
    if (response.status === 200) return JSON.parse(response.body) as Doc;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** `serve` on `clock`: the crypto screen every 60 s, no news or market, prices from the stand-in stream. */
async function startStreamingServe(clock: ManualClock): Promise<LiveServe> {
  return startLiveServe(
    ['--rate-limit', '1000000', '--every', 'crypto=60s,news=off,market=off'],
    serveEnv(api, cacheDir, { SCREEN_BINANCE_WS_URL: stream.wsUrl }),
    clock,
  );
}

/** Starts that serve (kept in `serve` for the clean-up) and gives its first crypto answer once the stream is connected. */
async function streamingAnswer(clock: ManualClock): Promise<{ rest: Doc; origin: string }> {
  serve = await startStreamingServe(clock);
  const rest = await firstAnswer(serve.origin);
  await waitUntil(() => stream.server.sockets.size === 1, 'the stream connection');
  return { rest, origin: serve.origin };
}

describe('live prices in screen serve', () => {
  it('a tick reaches /api/signals and the event stream within a second; rows say where their price came from', async () => {
    const clock = new ManualClock(Date.now());
    const { rest, origin } = await streamingAnswer(clock);
    expect(rest.results.every((row) => row.priceSource === 'rest')).toBe(true);
    const events = await openEvents(origin);
    const target = priced(rest)[0]!;
    const moved = Math.round(target.priceUsd! * 1.01 * 1e6) / 1e6;
    const atMs = clock.now();

    const sentAt = performance.now();
    stream.sendPrices({ [`${target.symbol}USDT`]: moved }, atMs);
    await waitUntil(() => events.events.some((e) => e.event === 'tick'), 'the tick event', 1_000);
    let doc = await crypto(origin);
    while (doc.results.find((row) => row.id === target.id)?.priceSource !== 'stream') {
      if (performance.now() - sentAt > 1_000) throw new Error('the tick did not reach /api/signals within 1 s');
      doc = await crypto(origin);
    }
    expect(performance.now() - sentAt).toBeLessThan(1_000);

    const tick = events.events.find((e) => e.event === 'tick')!.data as Array<Record<string, unknown>>;
    expect(tick).toEqual([{ id: target.id, symbol: target.symbol, priceUsd: moved, priceAt: new Date(atMs).toISOString() }]);
    const row = doc.results.find((r) => r.id === target.id)!;
    expect(row).toMatchObject({ priceUsd: moved, priceAt: new Date(atMs).toISOString(), priceSource: 'stream' });
    const others = doc.results.filter((r) => r.id !== target.id);
    expect(others.every((r) => r.priceSource === 'rest' && typeof r.priceAt === 'string')).toBe(true);
    expect(doc.sources.map((s) => [s.name, s.status])).toEqual([
      ['coingecko', 'fresh'],
      ['binance', 'fresh'],
      ['coincap', 'fresh'],
      ['binance-stream', 'live'],
    ]);
    expect(doc.sources.at(-1)).toMatchObject({ items: 1, error: null });
    expect((await httpGet(`${origin}/metrics`)).body).toContain('qaht_stream_up{command="serve",source="binance-stream"} 1\n');
    events.close();
  });

  it('sends at most one tick a second and never a REST request between the scheduled refreshes', async () => {
    const clock = new ManualClock(Date.now());
    const { rest, origin } = await streamingAnswer(clock);
    const events = await openEvents(origin);
    const upstream = api.requestCount();
    const rows = priced(rest).slice(0, 5);
    // 50 s of frames, five a second of simulated time (the real stream sends one): ticks go out once a second.
    for (let second = 0; second < 50; second++) {
      for (let frame = 0; frame < 5; frame++) {
        const pairs = Object.fromEntries(rows.map((row) => [`${row.symbol}USDT`, row.priceUsd! * (1 + (second * 5 + frame + 1) / 10_000)]));
        stream.sendPrices(pairs, clock.now());
        await clock.advance(200);
      }
      await waitUntil(() => events.events.filter((e) => e.event === 'tick').length >= second + 1, `the tick of second ${second}`);
    }
    const ticks = events.events.filter((e) => e.event === 'tick');
    expect(ticks.length).toBeGreaterThanOrEqual(50);
    expect(ticks.length).toBeLessThanOrEqual(51);
    expect(api.requestCount()).toBe(upstream);
    expect(events.events.filter((e) => e.event === 'update')).toEqual([]);
    events.close();
  });

  it('while the stream is down, rows serve their REST price and the source list says down; then it comes back', async () => {
    const clock = new ManualClock(Date.now());
    const { rest, origin } = await streamingAnswer(clock);
    const target = priced(rest)[0]!;
    stream.sendPrices({ [`${target.symbol}USDT`]: target.priceUsd! * 1.02 }, clock.now());
    await waitUntil(() => stream.server.sockets.size === 1, 'the stream');
    let doc = await crypto(origin);
    while (doc.results.find((row) => row.id === target.id)?.priceSource !== 'stream') doc = await crypto(origin);

    stream.answer({ status: 503 });
    stream.server.dropAll();
    do doc = await crypto(origin);
    while (doc.sources.at(-1)?.status !== 'down');
    expect(doc.sources.at(-1)).toMatchObject({ name: 'binance-stream', status: 'down', items: 0 });
    expect(doc.sources.at(-1)!.error).toMatch(/connection lost/);
    const back = doc.results.find((row) => row.id === target.id)!;
    expect(back).toMatchObject({ priceUsd: target.priceUsd, priceSource: 'rest', priceAt: target.priceAt });
    expect(doc.results.every((row) => row.priceSource === 'rest')).toBe(true);

    stream.answer('accept');
    await clock.advance(3_000);
    await waitUntil(() => stream.server.sockets.size === 1, 'the reconnection');
    do doc = await crypto(origin);
    while (doc.sources.at(-1)?.status !== 'live');
  });

  it('SIGTERM closes the stream with a close frame and exits 0', async () => {
    const clock = new ManualClock(Date.now());
    serve = await startStreamingServe(clock);
    await waitUntil(() => stream.server.sockets.size === 1, 'the stream connection');
    // A pong proves the client has the connection open (a stop during the handshake sends no close frame).
    stream.server.ping(Buffer.from('up?'));
    await waitUntil(() => stream.server.pongs.length === 1, 'the pong');
    const running = serve;
    serve = undefined;
    expect(await running.stop('SIGTERM')).toBe(0);
    await waitUntil(() => stream.server.closes.length === 1, 'the close frame');
    expect(stream.server.closes[0]).toEqual({ code: 1000, reason: 'stopping' });
  });
});
