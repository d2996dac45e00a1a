/**
 * Kademlia's data structures against brute force: the XOR metric on hex ids
 * (§2.1) against BigInt arithmetic, the routing table's k closest (§2.2)
 * against a sort of every contact, the oracle's k closest against a sort of
 * every live id, and the k-bucket rules (§2.2, §4.1) step by step.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  bucketIndex, compareDistance, distance, isId, keyId, parseId, permutedId, prefixRange, randomId, randomIdInBucket,
} from '../../../src/protocols/kademlia/ids.js';
import { appended, CHUNK, CHUNK_BITS, ChunkEdit, chunked, entry, flatten, sizeOf, type Chunks } from '../../../src/protocols/kademlia/_chunks.js';
import { answered, candidates, newLookup, nextQueries, ranked, timedOut } from '../../../src/protocols/kademlia/lookup.js';
import { LiveIds } from '../../../src/protocols/kademlia/oracle.js';
import { closest, EMPTY_TABLE, failed, makeContact, observe, type Contact, type Table } from '../../../src/protocols/kademlia/table.js';
import { mulberry32 } from '../../_random.js';

const big = (id: string): bigint => BigInt(`0x${id}`);
const xor = (a: string, b: string): bigint => big(a) ^ big(b);

/** A random `bits`-bit id from fast-check. */
const idArb = (bits: number) => fc.bigInt({ min: 0n, max: (1n << BigInt(bits)) - 1n }).map((x) => x.toString(16).padStart(Math.ceil(bits / 4), '0'));
const bitsArb = fc.constantFrom(4, 5, 8, 13, 16, 32, 64, 160);

function intFrom(rnd: () => number): (a: number, b: number) => number {
  return (a, b) => a + Math.floor(rnd() * (b - a + 1));
}

describe('Kademlia ids: the XOR metric (§2.1)', () => {
  it('compareDistance orders as XOR read as an unsigned integer (BigInt oracle)', () => {
    fc.assert(fc.property(bitsArb.chain((bits) => fc.tuple(idArb(bits), idArb(bits), idArb(bits))), ([a, b, t]) => {
      const want = xor(a, t) < xor(b, t) ? -1 : xor(a, t) > xor(b, t) ? 1 : 0;
      assert.equal(Math.sign(compareDistance(a, b, t)), want);
    }), { numRuns: 500 });
  });

  it('bucketIndex is the highest differing bit: 2^i ≤ d < 2^(i+1); -1 for the same id', () => {
    fc.assert(fc.property(bitsArb.chain((bits) => fc.tuple(idArb(bits), idArb(bits))), ([a, b]) => {
      const d = xor(a, b);
      const i = bucketIndex(a, b);
      if (d === 0n) assert.equal(i, -1);
      else assert.ok((1n << BigInt(i)) <= d && d < (1n << BigInt(i + 1)), `${a} ${b} → ${i}`);
      assert.equal(big(distance(a, b)), d);
    }), { numRuns: 500 });
  });

  it('XOR is a metric: d(x,x)=0, symmetric, triangle inequality, and unidirectional', () => {
    fc.assert(fc.property(idArb(16), idArb(16), idArb(16), (x, y, z) => {
      assert.equal(xor(x, x), 0n);
      assert.equal(xor(x, y), xor(y, x));
      assert.ok(xor(x, z) <= xor(x, y) + xor(y, z));
      // Unidirectional: only y lies at distance d(x, y) from x.
      const d = xor(x, y);
      assert.equal(big(x) ^ d, big(y));
    }));
  });

  it('ids of odd widths keep their unused top bits zero; parseId accepts short and 0x forms', () => {
    assert.equal(isId('1f', 5), true);
    assert.equal(isId('2f', 5), false);
    assert.equal(parseId('0x3F', 8), '3f');
    assert.equal(parseId('f', 8), '0f');
    assert.equal(parseId('100', 8), undefined);
    assert.equal(parseId('zz', 8), undefined);
    const rnd = mulberry32(3);
    for (let i = 0; i < 200; i++) assert.ok(isId(randomId(5, intFrom(rnd)), 5));
  });

  it('keyId is the top bits of SHA-1 (the paper\'s 160-bit keys)', () => {
    // sha1("apple") = d0be2dc421be4fcd0172e5afceea3970e2f3d940
    assert.equal(keyId('apple', 160), 'd0be2dc421be4fcd0172e5afceea3970e2f3d940');
    assert.equal(keyId('apple', 8), 'd0');
    assert.equal(keyId('apple', 4), 'd');
    assert.equal(keyId('apple', 6), '34'); // 110100 = the top 6 bits of 0xd0
  });

  it('randomIdInBucket lands in the asked bucket', () => {
    fc.assert(fc.property(bitsArb.chain((bits) => fc.tuple(fc.constant(bits), idArb(bits), fc.nat({ max: bits - 1 }), fc.integer())), ([bits, self, i, seed]) => {
      const id = randomIdInBucket(self, i, bits, intFrom(mulberry32(seed)));
      assert.ok(isId(id, bits));
      assert.equal(bucketIndex(self, id), i);
    }), { numRuns: 500 });
  });

  it('permutedId is a bijection on small spaces', () => {
    for (const bits of [1, 3, 8, 10]) {
      const seen = new Set<string>();
      for (let p = 0; p < 2 ** bits; p++) seen.add(permutedId(p, bits));
      assert.equal(seen.size, 2 ** bits);
      for (const id of seen) assert.ok(isId(id, bits));
    }
  });

  it('prefixRange bounds exactly the ids that share the prefix', () => {
    fc.assert(fc.property(fc.constantFrom(5, 8, 13).chain((bits) => fc.tuple(fc.constant(bits), idArb(bits), idArb(bits), fc.nat({ max: bits }))), ([bits, t, x, p]) => {
      const [lo, hi] = prefixRange(t, p, bits);
      const shares = p === 0 || (xor(t, x) >> BigInt(bits - p)) === 0n;
      assert.equal(lo <= x && x <= hi, shares);
    }), { numRuns: 500 });
  });
});

