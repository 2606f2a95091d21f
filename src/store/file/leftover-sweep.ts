/**
 * The start-up sweep of files a killed run left in the cache dir: temp files of unfinished
 * writes, lock files and take-over guards of holders that are gone. A run killed with SIGKILL
 * cannot clean up after itself, so the next run does, and the dir never accumulates them.
 *
 * Cheap by design: one readdir per folder (names only), no read of any entry file. Only lock and
 * guard files (none at all unless a run is under way or was killed) are opened, and only temp
 * files whose name does not say their writer is alive on this host are stat-ed.
 */
import { join } from 'node:path';
import type { Clock } from '../../time/clock.js';
import { BREAK_SUFFIX, removeAbandonedLock } from './file-lock.js';
import { isProcessAlive } from './process-alive.js';
import type { StoreFs } from './store-fs.js';
import { HOST_TAG, TEMP_SUFFIX, tempOwner } from './temp-names.js';

/** Temp files of another host (or of an older version, whose names carry no host) are removed past this age (real time). */
export const FOREIGN_TEMP_MAX_AGE_MS = 10 * 60_000;

const LOCK_SUFFIX = '.lock';

export interface SweepOptions {
  /** Folder whose every temp, lock and guard file belongs to the store (the cache's `http/`). */
  ownedDir: string;
  /** Folder shared with other files (the cache dir): only names starting with one of `ownedPrefixes` are touched. */
  sharedDir: string;
  /** Name prefixes of the store's own files in `sharedDir` (e.g. `state.json.`). */
  ownedPrefixes: readonly string[];
  clock: Clock;
  /** A lock whose heartbeat is older than this is abandoned even when its holder is on another host. */
  lockStaleMs: number;
  fs: StoreFs;
}

/** What one sweep removed, and what it left because a live process owns it. */
export interface SweepReport {
  removed: string[];
  kept: string[];
}

/** Removes leftovers (see the file header). Never throws. */
export async function sweepLeftovers(options: SweepOptions): Promise<SweepReport> {
  const report: SweepReport = { removed: [], kept: [] };
  const folders: Array<[string, (name: string) => boolean]> = [
    [options.ownedDir, () => true],
    [options.sharedDir, (name) => options.ownedPrefixes.some((prefix) => name.startsWith(prefix))],
  ];
  for (const [folder, owned] of folders) {
    const names = await options.fs.readdir(folder).catch(() => [] as string[]);
    for (const name of names) {
      if (!owned(name)) continue;
      const path = join(folder, name);
      let removed: boolean | undefined;
      if (name.endsWith(TEMP_SUFFIX)) removed = await sweepTemp(path, name, options);
      else if (name.endsWith(LOCK_SUFFIX) || name.endsWith(`${LOCK_SUFFIX}${BREAK_SUFFIX}`)) {
        removed = await removeAbandonedLock(path, { clock: options.clock, staleMs: options.lockStaleMs, fs: options.fs }).catch(
          () => false,
        );
      }
      if (removed === true) report.removed.push(path);
      else if (removed === false) report.kept.push(path);
    }
  }
  return report;
}

async function sweepTemp(path: string, name: string, options: SweepOptions): Promise<boolean> {
  const owner = tempOwner(name);
  if (owner?.hostTag === HOST_TAG) {
    if (owner.pid === process.pid || isProcessAlive(owner.pid)) return false;
    return unlinkQuietly(path, options.fs);
  }
  const info = await options.fs.lstat(path).catch(() => undefined);
  // File times are real time, so this compares against Date.now(), not the injected clock.
  if (!info || Date.now() - info.mtimeMs <= FOREIGN_TEMP_MAX_AGE_MS) return false;
  return unlinkQuietly(path, options.fs);
}

async function unlinkQuietly(path: string, fs: StoreFs): Promise<boolean> {
  return fs.unlink(path).then(
    () => true,
    () => false,
  );
}
