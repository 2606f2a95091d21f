/**
 * The loopback Binance of bench 16a in a process of its own: the fake API with the history routes
 * (a 6,000-weight-a-minute bucket, answers `latencyMs` after each request arrives, every daily
 * klines answer made before the fill starts and kept). The fake is test infrastructure:
 * generating and serialising 250 × 1,000 bars costs about as much CPU as the fill itself, so in
 * the measured process it would share the event loop, heap and GC with the code under test and
 * the row would time both; made per request even in a process of its own, it fell behind its own
 * 50 ms on two busy cores. Forked by `history-server.ts`: it takes one
 * `HistoryServerSpec`, answers `HistoryServerReady`, then answers every `'stats'` message with
 * `HistoryServerStats`.
 */
import { startFakeApi } from '../helpers/fake-api/index.js';
import { installHistoryRoutes } from '../helpers/fake-api/history-routes.js';

export interface HistoryServerSpec {
  /** Binance symbols that have klines. */
  symbols: string[];
  /** Delay before each klines answer, ms. */
  latencyMs: number;
  /** The `limit` the fill asks with (its answers are made in advance). */
  limit: number;
}

export interface HistoryServerReady {
  url: string;
  host: string;
}

export interface HistoryServerStats {
  /** 429s sent so far. */
  rejected: number;
  /** Weight spent in the current minute. */
  usedWeight: number;
}

async function start(spec: HistoryServerSpec): Promise<void> {
  const api = await startFakeApi();
  const routes = installHistoryRoutes(api, { now: () => Date.now(), symbols: spec.symbols, latencyMs: spec.latencyMs, keepAnswers: true });
  // Every answer the fill will ask for, made before it starts: a single-threaded fake generating
  // 1,000 bars per request on arrival fell behind its own 50 ms under load.
  for (const symbol of spec.symbols) routes.prepare(symbol, '1d', { limit: spec.limit });
  process.on('message', (message: unknown) => {
    if (message === 'stats') process.send?.({ rejected: routes.rejected, usedWeight: routes.usedWeight() } satisfies HistoryServerStats);
  });
  process.send?.({ url: api.url, host: api.host } satisfies HistoryServerReady);
}

if (process.send) {
  process.once('message', (spec: HistoryServerSpec) => {
    start(spec).catch((error: unknown) => {
      process.send?.({ error: String(error) });
      process.exit(1);
    });
  });
  // The parent going away ends us too.
  process.on('disconnect', () => process.exit(0));
}
