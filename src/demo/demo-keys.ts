import { KEY_ENV_VARS, SOURCE_NAMES } from '../sources/source-names.js';

/**
 * `COINCAP_API_KEY=demo-key` and the like: every keyed source but CoinGecko, whose key is optional.
 * Massive's key is blanked: the demo has no stock history to serve, and a real key would send a
 * demo run to the real API (and its bars into the demo's journal).
 */
export function demoKeys(): Record<string, string> {
  const keys: Record<string, string> = { MASSIVE_API_KEY: '' };
  for (const source of SOURCE_NAMES) {
    const keyVar = KEY_ENV_VARS[source];
    if (keyVar && source !== 'coingecko') keys[keyVar] = 'demo-key';
  }
  return keys;
}
