import { isIP } from 'node:net';
import { quoteValue, usageError } from '../options/parse-values.js';

/** A hostname as `--host` takes it: letters, digits, dots and dashes (RFC 1123 labels). */
const HOSTNAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/**
 * Parses `--host`: an IPv4 or IPv6 address (brackets optional) or a hostname.
 * @throws QahtError QAHT_ERR_USAGE naming `label` for anything else.
 */
export function parseHost(raw: string, label: string): string {
  const host = raw.trim().replace(/^\[(.*)\]$/, '$1');
  if (isIP(host) !== 0 || HOSTNAME.test(host)) return host;
  throw usageError(`${label} expects an IP address or a hostname, got ${quoteValue(raw)}`);
}

/**
 * Whether `host` only ever means this machine: `localhost`, 127.0.0.0/8 or ::1 (also as an
 * IPv4-mapped address). Anything else, `0.0.0.0` and `::` included, is reachable from elsewhere.
 */
export function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase();
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  const v4 = name.startsWith('::ffff:') ? name.slice('::ffff:'.length) : name;
  if (isIP(v4) === 4) return v4.startsWith('127.');
  return isIP(name) === 6 && /^(0{0,4}:){1,7}0{0,3}1$|^::1$/.test(name);
}

/** `http://HOST:PORT` for a bound address, with brackets around an IPv6 host. */
export function originOf(host: string, port: number): string {
  return `http://${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}
