import { COMPACT_UNITS } from '../../output/format-number.js';

/** A dollar threshold as people write it: 1e6 → "$1M", 2.5e6 → "$2.5M", 500 → "$500". */
export function formatUsdThreshold(value: number): string {
  const abs = Math.abs(value);
  for (const { value: unit, suffix } of COMPACT_UNITS) {
    if (abs >= unit) return `$${trimZeros((value / unit).toFixed(2))}${suffix}`;
  }
  return `$${trimZeros(value.toFixed(2))}`;
}

function trimZeros(text: string): string {
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}
