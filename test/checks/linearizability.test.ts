import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Json } from '../../src/engine/protocol.js';
import { historyFromTrace, type KvInput, type KvOperation, type Operation, type RegisterInput } from '../../src/checks/history.js';
import { checkLinearizable, isLinearizable } from '../../src/checks/linearizability.js';
import { appendText, jsonEqual, kvModel, registerModel } from '../../src/checks/models.js';
import type { TraceEvent } from '../../src/trace/format.js';

/** A key-value operation on one key as the same operation of the register model. */
function asRegister(o: KvOperation): Operation<RegisterInput, Json> {
  const i = o.input;
  const input: RegisterInput = i.op === 'get' ? { op: 'read' } : i.op === 'cas' ? { op: 'cas', expected: i.expected, value: i.value } : { op: 'write', value: i.value };
  return { ...o, input };
}

const put = (id: string, call: number, ret: number | null, key: string, value: Json): KvOperation => ({ id, call, ret, input: { op: 'put', key, value }, output: null });
const get = (id: string, call: number, ret: number | null, key: string, output?: Json): KvOperation => ({ id, call, ret, input: { op: 'get', key }, output });
const cas = (id: string, call: number, ret: number | null, key: string, expected: Json, value: Json, output?: boolean): KvOperation => ({ id, call, ret, input: { op: 'cas', key, expected, value }, output });

/** Independent oracle: try every order consistent with real time, applying the KV semantics directly. */
function bruteForce(ops: readonly KvOperation[]): boolean {
  const n = ops.length;
  const used = new Array<boolean>(n).fill(false);
  const before = (a: KvOperation, b: KvOperation) => a.ret !== null && a.ret < b.call;
  const go = (kv: Map<string, Json>, placed: number): boolean => {
    if (placed === n) return true;
    for (let i = 0; i < n; i++) {
      if (used[i]) continue;
      const op = ops[i]!;
      // Every unplaced op that must precede `op` blocks it.
      if (ops.some((o, j) => !used[j] && j !== i && before(o, op))) continue;
      const cur = kv.has(op.input.key) ? kv.get(op.input.key)! : null;
      const known = op.ret !== null;
      let next = kv;
      const inp: KvInput = op.input;
      if (inp.op === 'put') {
        next = new Map(kv).set(inp.key, inp.value);
      } else if (inp.op === 'get') {
        if (known && !jsonEqual(op.output ?? null, cur)) continue;
      } else if (inp.op === 'append') {
        next = new Map(kv).set(inp.key, appendText(cur) + appendText(inp.value));
      } else {
        const swapped = jsonEqual(cur, inp.expected);
        if (known && op.output !== swapped) continue;
        if (swapped) next = new Map(kv).set(inp.key, inp.value);
      }
      used[i] = true;
      const ok = go(next, placed + 1);
      used[i] = false;
      if (ok) return true;
    }
    return false;
  };
  return go(new Map(), 0);
}

