import { describe, expect, it } from 'vitest';
import { newsColumns, timeAgo } from '../../../src/screens/news/columns.js';
import type { NewsRow } from '../../../src/screens/news/news-row.js';
import { Chalk } from 'chalk';
import { renderCsv } from '../../../src/output/render-csv.js';
import { renderTable } from '../../../src/output/render-table.js';

const NOW = Date.UTC(2026, 10, 29, 10);

const EVIL: NewsRow = {
  title:
    'Bitcoin \u001b[31mETF\u001b[0m \u001b]8;;https://evil.example\u0007click\u001b]8;;\u0007 \u001b]0;pwned\u0007\u202eetf\u009b2J done',
  url: 'https://www.evil.example/path\u001b[2J',
  source: 'Evil\u001b[5mNews',
  publishedAt: new Date(NOW - 5 * 60_000).toISOString(),
  sources: ['google_news', 'gdelt', 'newsapi'],
  score: 71.25,
};

describe('newsColumns', () => {
  it('keeps the raw values but displays nothing a terminal would act on', () => {
    const columns = newsColumns(NOW);
    const title = columns.find((c) => c.key === 'title')!;
    expect(title.value(EVIL)).toBe(EVIL.title);
    for (const column of columns) {
      const text = column.display ? column.display(EVIL) : String(column.value(EVIL));
      expect(text).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    }
    expect(title.display!(EVIL)).toBe('Bitcoin ETF click etf done');
    expect(title.maxWidth).toBe(70);
  });

  it('shows time ago, the outlet with a count of other sources, a short URL', () => {
    const row: NewsRow = {
      ...EVIL,
      title: 'x',
      source: 'Reuters',
      url: 'https://www.reuters.com/markets/x/',
      publishedAt: new Date(NOW - 3 * 3600_000).toISOString(),
    };
    const shown = Object.fromEntries(newsColumns(NOW).map((c) => [c.key, c.display ? c.display(row) : c.value(row)]));
    expect(shown).toEqual({
      publishedAt: '3h',
      source: 'Reuters +2',
      title: 'x',
      url: 'reuters.com/markets/x/',
      sources: 'google_news,gdelt,newsapi',
      score: '71.3',
    });
  });

  it('documents its drop order: score, via, source; age, title and the link stay', () => {
    const order = newsColumns(NOW)
      .filter((c) => c.dropOrder > 0)
      .sort((a, b) => b.dropOrder - a.dropOrder)
      .map((c) => c.key);
    expect(order).toEqual(['score', 'sources', 'source']);
  });

  it('at 80 columns keeps age, a readable title and a short link, within the width', async () => {
    const rows: NewsRow[] = [
      {
        title: 'Spot bitcoin ETFs log their biggest week of inflows since launch as analysts raise targets',
        url: 'https://www.reuters.com/markets/us/spot-bitcoin-etfs-log-biggest-week-inflows-2026-11-29/',
        source: 'Reuters',
        publishedAt: new Date(NOW - 3 * 3600_000).toISOString(),
        sources: ['google_news', 'gdelt'],
        score: 71.2,
      },
    ];
    const table = await renderTable(rows, newsColumns(NOW), { width: 80, chalk: new Chalk({ level: 0 }) });
    const lines = table.split('\n');
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(80);
    expect(lines[1]).toMatch(/^│ +Age │ Title +│ URL +│$/);
    expect(lines[2]).toMatch(/│ +3h │ Spot bitcoin ETFs log their biggest wee… │ reuters\.com\/markets\/us\/spo… │$/);
  });

  it('feeds CSV the machine values', () => {
    const row: NewsRow = {
      title: '=HYPERLINK("x")',
      url: 'https://a/b',
      source: 'AP',
      publishedAt: '2026-11-29T09:00:00.000Z',
      sources: ['hn', 'gdelt'],
      score: 50,
    };
    expect(renderCsv([row], newsColumns(NOW))).toBe(
      'publishedAt,source,title,url,sources,score\n2026-11-29T09:00:00.000Z,AP,"\'=HYPERLINK(""x"")",https://a/b,hn;gdelt,50\n',
    );
  });
});

describe('timeAgo', () => {
  it('reads the run clock', () => {
    expect(timeAgo(new Date(NOW - 5 * 60_000).toISOString(), NOW)).toBe('5m');
    expect(timeAgo(new Date(NOW - 3 * 3600_000).toISOString(), NOW)).toBe('3h');
    expect(timeAgo(new Date(NOW - 2 * 86_400_000).toISOString(), NOW)).toBe('2d');
    expect(timeAgo(new Date(NOW + 60_000).toISOString(), NOW)).toBe('0s');
  });
});
