/**
 * The symbols a market scan covers: the positional ones and `--symbols-file`'s, or the bundled
 * Dow 30 when neither names any. The file is read here, before the scan starts, so a bad path is a
 * usage error and the scan itself does no file I/O.
 */
import { QahtError } from '../../errors.js';
import { quoteValue } from '../../options/parse-values.js';
import { normaliseSymbols, parseSymbolList } from '../../screens/market/symbols.js';
import { DEFAULT_UNIVERSE } from '../../screens/market/universes.js';
import { readRegularFile, type UnreadableReason } from '../../store/file/regular-file.js';

/** Largest `--symbols-file` read: the S&P 500 is about 3 KiB, so this is room for any real list. */
export const SYMBOLS_FILE_MAX_BYTES = 1024 * 1024;

/**
 * The scan's symbols, normalised.
 * @throws QahtError `QAHT_ERR_USAGE` for an unreadable or empty `--symbols-file`, or a bad symbol
 */
export async function resolveSymbols(options: { symbols: readonly string[]; symbolsFile: string | undefined }): Promise<string[]> {
  const listed = [...options.symbols];
  if (options.symbolsFile !== undefined) {
    // A plain read of a FIFO waits for a writer forever, and /dev/zero never ends: only a regular
    // file (a link is followed to one), up to a cap.
    const read = await readRegularFile(options.symbolsFile, { maxBytes: SYMBOLS_FILE_MAX_BYTES, within: '/' });
    if (!read.ok) {
      throw new QahtError('QAHT_ERR_USAGE', `cannot read --symbols-file ${quoteValue(options.symbolsFile)}: ${unreadable(read)}`, {
        cause: read.error,
      });
    }
    const fromFile = parseSymbolList(read.bytes.toString('utf8'));
    if (fromFile.length === 0) throw new QahtError('QAHT_ERR_USAGE', `--symbols-file ${quoteValue(options.symbolsFile)} lists no symbols`);
    listed.push(...fromFile);
  }
  return normaliseSymbols(listed.length > 0 ? listed : DEFAULT_UNIVERSE);
}

function unreadable(read: { reason: UnreadableReason; error?: unknown }): string {
  switch (read.reason) {
    case 'missing':
      return 'no such file';
    case 'not-regular':
      return 'not a regular file (a FIFO, a device or a folder)';
    case 'too-large':
      return `larger than ${SYMBOLS_FILE_MAX_BYTES / 1024} KiB`;
    case 'outside':
    case 'unreadable':
      return (read.error as NodeJS.ErrnoException | undefined)?.code ?? 'unreadable';
  }
}
