import type { CommandResult, SourceReport } from '../report.js';
import { sanitizeText } from './sanitize.js';

/**
 * The `--json` document (README "Output") as text, one document ending with a newline. `extra` adds
 * top-level members before `metrics` (`previousRunAt`, `changes`, `alerts`).
 */
export function renderJson<R>(result: CommandResult<R>, metrics: unknown, extra: Readonly<Record<string, unknown>> = {}): string {
  return `${JSON.stringify(jsonDocument(result, metrics, extra), null, 2)}\n`;
}

/**
 * The `--json` document (README "Output") as a value, for `renderJson` and for `screen serve`, which
 * serves the same document. Third-party strings are sanitised here too: JSON escapes C0 controls
 * but would pass C1 controls and bidi overrides through to a terminal; `extra` is sanitised alike.
 */
export function jsonDocument<R>(result: CommandResult<R>, metrics: unknown, extra: Readonly<Record<string, unknown>> = {}): JsonDocument {
  return {
    command: result.command,
    generatedAt: result.generatedAt,
    // `error` may quote a failed response's body: third-party text like any other. `veryStale`
    // and `skip` are for the status lines and the exit code, not part of the document (README "Output" lists its members).
    sources: result.sources.map(({ veryStale: _veryStale, skip: _skip, ...report }) => ({
      ...report,
      error: report.error === null ? null : sanitizeText(report.error),
    })),
    results: deepSanitize(result.results),
    excluded: deepSanitize(result.excluded ?? []),
    ...deepSanitize(result.document ?? {}),
    ...deepSanitize(extra),
    metrics,
  };
}

/** The `--json` document's shape (README "Output"); `results` rows are the command's. */
export interface JsonDocument {
  command: CommandResult<unknown>['command'];
  generatedAt: string;
  sources: Array<Omit<SourceReport, 'veryStale' | 'skip'>>;
  results: unknown[];
  excluded: Array<{ id: string; reason: string }>;
  /** `previousRunAt`, `changes`, `alerts` when the run asked for them. */
  [extra: string]: unknown;
  metrics: unknown;
}

function deepSanitize<T>(value: T): T {
  if (typeof value === 'string') return sanitizeText(value) as T;
  if (Array.isArray(value)) return value.map((item) => deepSanitize(item)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, deepSanitize(item)])) as T;
  }
  return value;
}