/** Contacts c0.. with random ids (as nodes make them, with their top bits, or as plain objects). */
function contacts(n: number, bits: number, seed: number, made = true): Contact[] {
  const rnd = mulberry32(seed);
  const seen = new Set<string>();
  const out: Contact[] = [];
  while (out.length < n) {
    const id = randomId(bits, intFrom(rnd));
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(made ? makeContact(`c${out.length}`, id) : { node: `c${out.length}`, id });
  }
  return out;
}

/** The table after hearing from each contact in turn. */
function fill(self: string, list: readonly Contact[], k: number, bits: number): Table {
  let t = EMPTY_TABLE;
  list.forEach((c) => { t = observe(t, self, c, k, bits).table; });
  return t;
}

describe('Kademlia routing table (§2.2)', () => {
  it('closest() returns the n contacts a full sort by XOR distance would', () => {
    fc.assert(fc.property(fc.constantFrom(8, 16, 30, 160), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 25 }), fc.integer(), fc.integer({ min: 1, max: 30 }), fc.boolean(), (bits, n, k, seed, want, made) => {
      const all = contacts(Math.min(n + 1, 2 ** bits), bits, seed, made);
      const self = all.pop()!.id;
      const table = fill(self, all, k, bits);
      const held = table.flatMap((b) => b.contacts);
      const target = randomId(bits, intFrom(mulberry32(seed ^ 0x5555)));
      const expected = held.slice().sort((a, b) => compareDistance(a.id, b.id, target)).slice(0, want);
      assert.deepEqual(closest(table, self, target, want).map((c) => c.node), expected.map((c) => c.node));
      // The target may be the node's own id, too.
      const own = held.slice().sort((a, b) => compareDistance(a.id, b.id, self)).slice(0, want);
      assert.deepEqual(closest(table, self, self, want).map((c) => c.node), own.map((c) => c.node));
    }), { numRuns: 300 });
  });

  it('files every contact in bucket bucketIndex(self, id), made contacts (top bits) and hand-made ones alike, at any id width', () => {
    fc.assert(fc.property(bitsArb, fc.integer(), fc.boolean(), (bits, seed, made) => {
      const all = contacts(Math.min(60, 2 ** bits), bits, seed, made);
      const self = all.pop()!.id;
      const table = fill(self, all, 100, bits);
      for (const b of table) for (const c of b.contacts) assert.equal(b.i, bucketIndex(self, c.id), `${c.id} from ${self}`);
      assert.equal(table.reduce((n, b) => n + b.contacts.length, 0), all.length, 'k = 100: every contact kept');
    }), { numRuns: 300 });
  });

  it('keeps every contact in the bucket of its distance, at most k per bucket, the first k seen', () => {
    const bits = 16;
    const all = contacts(2001, bits, 9);
    const self = all.pop()!.id;
    const k = 5;
    const table = fill(self, all, k, bits);
    const firstSeen = new Map<number, string[]>();
    for (const c of all) {
      const i = bucketIndex(self, c.id);
      const list = firstSeen.get(i) ?? [];
      if (list.length < k) list.push(c.node);
      firstSeen.set(i, list);
    }
    for (const b of table) {
      assert.ok(b.contacts.length <= k);
      for (const c of b.contacts) assert.equal(bucketIndex(self, c.id), b.i);
      assert.deepEqual(b.contacts.map((c) => c.node), firstSeen.get(b.i));
    }
  });

  it('§2.2: a known contact moves to the tail (most recently seen); one already there changes nothing', () => {
    const [a, b, c] = [{ node: 'a', id: '80' }, { node: 'b', id: '90' }, { node: 'c', id: 'a0' }];
    let t = fill('00', [a, b, c], 3, 8);
    assert.deepEqual(t[0]!.contacts.map((x) => x.node), ['a', 'b', 'c']);
    t = observe(t, '00', a, 3, 8).table;
    assert.deepEqual(t[0]!.contacts.map((x) => x.node), ['b', 'c', 'a']);
    assert.equal(observe(t, '00', a, 3, 8).table, t);
  });

  it('§2.2: a full bucket pings its least recently seen contact; the newcomer waits in the replacement cache (§4.1)', () => {
    const [a, b, c] = [{ node: 'a', id: '80' }, { node: 'b', id: '90' }, { node: 'c', id: 'a0' }];
    let t = fill('00', [a, b], 2, 8);
    t = observe(t, '00', a, 2, 8).table; // now b is the least recently seen
    const r = observe(t, '00', c, 2, 8);
    assert.equal(r.ping?.node, 'b');
    assert.deepEqual(r.table[0]!.contacts.map((x) => x.node), ['b', 'a']);
    assert.deepEqual(r.table[0]!.cache.map((x) => x.node), ['c']);
    assert.equal(r.table[0]!.probe, 'b');
    // A second newcomer while the probe is out does not ping again.
    assert.equal(observe(r.table, '00', { node: 'd', id: 'b0' }, 2, 8).ping, null);
  });

  it('§2.2: the pinged contact answers → it stays (now the most recently seen), the newcomer is not added', () => {
    const [a, b, c] = [{ node: 'a', id: '80' }, { node: 'b', id: '90' }, { node: 'c', id: 'a0' }];
    const r = observe(fill('00', [a, b], 2, 8), '00', c, 2, 8);
    assert.equal(r.ping?.node, 'a');
    const t = observe(r.table, '00', a, 2, 8).table;
    assert.deepEqual(t[0]!.contacts.map((x) => x.node), ['b', 'a']);
    assert.deepEqual(t[0]!.cache.map((x) => x.node), ['c']);
    assert.equal(t[0]!.probe, null);
  });

  it('§2.2/§4.1: the pinged contact does not answer → it is evicted and the most recent replacement takes its place', () => {
    const [a, b, c, d] = [{ node: 'a', id: '80' }, { node: 'b', id: '90' }, { node: 'c', id: 'a0' }, { node: 'd', id: 'b0' }];
    let t = observe(fill('00', [a, b], 2, 8), '00', c, 2, 8).table;
    t = observe(t, '00', d, 2, 8).table;
    t = failed(t, '00', a, 8);
    assert.deepEqual(t[0]!.contacts.map((x) => x.node), ['b', 'd'], 'the replacement is the most recently seen');
    assert.deepEqual(t[0]!.cache.map((x) => x.node), ['c']);
  });

  it('§4.1: a timed-out contact with no replacement stays, marked stale; it is not handed out; a newcomer replaces it at once', () => {
    const [a, b, c] = [{ node: 'a', id: '80' }, { node: 'b', id: '90' }, { node: 'c', id: 'a0' }];
    let t = fill('00', [a, b], 2, 8);
    t = failed(t, '00', a, 8);
    assert.deepEqual(t[0]!.stale, { a: 1 });
    assert.deepEqual(closest(t, '00', '80', 5).map((x) => x.node), ['b']);
    const r = observe(t, '00', c, 2, 8);
    assert.equal(r.ping, null);
    assert.deepEqual(r.table[0]!.contacts.map((x) => x.node), ['b', 'c']);
    // Heard from again, a stale contact is fresh.
    assert.deepEqual(observe(t, '00', a, 2, 8).table[0]!.stale, {});
  });

  it('a contact\'s hidden top bits do not show in JSON or deep equality', () => {
    const c = makeContact('n1', 'abcdef0123');
    assert.equal(JSON.stringify(c), '{"node":"n1","id":"abcdef0123"}');
    assert.deepStrictEqual(c, { node: 'n1', id: 'abcdef0123' });
  });

  it('never files the node\'s own id', () => {
    assert.equal(observe(EMPTY_TABLE, '3f', { node: 'me', id: '3f' }, 2, 8).table.length, 0);
  });
});

