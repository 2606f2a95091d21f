// Fallback when /usr/bin/time is missing: preloaded with `node --import`, writes the process's
// peak RSS in KiB to the file named by QAHT_BENCH_RSS when it exits.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  if (process.env.QAHT_BENCH_RSS) {
    const usage = process.resourceUsage();
    // Like GNU time's "%M %U %S": KiB, then user and system CPU seconds.
    writeFileSync(process.env.QAHT_BENCH_RSS, `${usage.maxRSS} ${usage.userCPUTime / 1e6} ${usage.systemCPUTime / 1e6}`);
  }
});
