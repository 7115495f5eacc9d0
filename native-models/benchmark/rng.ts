/** A seeded pseudo-random stream (mulberry32): small, fast and identical on every platform. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

export function mulberry32(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n) => Math.floor(next() * n) };
}

export const DEFAULT_SEED = 1;

/** What a stream is used for; each purpose of each pair draws from its own stream. */
export type SeedPurpose =
  'patches' | 'source' | 'random-map' | 'corrrise' | 'random-replacement' | 'bootstrap' | 'randomise-model';

const PURPOSE_SALT: Record<SeedPurpose, number> = {
  patches: 1,
  source: 2,
  'random-map': 3,
  corrrise: 4,
  'random-replacement': 5,
  bootstrap: 6,
  'randomise-model': 7,
};

/**
 * The seed of one pair's stream, from the global seed and the pair's index in the pairs list, so
 * that a pair's draws do not depend on which other pairs run, or in which order.
 */
export function pairSeed(seed: number, pairIndex: number, purpose: SeedPurpose): number {
  let h = mix32((seed >>> 0) ^ 0x9e3779b9);
  h = mix32(h ^ Math.imul(pairIndex + 1, 0x85ebca6b));
  return mix32(h ^ Math.imul(PURPOSE_SALT[purpose], 0xc2b2ae35));
}

/** The murmur3 finaliser: spreads every input bit over the output. */
function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** A seeded random permutation of 0 … n−1 (Fisher–Yates). */
export function permutation(n: number, rng: Rng): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}
