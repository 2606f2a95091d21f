import { describe, expect, it } from 'vitest';
import { evaluateSignals, type SignalEvaluation } from '../../../src/screens/eval/evaluate.js';
import { EVAL_SIGNALS } from '../../../src/screens/eval/eval-signals.js';
import type { JournalRecord, JournalRow } from '../../../src/screens/eval/journal-record.js';
import { dateOfDay } from '../../../src/screens/eval/utc-day.js';
import { syntheticWorld, WORLD_START_DAY, worldLastDay } from './synthetic-world.js';

function rowOf(evaluation: { rows: SignalEvaluation[] }, signal: string): SignalEvaluation {
  return evaluation.rows.find((row) => row.signal === signal)!;
}

describe('screen eval on a world with a planted edge', () => {
  const records = syntheticWorld({ seed: 7, rvolEdge: 0.05 });
  const evaluation = evaluateSignals(records, { horizonDays: 7, asOfDay: worldLastDay() });

  it('finds that rvol helps, by about the +5% planted over 7 days', () => {
    const rvol = rowOf(evaluation, 'rvol');
    expect(rvol.verdict).toBe('helps');
    expect(rvol.n).toBeGreaterThan(150);
    expect(rvol.meanExcessPct!).toBeGreaterThan(3.5);
    expect(rvol.meanExcessPct!).toBeLessThan(6.5);
    expect(rvol.ciLowPct!).toBeGreaterThan(0);
    expect(rvol.hitRate!).toBeGreaterThan(0.6);
  });

  it('finds no evidence for breakout, which was drawn independently of the future', () => {
    const breakout = rowOf(evaluation, 'breakout');
    expect(breakout.verdict).toBe('no evidence');
    expect(breakout.n).toBeGreaterThan(150);
    expect(breakout.ciLowPct!).toBeLessThan(0);
    expect(breakout.ciHighPct!).toBeGreaterThan(0);
  });

  it('reports every signal once, in order, over the days whose horizon has passed', () => {
    expect(evaluation.rows.map((row) => row.signal)).toEqual([...EVAL_SIGNALS]);
    expect(EVAL_SIGNALS).toEqual(['rvol', 'breakout', 'rs', 'squeeze', 'oversold', 'overbought', 'topDecile', 'all']);
    expect(evaluation.fromDay).toBe(WORLD_START_DAY);
    expect(evaluation.toDay).toBe(worldLastDay());
  });
});

describe('screen eval on worlds with no edge anywhere', () => {
  it('says `helps` (or `hurts`) no more often than chance allows over 20 seeds', () => {
    // Arithmetic walks: each day's forward returns are symmetric, so a pick with no edge has an
    // expected excess over the median of exactly zero (see the skew test below for why that matters).
    let helps = 0;
    let hurts = 0;
    let verdicts = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const world = syntheticWorld({ seed: 1000 + seed, flagRate: 0.05, walk: 'arithmetic', dailySd: 0.015 });
      const evaluation = evaluateSignals(world, { horizonDays: 7, asOfDay: worldLastDay() });
      for (const row of evaluation.rows) {
        if (row.signal === 'all') continue;
        expect(row.verdict).not.toBe('too early');
        verdicts++;
        if (row.verdict === 'helps') helps++;
        if (row.verdict === 'hurts') hurts++;
      }
    }
    // 140 verdicts; a 95% interval lies wholly above zero 2.5% of the time by chance: 3.5 expected.
    // Binomial(140, 0.025) exceeds 9 with probability under 0.3%: more means the interval is too narrow.
    expect(verdicts).toBe(140);
    expect(helps).toBeLessThanOrEqual(9);
    expect(hurts).toBeLessThanOrEqual(9);
  });

  it('shows the skew premium of the median baseline in the `all` row of a geometric world', () => {
    // Log-normal 7-day returns (σ ≈ 16%): their mean exceeds their median by about σ²/2 ≈ 1.3%.
    // Every coin "beats the median" on average, so the `all` row helps, and a signal's mean
    // excess has to be read against it.
    const world = syntheticWorld({ seed: 21, coins: 60, days: 200, dailySd: 0.06 });
    const all = rowOf(evaluateSignals(world, { horizonDays: 7, asOfDay: WORLD_START_DAY + 199 }), 'all');
    expect(all.n).toBe(60 * 193);
    expect(all.meanExcessPct!).toBeGreaterThan(0.6);
    expect(all.meanExcessPct!).toBeLessThan(2.5);
    expect(all.verdict).toBe('helps');
    expect(all.hitRate!).toBeCloseTo(0.5, 1);
  });
});

