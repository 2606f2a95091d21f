/**
 * The news queries the demo has sample answers for: a query with any of a topic's words gets that
 * topic's samples; any other query gets an empty answer and says so (`demoNewsNote`). The samples
 * are written in each API's real shape; they are not recordings of the live APIs.
 */
export const DEMO_NEWS_TOPICS: Readonly<Record<string, readonly string[]>> = {
  bitcoin: ['bitcoin', 'btc', 'crypto', 'etf'],
  ethereum: ['ethereum', 'ether', 'eth'],
};

/** The demo topic a query falls under, if any (case-insensitive, any word of the topic). */
export function demoTopicOf(query: string): string | undefined {
  const text = query.toLowerCase();
  return Object.entries(DEMO_NEWS_TOPICS).find(([, words]) => words.some((word) => text.includes(word)))?.[0];
}

/** The stderr note for a `--demo` news query the demo has no samples for. */
export function demoNewsNote(queries: readonly string[]): string | undefined {
  const missing = queries.filter((query) => demoTopicOf(query) === undefined);
  if (missing.length === 0) return undefined;
  const topics = Object.keys(DEMO_NEWS_TOPICS).join(' and ');
  return `no demo recording for ${missing.map((query) => `"${query}"`).join(', ')}: --demo has sample news for ${topics} only (samples in each API's shape, not live news)`;
}
