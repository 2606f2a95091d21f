import type { Socket } from 'node:net';
import { Agent, buildConnector, WebSocket } from 'undici';
import { QahtError } from '../../errors.js';
import type { Clock } from '../../time/clock.js';
import { FrameGuard, type FrameLimits } from './frame-guard.js';

/** Close code this side sends when the server broke a limit or sent what cannot be read (the private range: the API accepts 1000 or 3000–4999). */
const CLOSE_VIOLATION = 4000;
/** Close code of an ordinary goodbye (renewal, shutdown). */
const CLOSE_NORMAL = 1000;
/** How long the server has to answer this side's close frame before the socket is cut, ms. */
const CLOSE_WAIT_MS = 2_000;
/** A close reason is at most 123 bytes on the wire. */
const MAX_REASON_CHARS = 120;

/** How a connection ended. `violation`: this side closed it because of what the server sent. */
export interface ConnectionEnd {
  kind: 'closed' | 'violation' | 'local';
  reason: string;
}

export interface OpenOptions {
  clock: Clock;
  /** The upgrade must complete within this, ms (measured on `clock`). */
  handshakeTimeoutMs: number;
  limits: FrameLimits;
  /** Each text frame, in order; a throw closes the connection as a violation, with the error's message as the reason. */
  onFrame(text: string): unknown;
  signal: AbortSignal;
}

/**
 * One WebSocket connection on undici's client (which answers every ping with a pong carrying the
 * same payload, as RFC 6455 requires and Binance expects within a minute). The frame size limit
 * is undici's own (`maxPayloadSize`, checked before a frame is buffered, compressed or not); the
 * rate limits are the `FrameGuard`'s. A violation closes at once: the close frame with the reason
 * is sent and the socket is cut, so a server that keeps flooding costs no further parsing.
 */
export class WsConnection {
  readonly ended: Promise<ConnectionEnd>;
  readonly #ws: WebSocket;
  readonly #agent: Agent;
  #socket: Socket | undefined;
  #end: ConnectionEnd | undefined;
  #resolveEnd!: (end: ConnectionEnd) => void;

  private constructor(url: string, options: OpenOptions) {
    this.ended = new Promise((resolve) => {
      this.#resolveEnd = resolve;
    });
    const connector = buildConnector({ timeout: options.handshakeTimeoutMs });
    this.#agent = new Agent({
      // The socket is kept so a violation can cut it without waiting for the server's close frame.
      connect: (connectOptions, callback) =>
        connector(connectOptions, (error, socket) => {
          if (socket) this.#socket = socket as Socket;
          if (error) callback(error, null);
          else callback(null, socket as Socket);
        }),
      webSocket: { maxPayloadSize: options.limits.maxFrameBytes, maxFragments: 64 },
    });
    this.#ws = new WebSocket(url, { dispatcher: this.#agent });
    this.#ws.binaryType = 'arraybuffer';
    const guard = new FrameGuard(options.limits, options.clock);
    this.#ws.addEventListener('message', (event) => {
      if (this.#end) return;
      if (typeof event.data !== 'string') {
        this.#violation('the server sent a binary frame');
        return;
      }
      const refusal = guard.admit(event.data.length);
      if (refusal) {
        this.#violation(refusal);
        return;
      }
      try {
        options.onFrame(event.data);
      } catch (error) {
        this.#violation(error instanceof Error ? error.message : String(error));
      }
    });
    let failure: string | undefined;
    this.#ws.addEventListener('error', (event) => {
      const message = (event as { message?: unknown }).message;
      if (typeof message === 'string' && message !== '') failure = message;
    });
    this.#ws.addEventListener('close', (event) => {
      // A frame over maxPayloadSize is refused by undici itself, from its header: it sends 1009
      // ("Payload size exceeds maximum allowed size") and cuts the socket, which this side then
      // sees as a lost connection (the close event does not say why).
      this.#finish({ kind: 'closed', reason: closeReason(event.code, event.reason, failure) });
    });
  }

  /**
   * Connects to `url` (ws: or wss:); resolves once the upgrade is done.
   * @throws QahtError QAHT_ERR_CONNECTION (refused, reset, the upgrade answered with an HTTP status) or QAHT_ERR_TIMEOUT
   */
  static async open(url: string, options: OpenOptions): Promise<WsConnection> {
    const connection = new WsConnection(url, options);
    const ws = connection.#ws;
    const timer = new AbortController();
    const stop = AbortSignal.any([timer.signal, options.signal]);
    try {
      await Promise.race([
        new Promise<void>((resolve, reject) => {
          ws.addEventListener('open', () => resolve(), { once: true });
          void connection.ended.then((end) => reject(new QahtError('QAHT_ERR_CONNECTION', `could not connect: ${end.reason}`)));
        }),
        options.clock.sleep(options.handshakeTimeoutMs, stop).then(() => {
          throw new QahtError('QAHT_ERR_TIMEOUT', `no WebSocket upgrade within ${options.handshakeTimeoutMs} ms`);
        }),
      ]);
    } catch (error) {
      connection.close('local', 'connection attempt abandoned');
      throw options.signal.aborted ? options.signal.reason : error;
    } finally {
      timer.abort();
    }
    return connection;
  }

  /** Closes from this side; the first end recorded wins. */
  close(kind: 'local' | 'violation', reason: string): void {
    if (this.#end) return;
    this.#finish({ kind, reason });
    const text = reason.slice(0, MAX_REASON_CHARS);
    try {
      this.#ws.close(kind === 'violation' ? CLOSE_VIOLATION : CLOSE_NORMAL, text);
    } catch {
      // Not yet open: close() has failed the connection instead, which is all that is wanted.
    }
    if (kind === 'violation') {
      // Stop reading what the server keeps sending; the close frame above is flushed first.
      this.#socket?.pause();
      this.#socket?.destroySoon();
    } else if (this.#socket) {
      // A server that never answers the close frame must not hold the process open, nor the socket for long.
      const socket = this.#socket;
      socket.unref();
      setTimeout(() => socket.destroy(), CLOSE_WAIT_MS).unref();
    }
    void this.ended.then(() => this.#agent.destroy().catch(() => undefined));
  }

  #violation(reason: string): void {
    this.close('violation', reason);
  }

  #finish(end: ConnectionEnd): void {
    if (this.#end) {
      // The socket's own close event after a local close: release the agent.
      void this.#agent.destroy().catch(() => undefined);
      return;
    }
    this.#end = end;
    this.#resolveEnd(end);
    if (end.kind === 'closed') void this.#agent.destroy().catch(() => undefined);
  }
}

function closeReason(code: number, reason: string, failure: string | undefined): string {
  if (code === 1006) return failure ? `connection lost (${failure.slice(0, MAX_REASON_CHARS)})` : 'connection lost';
  const said = reason.replace(/[^\x20-\x7e]/g, '').slice(0, MAX_REASON_CHARS);
  return `closed by the server (${code}${said ? `: ${said}` : ''})`;
}
