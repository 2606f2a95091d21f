/**
 * How a run reads a stored series: its summary (the figures the signals read, computed from the
 * series when it was written, kept in the entry's head) when the head holds a current one that
 * holds at the run's clock, else the whole series. So a warm run reads a few hundred bytes per
 * series, and an entry written by an older version, a summary of another signals version or a
 * clock behind the series' last close costs one whole read, with the same answer.
 */
import type { SeriesView } from '../../screens/signals/series-signals.js';
import { summaryFromDocument } from '../../screens/signals/summary-document.js';
import type { CandleStore } from '../../store/history/candle-store.js';
import type { SeriesKey } from '../../store/history/series-key.js';

/** The series stored for `key` as of `nowMs`: its summary where that gives its signals, else the series; undefined when none is stored. */
export async function readSeriesView(candles: CandleStore, key: SeriesKey, nowMs: number): Promise<SeriesView | undefined> {
  const head = await candles.readHead(key);
  if (!head) return undefined;
  if (head.stored) return head.stored.series;
  const summary = summaryFromDocument(head.summary, key.interval, head.lastOpen);
  if (summary && nowMs >= summary.closedBy) return summary;
  return (await candles.read(key))?.series;
}
