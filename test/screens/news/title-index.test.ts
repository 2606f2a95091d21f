import { describe, expect, it } from 'vitest';
import { joinMatchingTitles } from '../../../src/screens/news/title-index.js';
import { titlesMatch } from '../../../src/screens/news/title-similarity.js';

/** mulberry32: deterministic test data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Token sets built to sit on both sides of every rule: titles of 1–20 words from a small
 * vocabulary (so unrelated titles overlap), and copies with a word added, dropped or swapped,
 * some copies being a short title inside a longer one.
 */
function tokenSets(count: number, seed: number): Array<Set<string>> {
  const random = prng(seed);
  const vocabulary = Array.from({ length: 60 }, (_, i) => `w${i}`);
  const word = () => vocabulary[Math.floor(random() ** 2 * vocabulary.length)]!;
  const sets: Array<Set<string>> = [];
  for (let i = 0; i < count; i++) {
    const base = i > 0 && random() < 0.5 ? sets[Math.floor(random() * i)]! : undefined;
    if (!base) {
      sets.push(new Set(Array.from({ length: 1 + Math.floor(random() * 20) }, word)));
      continue;
    }
    const copy = new Set(base);
    const edit = random();
    if (edit < 0.3) copy.add(word());
    else if (edit < 0.6) copy.delete([...copy][Math.floor(random() * copy.size)]!);
    else if (edit < 0.8) for (let k = 0; k < 1 + Math.floor(random() * base.size); k++) copy.add(word());
    else {
      copy.delete([...copy][0]!);
      copy.add(word());
    }
    sets.push(copy);
  }
  return sets;
}

/** Items as groups (each a sorted list of indices), found with `link` joining pairs in a union-find. */
function partition(count: number, link: (joined: (a: number, b: number) => boolean, join: (a: number, b: number) => void) => void) {
  const parent = Array.from({ length: count }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i]!;
    return i;
  };
  const join = (a: number, b: number) => {
    parent[find(a)] = find(b);
  };
  link((a, b) => find(a) === find(b), join);
  const groups = new Map<number, number[]>();
  for (let i = 0; i < count; i++) groups.set(find(i), [...(groups.get(find(i)) ?? []), i]);
  return [...groups.values()].map((group) => group.join(',')).sort();
}

// Issue 13 item 9: the index must merge exactly what comparing every pair merges.
describe('joinMatchingTitles', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('gives exactly the all-pairs partition (seed %i)', (seed) => {
    const sets = tokenSets(400, seed);
    const allPairs = partition(sets.length, (joined, join) => {
      for (let i = 0; i < sets.length; i++)
        for (let j = i + 1; j < sets.length; j++) if (!joined(i, j) && titlesMatch(sets[i]!, sets[j]!)) join(i, j);
    });
    const indexed = partition(sets.length, (joined, join) => joinMatchingTitles(sets, { joined, join }));
    expect(indexed).toEqual(allPairs);
    // Not a trivial case: some titles merged, most stayed apart.
    expect(allPairs.length).toBeLessThan(sets.length);
    expect(allPairs.length).toBeGreaterThan(sets.length / 4);
  });

  it.each([11, 12, 13, 14])('reports every matching pair of distinct titles itself, not only by transitivity (seed %i)', (seed) => {
    const sets = tokenSets(300, seed);
    const signature = (set: Set<string>) => [...set].sort().join(' ');
    const canonical = new Map<string, number>();
    const canon = sets.map((set, index) => {
      if (!canonical.has(signature(set))) canonical.set(signature(set), index);
      return canonical.get(signature(set))!;
    });
    const pair = (a: number, b: number) => (a < b ? `${a}-${b}` : `${b}-${a}`);
    const expected = new Set<string>();
    for (let i = 0; i < sets.length; i++)
      for (let j = i + 1; j < sets.length; j++)
        if (canon[i] !== canon[j] && titlesMatch(sets[i]!, sets[j]!)) expected.add(pair(canon[i]!, canon[j]!));
    const reported = new Set<string>();
    joinMatchingTitles(sets, { joined: () => false, join: (a, b) => (canon[a] === canon[b] ? undefined : reported.add(pair(a, b))) });
    expect([...reported].sort()).toEqual([...expected].sort());
    expect(expected.size).toBeGreaterThan(20);
  });

  it('compares a repeated headline once, not with each of its copies', () => {
    const sets = Array.from({ length: 5000 }, () => new Set(['spot', 'bitcoin', 'etf', 'approved']));
    let comparisons = 0;
    joinMatchingTitles(sets, {
      joined: () => {
        comparisons++;
        return false;
      },
      join: () => {},
    });
    expect(comparisons).toBeLessThanOrEqual(sets.length);
  });
});
