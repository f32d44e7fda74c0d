/**
 * Seeded pseudo-random numbers for the demo data. The demo catalog must produce the same data for the
 * same seed on every machine, so nothing here may touch Math.random.
 */

export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  pick<T>(values: readonly T[]): T;
  /** Picks a value with probability proportional to its weight. */
  weighted<T>(entries: ReadonlyArray<readonly [T, number]>): T;
  /** `count` distinct values from `values` (or all of them when there are fewer). */
  sample<T>(values: readonly T[], count: number): T[];
}

/** mulberry32: tiny, fast and good enough for fake data; not for anything security related. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function createRng(seed: number): Rng {
  const next = mulberry32(seed);
  const pickAt = <T>(values: readonly T[], index: number): T => {
    const value = values[index];
    if (value === undefined) throw new RangeError('cannot pick from an empty list');
    return value;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: (values) => pickAt(values, Math.floor(next() * values.length)),
    weighted: (entries) => {
      const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
      let roll = next() * total;
      for (const [value, weight] of entries) {
        roll -= weight;
        if (roll < 0) return value;
      }
      return pickAt(entries, entries.length - 1)[0];
    },
    sample: (values, count) => {
      const copy = [...values];
      // Partial Fisher-Yates: only the first `count` slots need shuffling.
      const n = Math.min(count, copy.length);
      for (let i = 0; i < n; i++) {
        const j = i + Math.floor(next() * (copy.length - i));
        const a = pickAt(copy, i);
        copy[i] = pickAt(copy, j);
        copy[j] = a;
      }
      return copy.slice(0, n);
    },
  };
}
