/**
 * Names of in-progress files (atomic-write temps, lock records before they are linked into place).
 * Each carries its writer's host tag and pid, so a later run can tell the leftovers of a process
 * that died (same host, pid gone) from a live writer's file, and sweep them at once.
 */
import { hostname } from 'node:os';
import { fnv1a64Hex } from '../fnv1a.js';
import { uniqueHex } from '../unique-hex.js';

/** Suffix of in-progress files; anything ending with it is an orphan once its writer is gone. */
export const TEMP_SUFFIX = '.tmp';

/** Eight hex digits naming this host in file names (a pid alone means nothing across hosts). */
export const HOST_TAG = fnv1a64Hex(Buffer.from(hostname(), 'utf8')).slice(0, 8);

const OWNED_TEMP = /\.([0-9a-f]{8})-(\d+)\.[0-9a-f]+\.tmp$/;

/** `<path>.<host tag>-<pid>.<unique>.tmp`, in the target's own folder. `unique` defaults to `uniqueHex()`. */
export function tempPathFor(path: string, unique: string = uniqueHex()): string {
  return `${path}.${HOST_TAG}-${process.pid}.${unique}${TEMP_SUFFIX}`;
}

/** The writer a temp name names, or undefined for names of another form (older versions' temps). */
export function tempOwner(name: string): { hostTag: string; pid: number } | undefined {
  const match = OWNED_TEMP.exec(name);
  return match ? { hostTag: match[1]!, pid: Number(match[2]) } : undefined;
}
