import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MARKET_SIGNAL_KEYS, NO_MARKET_SIGNALS } from '../../src/screens/market/market-signals.js';
import { startFakeApi, type FakeApi } from '../helpers/fake-api/index.js';
import { runMain, useCliSandbox } from '../helpers/run-cli.js';
import {
  ALPHAVANTAGE_INFORMATION,
  ALPHAVANTAGE_NOTE,
  MARKET_KEYS,
  MARKET_PATHS,
  marketEnv,
  readStateFile,
  RECORDED_SYMBOLS,
  requestedSymbols,
  routeMarket,
  STOOQ_BLOCK_PAGE,
  syntheticSymbols,
  utcDayOffset,
  writeSymbolsFile,
  type MarketRowJson,
  type MarketServers,
  type MarketSource,
} from './market-fixtures.js';
import {
  isLeftover,
  listFilesDeep,
  parseCommandJson,
  spawnCli,
  statusBySource,
  unparsableJsonFiles,
  waitUntil,
  type CommandJson,
} from './ops-fixtures.js';

/**
 * `screen market` as users run it (through `main`, in-process; the SIGINT case spawns the bin) against fake servers playing Finnhub,
 * Alpha Vantage and Stooq in their real shapes (issue 6, "Must show").
 */

type MarketJson = CommandJson<MarketRowJson>;

let api: FakeApi;
let cacheDir: string;

useCliSandbox((sandbox) => {
  ({ api, cacheDir } = sandbox);
});

async function market(args: string[], options: { servers?: MarketServers; env?: Record<string, string | undefined> } = {}) {
  const run = await runMain(['market', ...args, '--json'], marketEnv(options.servers ?? api, cacheDir, options.env));
  const doc = parseCommandJson<MarketRowJson>(run.stdout, run.stderr);
  return { ...run, doc, rows: new Map(doc.results.map((row) => [row.symbol, row])) };
}

function sourceReport(doc: MarketJson, name: MarketSource): MarketJson['sources'][number] {
  const report = doc.sources.find((s) => s.name === name);
  if (!report) throw new Error(`no report for ${name}`);
  return report;
}

/**
 * Pairs of requests (indexes i < j) that came closer together than `j - i` paces, less `slackMs`:
 * empty when a pace was kept. Without pacing, back-to-back requests arrive 1-3 ms apart.
 */
function paceViolations(times: readonly number[], paceMs: number, slackMs: number): string[] {
  const violations: string[] = [];
  for (let i = 0; i < times.length; i++) {
    for (let j = i + 1; j < times.length; j++) {
      const gap = times[j]! - times[i]!;
      if (gap < (j - i) * paceMs - slackMs) violations.push(`#${i}..#${j}: ${gap.toFixed(1)} ms`);
    }
  }
  return violations;
}

/** Sorted, without repeats (a transient connection error on a loaded machine may cause one retry). */
function unique(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}

function expectNoKeys(...texts: string[]): void {
  for (const text of texts) for (const key of Object.values(MARKET_KEYS)) expect(text).not.toContain(key);
}

