import { QahtError } from '../../errors.js';
import { defineOption } from '../../options/option-record.js';
import { integer, quoteValue, usageError } from '../../options/parse-values.js';
import { resolveOptions } from '../../options/resolve-options.js';
import { isLoopbackHost, parseHost } from '../../serve/bind-address.js';
import { CLIENT_RATE_LIMIT_DEFAULTS } from '../../serve/client-rate-limit.js';
import { DEFAULT_EVERY, type EverySpec, formatEvery, parseEvery } from '../../serve/every-spec.js';
import { plannedScreens } from '../../serve/planned-screens.js';
import { queryKey } from '../../serve/screen-job.js';
import { parseServeToken } from '../../serve/serve-token.js';
import type { CommandSpec } from '../command-spec.js';
import type { ServeOptions, ServeRun } from './run.js';

/** `--port` when not given (README "`screen serve`"). */
const DEFAULT_PORT = 8080;
/** `--news-query` when not given (README "`screen serve`"). */
const DEFAULT_NEWS_QUERY = 'bitcoin';
/** Longest `--news-query`: far past any query worth running. */
const MAX_QUERY_CHARS = 200;

/** One `--news-query`: spaces folded, at most 200 characters, no control characters. */
function newsQuery() {
  return {
    type: 'text' as const,
    parse: (raw: string, label: string): string => {
      const query = raw.replace(/\s+/g, ' ').trim();
      if (query.length > MAX_QUERY_CHARS)
        throw usageError(`${label} must be at most ${MAX_QUERY_CHARS} characters, got ${quoteValue(raw)}`);
      if (/[\u0000-\u001f\u007f-\u009f]/.test(query))
        throw usageError(`${label} must not contain control characters, got ${quoteValue(raw)}`);
      return query;
    },
  };
}

const SERVE_OPTIONS = [
  defineOption({
    key: 'host',
    flags: '--host <host>',
    description: 'address to listen on; one other machines can reach needs SCREEN_SERVE_TOKEN',
    default: '127.0.0.1',
    type: 'text',
    parse: parseHost,
  }),
  defineOption({
    key: 'allowedHosts',
    flags: '--allowed-host <name>',
    description: 'another Host: name a loopback-bound server answers to (besides localhost, 127.0.0.1, [::1]); repeatable',
    default: [] as string[],
    defaultLabel: 'none',
    repeatable: true,
    type: 'text',
    parse: parseHost,
  }),
  defineOption({
    key: 'port',
    flags: '--port <port>',
    description: 'port to listen on; 0 picks a free one',
    default: DEFAULT_PORT,
    ...integer(0, 65_535),
  }),
  defineOption({
    key: 'rateLimit',
    flags: '--rate-limit <n>',
    description: 'requests each client address may make per 10 s (behind a reverse proxy, all clients share its address)',
    default: CLIENT_RATE_LIMIT_DEFAULTS.requestsPerWindow,
    ...integer(1, 10_000_000),
  }),
  defineOption({
    key: 'every',
    flags: '--every <spec>',
    description: 'refresh interval per screen (10s–1d), e.g. crypto=30s,news=10m; SCREEN=off leaves a screen out',
    default: DEFAULT_EVERY as EverySpec,
    defaultLabel: formatEvery(DEFAULT_EVERY),
    type: 'text',
    parse: parseEvery,
  }),
  defineOption({
    key: 'newsQueries',
    flags: '--news-query <query>',
    description: 'a news search to keep refreshed; repeat it for several',
    default: [DEFAULT_NEWS_QUERY],
    defaultLabel: DEFAULT_NEWS_QUERY,
    repeatable: true,
    ...newsQuery(),
  }),
] as const;

/**
 * `screen serve`: the dashboard and HTTP API (README "Dashboard and API"). Runs until SIGINT or
 * SIGTERM, then stops cleanly and exits 0. The service (and Fastify with it) is imported only
 * when it runs, so `--help` and every other command never load it.
 */
export const serveCommand: CommandSpec<ServeOptions, ServeRun> = {
  options: SERVE_OPTIONS,
  parse(input) {
    const values = resolveOptions(SERVE_OPTIONS, input.raw, input.env).values;
    const token = parseServeToken(input.env.SCREEN_SERVE_TOKEN);
    if (token === undefined && !isLoopbackHost(values.host)) {
      throw usageError(
        `--host ${values.host} can be reached from other machines: set SCREEN_SERVE_TOKEN to a secret of 16 or more characters`,
      );
    }
    // Before anything listens: a set-up that would serve nothing is a usage error (exit 2).
    plannedScreens(values.every, input.env);
    const seen = new Set<string>();
    const newsQueries = values.newsQueries.filter((query) => !seen.has(queryKey(query)) && seen.add(queryKey(query)));
    return {
      host: values.host,
      allowedHosts: values.allowedHosts,
      port: values.port,
      every: values.every,
      newsQueries,
      token,
      rateLimit: values.rateLimit,
    };
  },
  async run(context, options) {
    if (!context.interrupts) {
      throw new QahtError('QAHT_ERR_USAGE', 'screen serve runs until SIGINT or SIGTERM, and this process cannot receive them');
    }
    return (await import('./run.js')).runServe(context, options, context.interrupts);
  },
  async render(run, _options, view) {
    return { stdout: '', stderr: view.quiet ? '' : `stopped on ${run.signal}; state saved\n` };
  },
};
