/**
 * 64-bit FNV-1a, as 16 lower-case hex digits: the cache's entry checksums and file names. Not a
 * cryptographic hash, and it need not be: it tells a damaged or truncated entry from a whole one
 * (whoever can write the cache folder could write a matching sha256 as easily), and spreads keys
 * over file names, where a collision is caught by the key stored in the entry. Computed here
 * because node:crypto costs a cached run about 8 ms to load on Node 24, more than hashing its
 * entries (some 630 KB) this way.
 *
 * The 64-bit product is carried in four 16-bit limbs, so every step stays exact in doubles.
 */
export function fnv1a64Hex(bytes: Uint8Array): string {
  // Offset basis 0xcbf29ce484222325, low limb first.
  let h0 = 0x2325;
  let h1 = 0x8422;
  let h2 = 0x9ce4;
  let h3 = 0xcbf2;
  for (let index = 0; index < bytes.length; index++) {
    h0 ^= bytes[index]!;
    // × the prime 0x100000001b3: × 0x1b3 in every limb, plus limb << 40, which is (h0 << 8) in limb 2 and (h1 << 8) in limb 3.
    const t0 = h0 * 0x1b3;
    const t1 = h1 * 0x1b3;
    const t2 = h2 * 0x1b3 + (h0 << 8);
    const t3 = h3 * 0x1b3 + (h1 << 8);
    h0 = t0 & 0xffff;
    const c1 = t1 + (t0 >>> 16);
    h1 = c1 & 0xffff;
    const c2 = t2 + (c1 >>> 16);
    h2 = c2 & 0xffff;
    h3 = (t3 + (c2 >>> 16)) & 0xffff;
  }
  return hex4(h3) + hex4(h2) + hex4(h1) + hex4(h0);
}

function hex4(limb: number): string {
  return limb.toString(16).padStart(4, '0');
}
