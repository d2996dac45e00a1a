import assert from 'node:assert/strict';
import fc from 'fast-check';
import { EventQueue } from '../../src/engine/queue.js';

describe('EventQueue', () => {
  it('pops in (time, insertion) order and recycles slots', () => {
    const q = new EventQueue(16);
    q.push(5, 0, 0, 1, 0, null);
    q.push(1, 0, 0, 2, 0, null);
    q.push(5, 0, 0, 3, 0, null);
    q.push(0, 0, 0, 4, 0, 'x');
    const order: number[] = [];
    while (q.size > 0) {
      const s = q.pop();
      order.push(q.a[s]);
      q.release(s);
    }
    assert.deepEqual(order, [4, 2, 1, 3]);
    assert.equal(q.pop(), -1);
    assert.equal(q.peekTime(), Infinity);
  });

  it('agrees with a stable sort on random schedules (grows past its capacity)', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 300 }), (times) => {
      const q = new EventQueue(16);
      times.forEach((t, k) => q.push(t, 0, 0, k, 0, null));
      const expected = times.map((t, k) => ({ t, k })).sort((x, y) => x.t - y.t || x.k - y.k).map((x) => x.k);
      const got: number[] = [];
      for (let s = q.pop(); s >= 0; s = q.pop()) {
        got.push(q.a[s]);
        q.release(s);
      }
      assert.deepEqual(got, expected);
    }));
  });

  it('agrees with a sorted reference when pushes and pops interleave (ties broken by insertion order)', () => {
    fc.assert(fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 20 }), fc.constant(-1)), { maxLength: 400 }), (ops) => {
      const q = new EventQueue(16);
      const ref: { t: number; k: number }[] = [];
      let now = 0;
      ops.forEach((op, k) => {
        if (op >= 0) {
          q.push(now + op, 0, 0, k, 0, k);
          ref.push({ t: now + op, k });
          return;
        }
        ref.sort((x, y) => x.t - y.t || x.k - y.k);
        const want = ref.shift();
        assert.equal(q.peekTime(), want === undefined ? Infinity : want.t);
        const s = q.pop();
        if (want === undefined) return assert.equal(s, -1);
        assert.deepEqual([q.a[s], q.ref[s]], [want.k, want.k]);
        now = want.t;
        q.release(s);
      });
      assert.equal(q.size, ref.length);
    }));
  });
  it('keeps (time, insertion) order when pops, pushes and peeks come in any order (a pop\'s root hole is filled by the next push)', () => {
    // Op codes: >= 0 push at now + op; -1 pop without a peek first; -2 peek only.
    fc.assert(fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 20 }), fc.constant(-1), fc.constant(-2)), { maxLength: 400 }), (ops) => {
      const q = new EventQueue(16);
      const ref: { t: number; k: number }[] = [];
      let now = 0;
      ops.forEach((op, k) => {
        ref.sort((x, y) => x.t - y.t || x.k - y.k);
        if (op >= 0) {
          q.push(now + op, 0, 0, k, 0, k);
          ref.push({ t: now + op, k });
        } else if (op === -2) {
          assert.equal(q.peekTime(), ref.length === 0 ? Infinity : ref[0].t);
        } else {
          const want = ref.shift();
          const s = q.pop();
          if (want === undefined) assert.equal(s, -1);
          else {
            assert.deepEqual([q.a[s], q.ref[s]], [want.k, want.k]);
            now = want.t;
            q.release(s);
          }
        }
        assert.equal(q.size, ref.length);
      });
    }));
  });
});
