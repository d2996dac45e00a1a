/**
 * What experiments need from the engine (issue 14): actions at random times
 * drawn per run from the seed on a stream of their own, `after` lines that
 * count from a random time, rule actions after a random delay, role queries
 * as event patterns (`on crash busiest`: the node the query named as it
 * crashed), and measurements that start at an event and end when a
 * condition first holds.
 */
import assert from 'node:assert/strict';
import type { Action, MeasureSpec, RuleSpec, ScenarioSpec, TimedAction } from '../../src/engine/spec.js';
import { counter } from './fixtures/counter.js';
import { ofKind, runAll } from './fixtures/run.js';
import { makeSpec, type SpecOverrides } from './fixtures/spec.js';

const on = (node: string) => ({ kind: 'nodes' as const, nodes: [node] });
const inc = (node: string): Action => ({ kind: 'client', target: on(node), op: 'inc', args: {} });
const note = (text: string): Action => ({ kind: 'note', text });

function spec(actions: TimedAction[], extra: SpecOverrides = {}): ScenarioSpec {
  return makeSpec({ protocol: 'counter', actions, network: { latency: { kind: 'uniform', min: 1_000, max: 9_000 } }, ...extra });
}

/** The time of the note with `text`. */
function noteTime(s: ScenarioSpec, text: string): number {
  const n = ofKind(runAll(s, counter).events, 'note').find((e) => e.text === text);
  assert.ok(n, `no note ${text}`);
  return n.t;
}

describe('engine: random action times', () => {
  it('draws each run\'s time uniformly within at..atMax from the seed, the same for the same seed', () => {
    const line: TimedAction = { at: 1_000_000, atMax: 1_075_000, action: note('x') };
    const times = Array.from({ length: 200 }, (_, seed) => noteTime(spec([line], { seed }), 'x'));
    assert.ok(times.every((t) => t >= 1_000_000 && t <= 1_075_000 && Number.isInteger(t)));
    assert.ok(new Set(times).size > 150, 'a fresh draw per seed');
    const quarters = [0, 1, 2, 3].map((q) => times.filter((t) => Math.floor((t - 1_000_000) / 18_750.25) === q).length);
    assert.ok(quarters.every((n) => n > 25), `roughly uniform over the window: ${quarters}`);
    assert.equal(noteTime(spec([line], { seed: 7 }), 'x'), noteTime(spec([line], { seed: 7 }), 'x'));
  });

  it('draws on a stream of its own: client operations, the network and the nodes do not shift it, nor it them', () => {
    const random: TimedAction = { at: 500_000, atMax: 900_000, action: note('r') };
    const plain = spec([random]);
    const busy = spec([{ at: 0, action: inc('n1') }, { at: 100_000, action: inc('n2') }, random]);
    assert.equal(noteTime(plain, 'r'), noteTime(busy, 'r'));
    // And the network's draws are the same with or without a random line.
    const deliveries = (s: ScenarioSpec) => ofKind(runAll(s, counter).events, 'deliver').map((e) => e.t);
    assert.deepEqual(deliveries(spec([{ at: 0, action: inc('n1') }, random])), deliveries(spec([{ at: 0, action: inc('n1') }, { at: 700_000, action: note('r') }])));
  });

  it('an `after` line counts from the earlier line\'s drawn time', () => {
    const s = spec([{ at: 1_000_000, atMax: 2_000_000, action: note('first') }, { at: 250_000, after: 0, action: note('second') }], { seed: 3 });
    assert.equal(noteTime(s, 'second'), noteTime(s, 'first') + 250_000);
    const chained = spec([{ at: 1_000_000, atMax: 2_000_000, action: note('first') }, { at: 10_000, atMax: 20_000, after: 0, action: note('second') }], { seed: 4 });
    const gap = noteTime(chained, 'second') - noteTime(chained, 'first');
    assert.ok(gap >= 10_000 && gap <= 20_000, `gap ${gap}`);
  });

  it('a rule action after a random delay draws it each time the rule fires', () => {
    const rule: RuleSpec = { on: 'client', pattern: {}, times: 'every', actions: [{ delay: 1_000, delayMax: 50_000, action: note('later') }] };
    const r = runAll(spec(Array.from({ length: 20 }, (_, k) => ({ at: k * 100_000, action: inc('n1') })), { rules: [rule] }), counter);
    const clients = ofKind(r.events, 'client').map((e) => e.t);
    const gaps = ofKind(r.events, 'note').filter((e) => e.text === 'later').map((e, k) => e.t - clients[k]!);
    assert.equal(gaps.length, 20);
    assert.ok(gaps.every((g) => g >= 1_000 && g <= 50_000), `${gaps}`);
    assert.ok(new Set(gaps).size > 15);
  });
});

