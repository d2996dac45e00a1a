/**
 * The register model against a brute-force oracle (with unknown outcomes,
 * repeated values, the read-only pruning and the fast refutations all in
 * play), and the budget: a search that would run too long or need too much
 * memory ends with "unknown", deterministically, instead of a crash.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Json } from '../../src/engine/protocol.js';
import type { Operation, RegisterInput } from '../../src/checks/history.js';
import { checkLinearizable, checkPart, searchLinearization } from '../../src/checks/linearizability.js';
import { jsonEqual, registerModel, withInitial } from '../../src/checks/models.js';
import { FingerprintSet } from '../../src/checks/_fingerprints.js';
import { registerHistory } from '../_histories.js';

type Op = Operation<RegisterInput, Json>;

/** Every real-time-respecting order, applying the register's semantics directly. */
function bruteForce(ops: readonly Op[], initial: Json = null): boolean {
  const used = new Array<boolean>(ops.length).fill(false);
  const go = (reg: Json, placed: number): boolean => {
    if (placed === ops.length) return true;
    for (let i = 0; i < ops.length; i++) {
      if (used[i]) continue;
      const op = ops[i]!;
      if (ops.some((o, j) => !used[j] && j !== i && o.ret !== null && o.ret < op.call)) continue;
      const known = op.ret !== null;
      const inp = op.input;
      let next = reg;
      if (inp.op === 'read') {
        if (known && !jsonEqual(op.output ?? null, reg)) continue;
      } else if (inp.op === 'write') next = inp.value;
      else {
        const swapped = jsonEqual(reg, inp.expected);
        if (known && op.output !== swapped) continue;
        if (swapped) next = inp.value;
      }
      used[i] = true;
      const ok = go(next, placed + 1);
      used[i] = false;
      if (ok) return true;
    }
    return false;
  };
  return go(initial, 0);
}

/** A fake clock that ticks once per reading: budgets then end after a fixed amount of work. */
function tickingClock(): () => number {
  let t = 0;
  return () => t++;
}

describe('the register model against brute force', () => {
  it('agrees on 3 000 random histories of up to 8 operations, with unknown outcomes and repeated values', () => {
    const value = fc.integer({ min: 0, max: 2 });
    const opArb = fc.record({
      kind: fc.constantFrom('read', 'write', 'cas'), value, expected: value, out: fc.option(value, { nil: null }), ok: fc.boolean(),
      call: fc.integer({ min: 0, max: 20 }), len: fc.integer({ min: 0, max: 10 }), unknown: fc.integer({ min: 0, max: 5 }),
    });
    let failures = 0;
    fc.assert(fc.property(fc.array(opArb, { minLength: 1, maxLength: 8 }), fc.option(value, { nil: null }), (specs, initial) => {
      const ops: Op[] = specs.map((s, i) => {
        const ret = s.unknown === 0 ? null : s.call + s.len;
        const input: RegisterInput = s.kind === 'read' ? { op: 'read' } : s.kind === 'write' ? { op: 'write', value: s.value } : { op: 'cas', expected: s.expected, value: s.value };
        const output = s.kind === 'read' ? s.out : s.kind === 'cas' ? s.ok : null;
        return { id: `o${i}`, call: s.call, ret, input, ...(ret !== null ? { output } : {}) };
      });
      const model = withInitial(registerModel, initial);
      const expected = bruteForce(ops, initial);
      const got = checkLinearizable(ops, model);
      assert.equal(got.ok, expected, JSON.stringify({ ops, initial }));
      if (!got.ok) {
        failures++;
        assert.equal(bruteForce(got.window, initial), false, 'the window is itself not linearizable');
        assert.ok(got.window.length <= ops.length);
      }
    }), { numRuns: 3000, seed: 7 });
    assert.ok(failures > 300, `the generator should produce many non-linearizable histories (${failures})`);
  });

  it('finds a stale read at once, with the three operations that prove it', () => {
    const ops: Op[] = [
      { id: 'w1', call: 0, ret: 10, input: { op: 'write', value: 1 }, output: null },
      { id: 'w2', call: 20, ret: 30, input: { op: 'write', value: 2 }, output: null },
      { id: 'r', call: 40, ret: 50, input: { op: 'read' }, output: 1 },
      // Noise that the refutation need not look at.
      { id: 'r2', call: 35, ret: 60, input: { op: 'read' }, output: 2 },
    ];
    const r = checkPart(registerModel, ops);
    assert.equal(r.verdict, 'not linearizable');
    assert.ok(r.verdict === 'not linearizable');
    assert.equal(r.configurations, 0, 'decided before any search');
    assert.deepEqual(r.window.map((o) => o.id), ['w1', 'w2', 'r']);
    assert.equal(r.culprit.id, 'r');
  });

  it('decides generated etcd-like histories (5 clients, 100 operations, 15 % unknown) as they were made', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const corrupt = seed % 3 === 0;
      const r = checkLinearizable(registerHistory({ clients: 5, ops: 100, unknown: 0.15, seed, corrupt }), registerModel);
      assert.equal(r.ok, !corrupt, `seed ${seed}`);
    }
  });
});

describe('the budget', () => {
  // 50 clients on one key: far more configurations than a small budget allows.
  const hard = registerHistory({ clients: 50, ops: 3000, unknown: 0, seed: 7 });

  it('a time budget ends the search with "unknown: budget exhausted", not a crash', () => {
    const r = checkLinearizable(hard, registerModel, { timeMs: 200, now: tickingClock() });
    assert.ok(!r.ok && r.unknown === true);
    assert.match(r.message, /^unknown: budget exhausted — the time budget \(0\.2 s\) ran out after \d+ configurations/);
  });

  it('a memory budget caps the memo and ends with "unknown" too', () => {
    const r = searchLinearization(registerModel, hard, { memoryBytes: 1 << 20 });
    assert.equal(r.verdict, 'unknown');
    assert.ok(r.verdict === 'unknown' && r.reason === 'memory');
    assert.ok(r.configurations <= (1 << 20) / 12 / 2 + 1, `${r.configurations} configurations fit in 1 MB at most half full`);
  });

  it('a time budget without a clock is a usage error', () => {
    assert.throws(() => checkLinearizable(hard, registerModel, { timeMs: 10 }), /needs a clock/);
  });
});

describe('FingerprintSet', () => {
  it('adds, finds and grows; refuses to grow past its budget', () => {
    const s = new FingerprintSet(12 * 128, 16);
    for (let i = 1; i <= 32; i++) assert.equal(s.add(i, i * 7, 0), true);
    assert.equal(s.add(5, 35, 0), false);
    assert.equal(s.has(31, 217, 0), true);
    assert.equal(s.has(33, 231, 0), false);
    assert.equal(s.add(0, 0, 0), true, 'the all-zero fingerprint is a fingerprint too');
    assert.equal(s.has(0, 0, 0), true);
    assert.throws(() => { for (let i = 100; i < 200; i++) s.add(i, i, i); }, /memo would need more than/);
  });
});
