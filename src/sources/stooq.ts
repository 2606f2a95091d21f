import * as v from 'valibot';
import { QahtError } from '../errors.js';
import type { HttpGetter, HttpResponse } from '../http/types.js';
import type { QuoteOutcome } from './market/quote.js';
import { parseDecimal, roundTo } from './shared/numbers.js';
import { unexpectedData, validateResponse } from './shared/validate.js';

/**
 * Symbols per `/q/l/` request. Stooq documents no maximum; 20 keeps the URL short (well under
 * 1 KB) and one blocked or failed request costs at most 20 quotes.
 */
export const STOOQ_BATCH_SIZE = 20;

/** CSV fields asked for: symbol, date, time, open, high, low, close, volume, name. */
const STOOQ_FIELDS = 'sd2t2ohlcvn';

/** One batched quote request. */
export interface StooqQuotesRequest {
  /** Base URL without a trailing slash (`https://stooq.com` or an override). */
  baseUrl: string;
  apiKey: string;
  /** Upper-case tickers as the scan knows them (`AAPL`, `BRK.B`, `^SPX`). */
  symbols: readonly string[];
  signal?: AbortSignal;
}

const RowSchema = v.object({
  Symbol: v.pipe(v.string(), v.minLength(1)),
  Close: v.string(),
  Open: v.optional(v.string()),
  Volume: v.optional(v.string()),
  Name: v.optional(v.string()),
});

/**
 * Stooq's spelling of a ticker: US tickers take `.us` (a class-share dot becomes a dash:
 * `BRK.B` → `brk-b.us`), an explicit `.US` suffix is kept, indices (`^SPX`) stay bare.
 */
export function toStooqSymbol(symbol: string): string {
  const lower = symbol.toLowerCase();
  if (lower.startsWith('^') || lower.endsWith('.us')) return lower;
  return `${lower.replace(/\./g, '-')}.us`;
}

/**
 * `<base>/q/l/?s=aapl.us,msft.us&f=sd2t2ohlcvn&h&e=csv&apikey=KEY`. Built by hand to keep Stooq's
 * documented form (`h` without a value, commas between symbols); every part is encoded.
 * The key parameter name `apikey` is UNCONFIRMED (api-notes §9).
 */
export function stooqQuotesUrl(baseUrl: string, symbols: readonly string[], apiKey: string): string {
  const list = symbols.map((symbol) => encodeURIComponent(toStooqSymbol(symbol))).join(',');
  return `${baseUrl}/q/l/?s=${list}&f=${STOOQ_FIELDS}&h&e=csv&apikey=${encodeURIComponent(apiKey)}`;
}

/**
 * Fetches quotes for up to `STOOQ_BATCH_SIZE` symbols in one request. Every requested symbol gets
 * an outcome (a missing or `N/D` row is `unknown`); a blocked or changed response throws.
 */
export async function fetchStooqQuotes(http: HttpGetter, request: StooqQuotesRequest): Promise<Map<string, QuoteOutcome>> {
  const response = await http.request(stooqQuotesUrl(request.baseUrl, request.symbols, request.apiKey), {
    source: 'stooq',
    secrets: [request.apiKey],
    classify: classifyStooqResponse,
    ...(request.signal ? { signal: request.signal } : {}),
  });
  return parseStooqCsv(response.text, response.headers['content-type'] ?? '', request.symbols);
}

/**
 * The check each attempt runs (`RequestOptions.classify`): Stooq's daily hits text (a soft rate
 * limit) or its HTML block page at HTTP 200 is the attempt's failure.
 */
export function classifyStooqResponse(response: HttpResponse): QahtError | undefined {
  return stooqBodyError(firstLine(response.text), response.headers['content-type'] ?? '');
}

/** The failure a Stooq body reports instead of a quote CSV, judged on its first line. */
function stooqBodyError(first: string, contentType: string): QahtError | undefined {
  if (/html/i.test(contentType) || first.startsWith('<')) {
    return new QahtError('QAHT_ERR_INVALID_DATA', 'stooq blocked (HTML page instead of CSV; check STOOQ_API_KEY)');
  }
  if (!first.startsWith('Symbol,') && /limit/i.test(first))
    return new QahtError('QAHT_ERR_RATE_LIMITED', 'stooq rate limited (daily hits limit)');
  return undefined;
}

function firstLine(text: string): string {
  const start = text.replace(/^\uFEFF/, '').trimStart();
  const end = start.search(/\r?\n/);
  return (end === -1 ? start : start.slice(0, end)).trim();
}

/**
 * Parses the CSV and picks the rows for `symbols` (other rows are ignored, so one recorded CSV can
 * serve any subset). Change % is change since today's open: this CSV has no previous close.
 */
export function parseStooqCsv(text: string, contentType: string, symbols: readonly string[]): Map<string, QuoteOutcome> {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '');
  const first = lines[0]?.trim() ?? '';
  const failure = stooqBodyError(first, contentType);
  if (failure) throw failure;
  if (!first.startsWith('Symbol,')) throw unexpectedData('stooq', 'not a quote CSV');
  // Stooq answers every requested symbol with a row (`N/D` when it has none): no rows at all is a
  // changed answer, and taking it as "every symbol unknown" would replace good cached quotes.
  if (lines.length < 2 && symbols.length > 0) throw unexpectedData('stooq', 'a quote CSV without rows');
  const header = splitCsvLine(first);
  const rows = new Map<string, v.InferOutput<typeof RowSchema>>();
  for (const line of lines.slice(1)) {
    const cells = splitCsvLine(line);
    const record = Object.fromEntries(header.map((name, index) => [name, cells[index] ?? '']));
    const row = validateResponse('stooq', RowSchema, record);
    rows.set(row.Symbol.toUpperCase(), row);
  }

  const outcomes = new Map<string, QuoteOutcome>();
  for (const symbol of symbols) {
    const row = rows.get(toStooqSymbol(symbol).toUpperCase());
    const close = parseDecimal(row?.Close);
    if (!row || close === null || close === 0) {
      outcomes.set(symbol, { kind: 'unknown', symbol, source: 'stooq' });
      continue;
    }
    const open = parseDecimal(row.Open);
    const name = row.Name?.trim();
    outcomes.set(symbol, {
      kind: 'quote',
      quote: {
        symbol,
        name: name ? name : null,
        price: close,
        changePct: open ? roundTo(((close - open) / open) * 100, 4) : null,
        changeBasis: 'open',
        volume: parseDecimal(row.Volume),
        source: 'stooq',
      },
    });
  }
  return outcomes;
}

/** Splits one CSV line, honouring double-quoted cells (names may contain commas). */
function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      cells.push(cell);
      cell = '';
    } else cell += char;
  }
  cells.push(cell);
  return cells.map((c) => c.trim());
}
