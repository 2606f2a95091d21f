import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeApi } from '../helpers/fake-api/index.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { useCliSandbox } from '../helpers/run-cli.js';
import { BODIES, CRYPTO_PATHS } from '../cli/crypto-fixtures.js';
import { httpGet, type LiveServe, routeEverything, serveEnv, startLiveServe } from './live-fixtures.js';

/**
 * The dashboard in a real headless Chromium (Debian's, driven by playwright-core): it loads with
 * no console error and no request to another host, shows the ranked rows with badges and
 * sparklines, re-sorts on a header click, takes an update from the event stream in place, and
 * fits a 375 px phone, light and dark. Screenshots go to test/artifacts/ (git-ignored).
 */

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
const HAS_CHROMIUM = existsSync(CHROMIUM);
if (!HAS_CHROMIUM) console.warn(`${CHROMIUM} not installed: the dashboard's browser test is skipped (.ci/run installs it)`);

let api: FakeApi;
let cacheDir: string;
useCliSandbox((sandbox) => {
  ({ api, cacheDir } = sandbox);
  routeEverything(api);
});

let profile: string;
let browser: BrowserContext | undefined;
beforeAll(async () => {
  if (!HAS_CHROMIUM) return;
  profile = await mkdtemp(join(tmpdir(), 'qaht-chromium-'));
  await mkdir(ARTIFACTS, { recursive: true });
  // A fresh profile (--user-data-dir) per run: no cache, cookies or extensions from anywhere else.
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1200, height: 900 },
  });
});
afterAll(async () => {
  await browser?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
});

interface Watched {
  page: Page;
  problems: string[];
  foreign: string[];
}

async function open(origin: string): Promise<Watched> {
  const page = await browser!.newPage();
  const problems: string[] = [];
  const foreign: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('request', (request) => {
    if (!request.url().startsWith(`${origin}/`)) foreign.push(request.url());
  });
  await page.goto(`${origin}/`);
  await page.waitForSelector('#live.on');
  return { page, problems, foreign };
}

/** The sort values of one column of the crypto table, top to bottom (the tests' tsconfig has no DOM types: page code is text). */
function columnValues(page: Page, column: number): Promise<Array<number | null>> {
  return page.evaluate(
    `[...document.querySelectorAll('#crypto tbody tr')].map((row) => { const raw = row.cells[${column}]?.getAttribute('data-v') ?? ''; return raw === '' ? null : Number(raw); })`,
  );
}

describe.skipIf(!HAS_CHROMIUM)('the dashboard in Chromium', () => {
  let serve: LiveServe;
  let clock: ManualClock;
  beforeAll(async () => {
    clock = new ManualClock(Date.now());
  });
  afterAll(async () => {
    await serve?.stop();
  });

  it('loads clean, shows the rows with badges and sparklines, re-sorts, takes an update in place, fits 375 px light and dark', async () => {
    serve = await startLiveServe(['--rate-limit', '1000000', '--every', 'crypto=60s,news=5m,market=off'], serveEnv(api, cacheDir), clock);
    const origin = serve.origin;
    for (;;) {
      if ((await httpGet(`${origin}/readyz`)).status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const { page, problems, foreign } = await open(origin);

    const rows = await page.$$('#crypto tbody tr');
    expect(rows.length).toBeGreaterThanOrEqual(20);
    expect(await page.$$eval('#crypto tbody tr td.spark-cell svg.spark polyline', (lines) => lines.length)).toBe(rows.length);
    expect(
      await page.$$eval('#crypto .badge.status-fresh', (badges) => badges.map((b) => b.querySelector('.badge-name')?.textContent)),
    ).toEqual(['coingecko', 'binance', 'coincap']);
    expect(await page.$$eval('.news li a', (links) => links.length)).toBeGreaterThan(5);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });

    // 24h is the fourth column: a first click sorts high to low, a second low to high.
    const change24h = 3;
    await page.click('#crypto th button[data-key="change24h"]');
    const descending = await columnValues(page, change24h);
    expect(descending).toEqual([...descending].sort((a, b) => (b ?? -Infinity) - (a ?? -Infinity)));
    expect(await page.getAttribute('#crypto th:nth-child(4)', 'aria-sort')).toBe('descending');
    await page.click('#crypto th button[data-key="change24h"]');
    const ascending = await columnValues(page, change24h);
    expect(ascending).toEqual([...descending].reverse());

    // The next refresh renames the top coin upstream: its row changes without a reload, still sorted.
    const top = BODIES.coingecko[0]!;
    api.route('GET', CRYPTO_PATHS.coingecko, {
      json: BODIES.coingecko.map((coin, i) => (i === 0 ? { ...coin, name: 'Renamed Coin' } : coin)),
    });
    await clock.advance(60_000);
    for (let i = 0; i < 300 && Number((await page.getAttribute('body', 'data-updates')) ?? '0') < 1; i++) {
      await clock.advance(50);
      await page.waitForTimeout(20);
    }
    await page.waitForFunction(`document.querySelector('#crypto tr[data-id="${top.id}"] .name')?.textContent === 'Renamed Coin'`);
    expect(await columnValues(page, change24h)).toEqual(ascending);
    expect(await page.getAttribute('#crypto th:nth-child(4)', 'aria-sort')).toBe('ascending');

    // A phone: nothing wider than the screen, the table still there.
    await page.setViewportSize({ width: 375, height: 812 });
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    expect(await page.evaluate(`document.querySelector('#crypto table').getBoundingClientRect().right`)).toBeLessThanOrEqual(375);
    expect(await page.isVisible('#crypto tbody tr:first-child td.spark-cell svg')).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-375.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    const background = await page.evaluate('getComputedStyle(document.body).backgroundColor');
    expect(background).toBe('rgb(18, 20, 23)');
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-375-dark.png') });

    expect(problems).toEqual([]);
    expect(foreign).toEqual([]);
    await page.close();
  });

  it('reads without JavaScript: the rows are in the page as served', async () => {
    const page = await browser!.newPage();
    const devtools = await browser!.newCDPSession(page);
    await devtools.send('Emulation.setScriptExecutionDisabled', { value: true });
    await page.goto(`${serve.origin}/`);
    expect((await page.$$('#crypto tbody tr')).length).toBeGreaterThanOrEqual(20);
    expect(await page.textContent('#live')).toBe('static');
    await page.close();
  });
});