describe('screen market: each source as its API really answers', () => {
  // Values from the demo recordings (src/demo/recordings/market), read through each source's own fields.
  const expected: Record<MarketSource, Record<'IBM' | 'MSFT', Partial<MarketRowJson>>> = {
    // Finnhub: numbers; `dp` is the change %, no volume on /quote.
    finnhub: {
      IBM: { price: 304.7, changePct: 1.8042, volume: null },
      MSFT: { price: 509.6, changePct: 3.0995, volume: null },
    },
    // Alpha Vantage: every value a string, "1.8042%" as the change.
    alphavantage: {
      IBM: { price: 304.7, changePct: 1.8042, volume: 6091642 },
      MSFT: { price: 509.6, changePct: 3.0995, volume: 20949894 },
    },
    // Stooq: CSV without a previous close, so the change is since the open (close 304.7, open 297.9).
    stooq: {
      IBM: { price: 304.7, changePct: Math.round(((304.7 - 297.9) / 297.9) * 100 * 1e4) / 1e4, volume: 6091642 },
      MSFT: { price: 509.6, changePct: Math.round(((509.6 - 495.98) / 495.98) * 100 * 1e4) / 1e4, volume: 20949894 },
    },
  };

  it.each(['finnhub', 'alphavantage', 'stooq'] as const)(
    '%s: quotes parsed from the real shape; an unknown symbol is listed, not a row',
    async (source) => {
      routeMarket(api, { unknown: ['NOPEX'] });
      const { code, doc, rows, stdout, stderr } = await market(['--sources', source, 'IBM', 'NOPEX', 'MSFT']);

      expect(code, stderr).toBe(0);
      expect(doc.command).toBe('market');
      expect(sourceReport(doc, source)).toMatchObject({ status: 'fresh', items: 2, error: null });
      for (const other of ['finnhub', 'alphavantage', 'stooq'].filter((s) => s !== source)) {
        expect(sourceReport(doc, other as MarketSource).status).toBe('skipped');
      }
      expect([...rows.keys()].sort()).toEqual(['IBM', 'MSFT']);
      for (const symbol of ['IBM', 'MSFT'] as const) {
        expect(rows.get(symbol)).toMatchObject({ symbol, ...expected[source][symbol], sources: [source] });
        // The signal fields are there, null: no daily bars without a Massive key.
        expect(Object.keys(rows.get(symbol)!).sort()).toEqual(
          ['changeBasis', 'changePct', 'name', 'price', 'score', 'sources', 'symbol', 'volume', ...MARKET_SIGNAL_KEYS].sort(),
        );
        expect(rows.get(symbol)).toMatchObject(NO_MARKET_SIGNALS);
      }
      expect(rows.get('MSFT')!.name).toBe('Microsoft');
      // Finnhub zeros, an empty Global Quote, a Stooq N/D row: each means "no such symbol".
      expect(doc.excluded).toEqual([{ id: 'NOPEX', reason: 'unknown symbol' }]);
      expect(stderr).toMatch(/1 unknown: NOPEX/);

      // Each API asked on its real path with its real parameters and key.
      const requests = api.requests.filter((r) => r.path === MARKET_PATHS[source]);
      expect(api.requests).toHaveLength(requests.length);
      if (source === 'stooq') {
        expect(requests).toHaveLength(1);
        expect(requests[0]!.query.get('s')).toBe('ibm.us,nopex.us,msft.us');
        expect(requests[0]!.query.get('f')).toBe('sd2t2ohlcvn');
        expect(requests[0]!.query.get('e')).toBe('csv');
        expect(requests[0]!.query.get('apikey')).toBe(MARKET_KEYS.stooq);
      } else {
        expect(unique(requestedSymbols(api.requests, source))).toEqual(['IBM', 'MSFT', 'NOPEX']);
        for (const r of requests) {
          if (source === 'finnhub') expect(r.query.get('token')).toBe(MARKET_KEYS.finnhub);
          else expect(Object.fromEntries(r.query)).toMatchObject({ function: 'GLOBAL_QUOTE', apikey: MARKET_KEYS.alphavantage });
        }
      }
      expectNoKeys(stdout, stderr);
    },
  );

  it('a Stooq-only ticker takes its name from the CSV and says the change is since the open', async () => {
    routeMarket(api);
    const [ticker] = syntheticSymbols(1);
    const { code, rows, stderr } = await market(['--sources', 'stooq', ticker!]);
    expect(code, stderr).toBe(0);
    expect(rows.get(ticker!)).toMatchObject({ name: `${ticker} INC`, sources: ['stooq'] });
    expect(stderr).toMatch(/^\* change % since today's open, not the previous close, for 1 symbol quoted by Stooq only/m);
    // The table says so too: the column and the cell are marked.
    const table = await runMain(['market', '--sources', 'stooq', ticker!], marketEnv(api, cacheDir));
    expect(table.stdout).toMatch(/Change %\*/);
    expect(table.stdout).toMatch(/[+-]\d+\.\d\d%\*/);
  });

  it.each([
    ['Information', ALPHAVANTAGE_INFORMATION],
    ['Note', ALPHAVANTAGE_NOTE],
  ] as const)(
    'Alpha Vantage soft rate limit at HTTP 200 (%s): the source is reported rate limited, its symbols go to Finnhub',
    async (_kind, body) => {
      routeMarket(api);
      api.route('GET', MARKET_PATHS.alphavantage, { json: body });
      const symbols = ['IBM', 'MSFT', 'KO', 'JPM'];
      const { code, doc, rows, stdout, stderr } = await market(['--sources', 'finnhub,alphavantage', ...symbols]);

      expect(code, stderr).toBe(0);
      // The limit text is a failure of the source, never a quote: no row comes from it.
      expect(sourceReport(doc, 'alphavantage')).toMatchObject({ status: 'failed', items: 0, error: expect.stringMatching(/rate limited/) });
      expect(sourceReport(doc, 'finnhub')).toMatchObject({ status: 'fresh', items: 4 });
      expect([...rows.keys()].sort()).toEqual([...symbols].sort());
      for (const row of rows.values()) expect(row.sources).toEqual(['finnhub']);
      expect(doc.excluded).toEqual([]);
      // One limited answer is enough: Alpha Vantage is not asked again this run.
      expect(api.requestCount(MARKET_PATHS.alphavantage)).toBe(1);
      expect(unique(requestedSymbols(api.requests, 'finnhub'))).toEqual([...symbols].sort());
      expect(stderr).toMatch(/alphavantage\s+failed\s+alphavantage rate limited/);
      // The Information text names the key; it must not be echoed anywhere.
      expectNoKeys(stdout, stderr);

      const strict = await runMain(
        ['market', '--sources', 'finnhub,alphavantage', ...symbols, '--strict', '--json'],
        marketEnv(api, cacheDir),
      );
      // Everything now comes from cache and Alpha Vantage is not needed: nothing is degraded.
      expect(strict.code, strict.stderr).toBe(0);
    },
  );

  it('Alpha Vantage alone, soft-limited: exit 1 with no rows, and later runs today do not spend a call', async () => {
    routeMarket(api);
    api.route('GET', MARKET_PATHS.alphavantage, { json: ALPHAVANTAGE_INFORMATION });
    const first = await market(['--sources', 'alphavantage', 'IBM', 'MSFT']);
    expect(first.code, first.stderr).toBe(1);
    expect(first.doc.results).toEqual([]);
    expect(sourceReport(first.doc, 'alphavantage')).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/rate limited: daily limit reached/),
    });
    expect(first.stderr).toMatch(/no results: every source failed/);
    expect(api.requestCount(MARKET_PATHS.alphavantage)).toBe(1);

    // "25 requests per day" means the key's day is over: the ledger is drained, so no call is wasted.
    expect((await readStateFile(cacheDir)).budgets.alphavantage).toEqual({ day: utcDayOffset(0), used: 25 });
    const second = await market(['--sources', 'alphavantage', 'IBM', 'MSFT']);
    expect(second.code).toBe(1);
    expect(sourceReport(second.doc, 'alphavantage')).toMatchObject({ status: 'failed', error: 'daily budget of 25 used' });
    expect(api.requestCount(MARKET_PATHS.alphavantage)).toBe(1);
  });

  it('Stooq HTML block page at HTTP 200: stooq fails "blocked", Finnhub and Alpha Vantage carry the scan', async () => {
    routeMarket(api);
    api.route('GET', MARKET_PATHS.stooq, { body: STOOQ_BLOCK_PAGE, headers: { 'content-type': 'text/html; charset=utf-8' } });
    const symbols = ['AAPL', 'IBM', 'KO', 'MSFT', 'JPM', 'WMT'];
    const { code, doc, rows, stderr } = await market(symbols);

    expect(code, stderr).toBe(0);
    expect(sourceReport(doc, 'stooq')).toMatchObject({ status: 'failed', items: 0, error: expect.stringMatching(/blocked/) });
    expect(stderr).toMatch(/stooq\s+failed\s+stooq blocked/);
    expect([...rows.keys()].sort()).toEqual([...symbols].sort());
    for (const row of rows.values()) expect(row.sources).not.toContain('stooq');
    expect(sourceReport(doc, 'finnhub').status).toBe('fresh');
    // One block page predicts the next: Stooq is asked once (the batch held every symbol).
    expect(api.requestCount(MARKET_PATHS.stooq)).toBe(1);
    expect(unique([...requestedSymbols(api.requests, 'finnhub'), ...requestedSymbols(api.requests, 'alphavantage')])).toEqual(
      [...symbols].sort(),
    );

    const strict = await runMain(['market', ...symbols, '--force-refresh', '--strict'], marketEnv(api, cacheDir));
    expect(strict.code, strict.stderr).toBe(3);
  });
});

