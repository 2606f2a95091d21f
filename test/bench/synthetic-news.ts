/**
 * A deterministic synthetic news feed for the dedup benchmark: headlines of 6–14 words drawn from
 * a 20,000-word vocabulary with a Zipf-like skew (common words are very common), every one naming
 * the query; a quarter are lightly reworded copies of an earlier headline (a word added, dropped
 * or swapped, as outlets do), a tenth repeat an earlier URL with tracking parameters.
 */
import type { NewsItem } from '../../src/sources/news/news-item.js';

/** mulberry32: small, fast, good enough for test data. */
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

function word(n: number): string {
  let s = '';
  for (let x = n + 676; x > 0; x = Math.floor(x / 26)) s = String.fromCharCode(97 + (x % 26)) + s;
  return s;
}

/** `count` items published over the `windowMs` before `nowMs`, newest first. */
export function syntheticNews(count: number, nowMs: number, windowMs = 20 * 3_600_000, seed = 13): NewsItem[] {
  const random = prng(seed);
  const vocabulary = Array.from({ length: 20_000 }, (_, i) => word(i));
  const pick = () => vocabulary[Math.floor(vocabulary.length * random() ** 3)]!;
  const titles: string[][] = [];
  const items: NewsItem[] = [];
  for (let i = 0; i < count; i++) {
    let words: string[];
    const kind = random();
    if (i > 0 && kind < 0.25) {
      words = [...titles[Math.floor(random() * i)]!];
      const edit = random();
      if (edit < 0.4) words.splice(1 + Math.floor(random() * (words.length - 1)), 0, pick());
      else if (edit < 0.7 && words.length > 6) words.splice(1 + Math.floor(random() * (words.length - 1)), 1);
      else words[1 + Math.floor(random() * (words.length - 1))] = pick();
    } else {
      words = ['bitcoin', ...Array.from({ length: 5 + Math.floor(random() * 9) }, pick)];
    }
    titles.push(words);
    const url =
      i > 0 && random() < 0.1
        ? `${items[Math.floor(random() * i)]!.url}?utm_source=feed&utm_medium=rss`
        : `https://outlet${i % 97}.example/news/${i}`;
    items.push({
      title: words.join(' '),
      url,
      publisher: `Outlet ${i % 97}`,
      publishedAt: new Date(nowMs - Math.floor((i / count) * windowMs)).toISOString(),
      summary: null,
    });
  }
  return items;
}
