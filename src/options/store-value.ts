import type { OptionRecord, ValueParser } from './option-record.js';
import { quoteValue, usageError } from './parse-values.js';

/** What `--store` / `SCREEN_STORE_URL` parse to; the key prefix is added from the environment later. */
export type StoreUrl = { kind: 'file' } | { kind: 'redis'; url: string; safeUrl: string };

type Parsed = Pick<OptionRecord<string, StoreUrl>, 'type'> & { type: 'url'; parse: ValueParser<StoreUrl> };

const EXPECTED = 'file: or redis://[user:pass@]host:port[/db] (rediss:// for TLS)';
/** Redis numbers its databases from 0; a server may be configured with many, never this many. */
const MAX_DB = 9_999;

/**
 * `file:` (the cache dir) or a Redis URL: `redis://` or `rediss://`, a host, an optional port
 * (1–65535, default 6379) and database (`/N`), optional user and password. Messages quote the
 * value with any password masked: a typo must not print the secret on a terminal or in a log.
 */
export function storeUrl(): Parsed {
  return {
    type: 'url',
    parse: (raw, label) => {
      const text = raw.trim();
      if (/^file:?$/i.test(text)) return { kind: 'file' };
      const shown = quoteValue(maskPassword(text));
      let url: URL;
      try {
        url = new URL(text);
      } catch {
        throw usageError(`${label} expects ${EXPECTED}, got ${shown}`);
      }
      if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw usageError(`${label} expects ${EXPECTED}, got ${shown}`);
      if (url.hostname === '') throw usageError(`${label} needs a host (${EXPECTED}), got ${shown}`);
      if (url.port === '0') throw usageError(`${label} needs a port between 1 and 65535, got ${shown}`);
      const db = /^\/?(\d{0,4})$/.exec(url.pathname);
      if (!db || Number(db[1] || 0) > MAX_DB) throw usageError(`${label} takes a database number as its path (/0, /1, ...), got ${shown}`);
      if (url.search !== '' || url.hash !== '') throw usageError(`${label} takes no query or fragment, got ${shown}`);
      return { kind: 'redis', url: text, safeUrl: safeRedisUrl(url) };
    },
  };
}

/** The URL as status shows it: scheme, user, host, port and database, never the password. */
function safeRedisUrl(url: URL): string {
  const user = url.username === '' ? '' : `${url.username}@`;
  return `${url.protocol}//${user}${url.host}${url.pathname === '/' ? '' : url.pathname}`;
}

/** `scheme://user:secret@host` → `scheme://user:***@host`, also in text that is no valid URL. */
function maskPassword(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:]*):[^@/]*@/i, '$1:***@');
}

/**
 * `SCREEN_STORE_PREFIX`: 1–64 printable characters without spaces, since it starts every Redis key
 * and shows in `screen status`.
 */
export function parseStorePrefix(raw: string, label = 'SCREEN_STORE_PREFIX'): string {
  const text = raw.trim();
  if (!/^[\x21-\x7e]{1,64}$/.test(text)) {
    throw usageError(`${label} must be 1 to 64 printable characters without spaces, got ${quoteValue(raw)}`);
  }
  return text;
}