describe('screen market: a scan of 100 symbols over two sources', () => {
  let second: FakeApi;
  beforeAll(async () => {
    // Alpha Vantage on its own loopback address, so each source is its own host to the limiter.
    second = await startFakeApi({ host: '127.0.0.2' });
  });
  afterAll(async () => {
    await second.close();
  });

  it('splits the symbols over Finnhub and Alpha Vantage, each paced on its own', async () => {
    const servers = { finnhub: api, alphavantage: second, stooq: api };
    routeMarket(servers);
    const symbols = syntheticSymbols(100);
    const file = await writeSymbolsFile(cacheDir, symbols);
    // Well above the natural cadence of sequential requests (each waits for its cache write).
    const paceMs = 40;
    const { code, doc, rows, stderr } = await market(['--sources', 'finnhub,alphavantage', '--symbols-file', file, '--limit', '100'], {
      servers,
      env: { SCREEN_PACE_MS: String(paceMs) },
    });

    expect(code, stderr).toBe(0);
    expect(rows.size).toBe(100);
    // A scan of seconds, but stderr is not a TTY (as in cron): no progress line.
    expect(stderr).not.toMatch(/\r|ETA/);
    const fromFinnhub = requestedSymbols(api.requests, 'finnhub');
    const fromAlphaVantage = requestedSymbols(second.requests, 'alphavantage');
    // Both sources work, each symbol is asked once, and Alpha Vantage never past its day's 25.
    expect(fromFinnhub.length).toBeGreaterThan(0);
    expect(fromAlphaVantage.length).toBeGreaterThan(0);
    expect(fromAlphaVantage.length).toBeLessThanOrEqual(25);
    expect([...fromFinnhub, ...fromAlphaVantage].sort()).toEqual(symbols);
    expect(sourceReport(doc, 'finnhub')).toMatchObject({ status: 'fresh', items: fromFinnhub.length });
    expect(sourceReport(doc, 'alphavantage')).toMatchObject({ status: 'fresh', items: fromAlphaVantage.length });

    // Each source's pace, as the server saw it: never more than one request ahead of it. Slots are
    // scheduled `paceMs` apart, but a request sent late (event-loop and timer slip on a busy
    // machine: up to ~30 ms seen) makes the gap after it short, as the next one keeps its slot;
    // hence one pace of slack over any run of requests. Unpaced, these requests come ~18 ms apart
    // (each waits for its cache write), which fails this at once.
    for (const [name, requests] of [
      ['finnhub', api.requests.filter((r) => r.path === MARKET_PATHS.finnhub)],
      ['alphavantage', second.requests.filter((r) => r.path === MARKET_PATHS.alphavantage)],
    ] as const) {
      const times = requests.map((r) => r.at);
      expect(paceViolations(times, paceMs, paceMs), name).toEqual([]);
      expect(times.at(-1)! - times[0]!, name).toBeGreaterThanOrEqual((times.length - 1) * paceMs - paceMs);
    }
    // The two paces run side by side: Alpha Vantage's calls fall inside Finnhub's stretch.
    const finnhubTimes = api.requests.map((r) => r.at);
    const avTimes = second.requests.map((r) => r.at);
    expect(Math.min(...avTimes)).toBeLessThan(Math.max(...finnhubTimes));
    expect(Math.min(...finnhubTimes)).toBeLessThan(Math.max(...avTimes));
  });
});

