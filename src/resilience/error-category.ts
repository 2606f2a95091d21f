/**
 * The error taxonomy's one table: what a Node or undici error code says about a failure. The
 * library's `classifyError` (safe-execute.ts) reads it whole; the HTTP client's transport
 * classifier (http/classify-error.ts) reads its timeouts, so both call the same codes a timeout.
 */

/** What kind of failure an error is, for logs and for the user's one-line explanation. */
export type ErrorCategory = 'timeout' | 'connection' | 'memory' | 'disk' | 'invalid_data' | 'missing_key' | 'unexpected';

const NODE_CODES: Record<string, ErrorCategory> = {
  ETIMEDOUT: 'timeout',
  ESOCKETTIMEDOUT: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  ECONNRESET: 'connection',
  ECONNREFUSED: 'connection',
  ECONNABORTED: 'connection',
  ENOTFOUND: 'connection',
  EAI_AGAIN: 'connection',
  EHOSTUNREACH: 'connection',
  ENETUNREACH: 'connection',
  EPIPE: 'connection',
  UND_ERR_SOCKET: 'connection',
  ENOSPC: 'disk',
  EACCES: 'disk',
  EPERM: 'disk',
  EROFS: 'disk',
  EMFILE: 'disk',
  ENFILE: 'disk',
  EDQUOT: 'disk',
  EIO: 'disk',
  ENOENT: 'disk',
  EISDIR: 'disk',
  ENOTDIR: 'disk',
  ERR_OUT_OF_MEMORY: 'memory',
  ERR_BUFFER_TOO_LARGE: 'memory',
  ERR_STRING_TOO_LONG: 'memory',
};

/** The category a Node or undici error `code` names, or undefined for a code not in the table. */
export function nodeErrorCategory(code: string): ErrorCategory | undefined {
  return Object.hasOwn(NODE_CODES, code) ? NODE_CODES[code] : undefined;
}
