/**
 * Cache keys: `<source>:<request>` with every secret removed, readable in `screen cache ls`,
 * and hashed (`fnv1a64Hex`) for the file name so no request text reaches the file system's names.
 */
import { fnv1a64Hex } from './fnv1a.js';
import { isSecretParam, redactSecrets } from '../redact.js';

/** Base for parsing relative requests (`/coins/markets?...`); never contacted. */
const RELATIVE_BASE = 'http://relative.invalid';

/**
 * The readable, secret-free key for one request of one source.
 * Credential parameters are dropped, the remaining parameters sorted by name (so parameter order
 * does not split the cache), user:password removed, and any remaining occurrence of a value in
 * `secrets` (raw or URL-encoded) replaced with `REDACTED`.
 * @param request an absolute URL, a path starting with `/` (with query), or a free-form description
 */
export function cacheKey(source: string, request: string, secrets: readonly string[] = []): string {
  return `${source}:${redactSecrets(normaliseRequest(request), secrets)}`;
}

/** The file-name hash of a key: 16 hex digits of FNV-1a over its UTF-8 bytes. */
export function hashKey(key: string): string {
  return fnv1a64Hex(Buffer.from(key, 'utf8'));
}

function normaliseRequest(request: string): string {
  const absolute = /^[a-z][a-z0-9+.-]*:\/\//i.test(request);
  // Free-form descriptions ("quote AAPL") are kept as they are, apart from secret redaction.
  if (!absolute && !(request.startsWith('/') && !request.startsWith('//'))) return request;
  let url: URL;
  try {
    url = new URL(request, absolute ? undefined : RELATIVE_BASE);
  } catch {
    return request;
  }
  url.username = '';
  url.password = '';
  const kept = [...url.searchParams].filter(([name]) => !isSecretParam(name));
  kept.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  url.search = kept.length > 0 ? new URLSearchParams(kept).toString() : '';
  return absolute ? url.href : `${url.pathname}${url.search}${url.hash}`;
}
