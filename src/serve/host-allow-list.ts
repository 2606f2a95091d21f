import { isIP } from 'node:net';
import { isLoopbackHost } from './bind-address.js';

/** The names a browser on this machine uses for a loopback server. */
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'];

/**
 * The `Host:` check of a loopback-bound server. A page on another site can point its own name at
 * 127.0.0.1 (DNS rebinding) and read whatever a loopback server answers; the browser still sends
 * that site's name in `Host:`, so a server that answers only its own names is out of its reach.
 * Returns undefined when the server is not bound to loopback (it then needs the token instead),
 * else a check that accepts `localhost`, `127.0.0.1`, `[::1]`, the bound host and every
 * `--allowed-host`, with or without a port.
 */
export function hostAllowList(bindHost: string, allowed: readonly string[]): ((hostHeader: string | undefined) => boolean) | undefined {
  if (!isLoopbackHost(bindHost)) return undefined;
  const names = new Set([...LOOPBACK_NAMES, bindHost, ...allowed].map((name) => name.toLowerCase()));
  return (hostHeader) => {
    const name = hostName(hostHeader);
    return name !== undefined && names.has(name);
  };
}

/** The name in a `Host:` header, lower-cased, without port or IPv6 brackets; undefined when malformed. */
function hostName(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const value = header.trim().toLowerCase();
  const bracketed = /^\[([0-9a-f:.]+)\](?::\d{1,5})?$/.exec(value);
  if (bracketed) return isIP(bracketed[1]!) === 6 ? bracketed[1] : undefined;
  const plain = /^([a-z0-9.-]+)(?::\d{1,5})?$/.exec(value);
  return plain ? plain[1]!.replace(/\.$/, '') : undefined;
}
