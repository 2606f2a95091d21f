import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** The README is for users: it stays short enough to read, with the architecture in src/README.md. */
describe('the user README', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url));

  it('is at most 45 KB', () => {
    expect(readme.byteLength).toBeLessThanOrEqual(45 * 1024);
  });

  it('starts with a contents list', () => {
    expect(readme.toString('utf8').slice(0, 4_000)).toMatch(/^## Contents$/m);
  });
});
