import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/command-index.js';
import { main } from '../../src/cli/main.js';
import { CRYPTO_RULE_FIELDS } from '../../src/screens/crypto/rule-fields.js';
import { MARKET_RULE_FIELDS } from '../../src/screens/market/rule-fields.js';
import { NEWS_RULE_FIELDS } from '../../src/screens/news/rule-fields.js';
import { parseRule } from '../../src/screens/alerts/parse-rule.js';
import { fieldTypes } from '../../src/screens/alerts/rule-fields.js';
import { cleanEnv, runMain } from '../helpers/run-cli.js';

/** Help that teaches: grouped, wrapped for a pager, with examples that work for their command. */

const FIELD_TYPES = { crypto: fieldTypes(CRYPTO_RULE_FIELDS), news: fieldTypes(NEWS_RULE_FIELDS), market: fieldTypes(MARKET_RULE_FIELDS) };

async function help(args: string[], env: NodeJS.ProcessEnv = cleanEnv()): Promise<string> {
  const run = await runMain([...args, '--help'], env);
  expect(run.code).toBe(0);
  return run.stdout;
}

describe('help', () => {
  it("groups a data command's options: screening, output, alerts and changes, run and network, store", async () => {
    for (const command of ['crypto', 'news', 'market']) {
      const headings = (await help([command])).split('\n').filter((line) => /^[A-Z][A-Za-z ]+:$/.test(line));
      expect(headings, command).toEqual([
        ...(command === 'news' ? ['Arguments:'] : command === 'market' ? ['Arguments:'] : []),
        'Screening options:',
        'Output:',
        'Alerts and changes:',
        'Run and network options:',
        'Store:',
        'Options:',
        'Examples:',
      ]);
    }
    const crypto = await help(['crypto']);
    const section = (heading: string): string => crypto.split(`${heading}\n`)[1]!.split('\n\n')[0]!;
    expect(section('Run and network options:')).toContain('--pace-ms');
    expect(section('Run and network options:')).toContain('--retry-base-ms');
    expect(section('Store:')).toContain('--store');
    expect(section('Screening options:')).toContain('--min-volume');
    expect(section('Screening options:')).not.toContain('--json');
  });

  it('is wrapped to 80 columns on a pipe (a pager), and to the terminal on one', async () => {
    for (const entry of COMMANDS) {
      if (entry.name === 'eval' || entry.name === 'completion') continue;
      for (const line of (await help([entry.name])).split('\n')) expect([...line].length, `${entry.name}: ${line}`).toBeLessThanOrEqual(80);
    }
    let wide = '';
    await main(['node', 'screen', 'crypto', '--help'], {
      stdout: { write: (chunk: string) => (wide += chunk), isTTY: true, columns: 160 },
      stderr: { write: () => true },
      env: cleanEnv(),
    });
    expect(wide.split('\n').some((line) => [...line].length > 100)).toBe(true);
  });

  it('-h is --help', async () => {
    const short = await runMain(['news', '-h'], cleanEnv());
    expect(short.code).toBe(0);
    expect(short.stdout).toBe(await help(['news']));
  });

  it('gives each data command an --alert example on its own fields, in its option and its examples', async () => {
    for (const command of ['crypto', 'news', 'market'] as const) {
      const text = await help([command]);
      const rules = [...text.matchAll(/--alert '([^']+)'/g), ...text.matchAll(/e\.g\. '([^']+)'/g)].map((match) => match[1]!);
      expect(rules.length, command).toBeGreaterThanOrEqual(2);
      for (const rule of rules) expect(() => parseRule(rule, FIELD_TYPES[command]), `${command}: ${rule}`).not.toThrow();
    }
    expect(await help(['news'])).not.toContain('change24hPct');
    expect(await help(['market'])).not.toContain('change24hPct');
  });

  it("a rule naming another command's field lists this command's fields", async () => {
    const run = await runMain(['news', 'bitcoin', '--alert', 'change24hPct > 10'], cleanEnv());
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `screen: --alert "change24hPct > 10": unknown field "change24hPct" (fields: ${Object.keys(NEWS_RULE_FIELDS).join(', ')}) at position 1\n`,
    );
    const near = await runMain(['market', '--alert', 'chngePct > 3'], cleanEnv());
    expect(near.stderr).toContain('unknown field "chngePct" (did you mean changePct?)');
  });
});
