import { FileCandleStore } from '../../src/store/file/file-candle-store.js';

/** The file store's candle history in `cacheDir`, as a run keeps it. */
export function fileCandles(cacheDir: string): FileCandleStore {
  return new FileCandleStore(cacheDir);
}
