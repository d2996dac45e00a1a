/**
 * The `hash` protocol: one implicit node, `hasher`, that hashes values with a
 * chosen algorithm (md5, sha1, sha256, sha512, FNV-1a 32, MurmurHash3 x86_32,
 * XXH64), dedupes them, measures bucket uniformity and avalanche. See
 * machine.ts for the operations and invariants.ts for what is checked.
 */
import type { Protocol } from '../../engine/protocol.js';
import { onClient } from './machine.js';
import { HASHER, initialState, type HashState } from './state.js';
import { vocabulary } from './vocabulary.js';

export type { HashState } from './state.js';
export { ALGORITHMS, digest, digestHex, digestPrefix32, type Algorithm } from './algorithms.js';
export { fnv1a32, fnv1a32String } from './fnv1a.js';
export { murmur3_32 } from './murmur3.js';
export { xxhash64, xxhash64Halves } from './xxhash64.js';
export { uniformity, gammaQ } from './stats.js';

export const hashProtocol: Protocol<HashState> = {
  name: 'hash',
  vocabulary,
  implicitNodes: () => [{ id: HASHER, role: 'hasher' }],
  clientTarget: () => HASHER,
  init: (ctx) => initialState(ctx.id, ctx.params),
  onMessage: (state) => state,
  onTimer: (state) => state,
  onClient,
  onRestart: (_durable, ctx) => initialState(ctx.id, ctx.params),
  role: (state) => state.role,
  finalMetrics: (world): Record<string, number> => {
    const s = world.node(HASHER)?.state;
    return s ? { unique: s.unique, duplicates: s.duplicates, hashed: s.hashed } : {};
  },
};
