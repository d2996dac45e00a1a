/**
 * Generated keys shared by the protocols that place or hash "N keys":
 * `key-0`, `key-1`, … — the same names in `hash_keys`, the ring's `place`
 * and the benchmarks, so results can be compared across them.
 */
export function generatedKey(i: number): string {
  return `key-${i}`;
}
