/**
 * A run's lines on a terminal: the progress bar (market quotes) and the pending-work line (what
 * the run waits for), which stays off while the bar draws. Both only for a person at a terminal
 * that redraws (`liveLinesWanted`): never a pipe, `--quiet` or `TERM=dumb`.
 */
import type { AsyncAPIClient } from '../http/async-api-client.js';
import type { OutputStream } from '../output/output-stream.js';
import { createPendingWork, type PendingWork } from '../output/pending-line.js';
import { liveLinesWanted } from '../output/live-lines.js';
import { createProgress, type Progress } from '../output/progress.js';
import { shortReason } from '../output/short-reason.js';
import type { Env } from '../sources/source-names.js';
import type { Clock } from '../time/clock.js';

export interface RunLines {
  progress: Progress;
  pending: PendingWork;
  /** Feeds the pending line from the client's retries and pacing. */
  follow(client: AsyncAPIClient, maxRetries: number): void;
}

export function runLines(stderr: OutputStream, interactive: boolean, env: Env, clock: Clock): RunLines {
  const live = interactive && liveLinesWanted(stderr, env, false);
  const progress = createProgress(stderr, live, clock);
  let progressShown = false;
  // A progress bar (market quotes) says it already.
  const pending = createPendingWork(stderr, { enabled: live, clock, busy: () => progressShown });
  return {
    progress: {
      start(label, total) {
        progressShown = true;
        progress.start(label, total);
      },
      tick: (done) => progress.tick(done),
      stop() {
        progressShown = false;
        progress.stop();
      },
      end() {
        progressShown = false;
        progress.end();
      },
    },
    pending,
    follow(client, maxRetries) {
      client.onRetry((event) => {
        if (event.source !== undefined) pending.retrying(event.source, event.attempt, maxRetries, event.at + event.delayMs);
      });
      client.onQueue((event) => {
        if (event.source === undefined) return;
        if (event.waiting) pending.paced(event.source, event.blockedUntil);
        else pending.sent(event.source);
      });
    },
  };
}

/** Longest warning line: room for a path or two. */
const WARNING_MAX_CHARS = 300;

/** A warning is a terminal line (none under `--quiet`): an API's words in it lose their URLs and bodies (`shortReason`); the log has them whole. */
export function warningLine(stderr: OutputStream, quiet: boolean, redact: (text: string) => string): (message: string) => void {
  return (message) => {
    if (!quiet) stderr.write(`warning: ${shortReason(redact(message), WARNING_MAX_CHARS)}\n`);
  };
}
