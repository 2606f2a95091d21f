// Fallback when /usr/bin/time is missing: preloaded with `node --import`, writes the process's
// peak RSS in KiB to the file named by QAHT_BENCH_RSS when it exits.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  if (process.env.QAHT_BENCH_RSS) writeFileSync(process.env.QAHT_BENCH_RSS, String(process.resourceUsage().maxRSS));
});
