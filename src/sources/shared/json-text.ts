import { unexpectedData } from './validate.js';

/** A response body parsed as JSON; one that does not parse is "unexpected data" from `source`. */
export function parseJsonText(source: string, text: string, url: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw unexpectedData(source, 'the body is not JSON', { url, cause });
  }
}
