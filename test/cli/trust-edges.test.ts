import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeApi } from '../helpers/fake-api/index.js';
import { runMain, useCliSandbox } from '../helpers/run-cli.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';
import { cryptoEnv, routeCrypto } from './crypto-fixtures.js';

/**
 * Credentials and crashes at the edge: a webhook's password never shows in an error (flag or
 * config file), a valid URL's `user:pass@` travels as Basic auth, rule fields are only the
 * command's own (`constructor`, `__proto__`, `toString` are no fields), and a config value's error
 * names its file and line.
 */

let api: FakeApi;
let cacheDir: string;
let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(() => receiver.close());
useCliSandbox((sandbox) => {
  ({ api, cacheDir } = sandbox);
  routeCrypto(api);
  receiver.reset();
});

const PASSWORD = 'hunter2-SECRET-pw';

async function configFile(text: string): Promise<string> {
  const dir = join(cacheDir, 'config');
  await mkdir(dir, { recursive: true });
  const path = join(dir, 'config.toml');
  await writeFile(path, text);
  return path;
}

describe('credentials and edge cases', () => {
  it.each([`http://user:${PASSWORD}@127.0.0.1:99999/x`, `http://user:${PASSWORD}@bad host/x`, `https://user:${PASSWORD}@[::1/x`])(
    'a webhook URL that does not parse never shows its password: %s',
    async (url) => {
      const flag = await runMain(['crypto', '--offline', '--alert', 'priceUsd > 0', '--webhook', url], cryptoEnv(api, cacheDir));
      expect(flag.code).toBe(2);
      expect(flag.stderr).toMatch(/--webhook expects an http\(s\) URL/);
      expect(flag.stderr).not.toContain(PASSWORD);

      const path = await configFile(`[crypto]\nwebhook = ${JSON.stringify(url)}\n`);
      const config = await runMain(['crypto', '--offline', '--alert', 'priceUsd > 0', '--config', path], cryptoEnv(api, cacheDir));
      expect(config.code).toBe(2);
      expect(config.stderr).toContain(`${path}:2:`);
      expect(config.stderr).not.toContain(PASSWORD);
    },
  );

  it("a valid webhook URL's user:pass@ is sent as Basic auth, and never printed", async () => {
    const url = `${receiver.url.replace('http://', `http://hook-user:${PASSWORD}@`)}/hook`;
    const run = await runMain(
      ['crypto', '--sources', 'coingecko', '--limit', '1', '--alert', 'priceUsd > 0', '--webhook', url],
      cryptoEnv(api, cacheDir),
    );
    expect(run.code, run.stderr).toBe(0);
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]!.headers.authorization).toBe(`Basic ${Buffer.from(`hook-user:${PASSWORD}`).toString('base64')}`);
    expect(run.stdout + run.stderr).not.toContain(PASSWORD);
  });

  it.each(['constructor', '__proto__', 'hasOwnProperty', 'toString', 'valueOf'])(
    'a rule naming the built-in property %s is an unknown field (exit 2), not a crash',
    async (field) => {
      const run = await runMain(['crypto', '--offline', '--alert', `${field} > 1`], cryptoEnv(api, cacheDir));
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toMatch(new RegExp(`unknown field "${field}"`));
      expect(run.stderr).not.toContain('this is a bug');
    },
  );

  it('a bad value in the config file names the file and the line', async () => {
    const path = await configFile('[crypto]\nlimit = 5\nsources = 42\n');
    const run = await runMain(['crypto', '--offline', '--config', path], cryptoEnv(api, cacheDir));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      new RegExp(`^screen: ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3: \\[crypto\\] sources: unknown source "42"`),
    );
  });
});
