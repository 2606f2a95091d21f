import { isCircuitOpenError } from '../../errors.js';
import { computeBackoffMs } from '../../resilience/backoff.js';
import type { Clock } from '../../time/clock.js';
import type { HttpLogger } from '../client-options.js';
import type { HostBreaker } from '../../resilience/host-policies.js';
import type { FrameLimits } from './frame-guard.js';
import { type ConnectionEnd, WsConnection } from './ws-connection.js';

/** Whether frames are flowing, since when (epoch ms on the clock), and why not. */
export interface LiveStreamStatus {
  state: 'live' | 'down';
  sinceMs: number;
  /** Why it is down (null while live). */
  reason: string | null;
}

export interface LiveStreamTimings {
  /** The upgrade must complete within this, ms. */
  handshakeTimeoutMs: number;
  /** The first reconnect waits at least this, ms; later ones grow (decorrelated jitter, never below it). */
  reconnectBaseMs: number;
  /** No reconnect waits longer, ms. */
  reconnectMaxMs: number;
  /** A connection that lived this long was healthy: the next drop starts the backoff over, ms. */
  stableAfterMs: number;
  /** A connection is replaced after this long, before the server's own limit cuts it, ms. */
  renewAfterMs: number;
  /** No frame for this long means the connection is dead even if the socket says otherwise, ms. */
  silenceMs: number;
}

/**
 * The defaults. Binance ends every connection at 24 h, pings every 20 s, and sends the mini-ticker
 * array every second; it allows 300 new connections per 5 minutes per IP, which a 1 s floor on
 * the reconnect wait keeps far away from.
 */
export const LIVE_STREAM_DEFAULTS: LiveStreamTimings & FrameLimits = {
  handshakeTimeoutMs: 10_000,
  reconnectBaseMs: 1_000,
  reconnectMaxMs: 60_000,
  stableAfterMs: 30_000,
  renewAfterMs: 23 * 3_600_000 + 30 * 60_000,
  silenceMs: 30_000,
  // The whole market's array is a few hundred KB; a frame past 2 MiB is not this stream.
  maxFrameBytes: 2 * 1024 * 1024,
  // One frame a second is the stream's pace; a burst after a stall may bring a few at once.
  maxFramesPerSecond: 20,
  maxBytesPerSecond: 8 * 1024 * 1024,
};

export interface LiveStreamOptions {
  url: string;
  clock: Clock;
  /** The host's breaker, the one its REST requests go through: every connection attempt is admitted by it. */
  breaker: HostBreaker;
  /**
   * Each text frame; a throw closes the connection (the message is the reason) and counts against
   * the breaker. Returning `'reconnect'` (the server said it is going away) replaces the connection
   * at once, as a renewal does.
   */
  onFrame(text: string): 'reconnect' | undefined;
  /** Each change between live and down. */
  onStatus(status: LiveStreamStatus): void;
  /** Aborting it closes the connection and ends `done`. */
  signal: AbortSignal;
  logger?: HttpLogger;
  settings?: Partial<LiveStreamTimings & FrameLimits>;
  /** Numbers in [0, 1) for the jitter. @default Math.random */
  random?: () => number;
}

/** A running stream. */
export interface LiveStream {
  /** Resolves once the stream has stopped (after the signal) and its connection is closed. */
  readonly done: Promise<void>;
  status(): LiveStreamStatus;
  /** Connections opened so far (renewals and reconnects included). */
  connections(): number;
}

/**
 * Keeps one WebSocket connection open for as long as the signal allows: each attempt is admitted
 * by the host's breaker (an open breaker means no attempt until its recovery time, then one
 * probe), a failed attempt or a drop waits a jittered backoff that never goes below
 * `reconnectBaseMs` (a refusing server is retried at a bounded rate, never in a spin), and a
 * connection is renewed before its 24 h limit. Every wait is on the injected clock.
 */
