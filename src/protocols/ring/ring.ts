/**
 * A consistent-hash ring (Karger et al., "Consistent hashing and random
 * trees", STOC 1997) with virtual nodes, as a sorted `Uint32Array` of points
 * and a parallel array of owner indices; a key belongs to the first point at
 * or after its 32-bit hash, wrapping to the first point. Lookup is a binary
 * search narrowed by a table indexed by the hash's top bits (about two table
 * slots per point), so it touches one or two points on average and never
 * allocates.
 *
 * Two ways to place points:
 * - `standard`: member m of weight w gets round(vnodes · w) points, point i
 *   at hash32("m#i"). A member's points do not depend on the others, so
 *   adding a member moves keys only to it and removing one moves only its
 *   keys.
 * - `ketama`: libketama's continuum exactly as the `hashring` npm package
 *   (v3) builds it: each member gets floor(w / W · vnodes · n) hashes of
 *   "m-i", and each hash gives up to 4 points, its little-endian 32-bit
 *   words (md5 → 4, sha1 → the first 4, xxhash64 → 2, 32-bit hashes → 1).
 *   Keys hash to the first little-endian word of their digest. Points are
 *   sorted stably, so equal points keep member order, as in `hashring`.
 *
 * Key hashes (`hashKey32`): md5 and sha1 take the first little-endian 32-bit
 * word of the digest (ketama's convention); fnv1a and murmur3 (seed 0) are
 * 32-bit already; xxhash64 (seed 0) takes the low 32 bits.
 */
import { md5, sha1 } from '@noble/hashes/legacy.js';
import { fnv1a32String } from '../hash/fnv1a.js';
import { murmur3_32 } from '../hash/murmur3.js';
import { xxhash64Halves } from '../hash/xxhash64.js';
import { utf8 } from '../hash/_utf8.js';

export const RING_HASHES = ['md5', 'sha1', 'fnv1a', 'murmur3', 'xxhash64'] as const;
export type RingHash = (typeof RING_HASHES)[number];
export const RING_MODES = ['standard', 'ketama'] as const;
export type RingMode = (typeof RING_MODES)[number];

export interface RingOptions {
  /** Virtual nodes per unit of weight (standard) or per member on average (ketama, hashring's `vnode count`). */
  readonly vnodes: number;
  readonly hash?: RingHash;
  readonly mode?: RingMode;
  /** Members and their weights, in member order (an object keeps insertion order; a list of names means weight 1). */
  readonly weights: Readonly<Record<string, number>> | readonly (readonly [string, number])[] | readonly string[];
  /**
   * false reproduces a classic mistake (the ring protocol's
   * `bug_vnode_preference`): a preference list of the next N points, so two
   * vnodes of one server can both be in it. Default true: N distinct
   * physical nodes, skipping points of members already taken (Dynamo §4.3).
   */
  readonly distinctPreference?: boolean;
}

function le32(d: Uint8Array, at: number): number {
  return (d[at]! | (d[at + 1]! << 8) | (d[at + 2]! << 16) | (d[at + 3]! << 24)) >>> 0;
}

/** A key's 32-bit position on the ring. */
export function hashKey32(hash: RingHash, key: string): number {
  switch (hash) {
    case 'fnv1a': return fnv1a32String(key);
    case 'murmur3': return murmur3_32(utf8(key), 0);
    case 'xxhash64': return xxhash64Halves(utf8(key), 0)[1];
    case 'md5': return le32(md5(utf8(key)), 0);
    case 'sha1': return le32(sha1(utf8(key)), 0);
    default: {
      const never: never = hash;
      throw new RangeError(`hashKey32: unknown hash ${String(never)}`);
    }
  }
}

/** The ketama points of one hash of `text`: its little-endian words, at most 4. */
function ketamaWords(hash: RingHash, text: string, out: number[]): void {
  switch (hash) {
    case 'md5':
    case 'sha1': {
      const d = hash === 'md5' ? md5(utf8(text)) : sha1(utf8(text));
      for (let j = 0; j < 4; j++) out.push(le32(d, j * 4));
      return;
    }
    case 'xxhash64': {
      const [hi, lo] = xxhash64Halves(utf8(text), 0);
      out.push(lo, hi);
      return;
    }
    default:
      out.push(hashKey32(hash, text));
  }
}

function normalise(weights: RingOptions['weights']): [string[], number[]] {
  if (Array.isArray(weights)) {
    const names: string[] = [];
    const ws: number[] = [];
    for (const entry of weights as readonly (string | readonly [string, number])[]) {
      if (typeof entry === 'string') { names.push(entry); ws.push(1); } else { names.push(entry[0]); ws.push(entry[1]); }
    }
    return [names, ws];
  }
  const record = weights as Readonly<Record<string, number>>;
  return [Object.keys(record), Object.values(record)];
}

export class Ring {
  readonly members: readonly string[];
  readonly weights: readonly number[];
  readonly hash: RingHash;
  readonly mode: RingMode;
  readonly vnodes: number;
  /** Sorted point positions. */
  readonly points: Uint32Array;
  /** `owners[i]` is the member index owning `points[i]`. */
  readonly owners: Uint32Array;
  /** `index[b]`: first point whose top bits are ≥ b; `index[2^bits]` = size. */
  private readonly index: Uint32Array;
  private readonly distinctPreference: boolean;
  private readonly shift: number;

