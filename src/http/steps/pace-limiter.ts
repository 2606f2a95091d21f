import { isQahtError, QahtError } from '../../errors.js';
import type { Clock } from '../../time/clock.js';
import type { AttemptContext, Step } from '../chain.js';
import { hostVerdict } from '../classify-error.js';
import type { ClientEvents } from '../client-events.js';
import type { HostPacing } from '../../resilience/host-policies.js';
import { httpStatusOf, isRejectedResponse } from './classify-response.js';

/** What the pacing step needs. */
export interface PaceStepDeps {
  limiter: HostPacing;
  clock: Clock;
  events: ClientEvents;
  /** A host blocked for longer than this fails at once instead of sleeping through the run, in ms. */
  maxRetryAfterMs: number;
  /** A pacing slot further off than this is not waited for (the run's deadline), in ms. @default Infinity */
  maxSlotWaitMs?: number;
}

/**
 * Waits for the host's next slot on the limiter, then teaches the limiter the attempt's outcome:
 * a success speeds up, a rate limit (429, 418 or a soft limit) slows down and honours the wait
 * it states, a host failure backs off. Emits `queue` before the wait, `pacing` when the attempt
 * waited and `rateLimit` when the host said slow down.
 */
export function createPaceStep(deps: PaceStepDeps): Step {
  const { limiter, clock, events } = deps;
  return (next) => async (context) => {
    refuseLongBlock(deps, context);
    const queuedAt = clock.now();
    if (events.queue.active) {
      const blockedUntil = limiter.blockedUntil(context.host);
      events.queue.emit({
        host: context.host,
        source: context.source,
        url: context.safeUrl,
        at: queuedAt,
        waiting: true,
        blockedUntil: blockedUntil > queuedAt ? blockedUntil : undefined,
      });
    }
    try {
      await waitWithin(deps, context);
    } catch (error) {
      if (events.queue.active) {
        events.queue.emit({
          host: context.host,
          source: context.source,
          url: context.safeUrl,
          at: clock.now(),
          waiting: false,
          blockedUntil: undefined,
        });
      }
      throw error;
    }
    const sentAt = clock.now();
    if (events.queue.active) {
      events.queue.emit({
        host: context.host,
        source: context.source,
        url: context.safeUrl,
        at: sentAt,
        waiting: false,
        blockedUntil: undefined,
      });
    }
    if (sentAt > queuedAt) {
      events.pacing.emit({ host: context.host, source: context.source, url: context.safeUrl, at: sentAt, waitedMs: sentAt - queuedAt });
    }
    context.onPaced?.();
    try {
      const response = await next(context);
      limiter.onSuccess(context.host);
      return response;
    } catch (error) {
      if (isQahtError(error)) learn(deps, context, error, sentAt);
      throw error;
    }
  };
}

function learn(deps: PaceStepDeps, context: AttemptContext, error: QahtError, sentAt: number): void {
  const { limiter, clock } = deps;
  const host = context.host;
  const verdict = hostVerdict(error);
  if (verdict === 'nothing') return;
  if (verdict === 'rate-limit') {
    limiter.onRateLimit(host, error.retryAfterMs, sentAt);
    deps.events.rateLimit.emit({
      host,
      source: context.source,
      url: context.safeUrl,
      at: clock.now(),
      status: httpStatusOf(error),
      soft: isRejectedResponse(error),
      retryAfterMs: error.retryAfterMs,
      delayMs: limiter.delayMs(host),
    });
    return;
  }
  if (error.retryAfterMs !== undefined) limiter.blockUntil(host, clock.now() + error.retryAfterMs);
  if (verdict === 'failure') limiter.onError(host);
  // The host answered (404, 451, a body too large...): it is up, and our pace was accepted.
  else limiter.onSuccess(host);
}

/**
 * A host blocked (Retry-After, an exhausted budget, possibly from an earlier run) for longer
 * than we would ever wait fails at once instead of sleeping through the run.
 */
function refuseLongBlock(deps: PaceStepDeps, context: AttemptContext): void {
  const blockedUntil = deps.limiter.blockedUntil(context.host);
  const waitMs = blockedUntil - deps.clock.now();
  if (waitMs <= deps.maxRetryAfterMs) return;
  throw new QahtError(
    'QAHT_ERR_RATE_LIMITED',
    `${context.method} ${context.safeUrl} not sent: ${context.host} is rate-limited for another ${Math.ceil(waitMs / 1000)}s (paced until ${clockTime(blockedUntil)})`,
    { url: context.safeUrl, retryAfterMs: waitMs },
  );
}

/**
 * The limiter's wait for the host's slot, bounded by `maxSlotWaitMs` (the run's deadline): a
 * slot further off (a long learned delay, a queue of callers) is given up at once with
 * QAHT_ERR_DEADLINE, which no breaker or limiter learns from.
 */
async function waitWithin(deps: PaceStepDeps, context: AttemptContext): Promise<void> {
  const { limiter, clock } = deps;
  const boundMs = deps.maxSlotWaitMs ?? Number.POSITIVE_INFINITY;
  const giveUpAt = clock.now() + boundMs;
  const paced = (untilMs: number): QahtError =>
    new QahtError(
      'QAHT_ERR_DEADLINE',
      `${context.method} ${context.safeUrl} not sent: ${context.host} paced until ${clockTime(untilMs)}, past the run's deadline`,
      { url: context.safeUrl },
    );
  // A slot one learned delay away is already past the bound: no need to queue for it.
  const delayMs = limiter.delayMs(context.host);
  if (delayMs > boundMs) throw paced(clock.now() + delayMs);
  if (!Number.isFinite(boundMs)) return limiter.wait(context.host, context.signal);
  // A real-time bound, not one on the injected clock: a pending sleep of its own would change how
  // a test's driven clock moves. Unref'd: it never keeps a process alive.
  const bound = AbortSignal.timeout(boundMs);
  const signal = context.signal ? AbortSignal.any([context.signal, bound]) : bound;
  try {
    await limiter.wait(context.host, signal);
  } catch (error) {
    if (bound.aborted && !context.signal?.aborted) throw paced(Math.max(giveUpAt, limiter.blockedUntil(context.host)));
    throw error;
  }
}

/** HH:MM:SS in the local time zone, as the status lines and the progress line show times. */
function clockTime(epochMs: number): string {
  return new Date(epochMs).toTimeString().slice(0, 8);
}
