import { QahtError } from '../../errors.js';
import type { AttemptDeadline, Step } from '../chain.js';
import { abortedError } from '../classify-error.js';
import type { Disposer } from '../client-events.js';
import type { HttpMethod } from '../types.js';

/**
 * The attempt ends at its time limit (`timeoutMs`, connect to the last body byte, redirects
 * included) or at the caller's abort, at once: the attempt rejects, the body being read is
 * destroyed, and with an abort signal the socket too.
 *
 * An AbortSignal handed to undici costs a fifth of the client's throughput (client-overhead
 * benchmark), so one is made only when the caller can abort. Without it, a request still waiting
 * for headers is freed by undici's own headersTimeout (the same limit) a moment later, and a
 * response arriving after the cut-off is dropped by the transport. The limit runs on a real
 * timer, like undici's: it measures the wire, which a simulated clock does not move.
 */
export function createDeadlineStep(): Step {
  return (next) => (context) =>
    new Promise((resolve, reject) => {
      const cutoff = new Cutoff(context.timeoutMs, context.signal, context, reject);
      // After a cut-off the attempt's own failure still comes; the promise is settled by then.
      next({ ...context, deadline: cutoff }).then(
        (response) => {
          cutoff.dispose();
          resolve(response);
        },
        (error: unknown) => {
          cutoff.dispose();
          reject(error);
        },
      );
    });
}

class Cutoff implements AttemptDeadline {
  readonly #reject: (error: QahtError) => void;
  readonly #controller: AbortController | undefined;
  /** Usually one (the transport's); a list only when more ask. */
  #listeners: Array<(error: QahtError) => void> | undefined;
  readonly #timer: NodeJS.Timeout;
  readonly #userSignal: AbortSignal | undefined;
  readonly #onAbort: (() => void) | undefined;
  #error: QahtError | undefined;

  /** `reject` ends the attempt at the cut-off; `request` names the request in messages (its method and redacted URL). */
  constructor(
    timeoutMs: number,
    userSignal: AbortSignal | undefined,
    request: { method: HttpMethod; safeUrl: string },
    reject: (error: QahtError) => void,
  ) {
    const { method, safeUrl } = request;
    this.#reject = reject;
    this.#controller = userSignal ? new AbortController() : undefined;
    this.#timer = setTimeout(
      () =>
        this.#cutOff(
          new QahtError('QAHT_ERR_TIMEOUT', `no complete response within ${timeoutMs} ms for ${method} ${safeUrl}`, { url: safeUrl }),
        ),
      timeoutMs,
    );
    this.#userSignal = userSignal;
    if (userSignal) {
      this.#onAbort = () => this.#cutOff(abortedError(safeUrl, userSignal, undefined, method));
      if (userSignal.aborted) this.#onAbort();
      else userSignal.addEventListener('abort', this.#onAbort, { once: true });
    }
  }

  get signal(): AbortSignal | undefined {
    return this.#controller?.signal;
  }

  get error(): QahtError | undefined {
    return this.#error;
  }

  onCutOff(fn: (error: QahtError) => void): Disposer {
    if (this.#error) {
      fn(this.#error);
      return () => undefined;
    }
    this.#listeners ??= [];
    this.#listeners.push(fn);
    return () => {
      const at = this.#listeners?.indexOf(fn) ?? -1;
      if (at >= 0) this.#listeners?.splice(at, 1);
    };
  }

  /** Clears the timer and the abort listener: nothing of the attempt outlives it. */
  dispose(): void {
    clearTimeout(this.#timer);
    if (this.#onAbort) this.#userSignal?.removeEventListener('abort', this.#onAbort);
    this.#listeners = undefined;
  }

  #cutOff(error: QahtError): void {
    if (this.#error) return;
    this.#error = error;
    clearTimeout(this.#timer);
    this.#controller?.abort(error);
    for (const fn of [...(this.#listeners ?? [])]) {
      try {
        fn(error);
      } catch {
        // A listener tearing down its own body cannot stop the cut-off.
      }
    }
    this.#reject(error);
  }
}