  constructor(options: RingOptions) {
    if (typeof options !== 'object' || options === null) throw new TypeError('Ring: options must be an object');
    const { vnodes } = options;
    const hash = options.hash ?? 'md5';
    const mode = options.mode ?? 'standard';
    if (!Number.isInteger(vnodes) || vnodes < 1) throw new RangeError(`Ring: vnodes must be a positive integer, got ${vnodes}`);
    if (!(RING_HASHES as readonly string[]).includes(hash)) throw new RangeError(`Ring: unknown hash ${hash}`);
    if (!(RING_MODES as readonly string[]).includes(mode)) throw new RangeError(`Ring: unknown mode ${mode}`);
    const [members, weights] = normalise(options.weights);
    if (new Set(members).size !== members.length) throw new RangeError('Ring: duplicate member');
    for (const w of weights) if (!(typeof w === 'number' && w > 0 && Number.isFinite(w))) throw new RangeError(`Ring: weights must be positive numbers, got ${w}`);
    this.members = members;
    this.weights = weights;
    this.hash = hash;
    this.mode = mode;
    this.vnodes = vnodes;
    this.distinctPreference = options.distinctPreference ?? true;

    const values: number[] = [];
    const who: number[] = [];
    const words: number[] = [];
    if (mode === 'standard') {
      members.forEach((m, k) => {
        const count = Math.max(1, Math.round(vnodes * weights[k]!));
        for (let i = 0; i < count; i++) { values.push(hashKey32(hash, `${m}#${i}`)); who.push(k); }
      });
    } else {
      const total = weights.reduce((a, b) => a + b, 0);
      members.forEach((m, k) => {
        // Same expression, same evaluation order as hashring's continuum(), so floor() agrees.
        const length = Math.floor((weights[k]! / total) * vnodes * members.length);
        for (let i = 0; i < length; i++) {
          words.length = 0;
          ketamaWords(hash, `${m}-${i}`, words);
          for (const w of words) { values.push(w); who.push(k); }
        }
      });
    }
    const n = values.length;
    this.points = new Uint32Array(n);
    this.owners = new Uint32Array(n);
    // Stable sort by (point, insertion order): pack both into one float when it fits in 53 bits.
    if (n < 1 << 21) {
      const packed = new Float64Array(n);
      for (let i = 0; i < n; i++) packed[i] = values[i]! * 2097152 + i;
      packed.sort();
      for (let i = 0; i < n; i++) {
        const p = packed[i]!;
        const idx = p % 2097152;
        this.points[i] = (p - idx) / 2097152;
        this.owners[i] = who[idx]!;
      }
    } else {
      const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a]! - values[b]! || a - b);
      order.forEach((idx, i) => { this.points[i] = values[idx]!; this.owners[i] = who[idx]!; });
    }
    const bits = Math.min(18, Math.max(1, Math.ceil(Math.log2(n + 1)) + 1));
    this.shift = 32 - bits;
    const slots = 1 << bits;
    this.index = new Uint32Array(slots + 1);
    let at = 0;
    for (let b = 0; b <= slots; b++) {
      while (at < n && this.points[at]! >>> this.shift < b) at++;
      this.index[b] = at;
    }
  }

  /** Number of points on the ring. */
  get size(): number {
    return this.points.length;
  }

  hashKey(key: string): number {
    return hashKey32(this.hash, key);
  }

  /** Index of the first point at or after `h`, wrapping to 0; -1 on an empty ring. */
  pointIndex(h: number): number {
    const points = this.points;
    const n = points.length;
    if (n === 0) return -1;
    const b = h >>> this.shift;
    let lo = this.index[b]!;
    let hi = this.index[b + 1]!;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (points[mid]! < h) lo = mid + 1;
      else hi = mid;
    }
    return lo === n ? 0 : lo;
  }

  /** Member index owning hash `h`; -1 on an empty ring. */
  ownerIndexOfHash(h: number): number {
    const i = this.pointIndex(h);
    return i < 0 ? -1 : this.owners[i]!;
  }

  /** The member owning a 32-bit hash (undefined on an empty ring). */
  locateHash(h: number): string | undefined {
    const i = this.pointIndex(h);
    return i < 0 ? undefined : this.members[this.owners[i]!];
  }

  /** The member owning `key`. */
  locate(key: string): string | undefined {
    return this.locateHash(this.hashKey(key));
  }

  /** The first `n` distinct members clockwise from `key` (fewer if the ring has fewer members). */
  preference(key: string, n: number): string[] {
    return this.preferenceHash(this.hashKey(key), n);
  }

  preferenceHash(h: number, n: number): string[] {
    const out: string[] = [];
    const start = this.pointIndex(h);
    if (start < 0 || n <= 0) return out;
    const want = Math.min(n, this.members.length);
    const taken = new Uint8Array(this.members.length);
    const size = this.points.length;
    for (let step = 0; step < size && out.length < want; step++) {
      const owner = this.owners[(start + step) % size]!;
      if (!this.distinctPreference) out.push(this.members[owner]!);
      else if (!taken[owner]) { taken[owner] = 1; out.push(this.members[owner]!); }
    }
    return out;
  }

  /** Points per member, in member order. */
  pointCounts(): number[] {
    const counts = new Array<number>(this.members.length).fill(0);
    for (let i = 0; i < this.owners.length; i++) counts[this.owners[i]!]!++;
    return counts;
  }
}
