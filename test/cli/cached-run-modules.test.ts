import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
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
  /** Files the ES module loader loaded, and the sources bundled into them (`loadedModules`). */
  modules: string[];
}

/**
 * Runs the bin with the recorder preloaded. stdout and stderr go to files, not pipes: Node opens
 * a pipe as a node:net socket, which would hide whether the run itself loads node:net.
 */
async function runRecorded(dir: string, name: string, args: string[], env: NodeJS.ProcessEnv): Promise<Loaded> {
  const report = join(dir, `${name}.json`);
  const out = join(dir, `${name}.out`);
  const stdoutFd = openSync(out, 'w');
  const stderrFd = openSync(join(dir, `${name}.err`), 'w');
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', RECORDER, BIN, ...args], {
      env: { ...env, QAHT_LOADED_REPORT: report },
      stdio: ['ignore', stdoutFd, stderrFd],
    });
    child.on('error', reject);
    child.on('exit', (exitCode) => resolve(exitCode));
  });
  closeSync(stdoutFd);
  closeSync(stderrFd);
  return {
    code,
    stdout: await readFile(out, 'utf8'),
    builtins: JSON.parse(await readFile(report, 'utf8')) as string[],
    modules: await loadedModules(`${report}.files`),
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
];

function loads(run: Loaded, path: string): boolean {
  return run.modules.some((module) => module.startsWith(path));
}

describe('a run served entirely from cache (the built bin)', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let cold: Loaded;
  let warm: Loaded;

  beforeAll(async () => {
    dir = await tempCacheDir();
    env = cleanEnv({ SCREEN_CACHE_DIR: join(dir, 'cache'), SCREEN_STATE_DIR: join(dir, 'state') });
    // The cold run fetches from the demo's loopback servers and fills the cache (60 s TTLs).
    cold = await runRecorded(dir, 'cold', ['crypto', '--demo', '--json'], env);
    warm = await runRecorded(dir, 'warm', ['crypto', '--demo', '--json'], env);
  }, 60_000);

  afterAll(async () => {
    await removeDir(dir);
  });

  it('is served from cache: every source cached', () => {
    expect(cold.code).toBe(0);
    expect(warm.code).toBe(0);
    const sources = (JSON.parse(warm.stdout) as { sources: { name: string; status: string }[] }).sources;
    expect(sources.map((source) => source.status)).toEqual(['cached', 'cached', 'cached']);
  });

  it('loads no node:net, node:http or node:zlib, opens no TCP socket, and never touches the global fetch family', () => {
    for (const builtin of NETWORK_BUILTINS) expect(warm.builtins, builtin).not.toContain(builtin);
  });

  it('loads neither undici nor the HTTP client nor the demo servers', () => {
    expect(loads(warm, 'src/cli/main.ts')).toBe(true);
    expect(loads(warm, 'node_modules/undici/')).toBe(false);
    expect(loads(warm, 'src/http/async-api-client.ts')).toBe(false);
    expect(loads(warm, 'src/demo/demo-server.ts')).toBe(false);
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