describe('screen market: the Alpha Vantage daily budget', () => {
  it('stops at 25 calls, spends none more that day, and resumes with the missing symbols the next day', async () => {
    routeMarket(api);
    const symbols = RECORDED_SYMBOLS.slice(0, 30);
    expect(symbols).toHaveLength(30);
    const file = await writeSymbolsFile(cacheDir, symbols);
    const args = ['--sources', 'alphavantage', '--symbols-file', file, '--limit', '100'];

    const day1 = await market(args);
    expect(day1.code, day1.stderr).toBe(0);
    const fetchedDay1 = requestedSymbols(api.requests, 'alphavantage');
    expect(fetchedDay1).toHaveLength(25);
    expect(day1.rows.size).toBe(25);
    const missing = symbols.filter((s) => !fetchedDay1.includes(s));
    expect(day1.doc.excluded).toEqual(missing.map((id) => ({ id, reason: 'no quote' })));
    expect(sourceReport(day1.doc, 'alphavantage')).toMatchObject({ status: 'fresh', items: 25, error: 'daily budget of 25 used' });
    const state = await readStateFile(cacheDir);
    expect(state.budgets.alphavantage).toEqual({ day: utcDayOffset(0), used: 25 });

    // Same day: the budget is spent, so no call at all; the 25 quotes come from the cache.
    api.reset();
    routeMarket(api);
    const again = await market(args);
    expect(again.code, again.stderr).toBe(0);
    expect(api.requestCount(MARKET_PATHS.alphavantage)).toBe(0);
    expect(again.rows.size).toBe(25);
    expect(sourceReport(again.doc, 'alphavantage')).toMatchObject({ status: 'cached', items: 25 });
    expect((await readStateFile(cacheDir)).budgets.alphavantage!.used).toBe(25);

    // The next day, simulated through the ledger: the budget day becomes yesterday.
    const stateFile = join(cacheDir, 'state.json');
    const edited = JSON.parse(await readFile(stateFile, 'utf8'));
    edited.budgets.alphavantage.day = utcDayOffset(-1);
    await writeFile(stateFile, JSON.stringify(edited));
    api.reset();
    routeMarket(api);
    const day2 = await market(args);
    expect(day2.code, day2.stderr).toBe(0);
    // Only the symbols still missing are fetched; the cached ones cost nothing.
    expect(requestedSymbols(api.requests, 'alphavantage')).toEqual(missing);
    expect(day2.rows.size).toBe(30);
    expect(day2.doc.excluded).toEqual([]);
    expect((await readStateFile(cacheDir)).budgets.alphavantage).toEqual({ day: utcDayOffset(0), used: missing.length });
  });
});

