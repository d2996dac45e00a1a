/**
 * Published test vectors for every algorithm of the `hash` protocol, and
 * cross-checks: md5/sha* against node:crypto on random inputs, XXH64 against
 * a BigInt transcription of the spec.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { digestHex, type Algorithm } from '../../../src/protocols/hash/algorithms.js';
import { fnv1a32, fnv1a32String } from '../../../src/protocols/hash/fnv1a.js';
import { murmur3_32 } from '../../../src/protocols/hash/murmur3.js';
import { xxhash64, xxhash64Halves } from '../../../src/protocols/hash/xxhash64.js';
import { VECTORS } from '../../../src/protocols/hash/vectors.js';

const enc = new TextEncoder();
const ABC448 = 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq';

describe('md5 (RFC 1321 §A.5 test suite)', () => {
  const suite: [string, string][] = [
    ['', 'd41d8cd98f00b204e9800998ecf8427e'],
    ['a', '0cc175b9c0f1b6a831c399e269772661'],
    ['abc', '900150983cd24fb0d6963f7d28e17f72'],
    ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
    ['abcdefghijklmnopqrstuvwxyz', 'c3fcd3d76192e4007dfb496cca67e13b'],
    ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 'd174ab98d277d9f5a5611c2c9f419d9f'],
    ['1234567890'.repeat(8), '57edf4a22be3c955ac49da2e2107b67a'],
  ];
  for (const [input, hex] of suite) {
    it(`MD5("${input.length > 20 ? input.slice(0, 20) + '…' : input}")`, () => assert.equal(digestHex('md5', input), hex));
  }
});

describe('sha1 / sha256 / sha512 (FIPS 180-4 examples)', () => {
  it('"abc"', () => {
    assert.equal(digestHex('sha1', 'abc'), 'a9993e364706816aba3e25717850c26c9cd0d89d');
    assert.equal(digestHex('sha256', 'abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.equal(
      digestHex('sha512', 'abc'),
      'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    );
  });
  it('the 448-bit message "abcdbcde…nopq"', () => {
    assert.equal(digestHex('sha1', ABC448), '84983e441c3bd26ebaae4aa1f95129e5e54670f1');
    assert.equal(digestHex('sha256', ABC448), '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
    assert.equal(
      digestHex('sha512', ABC448),
      '204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c33596fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445',
    );
  });
  it('one million "a" (sha256)', () => {
    assert.equal(digestHex('sha256', new Uint8Array(1_000_000).fill(0x61)), 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
  });
  it('the seed example: sha256("apple")', () => {
    assert.equal(digestHex('sha256', 'apple'), '3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b');
  });
  it('agree with node:crypto on random inputs (md5, sha1, sha256, sha512)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.constantFrom<Algorithm>('md5', 'sha1', 'sha256', 'sha512'), (bytes, alg) => {
        assert.equal(digestHex(alg, bytes), createHash(alg).update(bytes).digest('hex'));
      }),
      { numRuns: 300 },
    );
  });
  it('hash strings as UTF-8, like node:crypto', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (s) => {
        assert.equal(digestHex('sha256', s), createHash('sha256').update(s, 'utf8').digest('hex'));
      }),
      { numRuns: 200 },
    );
  });
});

describe('fnv1a32 (FNV test suite)', () => {
  it('published FNV-1a 32 values', () => {
    assert.equal(fnv1a32(enc.encode('')), 0x811c9dc5);
    assert.equal(fnv1a32(enc.encode('a')), 0xe40c292c);
    assert.equal(fnv1a32(enc.encode('foobar')), 0xbf9cf968);
  });
  it('fnv1a32String() equals fnv1a32() of the UTF-8 bytes, surrogates included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 50 }), (s) => {
        assert.equal(fnv1a32String(s), fnv1a32(enc.encode(s)));
      }),
      { numRuns: 500 },
    );
  });
});

describe('murmur3_32 (MurmurHash3 x86_32 verification values)', () => {
  const vectors: [string, number, number][] = [
    ['', 0, 0],
    ['', 1, 0x514e28b7],
    ['', 0xffffffff, 0x81f16f39],
    ['\0\0\0\0', 0, 0x2362f9de],
    ['aaaa', 0x9747b28c, 0x5a97808a],
    ['abc', 0, 0xb3dd93fa],
    ['test', 0, 0xba6bd213],
    ['Hello, world!', 1234, 0xfaf6cdb3],
    ['Hello, world!', 4321, 0xbf505788],
    ['The quick brown fox jumps over the lazy dog', 0x9747b28c, 0x2fa826cd],
  ];
  for (const [input, seed, want] of vectors) {
    it(`murmur3_32(${JSON.stringify(input)}, ${seed})`, () => assert.equal(murmur3_32(enc.encode(input), seed), want));
  }
  it('rejects a bad seed with RangeError', () => {
    assert.throws(() => murmur3_32(new Uint8Array(1), -1), RangeError);
    assert.throws(() => murmur3_32(new Uint8Array(1), 2 ** 32), RangeError);
  });
});

// ---- XXH64: a BigInt transcription of doc/xxhash_spec.md, as the independent reference ----
const M = (1n << 64n) - 1n;
const Q1 = 0x9e3779b185ebca87n, Q2 = 0xc2b2ae3d27d4eb4fn, Q3 = 0x165667b19e3779f9n, Q4 = 0x85ebca77c2b2ae63n, Q5 = 0x27d4eb2f165667c5n;
const rot = (x: bigint, r: bigint) => ((x << r) | (x >> (64n - r))) & M;
const rd = (d: Uint8Array, i: number, n: number) => { let v = 0n; for (let k = n - 1; k >= 0; k--) v = (v << 8n) | BigInt(d[i + k]!); return v; };
const rnd = (acc: bigint, x: bigint) => (rot((acc + x * Q2) & M, 31n) * Q1) & M;
function xxh64Ref(d: Uint8Array, seed: bigint): bigint {
  let i = 0;
  let h: bigint;
  if (d.length >= 32) {
    const v = [(seed + Q1 + Q2) & M, (seed + Q2) & M, seed, (seed - Q1) & M];
    for (; i + 32 <= d.length; i += 32) for (let l = 0; l < 4; l++) v[l] = rnd(v[l]!, rd(d, i + 8 * l, 8));
    h = (rot(v[0]!, 1n) + rot(v[1]!, 7n) + rot(v[2]!, 12n) + rot(v[3]!, 18n)) & M;
    for (const x of v) h = (((h ^ rnd(0n, x)) * Q1) + Q4) & M;
  } else h = (seed + Q5) & M;
  h = (h + BigInt(d.length)) & M;
  for (; i + 8 <= d.length; i += 8) h = ((rot(h ^ rnd(0n, rd(d, i, 8)), 27n) * Q1) + Q4) & M;
  if (i + 4 <= d.length) { h = ((rot(h ^ ((rd(d, i, 4) * Q1) & M), 23n) * Q2) + Q3) & M; i += 4; }
  for (; i < d.length; i++) h = (rot(h ^ ((BigInt(d[i]!) * Q5) & M), 11n) * Q1) & M;
  h ^= h >> 33n; h = (h * Q2) & M; h ^= h >> 29n; h = (h * Q3) & M; h ^= h >> 32n;
  return h;
}

describe('xxhash64 (xxHash sanity checks and spec)', () => {
  it('known digests with seed 0', () => {
    assert.equal(xxhash64(enc.encode('')), 0xef46db3751d8e999n);
    assert.equal(xxhash64(enc.encode('a')), 0xd24ec4f1a98c6e5bn);
    assert.equal(xxhash64(enc.encode('abc')), 0x44bc2cf5ad770999n);
    assert.equal(xxhash64(enc.encode('Nobody inspects the spammish repetition')), 0xfbcea83c8a378bf1n);
  });
  it("xxhsum's sanity buffer (seeds 0 and PRIME32_1)", () => {
    const prime = 2654435761;
    const buf = new Uint8Array(101);
    let gen = prime;
    for (let i = 0; i < buf.length; i++) { buf[i] = gen >>> 24; gen = Math.imul(gen, gen) >>> 0; }
    const cases: [number, number, bigint][] = [
      [0, prime, 0xac75fda2929b17efn], [1, 0, 0x4fce394cc88952d8n], [1, prime, 0x739840cb819fa723n],
      [14, 0, 0xcffa8db881bc3a3dn], [14, prime, 0x5b9611585efcc9cbn], [101, 0, 0x0eab543384f878adn], [101, prime, 0xcaa65939306f1e21n],
    ];
    for (const [len, seed, want] of cases) assert.equal(xxhash64(buf.subarray(0, len), seed), want, `len ${len} seed ${seed}`);
  });
  it('equals the BigInt reference on random inputs and 64-bit seeds', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.bigInt({ min: 0n, max: M }), (bytes, seed) => {
        assert.equal(xxhash64(bytes, seed), xxh64Ref(bytes, seed));
      }),
      { numRuns: 500 },
    );
  });
  it('xxhash64Halves() splits the same value', () => {
    const [hi, lo] = xxhash64Halves(enc.encode('abc'));
    assert.equal((BigInt(hi) << 32n) | BigInt(lo), 0x44bc2cf5ad770999n);
  });
});

describe('VECTORS (the invariant digests_match_vectors)', () => {
  for (const [alg, v] of Object.entries(VECTORS)) {
    it(`${alg} reproduces its vector`, () => assert.equal(digestHex(alg as Algorithm, v.input, v.seed), v.hex));
  }
});
