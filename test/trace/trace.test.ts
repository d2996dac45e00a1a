import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import Ajv2020 from 'ajv/dist/2020.js';
import { diffJson } from '../../src/trace/diff.js';
import { applyChanges, StateIndex } from '../../src/trace/states.js';
import { stringifyTrace, toTraceDocument } from '../../src/trace/write.js';
import { readTrace } from '../../src/trace/read.js';
import type { TraceDocument, TraceScenario } from '../../src/trace/format.js';
import type { Json } from '../../src/engine/protocol.js';
import type { Action } from '../../src/engine/spec.js';
import { simulate } from '../../src/engine/simulate.js';
import { makeSpec } from '../engine/fixtures/spec.js';
import { counter } from '../engine/fixtures/counter.js';
import { pingPong } from '../engine/fixtures/pingpong.js';

const scenario = (seed: number): TraceScenario => ({ name: 'test', protocol: 'counter', seed, params: { limit: 3, range: { min: 1, max: 2 } } });

function busySpec(seed: number, count = 60) {
  const actions: { at: number; action: Action }[] = [];
  for (let k = 0; k < count; k++) actions.push({ at: k * 700, action: { kind: 'client', target: { kind: 'nodes', nodes: [`n${(k % 3) + 1}`] }, op: 'inc', args: {} } });
  actions.push({ at: 5000, action: { kind: 'crash', target: { kind: 'nodes', nodes: ['n2'] } } });
  actions.push({ at: 9000, action: { kind: 'restart', target: { kind: 'nodes', nodes: ['n2'] } } });
  actions.push({ at: 12_000, action: { kind: 'partition', groups: [['n1'], ['n2', 'n3']] } });
  actions.push({ at: 20_000, action: { kind: 'heal' } });
  return makeSpec({
    protocol: 'counter', seed, params: { limit: 15 }, actions,
    network: { latency: { kind: 'uniform', min: 200, max: 3000 }, loss: 0.05 },
    storage: { latency: { kind: 'uniform', min: 0, max: 800 } },
    expectations: [{ kind: 'always', invariants: ['below_limit'] }],
  });
}

function busyDoc(seed: number, keyframeEvery = 25): TraceDocument {
  return toTraceDocument(simulate(busySpec(seed), counter), scenario(seed), { keyframeEvery });
}

describe('diffJson / applyChanges', () => {
  it('emits sets, deletes and array tails, skipping identical references', () => {
    const shared = { deep: [1, 2, 3] };
    const a: Json = { x: 1, gone: true, arr: [1, 2, 3, 4], shared };
    const b: Json = { x: 2, arr: [1, 9], shared, added: { y: null } };
    const changes = diffJson(a, b);
    assert.deepEqual(changes, [[['gone']], [['x'], 2], [['arr', 1], 9], [['arr', 3]], [['arr', 2]], [['added'], { y: null }]]);
    assert.deepEqual(applyChanges(a, changes), b);
    assert.deepEqual(a, { x: 1, gone: true, arr: [1, 2, 3, 4], shared }, 'the input is not mutated');
  });

  it('round-trips random JSON values (property)', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 4 }), fc.jsonValue({ maxDepth: 4 }), (x, y) => {
      const a = x as Json;
      const b = y as Json;
      const before = JSON.stringify(a);
      // Compared as JSON, which is what a trace holds (JSON has no -0: both sides become 0).
      const json = (v: unknown) => JSON.parse(JSON.stringify(v));
      assert.deepEqual(json(applyChanges(a, diffJson(a, b))), json(b));
      assert.equal(JSON.stringify(a), before);
    }));
  });
});

