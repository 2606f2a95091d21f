import { QahtError } from '../../errors.js';

/** The usage message for a missing query (CLI prints it; exit 2). */
export const EMPTY_QUERY_MESSAGE = 'news needs a query, e.g. screen news "bitcoin etf"';

/**
 * The query as sources receive it: trimmed, otherwise exactly as typed (quotes, unicode and `&`
 * are encoded per request by URLSearchParams). Control characters become spaces.
 * @throws QahtError QAHT_ERR_USAGE when nothing is left.
 */
export function normalizeQuery(raw: string | undefined): string {
  const query = (raw ?? '')
    .replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (!query) throw new QahtError('QAHT_ERR_USAGE', EMPTY_QUERY_MESSAGE);
  return query;
}
