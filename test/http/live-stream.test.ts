import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LiveStream, type LiveStreamStatus, startLiveStream } from '../../src/http/stream/live-stream.js';
import { CircuitBreaker } from '../../src/resilience/circuit-breaker.js';
import { startBinanceStream } from '../../src/sources/crypto/binance-stream.js';
import type { StreamPrice } from '../../src/sources/crypto/binance-stream-frames.js';
import { waitUntil } from '../cli/ops-fixtures.js';
import { type FakeStream, STREAM_PATH, startFakeStream } from '../helpers/fake-api/index.js';
import { ManualClock } from '../helpers/manual-clock.js';

/**
 * The stream client against a real loopback WebSocket server, every wait on a manual clock: what
 * reaches the server (upgrades, pongs, close frames) is the evidence.
 */

let stream: FakeStream;
let clock: ManualClock;
let stop: AbortController;
let breaker: CircuitBreaker;
let live: LiveStream | undefined;
let frames: string[];
let statuses: LiveStreamStatus[];

beforeEach(async () => {
  stream = await startFakeStream();
  clock = new ManualClock(Date.UTC(2026, 11, 1));
  stop = new AbortController();
  breaker = new CircuitBreaker({ failureThreshold: 5, recoveryTimeoutMs: 60_000, clock });
  frames = [];
  statuses = [];
});
afterEach(async () => {
  stop.abort();
  await live?.done;
  live = undefined;
  await stream.close();
});

/** Starts the client; `random` fixed at 0.5, so the first reconnect waits 1000 + 0.5 × 2000 = 2000 ms. */
function connect(settings: Parameters<typeof startLiveStream>[0]['settings'] = {}): LiveStream {
  live = startLiveStream({
    url: `${stream.wsUrl}/!miniTicker@arr`,
    clock,
    breaker,
    onFrame: (text) => {
      frames.push(text);
      return undefined;
    },
    onStatus: (status) => statuses.push(status),
    signal: stop.signal,
    settings,
    random: () => 0.5,
  });
  return live;
}

const isLive = (): boolean => live?.status().state === 'live';
const isDown = (): boolean => live?.status().state === 'down' && live.status().reason !== 'connecting';

