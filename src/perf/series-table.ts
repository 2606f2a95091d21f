/** Labels of one series, e.g. `{ host: 'api.coingecko.com', source: 'coingecko' }`. */
export type MetricLabels = Readonly<Record<string, string>>;

/** A counter's value, shared by reference between a labelled series and its flat total. */
export interface Tally {
  value: number;
}

/** One labelled series and the flat-view series it also adds to. */
export interface Entry<T> {
  name: string;
  labels: MetricLabels;
  own: T;
  flat: T;
}

/**
 * One kind of series (timings, counters or errors), kept both labelled and in the flat view,
 * with a lookup by labels object so recording needs no key building.
 */
export class SeriesTable<T> {
  /** Labelled entries by name and label values, for `series()`. */
  readonly byKey = new Map<string, Entry<T>>();
  /** The flat view, by name (counters) or endpoint (timings, errors). */
  readonly flat = new Map<string, T>();
  /** Entries by labels object, then name: the hot path finds its entry without building keys. */
  readonly #byLabels = new WeakMap<MetricLabels, Map<string, Entry<T>>>();
  readonly #create: () => T;
  readonly #flatKey: (name: string, labels: MetricLabels) => string;

  constructor(create: () => T, flatKey: (name: string, labels: MetricLabels) => string) {
    this.#create = create;
    this.#flatKey = flatKey;
  }

  get(name: string, labels: MetricLabels): Entry<T> {
    let named = this.#byLabels.get(labels);
    if (!named) {
      named = new Map();
      this.#byLabels.set(labels, named);
    }
    let found = named.get(name);
    if (found) return found;
    const key = seriesKey(name, labels);
    found = this.byKey.get(key);
    if (!found) {
      const flatKey = this.#flatKey(name, labels);
      let flat = this.flat.get(flatKey);
      if (flat === undefined) {
        flat = this.#create();
        this.flat.set(flatKey, flat);
      }
      found = { name, labels: Object.freeze({ ...labels }), own: this.#create(), flat };
      this.byKey.set(key, found);
    }
    named.set(name, found);
    return found;
  }

  /** Labelled entries sorted by name, then labels. */
  sorted(): Array<Entry<T>> {
    return [...this.byKey].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, value]) => value);
  }
}

function seriesKey(name: string, labels: MetricLabels): string {
  const pairs = Object.keys(labels)
    .sort()
    .map((key) => `${key}=${labels[key]}`);
  return pairs.length === 0 ? name : `${name}\u0000${pairs.join('\u0000')}`;
}
