import { KEY_ENV_VARS, SOURCE_NAMES } from '../sources/source-names.js';

/** `COINCAP_API_KEY=demo-key` and the like: every keyed source but CoinGecko, whose key is optional. */
export function demoKeys(): Record<string, string> {
  const keys: Record<string, string> = {};
  for (const source of SOURCE_NAMES) {
    const keyVar = KEY_ENV_VARS[source];
    if (keyVar && source !== 'coingecko') keys[keyVar] = 'demo-key';
  }
  return keys;
}
