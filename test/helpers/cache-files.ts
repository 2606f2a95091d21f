import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Backdates every cache entry's `fetchedAt` by `ageMs`, so a spawned run sees them past their TTL
 * (the entry checksum covers the value only). Returns how many entries were aged.
 */
export async function ageCacheEntries(cacheDir: string, ageMs: number): Promise<number> {
  const dir = join(cacheDir, 'http');
  const files = (await readdir(dir)).filter((name) => name.endsWith('.json'));
  for (const name of files) {
    const file = join(dir, name);
    const entry = JSON.parse(await readFile(file, 'utf8')) as { fetchedAt: number };
    entry.fetchedAt -= ageMs;
    await writeFile(file, JSON.stringify(entry));
  }
  return files.length;
}