export function startLiveStream(options: LiveStreamOptions): LiveStream {
  const settings = { ...LIVE_STREAM_DEFAULTS, ...options.settings };
  const { clock, breaker, signal } = options;
  const random = options.random ?? Math.random;
  let status: LiveStreamStatus = { state: 'down', sinceMs: clock.now(), reason: 'connecting' };
  let opened = 0;
  const setStatus = (state: LiveStreamStatus['state'], reason: string | null): void => {
    if (status.state === state && status.reason === reason) return;
    const changed = status.state !== state;
    status = { state, sinceMs: changed ? clock.now() : status.sinceMs, reason };
    options.onStatus(status);
  };

  const run = async (): Promise<void> => {
    let failures = 0;
    let previousDelayMs = settings.reconnectBaseMs;
    const backOff = async (): Promise<void> => {
      failures += 1;
      const delayMs = computeBackoffMs(failures, {
        baseDelayMs: settings.reconnectBaseMs,
        maxDelayMs: settings.reconnectMaxMs,
        jitter: 'decorrelated',
        previousDelayMs,
        random,
      });
      previousDelayMs = delayMs;
      await clock.sleep(delayMs, signal);
    };
    while (!signal.aborted) {
      const waitMs = breaker.retryAfterMs();
      if (waitMs > 0) {
        setStatus('down', `circuit open; next try in ${Math.ceil(waitMs / 1000)}s`);
        await clock.sleep(Math.max(waitMs, settings.reconnectBaseMs), signal);
        continue;
      }
      try {
        await breaker.tryAcquire();
      } catch (error) {
        if (!isCircuitOpenError(error)) throw error;
        setStatus('down', 'circuit open');
        await clock.sleep(Math.max(breaker.retryAfterMs(), settings.reconnectBaseMs), signal);
        continue;
      }
      let connection: WsConnection | undefined;
      let lastFrameAt = clock.now();
      try {
        connection = await WsConnection.open(options.url, {
          clock,
          handshakeTimeoutMs: settings.handshakeTimeoutMs,
          limits: settings,
          onFrame: (text) => {
            lastFrameAt = clock.now();
            if (options.onFrame(text) === 'reconnect') connection?.close('local', RENEWAL);
          },
          signal,
        });
      } catch (error) {
        if (signal.aborted) return;
        breaker.recordFailure();
        const reason = error instanceof Error ? error.message : String(error);
        options.logger?.debug({ url: options.url, reason }, 'stream connection failed');
        setStatus('down', reason);
        await backOff();
        continue;
      }
      opened += 1;
      breaker.recordSuccess();
      const openedAt = clock.now();
      lastFrameAt = openedAt;
      setStatus('live', null);
      const end = await watchConnection(connection as WsConnection, () => lastFrameAt);
      if (signal.aborted) return;
      if (end.kind === 'violation') breaker.recordFailure();
      options.logger?.[end.kind === 'violation' ? 'warn' : 'debug']({ url: options.url, reason: end.reason }, 'stream connection ended');
      if (end.kind === 'local' && end.reason.startsWith(RENEWAL)) {
        // Replaced at once and without a backoff: the status stays live across the swap.
        failures = 0;
        previousDelayMs = settings.reconnectBaseMs;
        continue;
      }
      setStatus('down', end.reason);
      if (clock.now() - openedAt >= settings.stableAfterMs) {
        failures = 0;
        previousDelayMs = settings.reconnectBaseMs;
      }
      await backOff();
    }
  };

  /** Resolves when the connection ends: closed by the server, cut for a violation, silent too long, due for renewal, or stopped. */
  const watchConnection = async (connection: WsConnection, lastFrameAt: () => number): Promise<ConnectionEnd> => {
    const watching = new AbortController();
    const stop = AbortSignal.any([watching.signal, signal]);
    const renewAt = clock.now() + settings.renewAfterMs;
    const watchdog = (async (): Promise<void> => {
      while (!stop.aborted) {
        const silentUntil = lastFrameAt() + settings.silenceMs;
        const dueAt = Math.min(silentUntil, renewAt);
        await clock.sleep(Math.max(0, dueAt - clock.now()), stop);
        const now = clock.now();
        if (now >= renewAt) connection.close('local', `${RENEWAL} before the 24 h limit`);
        else if (now >= lastFrameAt() + settings.silenceMs) connection.close('violation', `no frame for ${settings.silenceMs / 1000}s`);
      }
    })().catch(() => undefined);
    const onStop = (): void => connection.close('local', 'stopping');
    signal.addEventListener('abort', onStop, { once: true });
    try {
      return await connection.ended;
    } finally {
      signal.removeEventListener('abort', onStop);
      watching.abort();
      await watchdog;
    }
  };

  const done = run().catch((error: unknown) => {
    if (!signal.aborted) options.logger?.warn({ err: error }, 'live stream stopped');
  });
  return { done, status: () => status, connections: () => opened };
}

/** Why a connection was replaced on purpose: before the 24 h limit, or because the server said it was going away. */
const RENEWAL = 'renewing the connection';
