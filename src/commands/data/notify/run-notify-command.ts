import { spawn } from 'node:child_process';
import { QahtError } from '../../../errors.js';
import { sanitizeText } from '../../../output/sanitize.js';
import { redactSecrets } from '../../../redact.js';

/** How long a command that ignores SIGTERM gets before SIGKILL, ms. */
const KILL_GRACE_MS = 1000;
/** Characters of the command's stderr quoted in the failure. */
const STDERR_SNIPPET_CHARS = 200;

/**
 * Runs `command` through `/bin/sh -c` with `input` on its stdin, as `--notify-cmd` does. Its
 * stdout is discarded (stdout is qaht's results); the start of its stderr explains a failure. The
 * shell and everything it started are one process group, killed together at `timeoutMs`, so a
 * command that hangs (or leaves a child holding its pipes) cannot hold the run.
 * @throws QahtError QAHT_ERR_TIMEOUT past the timeout, QAHT_ERR_NO_DATA for a non-zero exit or a
 *   shell that cannot start; messages never quote the command (it may hold a token) and have
 *   `secrets` scrubbed.
 */
export function runNotifyCommand(
  command: string,
  input: string,
  options: { timeoutMs: number; env: NodeJS.ProcessEnv; secrets?: readonly string[] },
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], { stdio: ['pipe', 'ignore', 'pipe'], detached: true, env: options.env });
    let stderr = '';
    let timedOut = false;
    let settled = false;
    const killGroup = (signal: NodeJS.Signals): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, signal);
      } catch {
        // Already gone.
      }
    };
    let killTimer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup('SIGTERM');
      killTimer = setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS);
    }, options.timeoutMs);
    const finish = (error: QahtError | undefined): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // A grandchild that ignored SIGTERM still gets its SIGKILL, without holding the run for it.
      killTimer?.unref();
      // A grandchild may still hold the pipes: let go of them so they cannot keep this process alive.
      child.stderr.destroy();
      child.stdin.destroy();
      child.unref();
      if (error) reject(error);
      else resolve();
    };
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < STDERR_SNIPPET_CHARS * 4) stderr += chunk;
    });
    // A command that does not read its stdin closes it early: that is its business, not a failure.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
    child.on('error', (error) => finish(new QahtError('QAHT_ERR_NO_DATA', `could not start /bin/sh: ${error.message}`, { cause: error })));
    // `exit`, not `close`: a grandchild still holding the pipes must not keep the run waiting.
    child.on('exit', (code, signal) => {
      if (timedOut) return finish(new QahtError('QAHT_ERR_TIMEOUT', `timed out after ${options.timeoutMs} ms`));
      if (code === 0) return finish(undefined);
      const why = signal ? `was killed by ${signal}` : `exited with ${code}`;
      const said = sanitizeText(redactSecrets(stderr, options.secrets)).slice(0, STDERR_SNIPPET_CHARS);
      finish(new QahtError('QAHT_ERR_NO_DATA', `${why}${said ? `: ${said}` : ''}`));
    });
  });
}
