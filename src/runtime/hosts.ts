/**
 * The hosts of a run: the one limiter (each host starts at its API's documented rate, then at
 * what earlier runs learned) and the one breaker registry (each host's breaker from its saved
 * state, or the shared store's; transitions logged once), which the run's client takes.
 */
import type { RunSettings } from '../options/run-options.js';
import type { Logger } from '../output/logger.js';
import { AdaptiveRateLimiter, type LimiterSnapshot } from '../resilience/adaptive-rate-limiter.js';
import { HostBreakers } from '../resilience/host-breakers.js';
import type { HostBreaker, HostPacing } from '../resilience/host-policies.js';
import { DOCUMENTED_DELAY_MS, UNDOCUMENTED_HOST_PACING } from '../sources/documented-rates.js';
import { baseUrlsFor, type Env, hostOf, hostsFor, SOURCE_NAMES, type SourceName } from '../sources/source-names.js';
import type { StateStore } from '../store/file/state-store.js';
import type { Clock } from '../time/clock.js';

/** The run's limiter and where each source's requests go. */
export interface RunPacing {
  limiter: AdaptiveRateLimiter;
  /** The hosts a source's requests go to: its environment's, or the ones resolved so far. */
  hostsOf(source: SourceName): string[];
  /** Where `source`'s API is; hosts resolved on first use are configured before their first request. */
  baseUrls(source: SourceName): Promise<readonly string[]>;
  /** Each host's pace as earlier runs left it in `state`. */
  restore(state: StateStore): void;
}

/**
 * The limiter, each host at its API's documented rate. With `resolve` (`--demo`: servers started
 * on first use), hosts are configured as each source resolves its bases.
 */
export function openPacing(
  settings: RunSettings,
  env: Env,
  clock: Clock,
  resolve: ((source: SourceName) => Promise<readonly string[]>) | undefined,
): RunPacing {
  const limiter = new AdaptiveRateLimiter({
    defaultDelayMs: settings.paceMs ?? UNDOCUMENTED_HOST_PACING.defaultDelayMs,
    rampUpHalvingMs: UNDOCUMENTED_HOST_PACING.rampUpHalvingMs,
    clock,
  });
  // The documented rate is also the floor: learning may slow a host down, never push it past its API's limit.
  const configure = (source: SourceName, hosts: readonly string[]): void => {
    const documentedDelayMs = settings.paceMs ?? DOCUMENTED_DELAY_MS[source];
    for (const host of hosts) limiter.configureHost(host, { documentedDelayMs });
  };
  const resolved = new Map<SourceName, string[]>();
  if (!resolve) for (const source of SOURCE_NAMES) configure(source, hostsFor(source, env));
  return {
    limiter,
    restore(state) {
      const learned: LimiterSnapshot = {};
      for (const [host, saved] of Object.entries(state.state.hosts)) {
        if (saved.limiter && typeof saved.limiter === 'object') learned[host] = saved.limiter as LimiterSnapshot[string];
      }
      limiter.restore(learned);
    },
    hostsOf: (source) => (resolve ? (resolved.get(source) ?? []) : hostsFor(source, env)),
    async baseUrls(source) {
      if (!resolve) return baseUrlsFor(source, env);
      const bases = await resolve(source);
      if (!resolved.has(source)) {
        const hosts = [...new Set(bases.map(hostOf).filter((host): host is string => host !== undefined))];
        resolved.set(source, hosts);
        configure(source, hosts);
      }
      return bases;
    },
  };
}

/** The run's one breaker registry: `breakerFor` makes each host's breaker; every transition is logged at info once. */
export function breakerRegistry(breakerFor: (host: string) => HostBreaker, pacing: HostPacing, logger: Logger): HostBreakers {
  return new HostBreakers(breakerFor, pacing, (change) => logger.info(change, 'circuit breaker changed state'));
}
