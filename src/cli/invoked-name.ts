import { basename } from 'node:path';

/** The names the package installs (package.json `bin`). */
const BIN_NAMES = ['screen', 'qaht'] as const;

/**
 * The name messages start with: the bin as the user invoked it (`qaht` beside GNU screen, which
 * also installs a `screen`), from argv[1]. Anything else (a test's path, `node dist/…`) is `screen`.
 */
export function invokedName(script: string | undefined): string {
  const name = script === undefined ? '' : basename(script).replace(/\.(?:c|m)?js$/, '');
  return (BIN_NAMES as readonly string[]).includes(name) ? name : 'screen';
}
