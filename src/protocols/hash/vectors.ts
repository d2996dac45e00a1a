/**
 * One published test vector per algorithm, checked by the invariant
 * `digests_match_vectors` (the full sets live in the tests).
 * - md5: RFC 1321 §A.5, MD5("abc").
 * - sha1, sha256, sha512: FIPS 180-4 examples (NIST CSRC "Examples with
 *   intermediate values"), the one-block message "abc".
 * - fnv1a: the FNV test suite (draft-eastlake-fnv §8 / isthe.com fnv test
 *   vectors), FNV1a_32("a") = 0xe40c292c.
 * - murmur3: SMHasher's verification values as commonly tabulated,
 *   MurmurHash3_x86_32("The quick brown fox jumps over the lazy dog", 0x9747b28c) = 0x2fa826cd.
 * - xxhash64: xxHash's sanity check, XXH64("", 0) = 0xef46db3751d8e999.
 */
import type { Algorithm } from './algorithms.js';

export interface Vector {
  readonly input: string;
  readonly seed: number;
  readonly hex: string;
}

export const VECTORS: Readonly<Record<Algorithm, Vector>> = {
  md5: { input: 'abc', seed: 0, hex: '900150983cd24fb0d6963f7d28e17f72' },
  sha1: { input: 'abc', seed: 0, hex: 'a9993e364706816aba3e25717850c26c9cd0d89d' },
  sha256: { input: 'abc', seed: 0, hex: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' },
  sha512: {
    input: 'abc',
    seed: 0,
    hex: 'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
  },
  fnv1a: { input: 'a', seed: 0, hex: 'e40c292c' },
  murmur3: { input: 'The quick brown fox jumps over the lazy dog', seed: 0x9747b28c, hex: '2fa826cd' },
  xxhash64: { input: '', seed: 0, hex: 'ef46db3751d8e999' },
};
