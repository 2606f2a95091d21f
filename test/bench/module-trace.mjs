// Preloaded with `node --import` by the warm-cache benchmark: records every module the run loads
// (one URL a line, in the file named by QAHT_BENCH_TRACE), to see whether a cached run touches undici.
import { register } from 'node:module';

register(new URL('./module-trace-hooks.mjs', import.meta.url));