describe('screen market: an interrupted scan resumes from the cache', () => {
  it('SIGINT partway, then a re-run asks only for the quotes not yet cached', async () => {
    const symbols = syntheticSymbols(12);
    routeMarket(api, { latencyMs: 150 });
    const env = marketEnv(api, cacheDir);
    const running = spawnCli(['market', '--sources', 'finnhub', ...symbols, '--json'], env);
    // The fifth request is in flight (150 ms of latency) when the signal lands.
    await waitUntil(() => api.requestCount(MARKET_PATHS.finnhub) >= 5, 'the fifth Finnhub request');
    running.child.kill('SIGINT');
    const interrupted = await running.done;
    expect(interrupted.code, interrupted.stderr).toBe(130);
    expect(interrupted.stdout).toBe('');
    // What it saved is whole: the state parses, every cache file parses, no temp file or lock is left.
    expect((await readStateFile(cacheDir)).schema).toBe(1);
    expect((await listFilesDeep(cacheDir)).filter(isLeftover)).toEqual([]);
    expect((await unparsableJsonFiles(cacheDir)).bad).toEqual([]);

    const firstRun = requestedSymbols(api.requests, 'finnhub');
    // One request at a time per source, so only the last one can have been cut off.
    const completed = firstRun.slice(0, -1);
    expect(completed.length).toBeGreaterThanOrEqual(4);
    expect(firstRun.length).toBeLessThan(symbols.length);

    api.reset();
    routeMarket(api);
    const resumed = await market(['--sources', 'finnhub', ...symbols]);
    expect(resumed.code, resumed.stderr).toBe(0);
    const secondRun = requestedSymbols(api.requests, 'finnhub');
    // Nothing the first run finished is asked again, and the scan completes.
    expect(secondRun.filter((s) => completed.includes(s))).toEqual([]);
    expect([...completed, ...secondRun].sort()).toEqual(symbols);
    expect(resumed.rows.size).toBe(symbols.length);
    expect(resumed.doc.excluded).toEqual([]);
  });
});

describe('screen market: configuration', () => {
  it('with no key at all: exit 2 and one line naming the variables and --demo', async () => {
    routeMarket(api);
    const run = await runMain(['market', 'AAPL'], marketEnv(api, cacheDir, {}, { keys: false }));
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    for (const name of ['FINNHUB_API_KEY', 'ALPHAVANTAGE_API_KEY', 'STOOQ_API_KEY', '--demo']) expect(lines[0]).toContain(name);
    expect(run.stderr).not.toMatch(/\bat .*\.js:\d+/);
    expect(api.requests).toHaveLength(0);
  });

  it('runs with any one key: the others are skipped with the variable named', async () => {
    routeMarket(api);
    const { code, doc, stderr } = await market(['IBM'], { env: { FINNHUB_API_KEY: undefined, STOOQ_API_KEY: undefined } });
    expect(code, stderr).toBe(0);
    expect(statusBySource(doc)).toEqual({ finnhub: 'skipped', alphavantage: 'fresh', stooq: 'skipped' });
    expect(sourceReport(doc, 'finnhub').error).toBe('FINNHUB_API_KEY is not set');
    expect(sourceReport(doc, 'stooq').error).toBe('STOOQ_API_KEY is not set');
  });
});