describe('the live stream client', () => {
  it('connects to the stream path, delivers text frames in order and answers pings with the same payload', async () => {
    connect();
    await waitUntil(isLive, 'the connection');
    expect(stream.server.sockets.size).toBe(1);
    stream.sendText('[1]');
    stream.sendText('[2]');
    stream.server.ping(Buffer.from('are-you-there'));
    await waitUntil(() => frames.length === 2 && stream.server.pongs.length === 1, 'two frames and a pong');
    expect(frames).toEqual(['[1]', '[2]']);
    expect(stream.server.pongs.map(String)).toEqual(['are-you-there']);
    expect(STREAM_PATH).toBe('/ws/!miniTicker@arr');
  });

  it('reconnects after a drop only once the jittered backoff has passed on the clock', async () => {
    connect();
    await waitUntil(isLive, 'the connection');
    stream.server.dropAll();
    await waitUntil(isDown, 'the drop to be noticed');
    expect(live!.status().reason).toMatch(/connection lost/);
    await clock.advance(1_999);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stream.attempts()).toBe(1);
    await clock.advance(1);
    await waitUntil(isLive, 'the reconnection');
    expect(stream.attempts()).toBe(2);
    expect(live!.connections()).toBe(2);
  });

  it('retries a refusing server at a bounded rate: never sooner than 1 s apart, growing, and the breaker then stops it until its probe', async () => {
    stream.answer({ status: 503 });
    connect();
    const attemptsAt: number[] = [];
    const seen = (): number => stream.attempts();
    await waitUntil(() => seen() === 1, 'the first attempt');
    attemptsAt.push(clock.now());
    // 59 s of simulated time in 100 ms steps: a spin would be thousands of attempts.
    for (let step = 0; step < 590; step++) {
      const before = seen();
      await clock.advance(100);
      if (clock.pendingSleeps === 0 || seen() !== before) await waitUntil(() => clock.pendingSleeps > 0, 'the next wait');
      if (seen() > before) attemptsAt.push(clock.now());
    }
    const gaps = attemptsAt.slice(1).map((at, i) => at - attemptsAt[i]!);
    // Five failures open the breaker: no sixth attempt inside its 60 s.
    expect(attemptsAt.length).toBe(5);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(1_000);
    expect(breaker.state).toBe('OPEN');
    expect(live!.status().reason).toMatch(/circuit open/);
    // Not one attempt until the recovery time; then exactly one probe, which finds the server accepting again.
    stream.answer('accept');
    await clock.advance(breaker.retryAfterMs() - 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stream.attempts()).toBe(5);
    await clock.advance(1);
    await waitUntil(isLive, 'the probe to connect');
    expect(stream.attempts()).toBe(6);
    expect(breaker.state).toBe('CLOSED');
  });

  it('closes a flooding connection with the reason, after a bounded number of frames', async () => {
    connect({ maxFramesPerSecond: 20 });
    await waitUntil(isLive, 'the connection');
    for (let i = 0; i < 500; i++) stream.sendText(`[${i}]`);
    await waitUntil(() => stream.server.closes.length === 1, 'the close frame');
    expect(stream.server.closes[0]).toEqual({ code: 4000, reason: 'the server is flooding: more than 20 frames in a second' });
    expect(frames.length).toBe(20);
    await waitUntil(isDown, 'the status to say so');
    expect(live!.status().reason).toMatch(/flooding/);
  });

  it('closes on a frame over the size limit (1009 to the server) without buffering it', async () => {
    connect({ maxFrameBytes: 1_024 });
    await waitUntil(isLive, 'the connection');
    stream.sendText(`[${'9'.repeat(4_000)}]`);
    await waitUntil(() => isDown() && stream.server.closes.length === 1, 'the close');
    // undici refuses it from the frame header (its maxPayloadSize), before reading the payload.
    expect(stream.server.closes[0]).toEqual({ code: 1009, reason: 'Payload size exceeds maximum allowed size' });
    expect(frames).toEqual([]);
  });

  it('renews the connection before the 24 h limit without going down', async () => {
    connect({ silenceMs: 48 * 3_600_000 });
    await waitUntil(isLive, 'the connection');
    await clock.advance(23.5 * 3_600_000);
    await waitUntil(() => stream.attempts() === 2 && isLive() && stream.server.closes.length === 1, 'the renewal');
    expect(stream.server.closes[0]!.reason).toMatch(/renewing the connection before the 24 h limit/);
    expect(statuses.map((status) => status.state)).toEqual(['live']);
  });

  it('treats a silent connection as dead', async () => {
    connect();
    await waitUntil(isLive, 'the connection');
    await clock.advance(30_000);
    await waitUntil(isDown, 'the watchdog');
    expect(live!.status().reason).toBe('no frame for 30s');
  });

  it('stops: the close frame goes out and done resolves', async () => {
    connect();
    await waitUntil(isLive, 'the connection');
    stop.abort();
    await live!.done;
    await waitUntil(() => stream.server.closes.length === 1, 'the close frame');
    expect(stream.server.closes[0]).toEqual({ code: 1000, reason: 'stopping' });
  });
});

describe('the Binance stream adapter', () => {
  it('maps USDT mini-tickers to prices and closes on a frame that is not JSON', async () => {
    const prices: StreamPrice[][] = [];
    const atMs = Date.UTC(2026, 11, 1, 12);
    live = startBinanceStream({
      env: { SCREEN_BINANCE_WS_URL: stream.wsUrl },
      clock,
      breakerFor: () => breaker,
      onPrices: (batch) => prices.push(batch),
      onStatus: (status) => statuses.push(status),
      signal: stop.signal,
    });
    await waitUntil(isLive, 'the connection');
    stream.sendPrices({ BTCUSDT: 96_000.5, ETHBTC: 0.036, ETHUSDT: 3_500 }, atMs);
    await waitUntil(() => prices.length === 1, 'the prices');
    expect(prices[0]).toEqual([
      { base: 'BTC', priceUsd: 96_000.5, atMs },
      { base: 'ETH', priceUsd: 3_500, atMs },
    ]);
    stream.sendText('{"e":"24hrMiniTicker"');
    await waitUntil(() => isDown() && stream.server.closes.length === 1, 'the close');
    expect(live.status().reason).toBe('binance-stream sent a frame that is not JSON');
    expect(stream.server.closes[0]).toEqual({ code: 4000, reason: 'binance-stream sent a frame that is not JSON' });
  });

  it('replaces the connection at once, without going down, when the server says it is shutting down', async () => {
    live = startBinanceStream({
      env: { SCREEN_BINANCE_WS_URL: stream.wsUrl },
      clock,
      breakerFor: () => breaker,
      onPrices: () => undefined,
      onStatus: (status) => statuses.push(status),
      signal: stop.signal,
    });
    await waitUntil(isLive, 'the connection');
    stream.sendText('{"e":"serverShutdown","E":1}');
    await waitUntil(() => stream.attempts() === 2 && stream.server.closes.length === 1 && isLive(), 'the new connection');
    expect(stream.server.closes[0]).toEqual({ code: 1000, reason: 'renewing the connection' });
    expect(statuses.map((status) => status.state)).toEqual(['live']);
  });
});
