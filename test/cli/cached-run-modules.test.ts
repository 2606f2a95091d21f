import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadedModules } from '../helpers/loaded-modules.js';
import { BIN, cleanEnv, removeDir, tempCacheDir } from '../helpers/run-cli.js';

const RECORDER = fileURLToPath(new URL('../fixtures/startup/record-loaded.mjs', import.meta.url));

/** What one run of the built bin loaded: Node's modules and bindings, and the files the ES loader read. */
interface Loaded {
  code: number | null;
  stdout: string;
  builtins: string[];
  /** Files the ES module loader loaded, and the sources bundled into them (`loadedModules`); asked for separately. */
  modules: string[];
}

/**
 * Runs the bin with the recorder preloaded, its stdout and stderr pipes, as under cron or a
 * pipeline (the CLI writes to a pipe directly: Node's stream for it would load node:net).
 */
async function runRecorded(
  dir: string,
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  record: 'builtins' | 'files',
): Promise<Loaded> {
  const report = join(dir, `${name}.json`);
  const files = join(dir, `${name}.files`);
  const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', RECORDER, BIN, ...args], {
      env: { ...env, QAHT_LOADED_REPORT: report, ...(record === 'files' ? { QAHT_LOADED_FILES: files } : {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ code: exitCode, stdout: out }));
  });
  return {
    code,
    stdout,
    builtins: JSON.parse(await readFile(report, 'utf8')) as string[],
    modules: record === 'files' ? await loadedModules(files) : [],
  };
}

/** Node's networking and compression, which a run served from cache has no use for. */
const NETWORK_BUILTINS = [
  'NativeModule net',
  'NativeModule http',
  'NativeModule _http_server',
  'NativeModule _http_client',
  'NativeModule zlib',
  'Internal Binding tcp_wrap',
  // Node's own undici, which the global fetch/Headers family loads on first touch.
  'NativeModule internal/deps/undici/undici',
  // Nothing of a cached run hashes with it (cache checksums are FNV-1a).
  'NativeModule crypto',
];

function loads(run: Loaded, path: string): boolean {
  return run.modules.some((module) => module.startsWith(path));
}

describe('a run served entirely from cache (the built bin)', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let cold: Loaded;
  let warm: Loaded;
  let warmFiles: Loaded;

  beforeAll(async () => {
    dir = await tempCacheDir();
    // History only read: a run with candles due fetches them, which is not a run served from cache.
    env = cleanEnv({ SCREEN_CACHE_DIR: join(dir, 'cache'), SCREEN_STATE_DIR: join(dir, 'state'), SCREEN_HISTORY_BUDGET: '0' });
    // The cold run fetches from the demo's loopback servers and fills the cache (60 s TTLs).
    cold = await runRecorded(dir, 'cold', ['crypto', '--demo', '--json'], env, 'files');
    warm = await runRecorded(dir, 'warm', ['crypto', '--demo', '--json'], env, 'builtins');
    warmFiles = await runRecorded(dir, 'warm-files', ['crypto', '--demo', '--json'], env, 'files');
  }, 60_000);

  afterAll(async () => {
    await removeDir(dir);
  });

  it('is served from cache: every source cached', () => {
    expect(cold.code).toBe(0);
    expect(warm.code).toBe(0);
    expect(warmFiles.code).toBe(0);
    for (const run of [warm, warmFiles]) {
      const sources = (JSON.parse(run.stdout) as { sources: { name: string; status: string }[] }).sources;
      expect(sources.map((source) => source.status)).toEqual(['cached', 'cached', 'cached']);
    }
  });

  it('loads no node:net, node:http, node:zlib or node:crypto, opens no TCP socket, and never touches the global fetch family', () => {
    // Not even for its piped stdout and stderr.
    for (const builtin of NETWORK_BUILTINS) expect(warm.builtins, builtin).not.toContain(builtin);
  });

  it('loads neither undici nor the HTTP client nor the demo servers', () => {
    expect(loads(warmFiles, 'src/cli/main.ts')).toBe(true);
    expect(loads(warmFiles, 'node_modules/undici/')).toBe(false);
    expect(loads(warmFiles, 'src/http/async-api-client.ts')).toBe(false);
    expect(loads(warmFiles, 'src/demo/demo-server.ts')).toBe(false);
  });

  it('while the cold run that fetched did load them all (so the checks above can see them)', () => {
    for (const builtin of ['NativeModule net', 'NativeModule http', 'NativeModule _http_server', 'Internal Binding tcp_wrap'])
      expect(cold.builtins, builtin).toContain(builtin);
    expect(loads(cold, 'node_modules/undici/')).toBe(true);
    expect(loads(cold, 'src/demo/demo-server.ts')).toBe(true);
    // The fetching run, too, leaves Node's own undici alone: only qaht's undici Agent is loaded.
    expect(cold.builtins).not.toContain('NativeModule internal/deps/undici/undici');
  });
});
