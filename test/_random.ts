/**
 * mulberry32: a tiny seeded PRNG for tests and benchmarks (never Math.random),
 * so every run tries the same inputs. Not the engine's generator: the
 * engine's streams live in src/engine/rng.ts.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
