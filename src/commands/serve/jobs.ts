import { DEFAULT_CRYPTO_LIMIT, DEFAULT_CRYPTO_OPTIONS, runCrypto } from '../crypto/run.js';
import { redactResult } from '../data/spec.js';
import { DEFAULT_MARKET_OPTIONS, runMarket } from '../market/run.js';
import { DEFAULT_NEWS_OPTIONS, runNews } from '../news/run.js';
import type { CommandResult, SourceReport } from '../../report.js';
import type { EverySpec } from '../../serve/every-spec.js';
import { plannedScreens } from '../../serve/planned-screens.js';
import type { ScreenJob, ServeScreen } from '../../serve/screen-job.js';
import type { Env, SourceName } from '../../sources/source-names.js';
import type { RunContext } from '../../runtime/run-context.js';
import { historyBudgetIn } from '../history/crypto-history.js';

export interface ServePlan {
  every: EverySpec;
  /** News queries, each its own job, in the order given. */
  newsQueries: readonly string[];
}

/** The jobs to run, and a sentence for each screen left out for want of keys. */
export interface ServeJobs {
  jobs: ScreenJob[];
  leftOut: string[];
}

/**
 * One job per enabled screen (news: per query), each running its command's screen function with
 * that command's defaults through the long-lived run context, then `afterRefresh` with the
 * sources' reports (record the outcome, save state: never throws). A screen turned `off` in
 * `--every` is not run; one whose every source needs a key that is not set is left out.
 * @throws QahtError QAHT_ERR_USAGE when no screen is left (see `plannedScreens`).
 */
export function serveJobs(
  session: RunContext,
  env: Env,
  plan: ServePlan,
  afterRefresh: (sources: SourceReport<SourceName>[]) => Promise<void>,
): ServeJobs {
  const rt = session.runtime;
  const job = (screen: ServeScreen, run: () => Promise<CommandResult<unknown, SourceName>>, query?: string): ScreenJob => ({
    screen,
    ...(query === undefined ? {} : { query }),
    everyMs: plan.every[screen] as number,
    async refresh() {
      // Served to every reader and recorded in the state: through the run's one redaction first.
      const result = redactResult(await run(), session.redact);
      const metrics = session.metrics();
      await afterRefresh(result.sources);
      return { result, metrics };
    },
  });
  const jobs: ScreenJob[] = [];
  const { screens, leftOut } = plannedScreens(plan.every, env);
  const enabled = (screen: ServeScreen): boolean => screens.includes(screen);
  if (enabled('crypto')) {
    const historyBudget = historyBudgetIn(env);
    jobs.push(
      job('crypto', () => runCrypto(rt, { sources: undefined, limit: DEFAULT_CRYPTO_LIMIT, ...DEFAULT_CRYPTO_OPTIONS, historyBudget })),
    );
  }
  if (enabled('news')) {
    for (const query of plan.newsQueries) {
      jobs.push(job('news', () => runNews(rt, { sources: undefined, limit: DEFAULT_NEWS_OPTIONS.limit, query }), query));
    }
  }
  if (enabled('market')) jobs.push(job('market', () => runMarket(rt, { sources: undefined, ...DEFAULT_MARKET_OPTIONS })));
  return { jobs, leftOut };
}
