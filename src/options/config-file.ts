/**
 * The config file (`$XDG_CONFIG_HOME/qaht/config.toml`, default `~/.config/qaht/config.toml`;
 * `--config PATH` or `SCREEN_CONFIG` name another): per-command defaults, watchlists and alert
 * rules. It is optional: a missing file at the default place costs one failed open, and the TOML
 * parser is loaded only when a file is there. It is read only if it is a regular file (a link is
 * followed to one) of at most `CONFIG_MAX_BYTES`; anything wrong with it is a usage error (exit 2)
 * naming the file and, when it has one, the line.
 */
import { realpath } from 'node:fs/promises';
import { readRegularFile } from '../store/file/regular-file.js';
import { usageError } from './parse-values.js';
import type { ConfigLocation } from './run-options.js';

/** Largest config file read, in bytes: a real one is a few hundred. */
export const CONFIG_MAX_BYTES = 256 * 1024;
/** The file's sections: one per data command, then the watchlists and the alert rules. */
export const CONFIG_SECTIONS = ['crypto', 'news', 'market', 'watchlists', 'alerts'] as const;
export type ConfigSectionName = (typeof CONFIG_SECTIONS)[number];
/** Most entries in one watchlist, and the longest entry. */
const WATCHLIST_MAX_ENTRIES = 500;
const ENTRY_MAX_CHARS = 500;

/** A loaded config file. Values are as TOML gives them; their owners check them. */
export interface ConfigFile {
  path: string;
  /** A command's section (`crypto`, `news`, `market`): its settings by name; empty when absent. */
  section(name: 'crypto' | 'news' | 'market'): Readonly<Record<string, unknown>>;
  /** `[watchlists]`: each list's entries. */
  watchlists: Readonly<Record<string, readonly string[]>>;
  /** `[alerts]`: each command's rules. */
  alerts: Readonly<Record<string, readonly string[]>>;
  /** How a message names a setting: `<path>:<line>: [section] key` (the line when the file has one for it). */
  label(section: ConfigSectionName, key?: string): string;
}

/**
 * Reads and parses the config file; undefined when there is none at the default place.
 * @throws QahtError QAHT_ERR_USAGE: a named file that is missing, not a regular file, too large
 *   or unreadable; malformed TOML (`<path>:<line>: <what>`); an unknown section; a watchlist or
 *   an alert list that is not a list of strings.
 */
export async function loadConfigFile(location: ConfigLocation): Promise<ConfigFile | undefined> {
  const { path } = location;
  // A dotfile manager's link is fine; what it points at must still be a regular file.
  const target = await realpath(path).catch(() => path);
  const read = await readRegularFile(target, { maxBytes: CONFIG_MAX_BYTES });
  if (!read.ok) {
    if (read.reason === 'missing' && location.from === 'default') return undefined;
    const why = {
      missing: 'does not exist',
      'not-regular': 'is not a regular file',
      outside: 'is not a regular file',
      'too-large': `is larger than ${CONFIG_MAX_BYTES / 1024} KiB`,
      unreadable: `cannot be read (${errorCode(read.error)})`,
    }[read.reason];
    throw usageError(`config file ${path} ${why}`);
  }
  const text = read.bytes.toString('utf8');
  const { parse, TomlError } = await import('smol-toml');
  let document: Record<string, unknown>;
  try {
    document = parse(text) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof TomlError) {
      const reason = error.message.split('\n')[0]!.replace(/^Invalid TOML document:\s*/, '');
      throw usageError(`${path}:${error.line}: ${reason}`);
    }
    throw usageError(`${path}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
  const lines = indexLines(text);
  const label = (section: ConfigSectionName, key?: string): string => {
    const line = lines.get(lineKey(section, key)) ?? lines.get(lineKey(section));
    return `${path}${line === undefined ? '' : `:${line}`}: [${section}]${key === undefined ? '' : ` ${key}`}`;
  };
  for (const [name, value] of Object.entries(document)) {
    if (!(CONFIG_SECTIONS as readonly string[]).includes(name)) {
      const line = lines.get(lineKey(name));
      throw usageError(
        `${path}${line === undefined ? '' : `:${line}`}: unknown section [${name}] (sections: ${CONFIG_SECTIONS.join(', ')})`,
      );
    }
    if (!isTable(value)) throw usageError(`${label(name as ConfigSectionName)} must be a table`);
  }
  const table = (name: ConfigSectionName): Record<string, unknown> => (document[name] as Record<string, unknown> | undefined) ?? {};
  return {
    path,
    section: (name) => table(name),
    watchlists: stringLists(table('watchlists'), 'watchlists', label),
    alerts: stringLists(table('alerts'), 'alerts', label),
    label,
  };
}

/** Each key of a table as a list of non-empty strings (a single string is a list of one). */
function stringLists(
  table: Record<string, unknown>,
  section: ConfigSectionName,
  label: (section: ConfigSectionName, key?: string) => string,
): Record<string, string[]> {
  const lists: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(table)) {
    const items = typeof value === 'string' ? [value] : value;
    if (!Array.isArray(items) || items.some((item) => typeof item !== 'string' || item.trim() === '' || item.length > ENTRY_MAX_CHARS)) {
      throw usageError(`${label(section, key)} must be a list of strings, like ["BTC", "ETH"]`);
    }
    if (items.length > WATCHLIST_MAX_ENTRIES) throw usageError(`${label(section, key)} has more than ${WATCHLIST_MAX_ENTRIES} entries`);
    lists[key] = (items as string[]).map((item) => item.trim());
  }
  return lists;
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function lineKey(section: string, key?: string): string {
  return key === undefined ? `[${section}]` : `[${section}] ${key}`;
}

/**
 * Line numbers of table headers and `key =` lines, by `[section] key`: enough to point a message
 * at the right line of the plain files people write (dotted keys and inline tables get the
 * table's line).
 */
function indexLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  let section = '';
  text.split(/\r?\n/).forEach((line, index) => {
    const header = /^\s*\[\s*([A-Za-z0-9_-]+)\s*\]/.exec(line);
    if (header) {
      section = header[1]!;
      if (!lines.has(lineKey(section))) lines.set(lineKey(section), index + 1);
      return;
    }
    const key = /^\s*(?:"([^"]+)"|'([^']+)'|([A-Za-z0-9_-]+))\s*=/.exec(line);
    const name = key?.[1] ?? key?.[2] ?? key?.[3];
    if (name !== undefined && !lines.has(lineKey(section, name))) lines.set(lineKey(section, name), index + 1);
  });
  return lines;
}

function errorCode(error: unknown): string {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : 'unknown error';
}
