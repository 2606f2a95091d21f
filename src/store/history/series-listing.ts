import { INTERVAL_MS } from '../../candle.js';
import type { StoredSeries } from './series-codec.js';
import type { SeriesKey } from './series-key.js';
import type { SeriesListing } from './candle-store.js';

/** A stored series summarised for `list`. */
export function listingOf(key: SeriesKey, stored: StoredSeries): SeriesListing {
  const { openTime, interval } = stored.series;
  const firstOpen = openTime[0];
  const lastOpen = openTime[openTime.length - 1];
  const span = firstOpen === undefined || lastOpen === undefined ? 0 : Math.round((lastOpen - firstOpen) / INTERVAL_MS[interval]) + 1;
  return { key, count: openTime.length, firstOpen, lastOpen, missing: Math.max(0, span - openTime.length) };
}
