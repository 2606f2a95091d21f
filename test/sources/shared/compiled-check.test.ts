import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { compileCheck } from '../../../src/sources/shared/compiled-check.js';
import { numberList } from '../../../src/sources/shared/validate.js';

const nullableNumber = v.nullable(v.number());

/** The shapes the cache's value checks use (record-schemas.ts, news-item-schema.ts), and a few more kinds. */
const SCHEMAS = {
  coinMarkets: v.array(
    v.object({
      id: v.string(),
      rank: nullableNumber,
      priceUsd: nullableNumber,
      sparkline7d: v.nullable(numberList),
    }),
  ),
  newsItems: v.array(v.object({ title: v.string(), publisher: v.nullable(v.string()) })),
  kinds: v.object({ kind: v.literal('quote'), basis: v.picklist(['previous-close', 'open']), live: v.boolean() }),
};

/** Deterministic pseudo-random numbers (mulberry32), so a failure replays. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ODD_VALUES: unknown[] = [
  undefined,
  null,
  Number.NaN,
  Infinity,
  -0,
  0,
  1.5,
  '',
  'x',
  true,
  false,
  [],
  {},
  [1, 'a'],
  [1, null],
  { id: 'x' },
  'open',
  'quote',
];

/** A value near `valid`: one member, element or the whole replaced by an odd value, or left alone. */
function mutate(valid: unknown, next: () => number): unknown {
  if (next() < 0.15) return ODD_VALUES[Math.floor(next() * ODD_VALUES.length)];
  if (Array.isArray(valid)) return valid.map((item) => (next() < 0.3 ? mutate(item, next) : item));
  if (valid && typeof valid === 'object') {
    const copy: Record<string, unknown> = { ...(valid as Record<string, unknown>) };
    const keys = Object.keys(copy);
    const key = keys[Math.floor(next() * keys.length)]!;
    if (next() < 0.2) delete copy[key];
    else if (next() < 0.5) copy[key] = mutate(copy[key], next);
    if (next() < 0.2) copy.extra = 'kept';
    return copy;
  }
  return valid;
}

const VALID = {
  coinMarkets: [
    { id: 'bitcoin', rank: 1, priceUsd: 97_000.5, sparkline7d: [1, 2, 3] },
    { id: 'ether', rank: null, priceUsd: null, sparkline7d: null },
  ],
  newsItems: [
    { title: 'ETF', publisher: null },
    { title: 'Fed', publisher: 'Reuters' },
  ],
  kinds: { kind: 'quote', basis: 'open', live: false },
};

describe('compileCheck', () => {
  for (const name of Object.keys(SCHEMAS) as (keyof typeof SCHEMAS)[]) {
    it(`answers as v.is does for ${name}, on 3,000 values near a valid one`, () => {
      const schema = SCHEMAS[name];
      const check = compileCheck(schema);
      expect(check).toBeDefined();
      const next = random(name.length);
      let accepted = 0;
      for (let i = 0; i < 3000; i++) {
        const value = i === 0 ? VALID[name] : mutate(VALID[name], next);
        const expected = v.is(schema, value);
        expect(check!(value), JSON.stringify(value)).toBe(expected);
        if (expected) accepted++;
      }
      // Both answers occur, so the comparison is not of one constant.
      expect(accepted).toBeGreaterThan(100);
      expect(accepted).toBeLessThan(2900);
    });
  }

  it('takes an object with other keys and refuses NaN, as valibot does', () => {
    const check = compileCheck(v.object({ n: v.number() }))!;
    expect(check({ n: 1, other: 'x' })).toBe(true);
    expect(check({ n: Number.NaN })).toBe(false);
    expect(check({})).toBe(false);
    expect(check(null)).toBe(false);
  });

  it('leaves to v.is what it does not know: a pipe of actions, an optional key, a union', () => {
    expect(compileCheck(v.pipe(v.string(), v.minLength(1)))).toBeUndefined();
    expect(compileCheck(v.object({ a: v.optional(v.string()) }))).toBeUndefined();
    expect(compileCheck(v.array(v.union([v.string(), v.number()])))).toBeUndefined();
  });
});
