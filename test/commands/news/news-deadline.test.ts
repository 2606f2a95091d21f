import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { NEWS_PATHS, newsEnv, parseNewsJson, routeRecordings, statusBySource } from '../../cli/news-fixtures.js';
import { startFakeApi, type FakeApi } from '../../helpers/fake-api/index.js';
import { removeDir, tempCacheDir } from '../../helpers/run-cli.js';

/**
 * Issue 11: a source past its deadline is abandoned at once. A news run in-process (the CLI's
 * `main`, real clock, real client, one fake server for all five APIs) with HN never answering.
 */

const DEADLINE_MS = 3000;
/** What the answer may take past the deadline: the other sources' work, ranking, output. */
const SLACK_MS = 300;

let api: FakeApi;
let cacheDir: string;

beforeAll(async () => {
  api = await startFakeApi();
  cacheDir = await tempCacheDir();
  // Modules the run loads lazily, loaded once here so the measurement is the run, not the test
  // runner compiling them.
  await Promise.all([
    import('../../../src/commands/news/spec.js'),
    import('../../../src/runtime/run-context.js'),
    import('../../../src/http/async-api-client.js'),
    import('../../../src/output/render-json.js'),
  ]);
});
afterAll(async () => {
  await api.close();
  await removeDir(cacheDir);
});

describe('screen news with a hanging source', () => {
  it('answers within the 3 s deadline + 300 ms, having destroyed the hanging socket', async () => {
    routeRecordings(api);
    let socketClosedAt: number | undefined;
    api.route('GET', NEWS_PATHS.hn, (req) => {
      req.socket.once('close', () => {
        socketClosedAt = performance.now();
      });
      return new Promise<never>(() => {});
    });
    let stdout = '';
    let answeredAt: number | undefined;
    const io = {
      stdout: {
        write: (chunk: string) => {
          stdout += chunk;
          answeredAt ??= performance.now();
          return true;
        },
      },
      stderr: { write: () => true },
      env: newsEnv(api, cacheDir),
    };

    const startedAt = performance.now();
    const code = await main(['node', 'screen', 'news', 'bitcoin etf', '--json', '--source-timeout-ms', String(DEADLINE_MS)], io);

    expect(code).toBe(0);
    const doc = parseNewsJson(stdout);
    expect(statusBySource(doc)).toMatchObject({ hn: 'failed', google_news: 'fresh', gdelt: 'fresh' });
    expect(doc.sources.find((s) => s.name === 'hn')?.error).toBe('hn did not answer within 3s');
    expect(answeredAt! - startedAt).toBeGreaterThanOrEqual(DEADLINE_MS - 5);
    expect(answeredAt! - startedAt).toBeLessThan(DEADLINE_MS + SLACK_MS);
    // The request was abandoned, not left to run out: its socket closed by the time of the answer.
    expect(socketClosedAt).toBeDefined();
    expect(socketClosedAt! - startedAt).toBeLessThan(answeredAt! - startedAt + 50);
  });

  it('says a source still waiting for its pacing slot was not asked, rather than that it did not answer', async () => {
    routeRecordings(api);
    const dir = await tempCacheDir();
    const run = async (...args: string[]) => {
      let stdout = '';
      const io = { stdout: { write: (chunk: string) => (stdout += chunk) }, stderr: { write: () => true }, env: newsEnv(api, dir) };
      const code = await main(['node', 'screen', 'news', 'bitcoin etf', '--json', '--sources', 'gdelt', ...args], io);
      return { code, doc: parseNewsJson(stdout) };
    };
    try {
      // GDELT asks for 5 s between requests: the first run's request leaves the next slot 5 s out
      // (saved in the state), so a refresh right after cannot send within a 1 s deadline.
      const first = await run('--pace-ms', '5000');
      expect(statusBySource(first.doc)).toMatchObject({ gdelt: 'fresh' });
      const asked = api.requestCount(NEWS_PATHS.gdelt);
      const second = await run('--pace-ms', '5000', '--force-refresh', '--source-timeout-ms', '1000');
      expect(second.code).toBe(0);
      const gdelt = second.doc.sources.find((s) => s.name === 'gdelt');
      expect(gdelt).toMatchObject({ status: 'stale' });
      expect(gdelt?.error).toMatch(/^gdelt not asked within 1s: the request was still waiting for its turn on the host's pacing/);
      expect(api.requestCount(NEWS_PATHS.gdelt)).toBe(asked);
    } finally {
      await removeDir(dir);
    }
  });
});
