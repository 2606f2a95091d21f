/**
 * Bundled symbol universes. The default scan is the Dow Jones Industrial Average: 30 large US
 * stocks, small enough that one run fits every source's free budget.
 *
 * Membership as of the last change known here (Nov 2024: NVDA and SHW in, INTC and DOW out; no
 * change since, as far as this list knows). The index changes a few times a decade, so update the
 * list when it does. For a larger universe (an S&P 500 list, a watchlist) pass
 * `--symbols-file PATH`: one symbol per line or comma separated, `#` starts a comment.
 */
export const DOW_30: ReadonlyArray<{ symbol: string; name: string }> = [
  { symbol: 'AAPL', name: 'Apple' },
  { symbol: 'AMGN', name: 'Amgen' },
  { symbol: 'AMZN', name: 'Amazon' },
  { symbol: 'AXP', name: 'American Express' },
  { symbol: 'BA', name: 'Boeing' },
  { symbol: 'CAT', name: 'Caterpillar' },
  { symbol: 'CRM', name: 'Salesforce' },
  { symbol: 'CSCO', name: 'Cisco Systems' },
  { symbol: 'CVX', name: 'Chevron' },
  { symbol: 'DIS', name: 'Walt Disney' },
  { symbol: 'GS', name: 'Goldman Sachs' },
  { symbol: 'HD', name: 'Home Depot' },
  { symbol: 'HON', name: 'Honeywell' },
  { symbol: 'IBM', name: 'IBM' },
  { symbol: 'JNJ', name: 'Johnson & Johnson' },
  { symbol: 'JPM', name: 'JPMorgan Chase' },
  { symbol: 'KO', name: 'Coca-Cola' },
  { symbol: 'MCD', name: "McDonald's" },
  { symbol: 'MMM', name: '3M' },
  { symbol: 'MRK', name: 'Merck' },
  { symbol: 'MSFT', name: 'Microsoft' },
  { symbol: 'NKE', name: 'Nike' },
  { symbol: 'NVDA', name: 'Nvidia' },
  { symbol: 'PG', name: 'Procter & Gamble' },
  { symbol: 'SHW', name: 'Sherwin-Williams' },
  { symbol: 'TRV', name: 'Travelers' },
  { symbol: 'UNH', name: 'UnitedHealth Group' },
  { symbol: 'V', name: 'Visa' },
  { symbol: 'VZ', name: 'Verizon' },
  { symbol: 'WMT', name: 'Walmart' },
];

/** The symbols scanned when neither arguments nor `--symbols-file` name any. */
export const DEFAULT_UNIVERSE: readonly string[] = DOW_30.map((entry) => entry.symbol);

/** Display names for the bundled symbols (the quote endpoints mostly return none). */
export const KNOWN_NAMES: ReadonlyMap<string, string> = new Map(DOW_30.map((entry) => [entry.symbol, entry.name]));
