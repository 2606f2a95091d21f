import { readFileSync } from 'node:fs';

let cached: string | undefined;

/**
 * Where package.json is from this module: one level above `src/` and tsc's `dist/`, two above the
 * CLI's bundle in `dist/bundle/` (whichever chunk this code lands in).
 */
const PACKAGE_JSON_PATHS = ['../package.json', '../../package.json'];

/**
 * The package version, read once from its own package.json. Falls back to 0.0.0 if the package is
 * laid out oddly: the version is informational.
 */
export function packageVersion(): string {
  if (cached) return cached;
  cached = '0.0.0';
  for (const path of PACKAGE_JSON_PATHS) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name !== 'qaht' || typeof pkg.version !== 'string') continue;
      cached = pkg.version;
      break;
    } catch {
      // Not there: the next place, else the fallback.
    }
  }
  return cached;
}
