/** Query parameters that only track the click; they never change which article a URL names. */
const TRACKING_PARAMS: ReadonlySet<string> = new Set(['fbclid', 'gclid', 'mc_cid', 'mc_eid', 'ref', 'ocid', 'cmpid']);
const TRACKING_PREFIX = 'utm_';
/** Google News adds `oc=5` to its redirect links. */
const GOOGLE_NEWS_HOST = 'news.google.com';

function isTracking(name: string, host: string): boolean {
  const key = name.toLowerCase();
  return key.startsWith(TRACKING_PREFIX) || TRACKING_PARAMS.has(key) || (key === 'oc' && host === GOOGLE_NEWS_HOST);
}

function bareHost(url: URL): string {
  return url.hostname.toLowerCase().replace(/^www\./, '');
}

/**
 * The identity of an article URL, for dedupe only: scheme folded to https, host lower-cased without
 * `www.`, default port dropped, fragment dropped, tracking parameters (utm_*, fbclid, gclid, mc_cid,
 * mc_eid, ref, ocid, cmpid, and `oc` on news.google.com) dropped, the rest sorted, and trailing
 * slashes removed. A string that is not an http(s) URL is returned trimmed.
 */
export function canonicalUrl(raw: string): string {
  const url = parseHttpUrl(raw);
  if (!url) return raw.trim();
  const host = bareHost(url);
  const params = [...url.searchParams].filter(([name]) => !isTracking(name, host));
  params.sort(([a, av], [b, bv]) => (a === b ? compare(av, bv) : compare(a, b)));
  const query = new URLSearchParams(params).toString();
  const path = url.pathname.replace(/\/+$/, '');
  return `https://${host}${url.port ? `:${url.port}` : ''}${path}${query ? `?${query}` : ''}`;
}

/** The URL to show: as given, minus fragment and tracking parameters (order and scheme kept). */
export function cleanUrl(raw: string): string {
  const url = parseHttpUrl(raw);
  if (!url) return raw.trim();
  const host = bareHost(url);
  for (const name of [...new Set(url.searchParams.keys())]) if (isTracking(name, host)) url.searchParams.delete(name);
  url.hash = '';
  return url.toString();
}

/** `isGoogleNewsUrl` for a URL already in `canonicalUrl` form, without parsing it again. */
export function isGoogleNewsCanonical(canonical: string): boolean {
  return /^https:\/\/([^/:?#]+)/.exec(canonical)?.[1] === GOOGLE_NEWS_HOST;
}

/** True for Google News redirect links (which never name the publisher's page). */
export function isGoogleNewsUrl(raw: string): boolean {
  const url = parseHttpUrl(raw);
  return url !== null && bareHost(url) === GOOGLE_NEWS_HOST;
}

/**
 * "reuters.com/markets/us/bitcoin-…" for a narrow column: host without `www.`, then path and query
 * (HN's `item?id=` needs its query), cut to `maxChars` (default 40) with "…".
 */
export function shortUrl(raw: string, maxChars = 40): string {
  const url = parseHttpUrl(raw);
  const text = url ? `${bareHost(url)}${url.pathname === '/' ? '' : url.pathname}${url.search}` : raw.trim();
  return text.length <= maxChars ? text : `${text.slice(0, maxChars - 1)}…`;
}

function parseHttpUrl(raw: string): URL | null {
  try {
    const url = new URL(raw.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
