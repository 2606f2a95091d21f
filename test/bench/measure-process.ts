import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const GNU_TIME = '/usr/bin/time';

export interface ProcessMeasurement {
  wallMs: number;
  /** Peak resident set size, bytes. */
  maxRssBytes: number;
  /** User + system CPU time of the child, ms (GNU time; NaN without it). */
  cpuMs: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** How peak RSS is measured on this machine. */
export function rssMethod(): string {
  return existsSync(GNU_TIME) ? '/usr/bin/time (GNU time %M)' : 'process.resourceUsage().maxRSS written at exit by a preloaded module';
}

/**
 * Runs `node <args>` and measures its wall time (spawn to exit, seen from here) and peak RSS
 * (GNU time when present, else a preloaded module reporting its own maxRSS). Asynchronous, so
 * that servers in this process keep answering while the child runs.
 */
export async function measureNode(
  args: readonly string[],
  options: { env: NodeJS.ProcessEnv; cwd: string; scratchDir: string /** @default process.execPath */; node?: string },
): Promise<ProcessMeasurement> {
  const node = options.node ?? process.execPath;
  const rssFile = join(options.scratchDir, `rss-${process.pid}-${Math.random().toString(36).slice(2)}.txt`);
  const useTime = existsSync(GNU_TIME);
  const command = useTime ? GNU_TIME : node;
  const argv = useTime
    ? ['-f', '%M %U %S', '-o', rssFile, node, ...args]
    : ['--import', fileURLToPath(new URL('./rss-report.mjs', import.meta.url)), ...args];
  const env = useTime ? options.env : { ...options.env, QAHT_BENCH_RSS: rssFile };
  const started = performance.now();
  const child = spawn(command, argv, { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  let wallMs = 0;
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', () => {
      wallMs = performance.now() - started;
    });
    // 'close' comes after 'exit', once stdout and stderr are drained.
    child.once('close', (exitCode) => resolve(exitCode));
  });
  // GNU time writes "Command exited with non-zero status N" before the figures; the last line is
  // "%M %U %S" (the rss-report module writes only %M).
  const text = await readFile(rssFile, 'utf8').catch(() => '');
  await rm(rssFile, { force: true });
  const [kib, userS, systemS] = (text.trim().split('\n').pop() ?? '').split(' ').map(Number);
  return {
    wallMs,
    maxRssBytes: kib !== undefined && Number.isFinite(kib) ? kib * 1024 : Number.NaN,
    cpuMs: userS !== undefined && systemS !== undefined ? (userS + systemS) * 1000 : Number.NaN,
    code,
    stdout: Buffer.concat(stdout).toString('utf8'),
    stderr: Buffer.concat(stderr).toString('utf8'),
  };
}
