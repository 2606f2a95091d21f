import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** The GUID RFC 6455 appends to the client's key before hashing it into the accept header. */
const HANDSHAKE_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** Client frames are tiny (pongs, closes); anything larger is not a client this server talks to. */
const MAX_CLIENT_FRAME_BYTES = 64 * 1024;

const OPCODE = { text: 0x1, close: 0x8, ping: 0x9, pong: 0xa } as const;

/** What a client sent in its close frame. */
export interface ClientClose {
  code: number | null;
  reason: string;
}

/** How the server answers an upgrade: accept it, answer with an HTTP status, or cut the socket. */
export type UpgradeAnswer = 'accept' | { status: number } | 'reset';

export interface WsServerOptions {
  /** The path clients connect to; other paths are answered 404. */
  path: string;
  /** Decides each upgrade. @default accept */
  answer?: () => UpgradeAnswer;
}

/**
 * A minimal RFC 6455 server on loopback (port 0): the handshake, unmasked text and ping frames
 * out, masked pong and close frames in (a close is answered and the socket ended). Enough to play
 * Binance's market-data stream to the demo and to tests; no extensions, no fragmentation.
 */
export interface WsServer {
  /** `ws://127.0.0.1:<port>`. */
  readonly origin: string;
  /** Open connections. */
  readonly sockets: ReadonlySet<Socket>;
  /** Upgrade requests seen so far (accepted or not). */
  upgrades(): number;
  /** Pong payloads received, in order. */
  readonly pongs: Buffer[];
  /** Close frames received, in order. */
  readonly closes: ClientClose[];
  /** Sends one text frame to every open connection; returns how many got it. */
  broadcast(text: string): number;
  /** Sends a ping with `payload` to every open connection. */
  ping(payload?: Buffer): void;
  /** Cuts every open connection without a close frame (a network drop). */
  dropAll(): void;
  /** Sends a close frame to every open connection (a server going away). */
  closeAll(code: number, reason: string): void;
  close(): Promise<void>;
}

export async function startWsServer(options: WsServerOptions): Promise<WsServer> {
  const sockets = new Set<Socket>();
  const pongs: Buffer[] = [];
  const closes: ClientClose[] = [];
  let upgrades = 0;
  const server: Server = createServer((_request, response) => {
    response.writeHead(426, { 'content-type': 'text/plain' });
    response.end('WebSocket only');
  });
  server.on('upgrade', (request: IncomingMessage, socket: Socket) => {
    upgrades += 1;
    socket.on('error', () => undefined);
    const answer = options.answer?.() ?? 'accept';
    const key = request.headers['sec-websocket-key'];
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    if (answer === 'reset') {
      socket.destroy();
      return;
    }
    if (typeof answer === 'object' || path !== options.path || typeof key !== 'string') {
      const status = typeof answer === 'object' ? answer.status : path !== options.path ? 404 : 400;
      socket.end(`HTTP/1.1 ${status} Refused\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
      return;
    }
    const accept = createHash('sha1').update(`${key}${HANDSHAKE_GUID}`).digest('base64');
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\nsec-websocket-accept: ${accept}\r\n\r\n`,
    );
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    readClientFrames(socket, {
      onPong: (payload) => pongs.push(payload),
      onPing: (payload) => writeFrame(socket, OPCODE.pong, payload),
      onClose: (close) => {
        closes.push(close);
        writeFrame(socket, OPCODE.close, closePayload(close.code ?? 1000, ''));
        socket.end();
      },
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref();
  const { port } = server.address() as AddressInfo;
  return {
    origin: `ws://127.0.0.1:${port}`,
    sockets,
    upgrades: () => upgrades,
    pongs,
    closes,
    broadcast(text) {
      const frame = encodeFrame(OPCODE.text, Buffer.from(text, 'utf8'));
      let sent = 0;
      for (const socket of sockets) {
        if (socket.writable) {
          socket.write(frame);
          sent += 1;
        }
      }
      return sent;
    },
    ping(payload = Buffer.alloc(0)) {
      for (const socket of sockets) writeFrame(socket, OPCODE.ping, payload);
    },
    dropAll() {
      for (const socket of sockets) socket.destroy();
    },
    closeAll(code, reason) {
      for (const socket of sockets) writeFrame(socket, OPCODE.close, closePayload(code, reason));
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function writeFrame(socket: Socket, opcode: number, payload: Buffer): void {
  if (socket.writable) socket.write(encodeFrame(opcode, payload));
}

/** One final, unmasked frame (servers never mask). */
export function encodeFrame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  const header = length < 126 ? Buffer.alloc(2) : length < 65_536 ? Buffer.alloc(4) : Buffer.alloc(10);
  header[0] = 0x80 | opcode;
  if (length < 126) header[1] = length;
  else if (length < 65_536) {
    header[1] = 126;
    header.writeUInt16BE(length, 2);
  } else {
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  return Buffer.concat([header, payload]);
}

function closePayload(code: number, reason: string): Buffer {
  const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
  payload.writeUInt16BE(code, 0);
  payload.write(reason, 2);
  return payload;
}

/** Parses the client's masked frames as they arrive; a malformed or oversized one ends the socket. */
function readClientFrames(
  socket: Socket,
  handlers: { onPong(payload: Buffer): void; onPing(payload: Buffer): void; onClose(close: ClientClose): void },
): void {
  let buffered: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    for (;;) {
      if (buffered.length < 2) return;
      const opcode = buffered[0]! & 0x0f;
      const masked = (buffered[1]! & 0x80) !== 0;
      let length = buffered[1]! & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (buffered.length < 4) return;
        length = buffered.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (buffered.length < 10) return;
        length = Number(buffered.readBigUInt64BE(2));
        offset = 10;
      }
      if (!masked || length > MAX_CLIENT_FRAME_BYTES) {
        socket.destroy();
        return;
      }
      if (buffered.length < offset + 4 + length) return;
      const mask = buffered.subarray(offset, offset + 4);
      const payload = Buffer.from(buffered.subarray(offset + 4, offset + 4 + length));
      for (let i = 0; i < payload.length; i++) payload[i] = payload[i]! ^ mask[i % 4]!;
      buffered = buffered.subarray(offset + 4 + length);
      if (opcode === OPCODE.pong) handlers.onPong(payload);
      else if (opcode === OPCODE.ping) handlers.onPing(payload);
      else if (opcode === OPCODE.close) {
        handlers.onClose({ code: payload.length >= 2 ? payload.readUInt16BE(0) : null, reason: payload.subarray(2).toString('utf8') });
        return;
      }
    }
  });
}
