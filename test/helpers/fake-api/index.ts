/**
 * The fake API server every HTTP-facing test uses: loopback, port 0, a route table keyed by
 * method + path, and faults on demand. See `types.ts` for the fault catalogue.
 *
 * @example
 *   const api = await startFakeApi();
 *   api.route('GET', '/api/v3/coins/markets', { json: [{ id: 'bitcoin' }] }, { compress: 'gzip' });
 *   api.fault('/api/v3/coins/markets', { status: 429, retryAfter: '2' }, { times: 1 });
 *   // ... point the code under test at api.url ...
 *   await api.close();
 */
export { startFakeApi } from './server.js';
export { ANY_PATH } from './fault-queue.js';
export { type FakeStream, miniTicker, STREAM_PATH, startFakeStream } from './stream.js';
export type {
  CannedReply,
  Compression,
  FakeApi,
  Fault,
  FaultOptions,
  LoggedRequest,
  RouteContext,
  RouteHandler,
  RouteOptions,
  RouteSpec,
  StartFakeApiOptions,
} from './types.js';
