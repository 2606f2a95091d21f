// Module loader hooks (see module-trace.mjs). CommonJS files that a CommonJS module requires are
// not seen, but the entry of every package imported from ESM is.
import { appendFileSync } from 'node:fs';

const out = process.env.QAHT_BENCH_TRACE;

export async function load(url, context, nextLoad) {
  if (out) appendFileSync(out, `${url}\n`);
  return nextLoad(url, context);
}
