import { Command, Option } from 'commander';
import { COMMON_OPTIONS, CRYPTO_OPTIONS, MARKET_OPTIONS, NEWS_OPTIONS, RUN_OPTIONS, type OptionRecord } from './options.js';

/** What the parsed command line asks for; `main` dispatches on `kind`. */
export type Invocation =
  | { kind: 'data'; command: 'crypto' | 'news' | 'market'; args: string[]; options: Record<string, unknown> }
  | { kind: 'status'; options: Record<string, unknown> }
  | { kind: 'cache'; action: string; source: string | undefined; options: Record<string, unknown> };

function addOptions(command: Command, records: OptionRecord[]): Command {
  for (const record of records) {
    // The environment fallback is resolved in settings.ts; help names it so users can find it.
    const option = new Option(record.flags, record.env ? `${record.description} (env ${record.env})` : record.description);
    command.addOption(option);
  }
  return command;
}

/**
 * The commander program, driven by the option records. Actions only record the invocation;
 * running it is `main`'s job, so parsing stays synchronous and side-effect free.
 */
export function buildProgram(
  version: string,
  onInvoke: (invocation: Invocation) => void,
  output: { writeOut(text: string): void; writeErr(text: string): void },
): Command {
  const program = new Command('screen');
  // Set before any subcommand exists: commander copies these settings into subcommands only at creation.
  program.exitOverride();
  program.configureOutput({
    writeOut: (text) => output.writeOut(text),
    writeErr: (text) => output.writeErr(text),
    outputError: (text, write) =>
      write(
        `screen: ${text
          .replace(/^error: /, '')
          .split('\n')[0]!
          .trim()}\n`,
      ),
  });
  program
    .description('A resilient crypto, news and market screener (also installed as `qaht`)')
    .version(version, '-V, --version')
    .showSuggestionAfterError(true)
    .allowExcessArguments(false);

  const crypto = program.command('crypto').description('rank the top coins from CoinGecko, Binance and CoinCap');
  addOptions(addOptions(addOptions(crypto, CRYPTO_OPTIONS), COMMON_OPTIONS), RUN_OPTIONS).action((options) =>
    onInvoke({ kind: 'data', command: 'crypto', args: [], options }),
  );

  const news = program
    .command('news')
    .description('search five news sources, deduplicated across outlets and ranked')
    .argument('[query...]', 'what to search for, e.g. "bitcoin etf"');
  addOptions(addOptions(addOptions(news, NEWS_OPTIONS), COMMON_OPTIONS), RUN_OPTIONS).action((query: string[], options) =>
    onInvoke({ kind: 'data', command: 'news', args: query, options }),
  );

  const market = program
    .command('market')
    .description('scan stock quotes across Finnhub, Alpha Vantage and Stooq')
    .argument('[symbols...]', 'tickers, e.g. AAPL MSFT (default: the Dow 30)');
  addOptions(addOptions(addOptions(market, MARKET_OPTIONS), COMMON_OPTIONS), RUN_OPTIONS).action((symbols: string[], options) =>
    onInvoke({ kind: 'data', command: 'market', args: symbols, options }),
  );

  const status = program.command('status').description('health of every source: breaker, learned delay, last success, cache age');
  addOptions(status.option('--json', 'JSON on stdout').option('--demo', 'the state of --demo runs'), RUN_OPTIONS).action((options) =>
    onInvoke({ kind: 'status', options }),
  );

  const cache = program
    .command('cache')
    .description('what is cached, and removing it')
    .argument('<action>', 'ls or clear')
    .argument('[source]', 'only this source');
  addOptions(cache.option('--json', 'JSON on stdout').option('--demo', 'the cache of --demo runs'), RUN_OPTIONS).action(
    (action: string, source: string | undefined, options) => onInvoke({ kind: 'cache', action, source, options }),
  );

  return program;
}
