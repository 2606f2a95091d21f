import { jsonDocument, type JsonDocument } from '../output/render-json.js';
import type { CommandResult, SourceReport } from '../report.js';
import type { ScreenState } from './screen-board.js';

/**
 * The document `GET /api/signals` serves for one screen at `nowMs`: the `--json` document of its
 * last answer, with every source's `ageSeconds` counted to now. After a failed refresh the sources
 * that had served fresh or cached data are marked `stale`, with the failure as their `error` (as
 * `--json` reports a fetch that failed over to the cache). Undefined before the first answer.
 */
export function servedDocument(state: ScreenState, nowMs: number): JsonDocument | undefined {
  const answer = state.answer;
  if (!answer) return undefined;
  const failure = state.failure;
  const result: CommandResult<unknown> = {
    ...answer.refresh.result,
    sources: answer.refresh.result.sources.map((source) => agedSource(source, nowMs, failure)),
  };
  const document = jsonDocument(result, answer.refresh.metrics);
  return state.overlay ? state.overlay.apply(document, state, nowMs) : document;
}

function agedSource(source: SourceReport, nowMs: number, failure: ScreenState['failure']): SourceReport {
  const fetchedMs = source.fetchedAt === null ? Number.NaN : Date.parse(source.fetchedAt);
  const ageSeconds = Number.isFinite(fetchedMs) ? Math.max(0, Math.round((nowMs - fetchedMs) / 1000)) : source.ageSeconds;
  if (failure && (source.status === 'fresh' || source.status === 'cached')) {
    return { ...source, status: 'stale', ageSeconds, error: failure.sourceErrors.get(source.name) ?? failure.reason };
  }
  return { ...source, ageSeconds };
}

/**
 * `servedDocument` as UTF-8 JSON, built once per state version, overlay version and whole second: thousands of
 * readers a second cost one serialisation (and one encoding), and ages still tick every second.
 */
export class ServedDocumentCache {
  readonly #entries = new WeakMap<ScreenState, { version: number; overlay: number; second: number; body: Buffer | undefined }>();

  body(state: ScreenState, nowMs: number): Buffer | undefined {
    const second = Math.floor(nowMs / 1000);
    const overlay = state.overlay?.version() ?? 0;
    const cached = this.#entries.get(state);
    if (cached && cached.version === state.version && cached.overlay === overlay && cached.second === second) return cached.body;
    const document = servedDocument(state, nowMs);
    // Compact: the same document as `--json`, in a third fewer bytes for every reader.
    const body = document === undefined ? undefined : Buffer.from(`${JSON.stringify(document)}\n`, 'utf8');
    this.#entries.set(state, { version: state.version, overlay, second, body });
    return body;
  }
}
