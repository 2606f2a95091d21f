import type { RuleFields } from '../alerts/rule-fields.js';
import type { NewsRow } from './news-row.js';

/** What `--alert` rules of `screen news` may name: the JSON result fields (`sources` as one comma-separated text). */
export const NEWS_RULE_FIELDS: RuleFields<NewsRow> = {
  title: { type: 'text', get: (row) => row.title },
  url: { type: 'text', get: (row) => row.url },
  source: { type: 'text', get: (row) => row.source },
  publishedAt: { type: 'text', get: (row) => row.publishedAt },
  score: { type: 'number', get: (row) => row.score },
  sources: { type: 'text', get: (row) => row.sources.join(',') },
};
