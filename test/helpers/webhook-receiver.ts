import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request the receiver got, body included. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** How the receiver answers: a status (with optional headers), or `hang` (read the body, never answer). */
export type ReceiverAnswer = { status: number; headers?: Record<string, string>; body?: string } | 'hang';

export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly received: readonly ReceivedRequest[];
  /** Answers from now on (default 204). */
  answer(answer: ReceiverAnswer): void;
  /** Forgets what was received and answers 204 again. */
  reset(): void;
  /** Resolves once `count` requests have arrived. */
  waitFor(count: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * A chat or alerting service's incoming webhook on loopback (port 0): it reads every request's
 * body (the fake API server drops bodies), records it, and answers as told.
 */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedRequest[] = [];
  const sockets = new Set<Socket>();
  const waiters: Array<() => void> = [];
  let current: ReceiverAnswer = { status: 204 };
  const reply = (res: ServerResponse, answer: ReceiverAnswer): void => {
    if (answer === 'hang') return;
    res.writeHead(answer.status, answer.headers ?? {});
    res.end(answer.body ?? '');
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      for (const wake of waiters.splice(0)) wake();
      reply(res, current);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    answer: (answer) => {
      current = answer;
    },
    reset: () => {
      received.splice(0);
      current = { status: 204 };
    },
    waitFor: async (count) => {
      while (received.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
