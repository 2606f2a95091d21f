import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** The README is for users: it stays short enough to read, with the architecture in src/README.md. */
describe('the user README', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url));
  const text = readme.toString('utf8');

  // 45 KB read the strict way (45,000 bytes, not 45 KiB), so no reading of the bound lets it grow.
  it('is at most 45 KB', () => {
    expect(readme.byteLength).toBeLessThanOrEqual(45_000);
  });

  it('starts with the two commands for a fresh machine', () => {
    expect(text).toMatch(/^# .+\n\n```sh\nnpm install && npx screen crypto\nnpm test\n```\n/);
  });

  it('starts with a contents list that links every section a user looks for, and every section there is', () => {
    expect(text.slice(0, 4_000)).toMatch(/^## Contents$/m);
    const contents = text.slice(text.indexOf('## Contents'), text.indexOf('\n## ', text.indexOf('## Contents') + 1));
    for (const anchor of [
      'install',
      'commands',
      'output',
      'exit-codes',
      'cron',
      'keys-and-environment',
      'running-on-several-machines',
      'dashboard-and-api',
      'history-candles',
      'signals',
      'signal-evidence',
    ]) {
      expect(contents, `the contents list links #${anchor}`).toContain(`](#${anchor})`);
    }
    const sections = [...text.matchAll(/^## (.+)$/gm)].map((match) => match[1]!).filter((name) => name !== 'Contents');
    for (const name of sections) expect(contents, `the contents list names "${name}"`).toContain(`[${name}]`);
  });
});
