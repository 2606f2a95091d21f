import { usageError } from '../options/parse-values.js';
import {
  apiKeyFor,
  CRYPTO_SOURCES,
  type Env,
  KEY_ENV_VARS,
  MARKET_SOURCES,
  NEWS_SOURCES,
  type SourceName,
} from '../sources/source-names.js';
import type { EverySpec } from './every-spec.js';
import { SERVE_SCREENS, type ServeScreen } from './screen-job.js';

/** Sources whose key only raises a limit: they run without it. */
const KEY_OPTIONAL: readonly SourceName[] = ['coingecko'];
const SCREEN_SOURCES: Record<ServeScreen, readonly SourceName[]> = { crypto: CRYPTO_SOURCES, news: NEWS_SOURCES, market: MARKET_SOURCES };

/**
 * The screens `screen serve` will run, and a sentence for each one left out for want of keys.
 * @throws QahtError QAHT_ERR_USAGE "nothing to serve" when none is left.
 */
export function plannedScreens(every: EverySpec, env: Env): { screens: ServeScreen[]; leftOut: string[] } {
  const screens: ServeScreen[] = [];
  const leftOut: string[] = [];
  for (const screen of SERVE_SCREENS) {
    if (every[screen] === 'off') continue;
    const missing = missingKeys(screen, env);
    if (missing) leftOut.push(`${screen} left out: none of its sources has a key (set ${missing})`);
    else screens.push(screen);
  }
  if (screens.length === 0) throw usageError(`nothing to serve: ${leftOut.join('; ') || 'every screen is off in --every'}`);
  return { screens, leftOut };
}

/** The key variables of `screen`'s sources, joined with "or", when none of them can run; undefined when one can. */
function missingKeys(screen: ServeScreen, env: Env): string | undefined {
  const sources = SCREEN_SOURCES[screen];
  const runnable = sources.some((source) => !KEY_ENV_VARS[source] || KEY_OPTIONAL.includes(source) || apiKeyFor(source, env) !== undefined);
  if (runnable) return undefined;
  const variables = sources.map((source) => KEY_ENV_VARS[source]!);
  return `${variables.slice(0, -1).join(', ')} or ${variables.at(-1)}`;
}
