import type { SourceName } from '../sources/source-names.js';
import { demoKeys } from './demo-keys.js';
import type { RecordingLibrary, SourceServer } from './demo-server.js';
import type { DemoStream } from './demo-stream.js';

/**
 * `--demo` for one run: a demo key for every keyed source at once, and each source's loopback
 * server started only when that source must fetch. A run the cache serves therefore loads no
 * HTTP server module and opens no port.
 */
export interface DemoSources {
  /** A demo key for every keyed source (CoinGecko runs keyless), to merge into the run's environment. */
  keys: Record<string, string>;
  /** The source's base URL on its loopback server, started by the first call for that source. */
  baseUrls(source: SourceName): Promise<string[]>;
  /** `SCREEN_BINANCE_WS_URL` of the demo's live-price stream, started by the first call. */
  streamUrl(): Promise<string>;
  /** Closes the servers started so far. */
  close(): Promise<void>;
}

/** The demo's sources for one run; nothing is read or started until a source asks for its base URL. */
export function demoSources(): DemoSources {
  let library: Promise<RecordingLibrary> | undefined;
  const servers = new Map<SourceName, Promise<SourceServer>>();
  let stream: Promise<DemoStream> | undefined;
  const start = async (source: SourceName): Promise<SourceServer> => {
    const { loadRecordingLibrary, startSourceServer } = await import('./demo-server.js');
    library ??= loadRecordingLibrary();
    return startSourceServer(source, await library);
  };
  return {
    keys: demoKeys(),
    async baseUrls(source) {
      let server = servers.get(source);
      if (!server) {
        server = start(source);
        servers.set(source, server);
      }
      return [(await server).baseUrl];
    },
    async streamUrl() {
      stream ??= (async () => {
        const { loadRecordingLibrary } = await import('./demo-server.js');
        library ??= loadRecordingLibrary();
        return (await import('./demo-stream.js')).startDemoStream(await library);
      })();
      return (await stream).wsUrl;
    },
    async close() {
      // A server that failed to start has nothing to close.
      const all: Array<Promise<{ close(): Promise<void> }>> = [...servers.values(), ...(stream ? [stream] : [])];
      await Promise.all(all.map((server) => server.then((s) => s.close()).catch(() => undefined)));
    },
  };
}