describe('screen eval statistics', () => {
  /** Plain predicates, written apart from the code under test: which rows of a day each signal takes. */
  const REFERENCE_PICKS: Record<string, (rows: readonly JournalRow[]) => (row: JournalRow) => boolean> = {
    rvol: () => (row) => row.rvol !== null && row.rvol >= 2.5,
    rs: () => (row) => row.rs7dPct !== null && row.rs7dPct >= 10,
    oversold: () => (row) => row.rsi14 !== null && row.rsi14 < 30,
    topDecile: (rows) => {
      const scores = rows.flatMap((row) => (row.score === null ? [] : [row.score])).sort((a, b) => b - a);
      const cut = scores[Math.ceil(scores.length / 10) - 1]!;
      return (row) => row.score !== null && row.score >= cut;
    },
    all: () => () => true,
  };

  it.each(Object.keys(REFERENCE_PICKS))('match a plain reference computation (%s)', async (signal) => {
    const { BOOTSTRAP_SEED, mulberry32 } = await import('../../../src/screens/eval/seeded-random.js');
    const records = syntheticWorld({ seed: 99, coins: 25, days: 60, flagRate: 0.1, rvolEdge: 0.02 });
    const horizon = 3;
    const asOf = WORLD_START_DAY + 55;
    const evaluation = evaluateSignals(records, { horizonDays: horizon, asOfDay: asOf });
    const lastDate = dateOfDay(asOf);

    // Reference: rows as a flat list, returns found by searching the later record for the id.
    const entries: Array<{ date: string; excess: number }> = [];
    for (const record of records) {
      const laterDate = dateOfDay(WORLD_START_DAY + records.indexOf(record) + horizon);
      if (laterDate > lastDate) continue;
      const later = records.find((candidate) => candidate.date === laterDate)!;
      const returns = record.rows.map((row) => later.rows.find((other) => other.id === row.id)!.close! / row.close! - 1);
      const ordered = [...returns].sort((a, b) => a - b);
      const median = (ordered[Math.floor((ordered.length - 1) / 2)]! + ordered[Math.ceil((ordered.length - 1) / 2)]!) / 2;
      const picked = REFERENCE_PICKS[signal]!(record.rows);
      record.rows.forEach((row, i) => {
        if (picked(row)) entries.push({ date: record.date, excess: returns[i]! - median });
      });
    }
    const n = entries.length;
    const dates = [...new Set(entries.map((entry) => entry.date))].sort();
    const mean = entries.reduce((total, entry) => total + entry.excess, 0) / n;
    const random = mulberry32(BOOTSTRAP_SEED);
    const means: number[] = [];
    for (let r = 0; r < 2000; r++) {
      const drawn: number[] = [];
      for (let i = 0; i < dates.length; i++) {
        const date = dates[Math.floor(random() * dates.length)];
        for (const entry of entries) if (entry.date === date) drawn.push(entry.excess);
      }
      means.push(drawn.reduce((a, b) => a + b, 0) / drawn.length);
    }
    means.sort((a, b) => a - b);
    const quantile = (p: number): number => {
      const h = (means.length - 1) * p;
      return means[Math.floor(h)]! + (h - Math.floor(h)) * (means[Math.ceil(h)]! - means[Math.floor(h)]!);
    };

    const row = rowOf(evaluation, signal);
    expect(n).toBeGreaterThan(30);
    expect(row.n).toBe(n);
    expect(row.dates).toBe(dates.length);
    expect(row.meanExcessPct!).toBeCloseTo(mean * 100, 10);
    expect(row.ciLowPct!).toBeCloseTo(quantile(0.025) * 100, 10);
    expect(row.ciHighPct!).toBeCloseTo(quantile(0.975) * 100, 10);
    expect(row.hitRate!).toBeCloseTo(entries.filter((entry) => entry.excess > 0).length / n, 12);
    expect(row.missing).toBe(0);
  });

  it('draw the same dates whether the draws are made once for several signals or per signal', async () => {
    const { bootstrapInterval, SeededDraws } = await import('../../../src/screens/eval/bootstrap.js');
    const { BOOTSTRAP_SEED, mulberry32 } = await import('../../../src/screens/eval/seeded-random.js');
    const shared = new SeededDraws();
    const random = mulberry32(BOOTSTRAP_SEED);
    // The raw draws are mulberry32's, in order.
    expect(Array.from(shared.first(1000), (raw) => raw / 4_294_967_296)).toEqual(Array.from({ length: 1000 }, () => random()));
    for (const dates of [361, 1, 7]) {
      const totals = {
        sums: Array.from({ length: dates }, (_, i) => Math.sin(i) / 10),
        counts: Array.from({ length: dates }, (_, i) => 1 + (i % 5)),
      };
      expect(bootstrapInterval(totals, shared)).toEqual(bootstrapInterval(totals));
    }
  });

  it('gives the same interval every time (the seed is fixed)', () => {
    const records = syntheticWorld({ seed: 3 });
    const first = evaluateSignals(records, { horizonDays: 7, asOfDay: worldLastDay() });
    const again = evaluateSignals([...records].reverse(), { horizonDays: 7, asOfDay: worldLastDay() });
    expect(again).toEqual(first);
  });

  it('takes the top decile of each day by score, ties at the cut included', () => {
    const rows = (scores: (number | null)[]): JournalRow[] =>
      scores.map((score, i) => ({ ...syntheticWorld({ seed: 1, coins: 1, days: 1 })[0]!.rows[0]!, id: `c${i}`, score }));
    const records: JournalRecord[] = [];
    for (let day = 0; day < 12; day++) {
      const scores = Array.from({ length: 20 }, (_, i) => (i === 19 ? null : i));
      scores[17] = 18; // ties with 18: the top decile of 19 scored rows (k = 2) is {18, 18}
      const today = rows(scores).map((row) => ({ ...row, rvol: 1, close: 100 }));
      records.push({ date: dateOfDay(WORLD_START_DAY + day), rows: today });
    }
    // Rows 17 and 18 gain 10% over the next day; everyone else stays flat.
    for (let day = 1; day < 12; day++) {
      for (const i of [17, 18]) records[day]!.rows[i]!.close = records[day - 1]!.rows[i]!.close! * 1.1;
    }
    const top = rowOf(evaluateSignals(records, { horizonDays: 1, asOfDay: WORLD_START_DAY + 11 }), 'topDecile');
    expect(top.n).toBe(22);
    expect(top.dates).toBe(11);
    expect(top.meanExcessPct!).toBeCloseTo(10, 9);
  });
});