describe('Kademlia oracle: the true k closest live ids', () => {
  it('agrees with sorting every live id by XOR distance, as ids come and go', () => {
    fc.assert(fc.property(fc.constantFrom(6, 8, 16, 160), fc.integer(), fc.integer({ min: 1, max: 25 }), (bits, seed, k) => {
      const rnd = mulberry32(seed);
      const oracle = new LiveIds(bits);
      const live = new Map<string, string>();
      for (let step = 0; step < 120; step++) {
        if (live.size > 0 && rnd() < 0.3) {
          const ids = [...live.keys()];
          const id = ids[Math.floor(rnd() * ids.length)]!;
          oracle.remove(id, live.get(id)!);
          live.delete(id);
        } else {
          const id = randomId(bits, intFrom(rnd));
          if (live.has(id)) continue;
          live.set(id, `n${step}`);
          oracle.add(id, `n${step}`);
        }
        const target = randomId(bits, intFrom(rnd));
        const want = [...live.keys()].sort((a, b) => compareDistance(a, b, target)).slice(0, k);
        assert.deepEqual(oracle.closest(target, k), want);
      }
    }), { numRuns: 60 });
  });
});

describe('Kademlia lookup state: chunked candidate lists (_chunks.ts)', () => {
  it('appends and changes read back like a plain array; a change copies one chunk and shares the rest; the old version is untouched', () => {
    fc.assert(fc.property(fc.array(fc.oneof(
      fc.record({ append: fc.array(fc.integer(), { maxLength: 40 }) }),
      fc.record({ set: fc.array(fc.tuple(fc.nat(), fc.integer()), { minLength: 1, maxLength: 4 }) }),
    ), { maxLength: 30 }), (ops) => {
      let list: Chunks<number> = chunked<number>([]);
      let model: number[] = [];
      for (const op of ops) {
        const before = list;
        const beforeModel = model.slice();
        if ('append' in op) {
          list = appended(list, op.append);
          model = model.concat(op.append);
        } else {
          if (model.length === 0) continue;
          const edit = new ChunkEdit(list);
          const touched = new Set<number>();
          for (const [j0, x] of op.set) {
            const j = j0 % model.length;
            edit.set(j, x);
            model[j] = x;
            touched.add(j >> CHUNK_BITS);
          }
          list = edit.done();
          list.forEach((chunk, c) => assert.equal(chunk === before[c], !touched.has(c), `chunk ${c} shared unless changed`));
        }
        assert.deepEqual(flatten(before), beforeModel, 'the old version is unchanged');
        assert.equal(sizeOf(list), model.length);
        assert.deepEqual(flatten(list), model);
        model.forEach((x, j) => assert.equal(entry(list, j), x));
        list.forEach((chunk, c) => { if (c < list.length - 1) assert.equal(chunk.length, CHUNK, 'every chunk but the last is full'); });
      }
    }), { numRuns: 300 });
  });
});

