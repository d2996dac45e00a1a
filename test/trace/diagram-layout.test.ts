/**
 * The pure pieces of the diagram (src/trace): periodic exchanges found on a
 * real Raft run, request/reply colours, label placement, and the scene's
 * bands opening with the zoom.
 */
import assert from 'node:assert/strict';
import { loadScenarioFile } from '../../src/cli/load.js';
import { runFile, traceOf } from '../../src/runner/run.js';
import { assignTypeColours, requestOf } from '../../src/trace/palette.js';
import { bodyShape, findPeriodic } from '../../src/trace/periodic.js';
import { LabelPlacer, overlaps } from '../../src/trace/labels.js';
import { buildScene, EXPAND_PX } from '../../src/trace/scene.js';
import { TraceModel } from '../../src/trace/spacetime.js';
import { syntheticTrace } from '../webview/_synthetic.js';

let model: TraceModel;
before(async () => {
  const loaded = await loadScenarioFile('examples/raft/leader-failover.scenario');
  model = new TraceModel(traceOf(runFile(loaded.compiled.file, undefined, { text: loaded.text }).scenarios[0]!, loaded.text));
});

describe('findPeriodic()', () => {
  it('finds the heartbeats (empty AppendEntries from the heartbeat timer, and their successful replies), not the election or the replication', () => {
    const p = findPeriodic(model);
    const routine = model.arrows.filter((_, k) => p.routine[k]);
    const types = new Set(routine.map((a) => a.msg.type));
    assert.deepEqual([...types].sort(), ['AppendEntries', 'AppendEntriesReply']);
    for (const a of routine) {
      const body = a.msg.body as { entries?: unknown[]; success?: boolean };
      if (a.msg.type === 'AppendEntries') assert.deepEqual(body.entries, [], 'a heartbeat carries no entries');
      else assert.equal(body.success, true);
    }
    const carrying = model.arrows.findIndex((a) => a.msg.type === 'AppendEntries' && ((a.msg.body as { entries: unknown[] }).entries.length > 0));
    assert.ok(carrying >= 0 && !p.routine[carrying], 'an AppendEntries with entries stays visible');
    assert.ok(p.count > 600);
  });

  it('groups rounds into one band per leader term, with the heartbeat period', () => {
    const p = findPeriodic(model);
    assert.equal(p.bands.length, 2, 'n1 leads until it crashes; n3 after');
    for (const b of p.bands) {
      assert.equal(b.timer, 'heartbeat');
      assert.equal(b.period, 50_000);
      assert.ok(b.rounds >= 10);
      assert.ok(b.lanes.includes(b.lane) && b.lanes.length === 5, `the leader's heartbeats reach every lane: ${b.lanes}`);
    }
  });

  it('finds nothing periodic in a trace without recurring timers', () => {
    const p = findPeriodic(new TraceModel(syntheticTrace(2000)));
    assert.equal(p.count, 0);
    assert.equal(p.bands.length, 0);
  });

  it('bodyShape() keeps structure and booleans, not values', () => {
    assert.equal(bodyShape({ term: 3, entries: [], ok: true }), bodyShape({ term: 9, entries: [], ok: true }));
    assert.notEqual(bodyShape({ term: 3, entries: [] }), bodyShape({ term: 3, entries: [{ term: 1 }] }));
    assert.notEqual(bodyShape({ success: true }), bodyShape({ success: false }));
  });
});

describe('assignTypeColours()', () => {
  it('gives a request and its reply one hue, the reply lighter; both sides of a comparison agree', () => {
    const c = assignTypeColours(['RequestVote', 'RequestVoteReply', 'AppendEntries', 'ClientRequest', 'ClientResponse', 'ClientRedirect']);
    assert.equal(c.get('RequestVoteReply')!.hue, c.get('RequestVote')!.hue);
    assert.equal(c.get('RequestVoteReply')!.reply, true);
    assert.equal(c.get('ClientResponse')!.hue, c.get('ClientRequest')!.hue);
    assert.notEqual(c.get('ClientRedirect')!.hue, c.get('ClientRequest')!.hue);
    assert.notEqual(c.get('AppendEntries')!.hue, c.get('RequestVote')!.hue);
    assert.equal(requestOf('Ack', new Set(['Ack'])), undefined);
    const both = assignTypeColours(['A', 'B'], ['B', 'C']);
    assert.deepEqual([...both.keys()], ['A', 'B', 'C']);
  });
});

describe('LabelPlacer', () => {
  it('places a label only where it fits and never over another', () => {
    const p = new LabelPlacer({ x: 0, y: 0, w: 100, h: 50 });
    assert.ok(p.place('a', [{ x: 10, y: 10, w: 40, h: 12 }]));
    assert.equal(p.place('b', [{ x: 30, y: 15, w: 40, h: 12 }]), undefined, 'overlaps a');
    assert.equal(p.place('c', [{ x: 90, y: 0, w: 40, h: 12 }]), undefined, 'out of bounds');
    assert.equal(p.place('d', [{ x: 30, y: 15, w: 40, h: 12 }, { x: 30, y: 30, w: 40, h: 12 }])?.y, 30, 'the next candidate');
    for (const a of p.placed) for (const b of p.placed) if (a !== b) assert.ok(!overlaps(a, b));
  });
});

describe('buildScene()', () => {
  const scene = (t0: number, t1: number): ReturnType<typeof buildScene> => buildScene({
    model, periodic: findPeriodic(model), view: { t0, t1 }, width: 1000, height: 500,
    filter: { hiddenTypes: new Set(), hidePeriodic: false }, measure: (t) => t.length * 6,
  });

  it(`collapses bands whose rounds are under ${EXPAND_PX} px apart, and opens them when zoomed in`, () => {
    const whole = scene(model.start, model.end);
    assert.ok(whole.stats.collapsed >= 1);
    assert.ok(whole.items.some((i) => i.k === 'label' && /×\d+/.test(i.box.text)));
    const zoomed = scene(2_000_000, 2_300_000);
    assert.equal(zoomed.stats.collapsed, 0);
    assert.ok(zoomed.items.filter((i) => i.k === 'arrow').length >= 20);
  });

  it('leaves hidden types out of arrows and labels', () => {
    const s = buildScene({
      model, periodic: findPeriodic(model), view: { t0: 2_000_000, t1: 2_300_000 }, width: 1000, height: 500,
      filter: { hiddenTypes: new Set(['AppendEntries']), hidePeriodic: false }, measure: (t) => t.length * 6,
    });
    for (const i of s.items) {
      if (i.k === 'arrow') assert.notEqual(model.arrows[i.index]!.msg.type, 'AppendEntries');
      if (i.k === 'label') assert.ok(!/^AppendEntries( |$)/.test(i.box.text), i.box.text);
    }
  });
});
