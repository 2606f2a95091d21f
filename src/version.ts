import { readFileSync } from 'node:fs';

let cached: string | undefined;

/**
 * The package version, read once from its own package.json (one level above both `src/` and
 * `dist/`). Falls back to 0.0.0 if the package is laid out oddly: the version is informational.
 */
export function packageVersion(): string {
  if (cached) return cached;
  cached = '0.0.0';
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    if (typeof pkg.version === 'string') cached = pkg.version;
  } catch {
    // Keep the fallback.
  }
  return cached;
}
