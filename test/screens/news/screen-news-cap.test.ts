import { describe, expect, it } from 'vitest';
import { MAX_ITEMS_PER_SOURCE, screenNews } from '../../../src/screens/news/screen-news.js';
import type { NewsItem } from '../../../src/sources/news/news-item.js';

const NOW = Date.UTC(2026, 10, 29, 12);
const MINUTE = 60_000;

/** `count` distinct stories (no shared words beyond the query), one a minute back from now. */
function distinctItems(count: number, prefix: string): NewsItem[] {
  return Array.from({ length: count }, (_, i) => ({
    title: `bitcoin ${prefix}${i}alpha ${prefix}${i}beta ${prefix}${i}gamma`,
    url: `https://${prefix}.example/${i}`,
    publisher: 'Outlet',
    publishedAt: new Date(NOW - i * MINUTE).toISOString(),
    summary: null,
  }));
}

// Issue 13 item 9: a source that sends far more than any real answer is cut at a documented cap.
describe('screenNews per-source cap', () => {
  it(`keeps the newest ${MAX_ITEMS_PER_SOURCE} of a source's items in the window and counts the rest`, () => {
    const flood = distinctItems(MAX_ITEMS_PER_SOURCE + 500, 'f');
    // Shuffled, so "newest" is chosen by date, not by the order the source sent.
    const shuffled = flood
      .map((item, i) => ({ item, key: (i * 7919) % flood.length }))
      .sort((a, b) => a.key - b.key)
      .map((x) => x.item);
    const out = screenNews({
      query: 'bitcoin',
      nowMs: NOW,
      sinceMs: 48 * 60 * MINUTE,
      batches: [
        { source: 'gdelt', items: shuffled },
        { source: 'hn', items: distinctItems(20, 'h') },
      ],
    });
    expect(out.received).toBe(MAX_ITEMS_PER_SOURCE + 520);
    expect(out.overCap).toBe(500);
    expect(out.rows).toHaveLength(MAX_ITEMS_PER_SOURCE + 20);
    const oldestKept = Math.min(...out.rows.filter((row) => row.sources.includes('gdelt')).map((row) => Date.parse(row.publishedAt)));
    expect(oldestKept).toBe(NOW - (MAX_ITEMS_PER_SOURCE - 1) * MINUTE);
  });

  it('counts nothing over the cap for sources within it', () => {
    const out = screenNews({
      query: 'bitcoin',
      nowMs: NOW,
      sinceMs: 48 * 60 * MINUTE,
      batches: [{ source: 'hn', items: distinctItems(50, 'h') }],
    });
    expect(out.overCap).toBe(0);
    expect(out.rows).toHaveLength(50);
  });
});
