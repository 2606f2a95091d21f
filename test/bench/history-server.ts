import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { HistoryServerReady, HistoryServerSpec, HistoryServerStats } from './history-server-child.js';

export interface HistoryServer extends HistoryServerReady {
  stats(): Promise<HistoryServerStats>;
  close(): Promise<void>;
}

/**
 * Forks `history-server-child.ts` (under the same tsx loader, without a CPU profiler the parent
 * may run under) and waits until its fake Binance listens.
 */
export async function startHistoryServer(spec: HistoryServerSpec): Promise<HistoryServer> {
  const execArgv = process.execArgv.filter((arg) => !arg.startsWith('--cpu-prof'));
  const child = fork(fileURLToPath(new URL('./history-server-child.ts', import.meta.url)), [], {
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<HistoryServerReady>((resolve, reject) => {
    child.once('message', (message: HistoryServerReady | { error: string }) => {
      if ('error' in message) reject(new Error(`history server child: ${message.error}`));
      else resolve(message);
    });
    child.once('exit', (code) => reject(new Error(`history server child exited early (${String(code)})`)));
    child.send(spec);
  });
  return {
    ...ready,
    stats: () =>
      new Promise<HistoryServerStats>((resolve) => {
        child.once('message', (message: HistoryServerStats) => resolve(message));
        child.send('stats');
      }),
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}
