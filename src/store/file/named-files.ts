/**
 * The file side of named entry kinds (entry-backend.ts `NamedEntries`): one file per entry,
 * `<kind dir>/<folder>/<name><suffix>`, written once by a hard link.
 *
 * A write-once entry is written to a temp file in the same folder, fsynced, then linked to its
 * name: link(2) fails with EEXIST when the name exists, so of two processes writing the same
 * entry exactly one succeeds and the other changes nothing, and the name appears complete or not
 * at all. A process killed mid-write leaves only its temp file, which never has an entry's name
 * and is swept by the folder's next write.
 */
import { join } from 'node:path';
import type { NamedEntries } from '../entry-backend.js';
import { isProcessAlive } from './process-alive.js';
import { fsErrorCode, type StoreFs } from './store-fs.js';
import { HOST_TAG, TEMP_SUFFIX, tempOwner, tempPathFor } from './temp-names.js';

/** Writes `bytes` to `target` unless it exists; resolves true when this call wrote it. */
export async function linkOnce(target: string, bytes: Buffer, fs: StoreFs): Promise<boolean> {
  if (await exists(target, fs)) return false;
  const temp = tempPathFor(target);
  try {
    const handle = await fs.open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.link(temp, target);
    return true;
  } catch (error) {
    if (fsErrorCode(error) !== 'EEXIST') throw error;
    return false;
  } finally {
    await fs.unlink(temp).catch(() => undefined);
  }
}

/** The entry names in `folder` ranked `fromRank` or more, lowest rank first. */
export async function folderNames(
  folder: string,
  named: NamedEntries,
  fs: StoreFs,
  fromRank = Number.NEGATIVE_INFINITY,
): Promise<string[]> {
  const ranked: { name: string; rank: number }[] = [];
  for (const file of await fs.readdir(folder).catch(() => [] as string[])) {
    const name = entryName(file, named);
    const rank = name === undefined ? Number.NaN : named.rank(name);
    if (name !== undefined && rank >= fromRank) ranked.push({ name, rank });
  }
  return ranked.sort((a, b) => a.rank - b.rank).map((entry) => entry.name);
}

/** Drops the entries ranked past the kind's keeping before `newestRank`, and temp files of writers that are gone. Best effort. */
export async function tidyFolder(folder: string, named: NamedEntries, newestRank: number, fs: StoreFs): Promise<void> {
  for (const file of await fs.readdir(folder).catch(() => [] as string[])) {
    const name = entryName(file, named);
    const expired = name !== undefined && named.rank(name) < newestRank - named.keepRanks;
    if (expired || (file.endsWith(TEMP_SUFFIX) && !ownerAlive(file))) await fs.unlink(join(folder, file)).catch(() => undefined);
  }
}

function entryName(file: string, named: NamedEntries): string | undefined {
  if (!file.endsWith(named.suffix)) return undefined;
  const name = file.slice(0, -named.suffix.length);
  return Number.isFinite(named.rank(name)) ? name : undefined;
}

function exists(path: string, fs: StoreFs): Promise<boolean> {
  return fs.lstat(path).then(
    () => true,
    () => false,
  );
}

/** Whether a temp file's writer may still be writing it (another host's temps are left to their own sweep). */
function ownerAlive(name: string): boolean {
  const owner = tempOwner(name);
  if (owner === undefined || owner.hostTag !== HOST_TAG) return true;
  return owner.pid === process.pid || isProcessAlive(owner.pid);
}
