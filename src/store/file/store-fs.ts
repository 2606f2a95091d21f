/**
 * The file-system calls the store makes, gathered in one replaceable object. Production code uses
 * Node's own; tests hand in a copy with one call failing (a full disk's ENOSPC, a read-only
 * mount's EROFS) to drive the paths a real machine only reaches in bad moments.
 */
import * as fsp from 'node:fs/promises';

/** The subset of `node:fs/promises` the store uses. */
export type StoreFs = Pick<
  typeof fsp,
  'access' | 'chmod' | 'link' | 'lstat' | 'mkdir' | 'open' | 'readdir' | 'realpath' | 'rename' | 'stat' | 'statfs' | 'unlink' | 'writeFile'
>;

/** Node's own file system. */
export const nodeStoreFs: StoreFs = {
  access: fsp.access,
  chmod: fsp.chmod,
  link: fsp.link,
  lstat: fsp.lstat,
  mkdir: fsp.mkdir,
  open: fsp.open,
  readdir: fsp.readdir,
  realpath: fsp.realpath,
  rename: fsp.rename,
  stat: fsp.stat,
  statfs: fsp.statfs,
  unlink: fsp.unlink,
  writeFile: fsp.writeFile,
};

/** The `code` of a Node system error (`ENOENT`, `ENOSPC`…), or undefined. */
export function fsErrorCode(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}