describe('Kademlia lookups (§2.3): the distance order of the candidates', () => {
  it('ranked() is a full sort by XOR distance after any replies and timeouts, also for two lookups of one target taking turns', () => {
    fc.assert(fc.property(fc.constantFrom(8, 16, 160), fc.integer(), fc.integer({ min: 1, max: 8 }), (bits, seed, k) => {
      const rnd = mulberry32(seed);
      const all = contacts(Math.min(300, 2 ** bits), bits, seed, true);
      // n distinct contacts (a table's closest() never names one twice; a reply may, and is deduplicated)
      const pick = (n: number) => [...new Set(Array.from({ length: n }, () => all[Math.floor(rnd() * all.length)]!))];
      const target = randomId(bits, intFrom(rnd));
      let next = 1;
      const stamp = () => ({ rpc: next++, at: 0 });
      let lookups = [0, 1].map((n) => nextQueries(newLookup({ n, kind: 'lookup', target, started: 0, self: all[n]!, seeds: pick(k) }), 3, k, stamp).lookup);
      for (let step = 0; step < 40; step++) {
        const which = Math.floor(rnd() * 2);
        let lk = lookups[which]!;
        const asked = candidates(lk).filter((x) => x.st === 'asked');
        if (asked.length === 0) break;
        const one = asked[Math.floor(rnd() * asked.length)]!;
        lk = rnd() < 0.8 ? answered(lk, one.rpc!, pick(k), lk.list[0]![0]!.c.node, 3, k) : timedOut(lk, one.rpc!, 3);
        lk = nextQueries(lk, 3, k, stamp).lookup;
        lookups[which] = lk;
        const want = candidates(lk).sort((a, b) => compareDistance(a.c.id, b.c.id, target));
        assert.deepEqual(ranked(lk).map((x) => x.c.id), want.map((x) => x.c.id));
        assert.equal(new Set(want.map((x) => x.c.id)).size, want.length, 'no candidate twice');
        lookups = lookups.slice();
      }
    }), { numRuns: 200 });
  });
});
