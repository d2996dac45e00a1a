/**
 * The `hash` protocol through its handlers: dedupe, bucket uniformity,
 * avalanche, invariants and queries.
 */
import assert from 'node:assert/strict';
import { hashProtocol as hashProtocolSpec } from '../../../src/protocols/hash/index.js';
import { checkDedupe } from '../../../src/protocols/hash/invariants.js';
import { measureAvalanche } from '../../../src/protocols/hash/machine.js';
import type { HashState } from '../../../src/protocols/hash/state.js';
import { gammaQ, uniformity } from '../../../src/protocols/hash/stats.js';
import { checkOnce, Cluster, makeContext, makeWorld } from '../_context.js';
import { withDefaults } from '../../../src/engine/defaults.js';

const hashProtocol = withDefaults(hashProtocolSpec);

const APPLE_SHA256 = '3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b';

function cluster(params: Record<string, string | number> = {}): Cluster<HashState> {
  return new Cluster(hashProtocol, [], params);
}

describe('hash protocol', () => {
  it('adds one implicit node, hasher, which is the client target', () => {
    const c = cluster();
    assert.deepEqual(c.nodes, ['hasher']);
    assert.equal(hashProtocol.clientTarget({ nodes: c.nodes, params: c.params }), 'hasher');
    assert.equal(hashProtocol.role(c.states.get('hasher')!), 'hasher');
  });

  describe('hash (dedupe)', () => {
    it('the seed example: apple, banana, apple, orange, banana → 3 unique, 2 duplicates', () => {
      const c = cluster();
      const replies = ['apple', 'banana', 'apple', 'orange', 'banana'].map((v) => c.client('hash', { value: v }));
      assert.deepEqual(replies[0], { opId: 'c1', ok: true, result: { digest: APPLE_SHA256, duplicate: false } });
      assert.deepEqual(replies.map((r) => (r.result as { duplicate: boolean }).duplicate), [false, false, true, false, true]);
      assert.equal(c.query('unique'), 3);
      assert.equal(c.query('duplicates'), 2);
      assert.equal(c.query('digest', { value: 'apple' }), APPLE_SHA256);
      const s = c.states.get('hasher')!;
      assert.deepEqual(s.seen[APPLE_SHA256], { value: 'apple', count: 2 });
      assert.equal(c.metrics['unique'], 3);
      assert.equal(c.metrics['duplicates'], 2);
      assert.deepEqual([...c.violations], []);
    });

    it('uses the configured algorithm and seed', () => {
      const c = cluster({ algorithm: 'murmur3', hash_seed: 1234 });
      assert.deepEqual(c.client('hash', { value: 'Hello, world!' }).result, { digest: 'faf6cdb3', duplicate: false });
      assert.equal(c.query('digest', { value: 'Hello, world!' }), 'faf6cdb3');
    });

    it('returns a state unchanged by nothing but new objects when it changes (immutability)', () => {
      const ctx = makeContext({ id: 'hasher', nodes: ['hasher'] });
      const s0 = hashProtocol.init(ctx);
      const s1 = hashProtocol.onClient(s0, { id: 'c1', name: 'hash', args: { value: 'x' } }, ctx);
      assert.notEqual(s0, s1);
      assert.equal(s0.hashed, 0);
      assert.deepEqual(s0.seen, {});
    });
  });

  describe('hash_keys', () => {
    it('sha256 spreads 20 000 keys uniformly over 16 buckets', () => {
      const c = cluster();
      const r = c.client('hash_keys', { count: 20_000 });
      assert.equal(r.ok, true);
      const s = c.states.get('hasher')!;
      assert.equal(s.buckets.length, 16);
      assert.equal(s.buckets.reduce((a, b) => a + b, 0), 20_000);
      assert.equal(c.metrics['uniform'], 1);
      assert.ok(c.metrics['chi_square_p']! >= 0.01);
      assert.ok(c.metrics['bucket_max_over_mean']! < 1.1);
      assert.equal(c.query('bucket_count', { bucket: 3 }), s.buckets[3]);
    });

    it('honours `into B` over the buckets parameter', () => {
      const c = cluster({ algorithm: 'xxhash64', buckets: 8 });
      c.client('hash_keys', { count: 1000, buckets: 10 });
      assert.equal(c.states.get('hasher')!.buckets.length, 10);
      c.client('hash_keys', { count: 1000 });
      assert.equal(c.states.get('hasher')!.buckets.length, 8);
    });

    it('rejects a bad count with a failed reply, not an exception', () => {
      const c = cluster();
      const r = c.client('hash_keys', { count: 0 });
      assert.equal(r.ok, false);
      assert.match(String(r.result), /count must be in/);
    });
  });

  describe('avalanche', () => {
    for (const alg of ['md5', 'sha256', 'murmur3', 'xxhash64'] as const) {
      it(`${alg} flips about half the output bits`, () => {
        const r = measureAvalanche({ algorithm: alg, seed: 0 }, 200);
        assert.ok(Math.abs(r.mean - 0.5) < 0.01, `${alg}: ${r.mean}`);
      });
    }
    it('FNV-1a shows its weak avalanche (worst output bit far from 1/2)', () => {
      const fnv = measureAvalanche({ algorithm: 'fnv1a', seed: 0 }, 200);
      const sha = measureAvalanche({ algorithm: 'sha256', seed: 0 }, 200);
      assert.ok(fnv.bias > 0.2, `fnv bias ${fnv.bias}`);
      assert.ok(sha.bias < 0.1, `sha256 bias ${sha.bias}`);
    });
    it('reports the metric through the op', () => {
      const c = cluster({ algorithm: 'sha1' });
      c.client('avalanche', { count: 50 });
      assert.ok(Math.abs(c.metrics['avalanche']! - 0.5) < 0.02);
      assert.equal(c.states.get('hasher')!.avalanche, c.metrics['avalanche']);
    });
  });

  describe('errors and other nodes', () => {
    it('an unknown operation gets a failed reply', () => {
      assert.equal(cluster().client('frobnicate').ok, false);
    });
    it('a declared (idle) node refuses operations', () => {
      const ctx = makeContext({ id: 'n1', nodes: ['n1', 'hasher'] });
      const s = hashProtocol.init(ctx);
      assert.equal(s.role, 'idle');
      assert.equal(hashProtocol.onClient(s, { id: 'c1', name: 'hash', args: { value: 'a' } }, ctx), s);
      assert.equal(ctx.effects.replies[0]!.ok, false);
    });
    it('a restart forgets the table (nothing is persisted)', () => {
      const c = cluster();
      c.client('hash', { value: 'a' });
      c.restart('hasher');
      assert.equal(c.query('unique'), 0);
    });
  });

  describe('invariants', () => {
    it('digests_match_vectors holds for every algorithm', () => {
      const inv = hashProtocol.vocabulary.invariants.find((i) => i.name === 'digests_match_vectors')!;
      for (const algorithm of ['md5', 'sha1', 'sha256', 'sha512', 'fnv1a', 'murmur3', 'xxhash64']) {
        const ctx = makeContext({ id: 'hasher', nodes: ['hasher'], params: { algorithm } });
        assert.equal(checkOnce([inv], makeWorld({ hasher: hashProtocol.init(ctx) }, { algorithm })).size, 0, algorithm);
      }
    });
    it('dedupe_consistent catches a value filed under the wrong digest', () => {
      const c = cluster();
      c.client('hash', { value: 'apple' });
      const s = c.states.get('hasher')!;
      const forged: HashState = { ...s, seen: { [APPLE_SHA256]: { value: 'pear', count: 1 } } };
      assert.match(checkDedupe(forged)!, /"pear" is filed under/);
    });
    it('dedupe_consistent catches counts that do not add up', () => {
      const c = cluster();
      c.client('hash', { value: 'apple' });
      const s = c.states.get('hasher')!;
      assert.match(checkDedupe({ ...s, hashed: 5 })!, /counts sum to 1 but 5/);
      assert.match(checkDedupe({ ...s, duplicates: 1 })!, /duplicates = 1/);
    });
  });
});

describe('stats', () => {
  it('gammaQ gives the χ² critical values of the tables (p = 0.05)', () => {
    assert.ok(Math.abs(gammaQ(0.5, 3.841 / 2) - 0.05) < 1e-3);
    assert.ok(Math.abs(gammaQ(5, 18.307 / 2) - 0.05) < 1e-3);
    assert.ok(Math.abs(gammaQ(7.5, 24.996 / 2) - 0.05) < 1e-3);
    assert.ok(Math.abs(gammaQ(1, 2) - Math.exp(-2)) < 1e-12);
  });
  it('uniformity() of a perfect histogram has χ² = 0 and p = 1', () => {
    const u = uniformity([5, 5, 5, 5]);
    assert.equal(u.chiSquare, 0);
    assert.equal(u.pValue, 1);
  });
  it('uniformity() flags a skewed histogram', () => {
    const u = uniformity([100, 10, 10, 10]);
    assert.ok(u.pValue < 1e-6);
    assert.equal(u.max, 100);
  });
  it('gammaQ rejects bad arguments with RangeError', () => {
    assert.throws(() => gammaQ(0, 1), RangeError);
  });
});
