import type { CommandSpec } from '../commands/command-spec.js';

/** A command as the CLI lists it: its name and summary now, its spec (and everything it imports) on demand. */
export interface CommandEntry {
  name: string;
  summary: string;
  load(): Promise<CommandSpec<unknown, unknown>>;
}

/**
 * Every command, in help order. A run imports only the spec of the command it runs, so
 * `screen crypto` never loads the market scanner or the status renderer.
 */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'crypto',
    summary: 'rank the top coins from CoinGecko, Binance and CoinCap',
    load: async () => (await import('../commands/crypto-command.js')).cryptoCommand,
  },
  {
    name: 'news',
    summary: 'search five news sources, deduplicated across outlets and ranked',
    load: async () => (await import('../commands/news-command.js')).newsCommand,
  },
  {
    name: 'market',
    summary: 'scan stock quotes across Finnhub, Alpha Vantage and Stooq',
    load: async () => (await import('../commands/market-command.js')).marketCommand,
  },
  {
    name: 'status',
    summary: 'health of every source: breaker, learned delay, last success, cache age',
    load: async () => (await import('../commands/status-command.js')).statusCommand,
  },
  {
    name: 'config',
    summary: 'where the config file is, and what is in force',
    load: async () => (await import('../commands/config-command.js')).configCommand,
  },
  {
    name: 'cache',
    summary: 'what is cached, and removing it',
    load: async () => (await import('../commands/cache-command.js')).cacheCommand,
  },
  {
    name: 'serve',
    summary: 'the dashboard and HTTP API: every screen kept refreshed on a schedule, served from memory',
    load: async () => (await import('../commands/serve-command.js')).serveCommand,
  },
];
