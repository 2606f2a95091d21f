import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ServerReady, ServerSpec } from './server-child.js';

export interface ServerChild {
  origins: string[];
  close(): Promise<void>;
}

/** Forks `server-child.ts` (under the same tsx loader) and waits until its servers listen. */
export async function startServerChild(spec: ServerSpec): Promise<ServerChild> {
  const child = fork(fileURLToPath(new URL('./server-child.ts', import.meta.url)), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = await new Promise<ServerReady>((resolve, reject) => {
    child.once('message', (message: ServerReady | { error: string }) => {
      if ('error' in message) reject(new Error(`server child: ${message.error}`));
      else resolve(message);
    });
    child.once('exit', (code) => reject(new Error(`server child exited early (${String(code)})`)));
    child.send(spec);
  });
  return {
    origins: ready.origins,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}
