/**
 * A loopback HTTP server process for the throughput benchmarks, so that serving requests does not
 * compete with the client for the same event loop. Forked by `startServerChild`; it takes one
 * `ServerSpec` message, starts one keep-alive server per address and answers with their origins.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ServerSpec {
  /** Loopback addresses to bind, one server each (127.0.0.0/8 only). */
  hosts: string[];
  /** Delay before each response, ms (0 = answer at once). */
  latencyMs: number;
  /** Size of the JSON body, bytes (approximately). */
  bodyBytes: number;
}

export interface ServerReady {
  origins: string[];
}

/** A JSON array of small objects about `bytes` long. */
export function jsonBody(bytes: number): Buffer {
  const items: string[] = [];
  let size = 2;
  for (let i = 0; size < bytes; i++) {
    const item = JSON.stringify({ id: `coin-${i}`, symbol: `c${i}`, priceUsd: 1000 / (i + 1), volume: 1e6 + i });
    items.push(item);
    size += item.length + 1;
  }
  return Buffer.from(`[${items.join(',')}]`);
}

async function start(spec: ServerSpec): Promise<ServerReady> {
  const body = jsonBody(spec.bodyBytes);
  const headers = { 'content-type': 'application/json; charset=utf-8', 'content-length': String(body.length) };
  const servers: Server[] = [];
  for (const host of spec.hosts) {
    if (!host.startsWith('127.')) throw new Error(`refusing to bind ${host}: loopback only`);
    const server = createServer((req, res) => {
      req.resume();
      const reply = (): void => {
        res.writeHead(200, headers);
        res.end(body);
      };
      if (spec.latencyMs > 0) setTimeout(reply, spec.latencyMs);
      else reply();
    });
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, host, () => resolve());
    });
    servers.push(server);
  }
  return { origins: servers.map((s) => `http://${(s.address() as AddressInfo).address}:${(s.address() as AddressInfo).port}`) };
}

if (process.send) {
  process.once('message', (spec: ServerSpec) => {
    start(spec).then(
      (ready) => process.send?.(ready),
      (error: unknown) => {
        process.send?.({ error: String(error) });
        process.exit(1);
      },
    );
  });
  // The parent going away ends us too.
  process.on('disconnect', () => process.exit(0));
}
