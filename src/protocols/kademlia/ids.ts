/**
 * Kademlia ids and the XOR metric (Maymounkov & Mazières 2002, §2.1).
 *
 * Node ids and keys share one space of `bits`-bit numbers (160 in the paper;
 * 8 or 16 make pictures readable). The distance between two ids is their
 * bitwise XOR read as an unsigned integer: d(x, x) = 0, d(x, y) = d(y, x),
 * d(x, z) ≤ d(x, y) + d(y, z), and — the property lookups rely on — for a
 * given x and distance Δ there is exactly one y with d(x, y) = Δ.
 *
 * Ids are lower-case hex strings of ⌈bits/4⌉ digits whose unused top bits
 * are zero, so they read well in the trace, compare as numbers when compared
 * as strings, and need no big integers: every operation here walks the digits
 * from the most significant one and usually stops within the first few.
 *
 * Keys are the top `bits` bits of the SHA-1 of the key's text (the paper's
 * 160-bit keys "e.g., the SHA-1 hash of some larger data").
 */
import { sha1 } from '@noble/hashes/legacy.js';
import { bytesToHex } from '@noble/hashes/utils.js';

/** A node id or key: ⌈bits/4⌉ lower-case hex digits. */
export type Id = string;

export const MAX_BITS = 160;

/** Digit values of '0'-'9', 'a'-'f' (and 'A'-'F'), indexed by char code; -1 elsewhere. */
const DIGIT = new Int8Array(128).fill(-1);
for (let d = 0; d < 16; d++) {
  DIGIT['0123456789abcdef'.charCodeAt(d)] = d;
  DIGIT['0123456789ABCDEF'.charCodeAt(d)] = d;
}
const HEX = '0123456789abcdef';

/** Hex digits of an id of `bits` bits. */
export function digitsOf(bits: number): number {
  return Math.ceil(bits / 4);
}

/**
 * Which of `a` and `b` is closer to `target` under XOR: negative when `a` is,
 * positive when `b` is, 0 when they are the same id. All three have the same length.
 */
export function compareDistance(a: Id, b: Id, target: Id): number {
  if (a === b) return 0;
  for (let i = 0; i < target.length; i++) {
    const t = DIGIT[target.charCodeAt(i)]!;
    const x = DIGIT[a.charCodeAt(i)]! ^ t;
    const y = DIGIT[b.charCodeAt(i)]! ^ t;
    if (x !== y) return x - y;
  }
  return 0;
}

/**
 * The first 7 hex digits of an id (28 bits, a small integer), placed as they
 * would be in a 7-digit id: XOR of two of them is the top of the distance,
 * so it orders ids by distance to a target up to ties (equal numbers:
 * compare further with `compareDistance`).
 */
export function idTop(id: Id): number {
  const n = id.length < 7 ? id.length : 7;
  let v = 0;
  for (let i = 0; i < n; i++) v = (v << 4) | DIGIT[id.charCodeAt(i)]!;
  return v << (4 * (7 - n));
}

/**
 * Up to 7 hex digits (28 bits, a small integer) of d(id, target), from
 * digit `from` on: a number that orders ids by distance to `target` when
 * their distances agree before `from` (equal numbers: compare further with
 * `compareDistance`).
 */
export function distanceKey(id: Id, target: Id, from: number): number {
  const end = Math.min(from + 7, target.length);
  let key = 0;
  for (let i = from < 0 ? 0 : from; i < end; i++) key = (key << 4) | (DIGIT[id.charCodeAt(i)]! ^ DIGIT[target.charCodeAt(i)]!);
  return key;
}

/**
 * The index of the k-bucket that `other` falls in, seen from `self`: i such
 * that 2^i ≤ d(self, other) < 2^(i+1), i.e. the position of the highest bit
 * in which they differ (§2.2). -1 when they are the same id.
 */
export function bucketIndex(self: Id, other: Id): number {
  const n = self.length;
  for (let i = 0; i < n; i++) {
    const x = DIGIT[self.charCodeAt(i)]! ^ DIGIT[other.charCodeAt(i)]!;
    if (x !== 0) return (n - 1 - i) * 4 + (31 - Math.clz32(x));
  }
  return -1;
}

/** d(a, b) as a hex id (for people: the trace and the viewer). */
export function distance(a: Id, b: Id): Id {
  let out = '';
  for (let i = 0; i < a.length; i++) out += HEX[DIGIT[a.charCodeAt(i)]! ^ DIGIT[b.charCodeAt(i)]!];
  return out;
}

/** The number of leading bits two ids share (`bits` when they are equal). */
export function sharedPrefix(a: Id, b: Id, bits: number): number {
  const i = bucketIndex(a, b);
  return i < 0 ? bits : bits - 1 - i;
}

/** Whether `text` is a well-formed id of `bits` bits (hex digits, the right length, unused top bits zero). */
export function isId(text: string, bits: number): boolean {
  if (text.length !== digitsOf(bits)) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128 || DIGIT[c]! < 0 || (c >= 65 && c <= 70)) return false;
  }
  const spare = digitsOf(bits) * 4 - bits;
  return spare === 0 || DIGIT[text.charCodeAt(0)]! >> (4 - spare) === 0;
}

/**
 * Reads an id as a person writes it: hex digits, optionally `0x`-prefixed,
 * of any case; shorter than the id's width means leading zeros. undefined
 * when it is not hex or does not fit in `bits` bits.
 */
