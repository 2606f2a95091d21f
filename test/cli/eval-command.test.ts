import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeJournalRecord } from '../../src/screens/eval/journal-codec.js';
import { FileJournal } from '../../src/store/file/file-journal.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { cleanEnv, removeDir, runMain, tempCacheDir } from '../helpers/run-cli.js';
import { syntheticWorld, WORLD_START_DAY } from '../screens/eval/synthetic-world.js';

/** The day after the synthetic world's 120 days: every record has closed. */
const NOW = (WORLD_START_DAY + 121) * 86_400_000 + 3_600_000;

describe('screen eval', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const clock = (): ManualClock => new ManualClock(NOW);

  beforeEach(async () => {
    dir = await tempCacheDir();
    env = cleanEnv({ SCREEN_CACHE_DIR: dir });
  });
  afterEach(async () => {
    await removeDir(dir);
  });

  async function journal(records = syntheticWorld({ seed: 7, rvolEdge: 0.05 })): Promise<void> {
    const file = new FileJournal(dir);
    for (const record of records) await file.appendOnce('crypto', record.date, encodeJournalRecord(record));
  }

  it('scores every signal from the journal as the contract shapes its JSON', async () => {
    await journal();
    const run = await runMain(['eval', '--json'], env, { clock: clock() });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const document = JSON.parse(run.stdout);
    expect(document).toMatchObject({
      command: 'eval',
      screen: 'crypto',
      horizonDays: 7,
      basis: 'journal',
      survivorshipBiased: false,
      days: 120,
      from: '2026-01-01T00:00:00.000Z',
      to: '2026-04-30T23:59:59.999Z',
    });
    expect(document.rows.map((row: { signal: string }) => row.signal)).toEqual([
      'rvol',
      'breakout',
      'rs',
      'squeeze',
      'oversold',
      'overbought',
      'topDecile',
      'all',
    ]);
    for (const row of document.rows) {
      expect(Object.keys(row)).toEqual(['signal', 'n', 'dates', 'missing', 'meanExcessPct', 'ciLowPct', 'ciHighPct', 'hitRate', 'verdict']);
    }
    expect(document.rows[0]).toMatchObject({ signal: 'rvol', verdict: 'helps' });
    expect(document.rows[1]).toMatchObject({ signal: 'breakout', verdict: 'no evidence' });
  });

  it('prints a table, and on stderr what the numbers mean and do not', async () => {
    await journal();
    const run = await runMain(['eval', '--horizon', '3d', '--since', '2026-02-01'], env, { clock: clock() });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/signal +│ +n │ dates │ missing │ mean excess 3d │ +95% interval │ hit rate │ verdict/);
    expect(run.stdout).toMatch(/rvol ≥ 2\.5 .*✓ helps/);
    expect(run.stderr).toContain('journal: 89 days, 2026-02-01 to 2026-04-30 (file store)');
    expect(run.stderr).toContain('past excess return is not a promise');
  });

  it('says `too early` everywhere on an empty journal, and why', async () => {
    const run = await runMain(['eval', 'crypto'], env, { clock: clock() });
    expect(run.code).toBe(0);
    expect(run.stdout.match(/too early/g)).toHaveLength(8);
    expect(run.stderr).toContain('no days recorded yet for crypto');
    const json = JSON.parse((await runMain(['eval', '--json'], env, { clock: clock() })).stdout);
    expect(json).toMatchObject({ days: 0, from: null, to: null });
  });

  it('says how the market journal fills, and where else its evidence can come from', async () => {
    const run = await runMain(['eval', 'market'], env, { clock: clock() });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      'no trading days recorded yet for market; a `screen market` run with MASSIVE_API_KEY records the last closed trading day, and `--basis backfill` answers from stored daily bars',
    );
  });

  it.each([
    [['eval', 'stocks'], 'screen eval takes crypto or market, got "stocks"'],
    [['eval', '--horizon', '2d'], '--horizon must be one of 1d, 3d, 7d, 30d, got "2d"'],
    [['eval', '--basis', 'hope'], '--basis must be one of journal, backfill, got "hope"'],
    [['eval', '--since', '2026-02-30'], '--since expects a date like 2026-11-01, got "2026-02-30"'],
    [['eval', '--since', 'last week'], '--since expects a date like 2026-11-01, got "last week"'],
  ])('refuses %j with one line and exit 2', async (args, message) => {
    const run = await runMain(args, env, { clock: clock() });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(message);
  });
});
