/**
 * A shared store that cannot be reached makes a degraded run, not a silent one: a warn record and
 * `qaht_store_fallback` (besides the warning line), `--strict` exits 3, and a long-lived run
 * (`serve`, `--watch`) may get Redis back.
 */
import type { RunSettings } from '../options/run-options.js';
import type { Logger } from '../output/logger.js';
import type { RunStore } from './open-store.js';

/** The warn record of a run that fell back to the file store. */
export function logStoreFallback(settings: RunSettings, logger: Logger, redact: (text: string) => string): (reason: string) => void {
  return (reason) => {
    const store = settings.store.kind === 'redis' ? settings.store.safeUrl : 'file';
    logger.warn({ store, reason: redact(reason) }, 'store fallback: using the file store');
  };
}

/** The run context's view of the fallback: why (redacted), reconnecting, and the gauge for the metrics file. */
export function storeRecovery(store: RunStore, settings: RunSettings, logger: Logger, redact: (text: string) => string) {
  return {
    storeFallback: (): string | undefined => (store.fallback() === undefined ? undefined : redact(store.fallback()!)),
    async reconnectStore(): Promise<boolean> {
      if (store.fallback() === undefined) return true;
      const back = await store.reconnect();
      if (back) logger.warn({ store: store.describe().label }, 'store back: using the redis store again');
      return back;
    },
    /** `{ storeFallback: 0 | 1 }` under a shared store, for `recordOutcome`; nothing for the file store. */
    fallbackGauge: (): { storeFallback?: 0 | 1 } =>
      settings.store.kind === 'redis' ? { storeFallback: store.fallback() === undefined ? 0 : 1 } : {},
  };
}