describe('engine: role queries as event patterns', () => {
  it('`on crash busiest` fires for the node the query named as it crashed, not for another', () => {
    // n2 counts (it is the busiest); n1 and n3 do not.
    const rule: RuleSpec = { on: 'crash', pattern: { role: { query: 'busiest', args: {} } }, times: 'every', actions: [{ delay: 0, action: note('busiest crashed') }] };
    const actions: TimedAction[] = [
      { at: 0, action: inc('n2') },
      { at: 10_000, action: { kind: 'crash', target: on('n1') } },
      { at: 20_000, action: { kind: 'crash', target: on('n2') } },
    ];
    const r = runAll(spec(actions, { rules: [rule] }), counter);
    assert.deepEqual(ofKind(r.events, 'note').filter((e) => e.text === 'busiest crashed').map((e) => e.t), [20_000]);
  });
});

describe('engine: measurements from an event', () => {
  const busiestCrash = { on: 'crash' as const, pattern: { role: { query: 'busiest', args: {} } } };

  it('measures from the first matching event until the condition first holds, as a metric in ms, with notes in the trace', () => {
    const m: MeasureSpec = { name: 'recount_ms', from: busiestCrash, until: { query: 'count', args: { node: 'n3' }, compare: { op: '>=', value: 1 } } };
    const actions: TimedAction[] = [
      { at: 0, action: inc('n2') },
      { at: 300_000, action: { kind: 'crash', target: on('n2') } },
      { at: 425_500, action: inc('n3') },
      { at: 900_000, action: { kind: 'crash', target: on('n3') } }, // a second busiest crash: ignored
    ];
    const r = runAll(spec(actions, { measures: [m] }), counter);
    assert.equal(r.metrics.recount_ms, 125.5);
    const notes = ofKind(r.events, 'note').map((e) => `${e.t} ${e.text}`);
    assert.deepEqual(notes, [
      '300000 recount_ms: measuring from the crash of n2 at 300ms until count n3 >= 1',
      '425500 recount_ms = 125.5 ms: count n3 >= 1 held at 425.5ms',
    ]);
  });

  it('a condition that already holds at the start measures 0', () => {
    const m: MeasureSpec = { name: 'zero', from: { on: 'client', pattern: { node: 'n1' } }, until: { query: 'count', args: { node: 'n2' }, compare: { op: '=', value: 0 } } };
    assert.equal(runAll(spec([{ at: 50_000, action: inc('n1') }], { measures: [m] }), counter).metrics.zero, 0);
  });

  it('from a fixed time, like `expect eventually … as NAME`, but without a check', () => {
    const m: MeasureSpec = { name: 'first_ms', from: { at: 100_000 }, until: { query: 'count', args: { node: 'n1' } } };
    const r = runAll(spec([{ at: 340_000, action: inc('n1') }], { measures: [m] }), counter);
    assert.equal(r.metrics.first_ms, 240);
    assert.deepEqual(r.checks, []);
  });

  it('a condition that never holds (or not within the bound) records no value and says why; so does a start that never happens', () => {
    const never: MeasureSpec = { name: 'never', from: { at: 0 }, until: { query: 'count', args: { node: 'n3' } } };
    const late: MeasureSpec = { name: 'late', from: { at: 0 }, until: { query: 'count', args: { node: 'n1' } }, within: 100_000 };
    const unstarted: MeasureSpec = { name: 'unstarted', from: { on: 'restart', pattern: {} }, until: { query: 'count', args: { node: 'n1' } } };
    const r = runAll(spec([{ at: 200_000, action: inc('n1') }], { measures: [never, late, unstarted], run: { until: 1_000_000 } }), counter);
    assert.deepEqual(['never', 'late', 'unstarted'].map((n) => r.metrics[n]), [undefined, undefined, undefined]);
    const notes = ofKind(r.events, 'note').map((e) => e.text);
    assert.ok(notes.includes('late: no value, count n1 did not hold within 100ms (last value 0)'), notes.join('\n'));
    assert.ok(notes.some((t) => t.startsWith('never: no value, count n3 did not hold by the end of the run')), notes.join('\n'));
    assert.ok(notes.includes('unstarted: no value, its start event did not happen by the end (1s)'), notes.join('\n'));
  });
});