describe('toTraceDocument / stringifyTrace', () => {
  it('same spec and seed give byte-identical text; another seed with random latency differs', () => {
    const one = stringifyTrace(busyDoc(7));
    const two = stringifyTrace(busyDoc(7));
    const other = stringifyTrace(busyDoc(8));
    assert.equal(one, two);
    assert.notEqual(one, other);
    assert.ok(one.split('\n').length > busyDoc(7).events.length, 'one event per line');
    assert.deepEqual(JSON.parse(one), JSON.parse(JSON.stringify(busyDoc(7))));
  });

  it('key frames start with the initial states and follow every keyframeEvery events', () => {
    const doc = busyDoc(3, 10);
    assert.equal(doc.keyframes[0].i, -1);
    assert.deepEqual(doc.keyframes.slice(1, 3).map((k) => k.i), [9, 19]);
    assert.ok(doc.events.every((e) => Number.isInteger(e.t)));
  });
});

describe('StateIndex', () => {
  it('at(i) equals the recorder\'s stateAt(i) on random indices; roles and status follow events', () => {
    const result = simulate(busySpec(11, 150), counter);
    const doc = toTraceDocument(result, scenario(11), { keyframeEvery: 37 });
    const index = new StateIndex(doc);
    const rng = fc.sample(fc.integer({ min: -1, max: doc.events.length - 1 }), { numRuns: 300, seed: 5 });
    for (const i of [...rng, doc.events.length - 1, -1, 0, 5, 6, 7]) {
      assert.deepEqual(index.at(i), JSON.parse(JSON.stringify(result.trace.stateAt(i))), `at(${i})`);
    }
    const crash = doc.events.find((e) => e.kind === 'crash')!;
    assert.equal(index.statusAt(crash.i, 'n2'), 'crashed');
    assert.equal(index.statusAt(crash.i - 1, 'n2'), 'up');
    const restart = doc.events.find((e) => e.kind === 'restart')!;
    assert.equal(index.statusAt(restart.i, 'n2'), 'up');
    assert.equal(index.roleAt(-1, 'n1'), 'idle');
    assert.equal(index.roleAt(doc.events.length - 1, 'n1'), 'counting');
  });

  it('returned objects are not mutated by later calls', () => {
    const doc = busyDoc(5, 1000);
    const index = new StateIndex(doc);
    const mid = Math.floor(doc.events.length / 2);
    const early = index.at(mid);
    const snapshot = JSON.stringify(early);
    index.at(mid + 20);
    index.at(doc.events.length - 1);
    assert.equal(JSON.stringify(early), snapshot);
  });
});

