import type { CommandEntry } from './command-entry.js';

/**
 * Every command, in help order. A run imports only the spec of the command it runs, so
 * `screen crypto` never loads the market scanner or the status renderer.
 */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'crypto',
    summary: 'rank the top coins from CoinGecko, Binance and CoinCap',
    examples: [
      'screen crypto                                 the top 250 coins, ranked by score',
      'screen crypto --sort change24h --limit 20     the 20 biggest movers of the day',
      'screen crypto --symbols BTC,ETH,SOL --json    three coins as JSON',
      `screen crypto --alert 'change24hPct > 10'     alert when a coin jumps 10% in a day`,
      'screen crypto --demo                          no network: bundled sample responses',
    ],
    load: async () => (await import('../commands/crypto/spec.js')).cryptoCommand,
  },
  {
    name: 'news',
    summary: 'search five news sources, deduplicated across outlets and ranked',
    examples: [
      'screen news bitcoin etf                       the last 24 hours of stories',
      'screen news "spot etf" --since 6h --csv       six hours, as CSV',
      'screen news AAPL --sources finnhub,newsapi    company news (needs their keys)',
      `screen news bitcoin --alert 'title ~ "etf"'   alert on a headline that says etf`,
    ],
    load: async () => (await import('../commands/news/spec.js')).newsCommand,
  },
  {
    name: 'market',
    summary: 'scan stock quotes across Finnhub, Alpha Vantage and Stooq',
    examples: [
      'screen market                                 the Dow 30 (needs a Finnhub, Alpha Vantage or Stooq key)',
      'screen market AAPL MSFT NVDA --sort change    three tickers by change',
      'screen market --symbols-file sp500.txt        a list from a file',
      `screen market --alert 'changePct < -3'        alert when a stock falls 3% on the day`,
    ],
    load: async () => (await import('../commands/market/spec.js')).marketCommand,
  },
  {
    name: 'status',
    summary: 'health of every source: breaker, learned delay, last success, cache age',
    examples: ['screen status                                 one line per source', 'screen status --json | jq .sources[0]'],
    load: async () => (await import('../commands/status/spec.js')).statusCommand,
  },
  {
    name: 'config',
    summary: 'where the config file is, and what is in force',
    examples: ['screen config path                            where the config file is read from', 'screen config show --json'],
    load: async () => (await import('../commands/config/spec.js')).configCommand,
  },
  {
    name: 'cache',
    summary: 'what is cached, and removing it',
    examples: ['screen cache ls                               every entry with its age and TTL', 'screen cache clear gdelt'],
    load: async () => (await import('../commands/cache/spec.js')).cacheCommand,
  },
  {
    name: 'history',
    summary: 'candle history: fill it now, show its coverage, or clear it',
    examples: [
      "screen history fill                           the top 250 coins' daily candles, paced, resumable",
      'screen history fill --interval all --limit 50  daily and hourly for the top 50',
      'screen history status --json                  coverage per source and interval',
      "screen history clear coingecko                remove CoinGecko's series",
    ],
    load: async () => (await import('../commands/history/spec.js')).historyCommand,
  },
  {
    name: 'serve',
    summary: 'the dashboard and HTTP API: every screen kept refreshed on a schedule, served from memory',
    examples: [
      'screen serve                                  dashboard and API on http://127.0.0.1:8080',
      'screen serve --port 9000 --every crypto=30s   another port, crypto refreshed every 30 s',
      'screen serve --news-query "bitcoin etf" --news-query ai',
    ],
    load: async () => (await import('../commands/serve/spec.js')).serveCommand,
  },
  {
    name: 'eval',
    summary: 'whether each signal has beaten the market since: the journal of past runs, scored',
    examples: [
      'screen eval                                   every signal over 7 days, from the journal',
      'screen eval --horizon 30d --since 2026-06-01  30-day returns of signals since June',
      'screen eval --basis backfill --json           recomputed from stored candles (survivorship-biased)',
    ],
    load: async () => (await import('../commands/eval/spec.js')).evalCommand,
  },
  {
    name: 'completion',
    summary: 'print a shell completion script (bash, zsh or fish)',
    examples: [
      'source <(screen completion bash)              in ~/.bashrc',
      'source <(screen completion zsh)               in ~/.zshrc, after compinit',
      'screen completion fish > ~/.config/fish/completions/screen.fish',
    ],
    load: async () => (await import('./completion-command.js')).completionCommandFor(COMMANDS),
  },
];
