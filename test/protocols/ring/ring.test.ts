/**
 * Ring: lookups against a brute-force oracle, ketama mode against the
 * `hashring` npm package (an independent implementation of libketama), and
 * balance versus virtual nodes.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { Ring, hashKey32, RING_HASHES, type RingHash } from '../../../src/protocols/ring/ring.js';

const HashRing = createRequire(import.meta.url)('hashring') as new (servers: unknown, algorithm?: string, options?: Record<string, unknown>) => {
  get(key: string): string;
  range(key: string, size: number): string[];
  size: number;
};

/** Oracle: scan all points for the smallest one ≥ h, else the smallest point. */
function bruteLocate(ring: Ring, h: number): string | undefined {
  let best = -1;
  let lowest = -1;
  for (let i = 0; i < ring.points.length; i++) {
    const p = ring.points[i]!;
    if (lowest < 0 || p < ring.points[lowest]!) lowest = i;
    if (p >= h && (best < 0 || p < ring.points[best]!)) best = i;
  }
  const at = best >= 0 ? best : lowest;
  return at < 0 ? undefined : ring.members[ring.owners[at]!];
}

describe('Ring#locate()', () => {
  it('agrees with a brute-force scan of the points', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 30 }), fc.constantFrom<RingHash>(...RING_HASHES),
        fc.constantFrom('standard' as const, 'ketama' as const), fc.array(fc.nat({ max: 0xffffffff }), { minLength: 1, maxLength: 30 }),
        (n, vnodes, hash, mode, probes) => {
          const ring = new Ring({ vnodes, hash, mode, weights: Array.from({ length: n }, (_, i) => `s${i}`) });
          for (const h of [...probes, 0, 0xffffffff]) assert.equal(ring.locateHash(h), bruteLocate(ring, h));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps the points sorted, and gives each member vnodes × weight points (standard)', () => {
    const ring = new Ring({ vnodes: 50, weights: { a: 1, b: 2, c: 3 } });
    for (let i = 1; i < ring.points.length; i++) assert.ok(ring.points[i - 1]! <= ring.points[i]!);
    assert.deepEqual(ring.pointCounts(), [50, 100, 150]);
  });

  it('an empty ring locates nothing', () => {
    const ring = new Ring({ vnodes: 10, weights: [] });
    assert.equal(ring.locate('x'), undefined);
    assert.deepEqual(ring.preference('x', 3), []);
  });

  it('rejects bad options with TypeError / RangeError', () => {
    assert.throws(() => new Ring(null as never), TypeError);
    assert.throws(() => new Ring({ vnodes: 0, weights: ['a'] }), RangeError);
    assert.throws(() => new Ring({ vnodes: 1, weights: { a: -1 } }), RangeError);
    assert.throws(() => new Ring({ vnodes: 1, weights: ['a', 'a'] }), RangeError);
    assert.throws(() => new Ring({ vnodes: 1, hash: 'crc32' as never, weights: ['a'] }), RangeError);
  });
});

describe('Ring ketama mode = hashring (npm, libketama-compatible)', () => {
  const keys = Array.from({ length: 6000 }, (_, i) => `key-${i}`);
  const cases: { name: string; weights: Record<string, number>; vnodes: number; algorithm: 'md5' | 'sha1' }[] = [
    { name: 'equal weights, 40 vnodes (hashring default)', weights: { n1: 1, n2: 1, n3: 1, n4: 1 }, vnodes: 40, algorithm: 'md5' },
    { name: 'weights 1,3,2,1,5, 160 vnodes', weights: { n1: 1, n2: 3, n3: 2, n4: 1, n5: 5 }, vnodes: 160, algorithm: 'md5' },
    { name: 'host:port names, weights, 10 vnodes', weights: { '10.0.0.1:11211': 2, '10.0.0.2:11211': 1, '10.0.0.3:11211': 7 }, vnodes: 10, algorithm: 'md5' },
    { name: 'sha1, weights 4,1,1', weights: { a: 4, b: 1, c: 1 }, vnodes: 100, algorithm: 'sha1' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const theirs = new HashRing(c.weights, c.algorithm, { 'vnode count': c.vnodes });
      const ours = new Ring({ vnodes: c.vnodes, hash: c.algorithm, mode: 'ketama', weights: c.weights });
      assert.equal(ours.size, theirs.size);
      let differ = 0;
      for (const k of keys) if (ours.locate(k) !== theirs.get(k)) differ++;
      assert.equal(differ, 0);
    });
  }
  it('preference lists equal hashring.range(key, n)', () => {
    const weights = { n1: 1, n2: 3, n3: 2, n4: 1, n5: 5 };
    const theirs = new HashRing(weights, 'md5', { 'vnode count': 40 });
    const ours = new Ring({ vnodes: 40, mode: 'ketama', weights });
    for (const k of keys.slice(0, 1000)) assert.deepEqual(ours.preference(k, 3), theirs.range(k, 3));
  });
});

describe('Ring balance', () => {
  function cv(ring: Ring, n: number): number {
    const counts = new Map<string, number>();
    for (let i = 0; i < n; i++) { const o = ring.locate(`key-${i}`)!; counts.set(o, (counts.get(o) ?? 0) + 1); }
    const xs = ring.members.map((m) => counts.get(m) ?? 0);
    const mean = n / xs.length;
    return Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / xs.length) / mean;
  }
  it('improves with more virtual nodes (1 → 200)', () => {
    const members = ['n1', 'n2', 'n3', 'n4', 'n5'];
    const c1 = cv(new Ring({ vnodes: 1, weights: members }), 20_000);
    const c200 = cv(new Ring({ vnodes: 200, weights: members }), 20_000);
    assert.ok(c200 < 0.1, `cv at 200 vnodes: ${c200}`);
    assert.ok(c1 > c200 * 2, `cv 1 vnode ${c1} vs 200 vnodes ${c200}`);
  });
  it('hashKey32 of md5 is the first little-endian word of the digest (ketama)', () => {
    // md5("") = d41d8cd98f00b204e9800998ecf8427e → bytes d4 1d 8c d9 → LE 0xd98c1dd4
    assert.equal(hashKey32('md5', ''), 0xd98c1dd4);
  });
});