describe('readTrace', () => {
  const AjvCtor = ((Ajv2020 as unknown as { default?: typeof Ajv2020 }).default ?? Ajv2020);
  const ajv = new AjvCtor({ allErrors: false, strict: false });
  const schema = JSON.parse(readFileSync(new URL('../../src/trace/trace.schema.json', import.meta.url), 'utf8'));
  const validate = ajv.compile(schema);
  const good = busyDoc(9);
  const goodText = stringifyTrace(good);

  it('accepts what the engine writes, and the schema agrees', () => {
    const r = readTrace(goodText);
    assert.ok(r.ok, r.ok ? '' : r.error);
    assert.ok(validate(JSON.parse(goodText)), JSON.stringify(validate.errors));
    const pp = toTraceDocument(simulate(makeSpec({ network: { duplicate: 0.5 }, actions: [{ at: 0, action: { kind: 'client', op: 'ping', args: { to: 'n2' } } }, { at: 1, action: { kind: 'cut', from: 'n2', to: 'n3' } }, { at: 2, action: { kind: 'note', text: 'hi' } }], rules: [{ on: 'send', pattern: {}, times: 'next', actions: [], disposition: { kind: 'delay', by: 5 }, source: { line: 3, col: 1, endLine: 3, endCol: 9 } }] }), pingPong), scenario(1));
    assert.ok(validate(JSON.parse(stringifyTrace(pp))), JSON.stringify(validate.errors));
    assert.ok(readTrace(stringifyTrace(pp)).ok);
  });

  it('gives precise errors', () => {
    const err = (text: string): string => { const r = readTrace(text); assert.equal(r.ok, false); return r.ok ? '' : r.error; };
    assert.match(err(goodText.slice(0, goodText.length / 2)), /ends early: truncated\?/);
    assert.match(err('{"format": x}'), /not JSON at line 1, column 12/);
    assert.match(err(JSON.stringify({ ...good, format: 'other' })), /^format: .*not a Protocol Playground trace/);
    assert.equal(err(JSON.stringify({ ...good, version: 2 })), 'written by a newer Protocol Playground (trace version 2); this one reads version 1');
    const mangle = (f: (d: any) => void): string => { const d = JSON.parse(goodText); f(d); return err(JSON.stringify(d)); };
    assert.equal(mangle((d) => { d.events[17].t = 'x'; }), 'events[17].t: expected a non-negative integer, got "x"');
    assert.match(mangle((d) => { d.events[3].kind = 'boom'; }), /^events\[3\].kind: expected an event kind/);
    assert.match(mangle((d) => { const k = d.events.findIndex((e: any) => e.kind === 'deliver'); d.events[k].msg = 99999; }), /unknown message 99999/);
    assert.match(mangle((d) => { const k = d.events.findIndex((e: any) => e.node !== undefined); d.events[k].node = 'zz'; }), /unknown node "zz"/);
    assert.match(mangle((d) => { d.events[5].cause = 5; }), /events\[5\].cause: 5 does not come before/);
    assert.match(mangle((d) => { d.keyframes.reverse(); }), /ascending/);
  });

  it('agrees with ajv on mangled documents', () => {
    const mangles: ((d: any) => void)[] = [
      () => {},
      (d) => { delete d.end; },
      (d) => { d.extra = 1; },
      (d) => { d.nodes[0].role = 5; },
      (d) => { d.events[2].i = -1; },
      (d) => { d.events[4].t = 1.5; },
      (d) => { d.events[4].surprise = true; },
      (d) => { delete d.events[1].kind; },
      (d) => { d.checks.push({ name: 'x', kind: 'always', status: 'maybe' }); },
      (d) => { d.metrics.bad = 'one'; },
      (d) => { d.scenario.seed = 'seed'; },
      (d) => { d.scenario.params.p = { min: 1 }; },
      (d) => { d.scenario.params.p = ['a', 'b']; },
      (d) => { d.end.reason = 'tired'; },
      (d) => { d.keyframes[0].i = -2; },
      (d) => { const e = d.events.find((x: any) => x.kind === 'state'); e.changes.push([]); },
      (d) => { const e = d.events.find((x: any) => x.kind === 'state'); e.changes.push([['a', -1], 1]); },
      (d) => { const e = d.events.find((x: any) => x.kind === 'drop'); e.reason = 'gremlins'; },
      (d) => { const e = d.events.find((x: any) => x.kind === 'send'); delete e.msg.type; },
      (d) => { const e = d.events.find((x: any) => x.kind === 'partition'); e.groups = 'n1'; },
      (d) => { d.events[0].source = { line: 0, col: 1, endLine: 1, endCol: 2 }; },
      (d) => { d.events[0].source = { line: 1, col: 1, endLine: 1, endCol: 2 }; },
      (d) => { d.generator = 3; },
      (d) => { d.checks = {}; },
    ];
    for (const [k, m] of mangles.entries()) {
      const d = JSON.parse(goodText);
      m(d);
      const text = JSON.stringify(d);
      const ours = readTrace(text);
      assert.equal(ours.ok, validate(JSON.parse(text)), `mangle ${k}: readTrace ${ours.ok ? 'accepted' : `rejected (${(ours as { error: string }).error})`}, ajv ${JSON.stringify(validate.errors?.[0])}`);
    }
  });

  it('never throws on hostile input', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.jsonValue().map((v) => JSON.stringify(v)), fc.integer({ min: 0, max: goodText.length }).map((n) => goodText.slice(0, n))), (text) => {
      const r = readTrace(text);
      assert.equal(typeof r.ok, 'boolean');
    }), { numRuns: 300 });
    assert.equal(readTrace('['.repeat(100_000)).ok, false);
  });
});
