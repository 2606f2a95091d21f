import { request as httpRequest } from 'node:http';
import { main } from '../../src/cli/main.js';
import type { InterruptSignal, Interrupts } from '../../src/commands/command-spec.js';
import type { FakeApi } from '../helpers/fake-api/index.js';
import type { ManualClock } from '../helpers/manual-clock.js';
import { cleanEnv, FAST_ENV } from '../helpers/run-cli.js';
import { routeCrypto } from '../cli/crypto-fixtures.js';
import { finnhubQuoteBody, routeMarket } from '../cli/market-fixtures.js';
import { routeRecordings } from '../cli/news-fixtures.js';
import { waitUntil } from '../cli/ops-fixtures.js';

/**
 * `screen serve` as users run it, in-process through `main` (with interrupts the test fires) or
 * spawned, with every source on one fake API server: the crypto, news and market recordings in
 * their real shapes.
 */

/** API keys that are easy to find if one ever leaks into a response, a log or a file. */
export const MARKER_KEYS = {
  COINCAP_API_KEY: 'cc-marker-key-7f3a91e2',
  NEWSAPI_KEY: 'na-marker-key-c2d4e8b0',
  FINNHUB_API_KEY: 'fh-marker-key-9b1f06d5',
  ALPHAVANTAGE_API_KEY: 'av-marker-key-41e7c3aa',
  STOOQ_API_KEY: 'sq-marker-key-0d8b52f9',
} as const;

/** Environment for a serve run: fast settings, a temp cache, every source on `api`, every key set unless `keys: false`. */
export function serveEnv(
  api: FakeApi,
  cacheDir: string,
  extra: Record<string, string> = {},
  options: { keys?: boolean } = {},
): NodeJS.ProcessEnv {
  return cleanEnv({
    ...FAST_ENV,
    SCREEN_MAX_RETRIES: '0',
    SCREEN_CACHE_DIR: cacheDir,
    SCREEN_COINGECKO_URL: `${api.url}/cg/api/v3`,
    SCREEN_BINANCE_URL: `${api.url}/bn`,
    SCREEN_COINCAP_URL: `${api.url}/cc/v3`,
    SCREEN_GOOGLE_NEWS_URL: `${api.url}/gn`,
    SCREEN_HN_URL: `${api.url}/hn`,
    SCREEN_GDELT_URL: `${api.url}/gdelt`,
    SCREEN_NEWSAPI_URL: `${api.url}/newsapi`,
    SCREEN_FINNHUB_URL: `${api.url}/finnhub`,
    SCREEN_ALPHAVANTAGE_URL: `${api.url}/av`,
    SCREEN_STOOQ_URL: `${api.url}/stooq`,
    ...(options.keys === false ? {} : MARKER_KEYS),
    ...extra,
  });
}

/** Routes every source (Finnhub's quotes beside its news, under one base, as the real API has them). */
export function routeEverything(api: FakeApi): void {
  routeCrypto(api);
  routeRecordings(api);
  routeMarket(api);
  api.route('GET', '/finnhub/quote', (_req, url) => finnhubQuoteBody(url.searchParams.get('symbol') ?? ''));
}

/** A serve run in this process. */
export interface LiveServe {
  origin: string;
  stderr(): string;
  /** Delivers `signal` as the process's interrupts would; resolves with `main`'s exit code. */
  stop(signal?: InterruptSignal): Promise<number>;
}

/** Starts `screen serve --port 0 ...args` through `main`, on `clock`; resolves once it is listening. */
export async function startLiveServe(args: string[], env: NodeJS.ProcessEnv, clock: ManualClock): Promise<LiveServe> {
  let stderr = '';
  let listener: ((signal: InterruptSignal) => void) | undefined;
  const interrupts: Interrupts = {
    subscribe(onInterrupt) {
      listener = onInterrupt;
      return () => {
        listener = undefined;
      };
    },
    exit: (signal) => {
      throw new Error(`serve asked to exit on ${signal}: it must stop and return instead`);
    },
  };
  let code: number | undefined;
  const done = main(['node', 'screen', 'serve', '--port', '0', ...args], {
    stdout: { write: () => true },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    env,
    clock,
    interrupts,
  }).then((exit) => {
    code = exit;
    return exit;
  });
  await waitUntil(() => /listening on \S+/.test(stderr) || code !== undefined, 'screen serve to listen');
  if (code !== undefined) throw new Error(`screen serve ended with ${code}: ${stderr}`);
  const origin = /listening on (\S+)/.exec(stderr)![1]!;
  return {
    origin,
    stderr: () => stderr,
    async stop(signal = 'SIGTERM') {
      listener?.(signal);
      return done;
    },
  };
}

/** A GET on a real socket: status, headers and body. */
export function httpGet(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** An open `/api/events` stream: the events so far, the raw text, and whether the server ended it. */
export interface EventReader {
  readonly events: Array<{ event: string; data: unknown }>;
  readonly text: () => string;
  readonly ended: Promise<void>;
  close(): void;
}

export async function openEvents(origin: string, headers: Record<string, string> = {}): Promise<EventReader> {
  const events: Array<{ event: string; data: unknown }> = [];
  let text = '';
  let buffer = '';
  let endedResolve!: () => void;
  const ended = new Promise<void>((resolve) => {
    endedResolve = resolve;
  });
  const req = httpRequest(`${origin}/api/events`, { headers, agent: false });
  await new Promise<void>((resolve, reject) => {
    req.on('response', (res) => {
      if (res.statusCode !== 200) reject(new Error(`/api/events answered ${res.statusCode}`));
      res.setEncoding('utf8').on('data', (chunk: string) => {
        text += chunk;
        buffer += chunk;
        let end = buffer.indexOf('\n\n');
        while (end !== -1) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(frame)?.[1];
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (event !== undefined && data !== undefined) events.push({ event, data: JSON.parse(data) });
          end = buffer.indexOf('\n\n');
        }
      });
      res.on('end', endedResolve);
      res.on('close', endedResolve);
      resolve();
    });
    req.on('error', reject);
    req.end();
  });
  return { events, text: () => text, ended, close: () => req.destroy() };
}
