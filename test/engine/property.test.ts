import assert from 'node:assert/strict';
import fc from 'fast-check';
import { simulate } from '../../src/engine/simulate.js';
import type { Action } from '../../src/engine/spec.js';
import { stringifyTrace, toTraceDocument } from '../../src/trace/write.js';
import { StateIndex } from '../../src/trace/states.js';
import { jsonErrorOffset } from '../../src/trace/_json-error.js';
import { makeSpec } from './fixtures/spec.js';
import { counter } from './fixtures/counter.js';

const nodes = ['n1', 'n2', 'n3', 'n4'];
const nodeArb = fc.constantFrom(...nodes);
const actionArb: fc.Arbitrary<Action> = fc.oneof(
  nodeArb.map((n): Action => ({ kind: 'client', target: { kind: 'nodes', nodes: [n] }, op: 'inc', args: {} })),
  fc.constantFrom('crash', 'restart', 'pause', 'resume').chain((kind) => nodeArb.map((n): Action => ({ kind: kind as 'crash', target: { kind: 'nodes', nodes: [n] } }))),
  fc.subarray(nodes, { minLength: 1 }).map((g): Action => ({ kind: 'partition', groups: [g] })),
  fc.tuple(nodeArb, nodeArb).map(([a, b]): Action => ({ kind: 'cut', from: a, to: b })),
  fc.constant<Action>({ kind: 'heal' }),
);
const specArb = fc.record({
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  actions: fc.array(fc.record({ at: fc.integer({ min: 0, max: 50_000 }), action: actionArb }), { maxLength: 30 }),
  loss: fc.double({ min: 0, max: 0.3, noNaN: true }),
  duplicate: fc.double({ min: 0, max: 0.3, noNaN: true }),
  storage: fc.integer({ min: 0, max: 3000 }),
}).map((r) => makeSpec({
  protocol: 'counter', nodes, seed: r.seed, actions: r.actions,
  network: { latency: { kind: 'uniform', min: 100, max: 5000 }, loss: r.loss, duplicate: r.duplicate, reorder: 0.1 },
  storage: { latency: { kind: 'uniform', min: 0, max: r.storage } },
}));

describe('simulate() properties', () => {
  it('random specs: deterministic trace, causes point backwards, delivers follow sends, reconstruction equals live state', () => {
    fc.assert(fc.property(specArb, (spec) => {
      const a = simulate(spec, counter);
      const b = simulate(spec, counter);
      const scenario = { name: 'p', protocol: 'counter', seed: spec.seed, params: {} };
      const docA = toTraceDocument(a, scenario, { keyframeEvery: 16 });
      assert.equal(stringifyTrace(docA), stringifyTrace(toTraceDocument(b, scenario, { keyframeEvery: 16 })));
      const sentAt = new Map<number, number>();
      for (const e of docA.events) {
        if (e.cause !== null) assert.ok(e.cause < e.i, `cause of ${e.i}`);
        if (e.kind === 'send') sentAt.set(e.msg.id, e.i);
        if (e.kind === 'deliver' || e.kind === 'drop') assert.ok((sentAt.get(e.msg) ?? Infinity) < e.i, `message ${e.msg} sent before ${e.i}`);
        if (e.i > 0) assert.ok(e.t >= docA.events[e.i - 1].t, 'time never goes back');
      }
      const index = new StateIndex(docA);
      for (let i = -1; i < docA.events.length; i += 7) assert.deepEqual(index.at(i), JSON.parse(JSON.stringify(a.trace.stateAt(i))));
    }), { numRuns: 60, seed: 42 });
  });

  it('jsonErrorOffset accepts every valid JSON text', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => { assert.equal(jsonErrorOffset(JSON.stringify(v, null, 1)), -1); }));
  });
});
