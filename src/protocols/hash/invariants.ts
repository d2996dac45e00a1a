/**
 * Invariants of the `hash` protocol, checked after every step.
 * - `digests_match_vectors`: the configured algorithm reproduces its
 *   published test vector (vectors.ts). Computed once per algorithm.
 * - `dedupe_consistent`: the dedupe table agrees with itself — counts sum to
 *   the operations served, `unique` is the number of entries, `duplicates`
 *   is the rest, and every entry's key is the digest of its value.
 */
import type { World } from '../../engine/protocol.js';
import type { InvariantSpec } from '../../engine/vocabulary.js';
import { digestHex, type Algorithm } from './algorithms.js';
import { algorithmOf, HASHER, type HashState, type SeenEntry } from './state.js';
import { VECTORS } from './vectors.js';

const vectorResults = new Map<Algorithm, string | null>();

export function checkVector(algorithm: Algorithm): string | null {
  let r = vectorResults.get(algorithm);
  if (r === undefined) {
    const v = VECTORS[algorithm];
    const got = digestHex(algorithm, v.input, v.seed);
    r = got === v.hex ? null : `${algorithm}("${v.input}") = ${got}, published ${v.hex}`;
    vectorResults.set(algorithm, r);
  }
  return r;
}

/** Memo: a seen table is immutable, so its check result never changes. */
const seenChecked = new WeakMap<object, string | null>();

export function checkDedupe(s: HashState): string | null {
  const entries = Object.entries(s.seen) as [string, SeenEntry][];
  let sum = 0;
  for (const [, e] of entries) sum += e.count;
  if (sum !== s.hashed) return `counts sum to ${sum} but ${s.hashed} values were hashed`;
  if (entries.length !== s.unique) return `${entries.length} digests in the table but unique = ${s.unique}`;
  if (s.duplicates !== s.hashed - s.unique) return `duplicates = ${s.duplicates}, expected ${s.hashed - s.unique}`;
  let r = seenChecked.get(s.seen);
  if (r === undefined) {
    r = null;
    for (const [hex, e] of entries) {
      const d = digestHex(s.algorithm, e.value, s.seed);
      if (d !== hex) { r = `"${e.value}" is filed under ${hex} but hashes to ${d}`; break; }
    }
    seenChecked.set(s.seen, r);
  }
  return r;
}

export function hasherState(world: World<HashState>): HashState | undefined {
  const n = world.node(HASHER);
  return n && n.up ? n.state : undefined;
}

export const invariants: readonly InvariantSpec<HashState>[] = [
  {
    name: 'digests_match_vectors',
    doc: 'The selected algorithm reproduces its published test vector (RFC 1321, FIPS 180-4, FNV, SMHasher, xxHash).',
    check: (world) => checkVector(hasherState(world)?.algorithm ?? algorithmOf(world.params)),
  },
  {
    name: 'dedupe_consistent',
    doc: 'The dedupe table is consistent: counts sum to values hashed, unique + duplicates = hashed, each value files under its own digest.',
    check: (world) => {
      const s = hasherState(world);
      return s ? checkDedupe(s) : null;
    },
  },
];