describe('checkLinearizable()', () => {
  it('accepts an empty history and a sequential one', () => {
    assert.deepEqual(checkLinearizable([]), { ok: true });
    assert.deepEqual(checkLinearizable([put('a', 0, 1, 'x', 1), get('b', 2, 3, 'x', 1), cas('c', 4, 5, 'x', 1, 2, true), get('d', 6, 7, 'x', 2)]), { ok: true });
  });

  it('accepts a read concurrent with a write seeing either the old or the new value', () => {
    const w = put('w', 10, 20, 'x', 1);
    assert.equal(checkLinearizable([w, get('r', 12, 18, 'x', 1)]).ok, true);
    assert.equal(checkLinearizable([w, get('r', 12, 18, 'x', null)]).ok, true);
  });

  it('rejects a stale read after a completed write and names the read in a minimal window', () => {
    const r = checkLinearizable([put('w', 0, 10, 'x', 1), get('r1', 11, 12, 'x', 1), get('r2', 20, 30, 'x', null), get('other', 0, 40, 'y', null)]);
    assert.equal(r.ok, false);
    assert.ok(!r.ok);
    assert.equal(r.key, 'x');
    assert.deepEqual(r.window.map((o) => o.id), ['w', 'r2']);
    assert.match(r.message, /r2 get x → null/);
  });

  it('rejects two reads that see a concurrent write take effect and then un-take effect', () => {
    // w overlaps both reads, but r1 (seeing 1) finishes before r2 (seeing the old value) starts.
    const r = checkLinearizable([put('w', 0, 100, 'x', 1), get('r1', 10, 20, 'x', 1), get('r2', 30, 40, 'x', null)]);
    assert.equal(r.ok, false);
  });

  it('a timed-out write may have taken effect, at any later time, or not at all', () => {
    const w = put('w', 0, null, 'x', 1);
    assert.equal(checkLinearizable([w, get('r1', 100, 110, 'x', null), get('r2', 200, 210, 'x', 1)]).ok, true);
    assert.equal(checkLinearizable([w, get('r1', 100, 110, 'x', null)]).ok, true);
    assert.equal(checkLinearizable([w, get('r1', 100, 110, 'x', 1)]).ok, true);
    // ...but once observed, it cannot be un-observed.
    assert.equal(checkLinearizable([w, get('r1', 100, 110, 'x', 1), get('r2', 200, 210, 'x', null)]).ok, false);
    // A read of a value nobody wrote is never explained.
    assert.equal(checkLinearizable([w, get('r1', 100, 110, 'x', 2)]).ok, false);
  });

  it('cas outcomes must agree with the order (two cas from the same value cannot both succeed)', () => {
    assert.equal(checkLinearizable([put('p', 0, 1, 'x', 0), cas('a', 2, 10, 'x', 0, 1, true), cas('b', 3, 9, 'x', 0, 2, true)]).ok, false);
    assert.equal(checkLinearizable([put('p', 0, 1, 'x', 0), cas('a', 2, 10, 'x', 0, 1, true), cas('b', 3, 9, 'x', 0, 2, false)]).ok, true);
  });

  it('treats operations touching at one instant as concurrent', () => {
    assert.equal(checkLinearizable([put('w', 0, 10, 'x', 1), get('r', 10, 20, 'x', null)]).ok, true);
    assert.equal(checkLinearizable([put('w', 0, 10, 'x', 1), get('r', 11, 20, 'x', null)]).ok, false);
  });

  it('partitions per key: keys are independent', () => {
    const ops = [put('a', 0, 10, 'x', 1), put('b', 0, 10, 'y', 1), get('c', 20, 30, 'x', 1), get('d', 20, 30, 'y', 1)];
    assert.equal(checkLinearizable(ops).ok, true);
    assert.equal(checkLinearizable(ops.filter((o) => o.input.key === 'x').map(asRegister), registerModel).ok, true);
    assert.deepEqual(kvModel.partition!(ops).map((p) => p.label), ['x', 'y']);
  });

  it('never throws on a response before its invocation', () => {
    assert.equal(checkLinearizable([put('a', 10, 5, 'x', 1), get('b', 20, 30, 'x', 1)]).ok, true);
  });

  it('agrees with a brute-force search over all real-time orders on 1 500 random small histories', () => {
    const value = fc.integer({ min: 0, max: 2 });
    const opArb = fc.record({
      kind: fc.constantFrom('put', 'get', 'cas'),
      key: fc.constantFrom('x', 'y'),
      value, expected: fc.option(value, { nil: null }),
      call: fc.integer({ min: 0, max: 20 }), len: fc.integer({ min: 0, max: 10 }),
      timeout: fc.integer({ min: 0, max: 9 }), out: value, outBool: fc.boolean(), outNull: fc.boolean(),
    });
    let failures = 0;
    fc.assert(fc.property(fc.array(opArb, { minLength: 1, maxLength: 7 }), (specs) => {
      const ops: KvOperation[] = specs.map((s, i) => {
        const ret = s.timeout === 0 ? null : s.call + s.len;
        const id = `o${i}`;
        if (s.kind === 'put') return put(id, s.call, ret, s.key, s.value);
        if (s.kind === 'get') return get(id, s.call, ret, s.key, s.outNull ? null : s.out);
        return cas(id, s.call, ret, s.key, s.expected, s.value, s.outBool);
      });
      const expected = bruteForce(ops);
      const got = checkLinearizable(ops);
      assert.equal(got.ok, expected, JSON.stringify(ops));
      if (!got.ok) {
        failures++;
        // The window is itself a non-linearizable history.
        assert.equal(bruteForce(got.window), false);
      }
      assert.equal(isLinearizable(registerModel, ops.filter((o) => o.input.key === 'x').map(asRegister)), bruteForce(ops.filter((o) => o.input.key === 'x')));
    }), { numRuns: 1500, seed: 42 });
    assert.ok(failures > 100, `the generator should produce many non-linearizable histories (${failures})`);
  });

  it('handles a 10-client, 1 000-operation history', () => {
    // A correct sequential-ish register history: each client does put then get in its own slot, many keys.
    const ops: KvOperation[] = [];
    let t = 0;
    for (let i = 0; i < 500; i++) {
      const key = `k${i % 10}`;
      ops.push(put(`p${i}`, t, t + 15, key, i));
      ops.push(get(`g${i}`, t + 16, t + 30, key, i));
      t += 3;
    }
    // Interleaved across keys with overlap, and each get sees its own put since same-key ops are 30 apart.
    assert.equal(checkLinearizable(ops).ok, true);
    const bad = ops.map((o) => (o.id === 'g250' ? { ...o, output: 0 } : o));
    const r = checkLinearizable(bad);
    assert.ok(!r.ok && r.key === 'k0' && r.window.some((o) => o.id === 'g250'));
  });
});

describe('historyFromTrace()', () => {
  it('pairs client and reply events, drops definite failures and keeps unanswered ops as unknown', () => {
    const events: TraceEvent[] = [
      { i: 0, t: 0, cause: null, kind: 'client', node: 'n1', op: { id: 'c1', name: 'put', args: { key: 'x', value: 1 } } },
      { i: 1, t: 5, cause: null, kind: 'client', node: 'n2', op: { id: 'c2', name: 'get', args: { key: 'x' } } },
      { i: 2, t: 7, cause: null, kind: 'client', node: 'n2', op: { id: 'c3', name: 'put', args: { key: 'x', value: 9 } } },
      { i: 3, t: 10, cause: 0, kind: 'reply', node: 'n1', op: 'c1', ok: true, result: null },
      { i: 4, t: 12, cause: 1, kind: 'reply', node: 'n2', op: 'c2', ok: true, result: 1 },
      { i: 5, t: 14, cause: 1, kind: 'client', node: 'n2', op: { id: 'c4', name: 'cas', args: { key: 'x', expected: 1, value: 2 } } },
      { i: 6, t: 20, cause: 5, kind: 'reply', node: 'n2', op: 'c4', ok: false, result: { redirect: null } },
    ];
    const h = historyFromTrace(events);
    assert.deepEqual(h.map((o) => [o.id, o.call, o.ret]), [['c1', 0, 10], ['c2', 5, 12], ['c3', 7, null]]);
    assert.equal(h[1]!.output, 1);
    assert.equal(checkLinearizable(h).ok, true);
  });
});