export function parseId(text: string, bits: number): Id | undefined {
  let t = text.trim().toLowerCase();
  if (t.startsWith('0x')) t = t.slice(2);
  const width = digitsOf(bits);
  if (t.length === 0 || t.length > width) return undefined;
  const id = t.padStart(width, '0');
  return isId(id, bits) ? id : undefined;
}

/** Masks the top digit of a `bits`-bit id (its unused high bits become zero). */
function topMask(bits: number): number {
  const spare = digitsOf(bits) * 4 - bits;
  return 0xf >> spare;
}

/** A uniformly random id of `bits` bits, one hex digit per draw of `randomInt`. */
export function randomId(bits: number, randomInt: (min: number, max: number) => number): Id {
  const n = digitsOf(bits);
  let out = HEX[randomInt(0, 15) & topMask(bits)]!;
  for (let i = 1; i < n; i++) out += HEX[randomInt(0, 15)]!;
  return out;
}

/**
 * A random id in k-bucket `i` of `self`: it shares self's bits above bit i,
 * differs at bit i and is random below (§2.3: "refreshing a bucket means
 * picking a random ID in the bucket's range and performing a node search").
 */
export function randomIdInBucket(self: Id, i: number, bits: number, randomInt: (min: number, max: number) => number): Id {
  const n = self.length;
  const at = n - 1 - (i >> 2); // the digit holding bit i
  const bit = 1 << (i & 3);
  let out = self.slice(0, at);
  const own = DIGIT[self.charCodeAt(at)]!;
  // Above bit i (within this digit): self's bits; bit i: flipped; below: random.
  const high = own & ~((bit << 1) - 1) & 0xf;
  const low = randomInt(0, 15) & (bit - 1);
  out += HEX[(high | (~own & bit) | low) & (at === 0 ? topMask(bits) : 0xf)]!;
  for (let j = at + 1; j < n; j++) out += HEX[randomInt(0, 15)]!;
  return out;
}

/** The id of a key: the top `bits` bits of SHA-1(key) (§2: keys are 160-bit, e.g. SHA-1 hashes). */
export function keyId(key: string, bits: number): Id {
  const hex = bytesToHex(sha1(new TextEncoder().encode(key)));
  return shiftedPrefix(hex, bits);
}

/** The first `bits` bits of a hex string, as an id of `bits` bits (right-aligned). */
function shiftedPrefix(hex: string, bits: number): Id {
  const n = digitsOf(bits);
  const spare = n * 4 - bits;
  if (spare === 0) return hex.slice(0, n);
  // Shift the first n digits right by `spare` bits.
  let out = '';
  let carry = 0;
  for (let i = 0; i < n; i++) {
    const d = DIGIT[hex.charCodeAt(i)]!;
    out += HEX[(carry << (4 - spare) | d >> spare) & 0xf]!;
    carry = d & ((1 << spare) - 1);
  }
  return out;
}

/**
 * Ids for small spaces (`bits` ≤ 52), where random ids would collide: a
 * fixed pseudo-random permutation of [0, 2^bits) applied to the node's
 * position, so no two nodes share an id. A balanced Feistel network on two
 * halves of ⌈bits/2⌉ bits, cycle-walked back into range (Black & Rogaway
 * 2002), four rounds of a 32-bit integer hash.
 */
export function permutedId(position: number, bits: number): Id {
  if (!Number.isInteger(position) || position < 0 || position >= 2 ** bits) throw new RangeError(`permutedId: position ${position} out of range for ${bits} bits`);
  const half = Math.ceil(bits / 2);
  const mask = 2 ** half - 1;
  let x = position;
  do x = feistel(x, half, mask, bits); while (x >= 2 ** bits);
  return x.toString(16).padStart(digitsOf(bits), '0');
}

function feistel(x: number, half: number, mask: number, bits: number): number {
  let l = Math.floor(x / 2 ** half);
  let r = x % 2 ** half;
  for (let round = 0; round < 4; round++) {
    const f = mix32((r ^ Math.imul(round + 1, 0x9e3779b9) ^ bits) >>> 0) & mask;
    const next = (l ^ f) >>> 0;
    l = r;
    r = next & mask;
  }
  return l * 2 ** half + r;
}

/** A 32-bit integer finaliser (murmur3's fmix32). */
function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Bits above which ids are drawn at random from the node's stream rather than permuted (collisions stay below 10^-6 at 100 000 nodes). */
export const PERMUTED_BITS = 52;

/**
 * The bounds of the ids that share their first `prefix` bits with `id`:
 * [lo, hi] as ids (for range counts over a sorted list of ids).
 */
export function prefixRange(id: Id, prefix: number, bits: number): [Id, Id] {
  const n = id.length;
  const skip = n * 4 - bits; // unused high bits of the first digit
  const p = prefix + skip; // prefix length counted from the first digit's top bit
  const full = p >> 2;
  const rem = p & 3;
  if (full >= n) return [id, id];
  const head = id.slice(0, full);
  const d = DIGIT[id.charCodeAt(full)]!;
  const keep = rem === 0 ? 0 : (d >> (4 - rem)) << (4 - rem);
  const lowBits = (1 << (4 - rem)) - 1;
  const loDigit = HEX[keep]!;
  const hiDigit = HEX[(keep | lowBits) & (full === 0 ? topMask(bits) : 0xf)]!;
  const rest = n - full - 1;
  return [head + loDigit + '0'.repeat(rest), head + hiDigit + 'f'.repeat(rest)];
}
