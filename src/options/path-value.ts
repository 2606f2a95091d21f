import { accessSync, closeSync, constants, openSync, type Stats, statSync, unlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { OptionRecord, ValueParser } from './option-record.js';
import { quoteValue, usageError } from './parse-values.js';

/** Linux limits: a whole path (PATH_MAX less the NUL) and one name in it (NAME_MAX), in bytes. */
const PATH_MAX_BYTES = 4095;
const NAME_MAX_BYTES = 255;

type Parsed = Pick<OptionRecord<string, string>, 'type'> & { type: 'path'; parse: ValueParser<string> };

/** A file or folder name: one the system could open (no NUL byte, within its length limits). */
export function pathValue(): Parsed {
  return { type: 'path', parse: (raw, label) => checkPathShape(raw, label) };
}

/**
 * A file qaht writes at the end of the run (`log`: appended to; `metrics` and `results`: replaced
 * through a temp file beside it). Checked when the options are read, before any fetch, so a typo in a cron line
 * costs no API budget and prints no results: the folder must exist (it is never created), the
 * path must not be a folder, a FIFO or another special file (a log may be a character device such
 * as /dev/null), an existing file must be writable, and the folder must accept a new file.
 */
export function outputFile(kind: 'log' | 'metrics' | 'results'): Parsed {
  return {
    type: 'path',
    parse: (raw, label) => {
      const path = checkPathShape(raw, label);
      checkOutputFile(path, label, kind);
      return path;
    },
  };
}

function checkPathShape(raw: string, label: string): string {
  if (raw.includes('\u0000')) throw usageError(`${label} expects a path, got one with a NUL byte`);
  const tooLong = Buffer.byteLength(raw) > PATH_MAX_BYTES || raw.split('/').some((name) => Buffer.byteLength(name) > NAME_MAX_BYTES);
  if (tooLong) throw usageError(`${label}: path too long: ${quoteValue(raw)}`);
  return raw;
}

function checkOutputFile(path: string, label: string, kind: 'log' | 'metrics' | 'results'): void {
  const target = resolve(path);
  const shown = quoteValue(path);
  const existing = statOrUndefined(target, label, shown);
  if (existing) {
    if (existing.isDirectory()) throw usageError(`${label} ${shown} is a folder, not a file`);
    // Opening a FIFO for writing blocks until someone reads it: never wait on one.
    if (!existing.isFile() && !(kind === 'log' && existing.isCharacterDevice())) {
      throw usageError(`${label} ${shown} is not a regular file`);
    }
    try {
      accessSync(target, constants.W_OK);
    } catch {
      throw usageError(`${label}: cannot write to ${shown}`);
    }
    if (kind === 'log') return;
  }
  const folder = dirname(target);
  const folderInfo = statOrUndefined(folder, label, shown);
  if (!folderInfo) throw usageError(`${label}: the folder of ${shown} does not exist`);
  if (!folderInfo.isDirectory()) throw usageError(`${label}: the folder of ${shown} is not a folder`);
  // access(2) says yes to root on any folder, even where no file can be made (/proc/self): try one.
  const probe = join(folder, `.qaht-check-${process.pid}-${Date.now().toString(16)}.tmp`);
  try {
    closeSync(openSync(probe, 'wx', 0o600));
    unlinkSync(probe);
  } catch (error) {
    throw usageError(`${label}: cannot write to the folder of ${shown} (${errorCode(error)})`);
  }
}

/** The path's status, undefined when nothing is there; any other failure is the user's to fix. */
function statOrUndefined(path: string, label: string, shown: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw usageError(`${label}: cannot use ${shown} (${code})`);
  }
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? 'unknown error';
}
