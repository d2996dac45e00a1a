/**
 * The hash algorithms of the `hash` protocol behind one interface: a digest
 * as bytes, as hex, and its first 32 bits. md5 (RFC 1321), sha1 (FIPS 180-4
 * §6.1), sha256 (§6.2) and sha512 (§6.4) come from @noble/hashes, which runs
 * unchanged in browsers; fnv1a (32-bit), murmur3 (x86_32) and xxhash64 are
 * this folder's own small modules.
 *
 * The integer hashes are written out big-endian, the way their reference
 * tools print them (`xxhsum`, the FNV and SMHasher test tables), so the hex
 * digest of `murmur3` is the familiar `0x…` value.
 */
import { md5, sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { fnv1a32 } from './fnv1a.js';
import { murmur3_32 } from './murmur3.js';
import { xxhash64Halves } from './xxhash64.js';
import { utf8 } from './_utf8.js';

export const ALGORITHMS = ['md5', 'sha1', 'sha256', 'sha512', 'fnv1a', 'murmur3', 'xxhash64'] as const;
export type Algorithm = (typeof ALGORITHMS)[number];

/** Output size in bits, per algorithm. */
export const DIGEST_BITS: Readonly<Record<Algorithm, number>> = {
  md5: 128, sha1: 160, sha256: 256, sha512: 512, fnv1a: 32, murmur3: 32, xxhash64: 64,
};

export function isAlgorithm(name: unknown): name is Algorithm {
  return typeof name === 'string' && (ALGORITHMS as readonly string[]).includes(name);
}

function be32(out: Uint8Array, at: number, v: number): void {
  out[at] = v >>> 24;
  out[at + 1] = (v >>> 16) & 0xff;
  out[at + 2] = (v >>> 8) & 0xff;
  out[at + 3] = v & 0xff;
}

/**
 * The digest of `data` (a string is hashed as its UTF-8 bytes). `seed` is
 * used by murmur3 and xxhash64 and ignored by the others.
 */
export function digest(algorithm: Algorithm, data: Uint8Array | string, seed = 0): Uint8Array {
  const bytes = typeof data === 'string' ? utf8(data) : data;
  switch (algorithm) {
    case 'md5': return md5(bytes);
    case 'sha1': return sha1(bytes);
    case 'sha256': return sha256(bytes);
    case 'sha512': return sha512(bytes);
    case 'fnv1a': { const out = new Uint8Array(4); be32(out, 0, fnv1a32(bytes)); return out; }
    case 'murmur3': { const out = new Uint8Array(4); be32(out, 0, murmur3_32(bytes, seed)); return out; }
    case 'xxhash64': {
      const [hi, lo] = xxhash64Halves(bytes, seed);
      const out = new Uint8Array(8);
      be32(out, 0, hi);
      be32(out, 4, lo);
      return out;
    }
    default: {
      const never: never = algorithm;
      throw new RangeError(`digest: unknown algorithm ${String(never)}`);
    }
  }
}

/** The digest as lowercase hex. */
export function digestHex(algorithm: Algorithm, data: Uint8Array | string, seed = 0): string {
  return bytesToHex(digest(algorithm, data, seed));
}

/** The first 32 bits of the digest, big-endian, as an unsigned integer (used for buckets). */
export function digestPrefix32(algorithm: Algorithm, data: Uint8Array | string, seed = 0): number {
  const d = digest(algorithm, data, seed);
  return ((d[0]! << 24) | (d[1]! << 16) | (d[2]! << 8) | d[3]!) >>> 0;
}
