// `expect linearizable` and `expect violated linearizable` over a recorded trace
// (src/runner/linearizable.ts): the second holds exactly when the first fails,
// and shows the checker's window.
import assert from 'node:assert/strict';
import type { Protocol } from '../../src/engine/protocol.js';
import { simulate } from '../../src/engine/simulate.js';
import { linearizableCheck } from '../../src/runner/linearizable.js';
import { makeSpec } from '../engine/fixtures/spec.js';

/** A one-node register that forgets: with `forget` on, every get answers null. */
function register(forget: boolean): Protocol<Record<string, number>> {
  return {
    name: 'reg',
    vocabulary: { doc: 'A register.', params: [], ops: [], invariants: [], queries: [], messages: [], metrics: [], history: { model: 'kv' } },
    init: () => ({}),
    onMessage: (s) => s,
    onClient(s, op, ctx) {
      const key = String(op.args.key);
      if (op.name === 'put') {
        ctx.reply(op.id, true, null);
        return { ...s, [key]: Number(op.args.value) };
      }
      ctx.reply(op.id, true, forget ? null : s[key] ?? null);
      return s;
    },
  };
}

function trace(forget: boolean) {
  const spec = makeSpec({
    protocol: 'reg', nodes: ['n1'],
    actions: [
      { at: 0, action: { kind: 'client', op: 'put', args: { key: 'x', value: 1 } } },
      { at: 10, action: { kind: 'client', op: 'get', args: { key: 'x' } } },
    ],
  });
  return simulate(spec, register(forget)).trace;
}

describe('linearizableCheck (src/runner/linearizable.ts)', () => {
  it('expect linearizable holds on a linearizable history; expect violated linearizable then fails', () => {
    const t = trace(false);
    assert.equal(linearizableCheck({ kind: 'linearizable' }, t, { model: 'kv' }).status, 'held');
    const v = linearizableCheck({ kind: 'linearizable', violated: true }, t, { model: 'kv' });
    assert.equal(v.status, 'failed');
    assert.equal(v.name, 'violated linearizable');
    assert.match(v.message ?? '', /all linearizable/);
  });

  it('expect violated linearizable holds on a stale read, and its message is the window with that read', () => {
    const t = trace(true);
    assert.equal(linearizableCheck({ kind: 'linearizable' }, t, { model: 'kv' }).status, 'failed');
    const v = linearizableCheck({ kind: 'linearizable', violated: true }, t, { model: 'kv' });
    assert.equal(v.status, 'held');
    assert.match(v.message ?? '', /not linearizable on key "x": c2 get x → null/);
  });
});