describe('screen eval on a coin that is delisted mid-period', () => {
  const records = syntheticWorld({ seed: 5, coins: 10, days: 60 }).map((record, day) => ({
    ...record,
    rows: record.rows
      .filter((row) => row.id !== 'coin-0' || day < 30)
      .map((row) => (row.id === 'coin-0' ? { ...row, rvol: 4 } : { ...row, rvol: 1 })),
  }));
  const evaluation = evaluateSignals(records, { horizonDays: 7, asOfDay: WORLD_START_DAY + 59 });
  const rvol = rowOf(evaluation, 'rvol');

  it('keeps its rows and counts its unknown forward returns as missing', () => {
    // Flagged on days 0–29; days 23–29 end after it left every record.
    expect(rvol.n).toBe(23);
    expect(rvol.dates).toBe(23);
    expect(rvol.missing).toBe(7);
  });

  it('counts no row whose horizon has not ended yet, as missing or otherwise', () => {
    const early = rowOf(evaluateSignals(records, { horizonDays: 7, asOfDay: WORLD_START_DAY + 20 }), 'rvol');
    expect(early.n).toBe(14);
    expect(early.missing).toBe(0);
  });

  it('takes a later close from elsewhere (the candle store) when the records lack it', () => {
    const withCandles = rowOf(
      evaluateSignals(records, { horizonDays: 7, asOfDay: WORLD_START_DAY + 59, closeOn: (id) => (id === 'coin-0' ? 1 : undefined) }),
      'rvol',
    );
    expect(withCandles.n).toBe(30);
    expect(withCandles.missing).toBe(0);
  });
});

describe('screen eval verdict `too early`', () => {
  it('holds with fewer than 10 dates, however many rows', () => {
    const records = syntheticWorld({ seed: 11, coins: 200, days: 16, flagRate: 0.5, rvolEdge: 0.1 });
    const rvol = rowOf(evaluateSignals(records, { horizonDays: 7, asOfDay: WORLD_START_DAY + 15 }), 'rvol');
    expect(rvol.dates).toBe(9);
    expect(rvol.n).toBeGreaterThan(500);
    expect(rvol.verdict).toBe('too early');
    expect(rvol.meanExcessPct!).toBeGreaterThan(5);
  });

  it('holds with fewer than 30 rows, however many dates', () => {
    const records = syntheticWorld({ seed: 12, coins: 3, days: 40, flagRate: 0.2, rvolEdge: 0.1 });
    const rvol = rowOf(evaluateSignals(records, { horizonDays: 1, asOfDay: WORLD_START_DAY + 39 }), 'rvol');
    expect(rvol.n).toBeLessThan(30);
    expect(rvol.dates).toBeGreaterThanOrEqual(10);
    expect(rvol.verdict).toBe('too early');
  });

  it('holds with no journal at all, with nulls for the numbers', () => {
    const evaluation = evaluateSignals([], { horizonDays: 7, asOfDay: WORLD_START_DAY });
    expect(evaluation.fromDay).toBeUndefined();
    for (const row of evaluation.rows) {
      expect(row).toMatchObject({ n: 0, dates: 0, missing: 0, meanExcessPct: null, ciLowPct: null, hitRate: null, verdict: 'too early' });
    }
  });
});
