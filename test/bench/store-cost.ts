/**
 * 8. The store's share of a warm cached run (issue 15, store part): `store-cost-child.ts` in a
 * fresh process per run opens the cache, loads the state, serves the three `screen crypto` entries
 * (about 630 KB) with their value checks and reads the state as the run context does. The floor
 * is reading the same files and JSON.parse-ing them. Alternating runs with and without the value
 * checks show what the checks cost.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, ms, progress, type BenchResult } from './bench-types.js';

const RUNS = 7;
const CHILD = fileURLToPath(new URL('./store-cost-child.ts', import.meta.url));

interface StoreCost {
  storeMs: number;
  floorMs: number;
  openMs: number;
  stateMs: number;
  lookupsMs: number;
}

function runChild(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, CHILD, ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`store cost child exited with ${String(code)}`))));
  });
}

export async function benchStoreCost(): Promise<BenchResult> {
  const dir = await mkdtemp(join(tmpdir(), 'qaht-bench-store-'));
  try {
    await runChild(['setup', dir]);
    const checked: StoreCost[] = [];
    const unchecked: StoreCost[] = [];
    for (let i = 0; i < RUNS; i++) {
      checked.push(JSON.parse(await runChild(['measure', dir])) as StoreCost);
      unchecked.push(JSON.parse(await runChild(['measure', dir], { ...process.env, NO_CHECKS: '1' })) as StoreCost);
    }
    const store = median(checked.map((m) => m.storeMs));
    const floor = median(checked.map((m) => m.floorMs));
    const withoutChecks = median(unchecked.map((m) => m.storeMs));
    const part = (name: keyof StoreCost) => median(checked.map((m) => m[name]));
    progress(
      `store cost: ${store.toFixed(1)} ms (open ${part('openMs').toFixed(1)}, state ${part('stateMs').toFixed(1)}, lookups ${part('lookupsMs').toFixed(1)})`,
    );
    return {
      id: '8',
      title: 'Store cost of a warm run',
      rows: [
        {
          benchmark: '8a store work of a warm crypto run',
          measured: ms(store),
          baseline: `${ms(floor)} read + JSON.parse of the same files`,
          ratio: store / floor,
          target: 'info',
          pass: null,
          values: { storeMs: store, floorMs: floor, openMs: part('openMs'), stateMs: part('stateMs'), lookupsMs: part('lookupsMs') },
        },
        {
          benchmark: '8b the same without value checks',
          measured: ms(withoutChecks),
          baseline: `${ms(store)} with them`,
          ratio: withoutChecks / store,
          target: 'info',
          pass: null,
        },
      ],
      notes: [
        `8: median of ${RUNS} fresh processes each (alternating): DiskCache.open (with its leftover sweep), StateStore.load, three cached lookups ` +
          "(250 CoinGecko coins with sparklines, 200 Binance assets, 1,500 exchangeInfo symbols: about 630 KB) and the run context's state reads. " +
          "Measure another version's store with `npx tsx test/bench/store-cost-child.ts setup|measure <dir> <its src/>`.",
      ],
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
