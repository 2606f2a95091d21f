import { describe, expect, it } from 'vitest';
import type { CommandResult } from '../../src/report.js';
import { renderJson } from '../../src/output/render-json.js';

describe('renderJson', () => {
  it('prints the CONTRACT document and keeps terminal controls out of third-party strings', () => {
    const result: CommandResult<{ title: string; score: number }> = {
      command: 'news',
      generatedAt: '2026-11-29T10:00:00.000Z',
      sources: [
        { name: 'gdelt', status: 'failed', fetchedAt: null, ageSeconds: null, items: 0, error: 'HTTP 503: \u009b31mdown\u202e' },
        {
          name: 'hn',
          status: 'stale',
          fetchedAt: '2026-11-29T07:00:00.000Z',
          ageSeconds: 10800,
          items: 1,
          error: 'HTTP 500',
          veryStale: true,
        },
      ],
      results: [{ title: 'Bitcoin \u009d0;title\u009c rallies', score: 91.5 }],
      excluded: [],
      notes: ['not in JSON'],
    };
    const doc = JSON.parse(renderJson(result, { uptimeS: 1 }));
    expect(Object.keys(doc)).toEqual(['command', 'generatedAt', 'sources', 'results', 'excluded', 'metrics']);
    expect(doc.sources[0]).toEqual({
      name: 'gdelt',
      status: 'failed',
      fetchedAt: null,
      ageSeconds: null,
      items: 0,
      error: 'HTTP 503: down',
    });
    expect(doc.sources[1]).not.toHaveProperty('veryStale');
    expect(doc.results[0]).toEqual({ title: 'Bitcoin rallies', score: 91.5 });
    expect(doc.metrics).toEqual({ uptimeS: 1 });
  });
});
