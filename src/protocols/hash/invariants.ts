/**
 * Invariants of the `hash` protocol, checked after every step.
 * - `digests_match_vectors`: the configured algorithm, on the configured
 *   text encoding, reproduces its published test vector (vectors.ts).
 *   Computed once per algorithm per run (the run's monitor memory).
 * - `dedupe_consistent`: the dedupe table agrees with itself — counts sum to
 *   the operations served, `unique` is the number of entries, `duplicates`
 *   is the rest, and every entry's key is the digest of its value (each
 *   entry verified once per run: an entry never changes its value).
 */
import type { Params, World } from '../../engine/protocol.js';
import type { InvariantSpec, MonitorSpec } from '../../engine/vocabulary.js';
import { digestHex, type Algorithm } from './algorithms.js';
import { algorithmOf, HASHER, textBytes, type HashState, type SeenEntry } from './state.js';
import { VECTORS } from './vectors.js';

/** The algorithm's published vector against the configured text encoding: null when it matches. */
export function checkVector(algorithm: Algorithm, params: Params = {}): string | null {
  const v = VECTORS[algorithm];
  const got = digestHex(algorithm, textBytes(v.input, params), v.seed);
  return got === v.hex ? null : `${algorithm}("${v.input}") = ${got}, published ${v.hex}`;
}

/** The dedupe table's bookkeeping; and each value's digest, for the entries not yet verified (`verified`: the run's memory). */
export function checkDedupe(s: HashState, params: Params = {}, verified: Set<string> = new Set()): string | null {
  const entries = Object.entries(s.seen) as [string, SeenEntry][];
  let sum = 0;
  for (const [, e] of entries) sum += e.count;
  if (sum !== s.hashed) return `counts sum to ${sum} but ${s.hashed} values were hashed`;
  if (entries.length !== s.unique) return `${entries.length} digests in the table but unique = ${s.unique}`;
  if (s.duplicates !== s.hashed - s.unique) return `duplicates = ${s.duplicates}, expected ${s.hashed - s.unique}`;
  for (const [hex, e] of entries) {
    if (verified.has(hex)) continue; // entries never change value once filed
    const d = digestHex(s.algorithm, textBytes(e.value, params), s.seed);
    if (d !== hex) return `"${e.value}" is filed under ${hex} but hashes to ${d}`;
    verified.add(hex);
  }
  return null;
}

/** Per run: the vector verdict per algorithm, and the dedupe entries already verified. */
interface HashMemory {
  readonly vectors: Map<Algorithm, string | null>;
  readonly verified: Set<string>;
}

const hashMemory: MonitorSpec<HashState, HashMemory> = {
  name: 'hash checks',
  create: () => ({ vectors: new Map(), verified: new Set() }),
};

export function hasherState(world: World<HashState>): HashState | undefined {
  const n = world.node(HASHER);
  return n && n.up ? n.state : undefined;
}

export const invariants: readonly InvariantSpec<HashState>[] = [
  {
    name: 'digests_match_vectors',
    doc: 'The selected algorithm reproduces its published test vector (RFC 1321, FIPS 180-4, FNV, SMHasher, xxHash).',
    monitor: hashMemory,
    check: (world, _changed, m: HashMemory) => {
      const algorithm = hasherState(world)?.algorithm ?? algorithmOf(world.params);
      if (!m.vectors.has(algorithm)) m.vectors.set(algorithm, checkVector(algorithm, world.params));
      return m.vectors.get(algorithm)!;
    },
  },
  {
    name: 'dedupe_consistent',
    doc: 'The dedupe table is consistent: counts sum to values hashed, unique + duplicates = hashed, each value files under its own digest.',
    monitor: hashMemory,
    check: (world, _changed, m: HashMemory) => {
      const s = hasherState(world);
      return s ? checkDedupe(s, world.params, m.verified) : null;
    },
  },
];
