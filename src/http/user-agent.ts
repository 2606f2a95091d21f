import { readFileSync } from 'node:fs';

let cached: string | undefined;

/**
 * `qaht/<version>`, the version read once from the package's own package.json (two levels up
 * from both `src/http/` and `dist/http/`). Falls back to `qaht/0.0.0` if it cannot be read.
 * Some APIs (GDELT) throttle requests without a User-Agent, so one is always sent.
 */
export function defaultUserAgent(): string {
  if (cached) return cached;
  let version = '0.0.0';
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    if (typeof pkg.version === 'string') version = pkg.version;
  } catch {
    // Packaged oddly; the fallback still identifies the client.
  }
  cached = `qaht/${version}`;
  return cached;
}
