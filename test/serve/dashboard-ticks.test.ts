import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeApi, FakeStream } from '../helpers/fake-api/index.js';
import { startFakeStream } from '../helpers/fake-api/index.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { useCliSandbox } from '../helpers/run-cli.js';
import { waitUntil } from '../cli/ops-fixtures.js';
import { httpGet, type LiveServe, routeEverything, serveEnv, startLiveServe } from './live-fixtures.js';

/**
 * The dashboard's live prices in headless Chromium: a frame on the stream moves the coin's price
 * cell in place (text, sort value, colour class) without replacing the section, and the source
 * badges show the stream.
 */

const CHROMIUM = '/usr/bin/chromium';
const HAS_CHROMIUM = existsSync(CHROMIUM);

let api: FakeApi;
let cacheDir: string;
useCliSandbox((sandbox) => {
  ({ api, cacheDir } = sandbox);
  routeEverything(api);
});

let profile: string;
let browser: BrowserContext | undefined;
let stream: FakeStream;
let serve: LiveServe | undefined;
beforeAll(async () => {
  stream = await startFakeStream();
  if (!HAS_CHROMIUM) return;
  profile = await mkdtemp(join(tmpdir(), 'qaht-chromium-'));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
});
afterAll(async () => {
  await serve?.stop();
  await browser?.close();
  await stream.close();
  if (profile) await rm(profile, { recursive: true, force: true });
});

describe.skipIf(!HAS_CHROMIUM)('the dashboard with live prices', () => {
  it('moves a price in its cell on a tick, keeping the section, and shows binance-stream live', async () => {
    const clock = new ManualClock(Date.now());
    serve = await startLiveServe(
      ['--rate-limit', '1000000', '--every', 'crypto=60s,news=off,market=off'],
      serveEnv(api, cacheDir, { SCREEN_BINANCE_WS_URL: stream.wsUrl }),
      clock,
    );
    const { origin } = serve;
    for (;;) {
      if ((await httpGet(`${origin}/readyz`)).status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await waitUntil(() => stream.server.sockets.size === 1, 'the stream connection');
    const doc = JSON.parse((await httpGet(`${origin}/api/signals?screen=crypto`)).body) as {
      results: Array<{ id: string; symbol: string; priceUsd: number; sources: string[]; flags: string[] }>;
    };
    const target = doc.results.find((row) => row.sources.includes('binance') && !row.flags.includes('price_mismatch:binance'))!;
    const page = await browser!.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${origin}/`);
    await page.waitForSelector('#live.on');
    expect(await page.$$eval('#crypto .badge.status-live .badge-name', (names) => names.map((n) => n.textContent))).toEqual([
      'binance-stream',
    ]);
    // Marks the section: a tick must move the cell, not swap the section for new HTML.
    await page.evaluate(`document.getElementById('crypto').setAttribute('data-marked', 'yes')`);
    const moved = target.priceUsd * 1.05;
    stream.sendPrices({ [`${target.symbol}USDT`]: moved }, clock.now());
    const cell = `#crypto tr[data-id="${target.id}"] td.price`;
    await page.waitForFunction(`document.querySelector('${cell}').getAttribute('data-v') === '${moved}'`);
    expect(await page.getAttribute(cell, 'class')).toContain('moved-up');
    expect(await page.textContent(cell)).not.toBe('');
    expect(await page.getAttribute('#crypto', 'data-marked')).toBe('yes');
    expect(await page.getAttribute('body', 'data-ticks')).toBe('1');
    expect(problems).toEqual([]);
    await page.close();
  });
});
