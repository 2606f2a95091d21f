import { describe, expect, it } from 'vitest';
import { planScan, sourceFinishMs, type SourceThroughput } from '../../../src/screens/market/plan-scan.js';

const finnhub: SourceThroughput = { name: 'finnhub', requestMs: 1000, batchSize: 1 };
const stooq: SourceThroughput = { name: 'stooq', requestMs: 1000, batchSize: 20 };
const alphavantage = (capacity: number): SourceThroughput => ({ name: 'alphavantage', requestMs: 1000, batchSize: 1, capacity });

const symbols = (n: number): string[] => Array.from({ length: n }, (_, i) => `S${String(i).padStart(3, '0')}`);

/** The best makespan over every split of n symbols between the sources (brute force). */
function optimalMakespan(n: number, sources: SourceThroughput[]): number {
  let best = Infinity;
  const walk = (index: number, left: number, worst: number): void => {
    const source = sources[index];
    if (!source) {
      if (left === 0) best = Math.min(best, worst);
      return;
    }
    for (let take = 0; take <= Math.min(left, source.capacity ?? Infinity); take++) {
      walk(index + 1, left - take, Math.max(worst, sourceFinishMs(source, take)));
    }
  };
  walk(0, n, 0);
  return best;
}

function assignedCounts(plan: ReturnType<typeof planScan>): Record<string, number> {
  return Object.fromEntries([...plan.assignments].map(([name, list]) => [name, list.length]));
}

describe('planScan', () => {
  it('splits 100 symbols across Finnhub and Alpha Vantage: the daily budget caps one, the other paces the rest', () => {
    const plan = planScan(symbols(100), [finnhub, alphavantage(25)]);
    expect(assignedCounts(plan)).toEqual({ finnhub: 75, alphavantage: 25 });
    expect(plan.makespanMs).toBe(75_000);
    expect(plan.makespanMs).toBe(optimalMakespan(100, [finnhub, alphavantage(25)]));
    expect(plan.unassigned).toEqual([]);
  });

  it('splits 100 symbols across two equally paced sources evenly (half the time of one)', () => {
    const other: SourceThroughput = { ...finnhub, name: 'alphavantage' };
    const plan = planScan(symbols(100), [finnhub, other]);
    expect(assignedCounts(plan)).toEqual({ finnhub: 50, alphavantage: 50 });
    expect(plan.makespanMs).toBe(50_000);
  });

  it('respects each source pace: a batched source takes most, and every source finishes by the makespan', () => {
    const plan = planScan(symbols(100), [stooq, finnhub]);
    expect(plan.makespanMs).toBe(optimalMakespan(100, [stooq, finnhub]));
    expect(plan.makespanMs).toBe(5000);
    for (const source of [stooq, finnhub]) {
      expect(sourceFinishMs(source, plan.assignments.get(source.name)?.length ?? 0)).toBeLessThanOrEqual(plan.makespanMs);
    }
    // At equal makespan the plan uses the fewest requests: 5 Stooq batches rather than 5 batches + 5 Finnhub calls.
    expect(assignedCounts(plan)).toEqual({ stooq: 100, finnhub: 0 });
  });

  it('uses a slower second source when it shortens the scan', () => {
    const slowStooq: SourceThroughput = { ...stooq, requestMs: 5000 };
    const plan = planScan(symbols(100), [slowStooq, finnhub]);
    expect(plan.makespanMs).toBe(optimalMakespan(100, [slowStooq, finnhub]));
    expect(assignedCounts(plan).finnhub).toBeGreaterThan(0);
    expect(assignedCounts(plan).stooq).toBeGreaterThan(0);
  });

  it('does not spend Alpha Vantage budget when the other sources finish as early without it', () => {
    const plan = planScan(symbols(30), [stooq, finnhub, alphavantage(25)]);
    expect(assignedCounts(plan)).toEqual({ stooq: 30, finnhub: 0, alphavantage: 0 });
  });

  it('matches the brute-force optimum on many source mixes', () => {
    const mixes: SourceThroughput[][] = [
      [stooq, finnhub, alphavantage(25)],
      [finnhub, alphavantage(3)],
      [{ ...stooq, requestMs: 1500, batchSize: 7 }, { ...finnhub, requestMs: 400 }, alphavantage(10)],
      [
        { ...stooq, requestMs: 3000 },
        { ...finnhub, requestMs: 700 },
      ],
    ];
    for (const mix of mixes) {
      for (const n of [1, 2, 7, 19, 20, 21, 40, 59, 64]) {
        const plan = planScan(symbols(n), mix);
        const capacity = mix.reduce((sum, s) => sum + (s.capacity ?? Infinity), 0);
        if (capacity < n) continue;
        expect(plan.makespanMs, `${mix.map((s) => s.name).join('+')} n=${n}`).toBe(optimalMakespan(n, mix));
        expect([...plan.assignments.values()].flat().sort()).toEqual(symbols(n));
      }
    }
  });

  it('keeps input order within each source and leaves symbols no source can take', () => {
    const plan = planScan(symbols(5), [alphavantage(3)]);
    expect(plan.assignments.get('alphavantage')).toEqual(['S000', 'S001', 'S002']);
    expect(plan.unassigned).toEqual(['S003', 'S004']);
  });

  it('honours per-symbol source restrictions (retries go to sources not yet tried)', () => {
    const plan = planScan(
      [{ symbol: 'A', sources: ['finnhub'] }, { symbol: 'B', sources: ['stooq'] }, 'C', { symbol: 'D', sources: [] }],
      [stooq, finnhub],
    );
    expect(plan.assignments.get('finnhub')).toContain('A');
    expect(plan.assignments.get('stooq')).toContain('B');
    expect([...plan.assignments.values()].flat().sort()).toEqual(['A', 'B', 'C']);
    expect(plan.unassigned).toEqual(['D']);
  });

  it('plans nothing for no symbols', () => {
    const plan = planScan([], [stooq, finnhub]);
    expect(plan.makespanMs).toBe(0);
    expect(assignedCounts(plan)).toEqual({ stooq: 0, finnhub: 0 });
  });
});
