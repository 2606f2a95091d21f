/**
 * A small seeded pseudo-random generator for the bootstrap, so the same journal always gives the
 * same interval (a verdict that flipped between two runs on identical data would be noise sold as
 * evidence). Mulberry32 (Tommy Ettinger, public domain): 32 bits of state, period 2^32, passes
 * gjrand and PractRand to a few GB — far more than 2,000 resamples of a few hundred dates draw.
 */

/** The seed every `screen eval` interval starts from. */
export const BOOTSTRAP_SEED = 0x2545f491;

/** A generator of uniform numbers in [0, 1) from `seed` (any 32-bit integer). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
