import assert from 'node:assert/strict';
import type { Action, Expectation, RuleSpec } from '../../src/engine/spec.js';
import { RUN_METRICS } from '../../src/engine/spec.js';
import { ofKind, runAll } from './fixtures/run.js';
import { makeSpec } from './fixtures/spec.js';
import { pingPong } from './fixtures/pingpong.js';
import { counter } from './fixtures/counter.js';
import { storm } from './fixtures/storm.js';

const on = (node: string) => ({ kind: 'nodes' as const, nodes: [node] });
const ping = (at: number, from = 'n1', to = 'n2'): { at: number; action: Action } => ({ at, action: { kind: 'client', target: on(from), op: 'ping', args: { to } } });
const inc = (at: number, node = 'n1'): { at: number; action: Action } => ({ at, action: { kind: 'client', target: on(node), op: 'inc', args: {} } });
const act = (at: number, action: Action) => ({ at, action });
const rule = (r: Partial<RuleSpec> & Pick<RuleSpec, 'on'>): RuleSpec => ({ pattern: {}, times: 'every', actions: [], ...r });

describe('simulate()', () => {
  describe('clients', () => {
    it('numbers ops c1, c2, … and records client and reply events; default target is clientTarget', () => {
      const r = runAll(makeSpec({ actions: [{ at: 0, action: { kind: 'client', op: 'ping', args: { to: 'n3' } } }, ping(5)] }), pingPong);
      const clients = ofKind(r.events, 'client');
      assert.deepEqual(clients.map((c) => [c.op.id, c.node]), [['c1', 'n1'], ['c2', 'n1']]);
      const replies = ofKind(r.events, 'reply');
      assert.deepEqual(replies.map((x) => [x.op, x.ok]), [['c1', true], ['c2', true]]);
      assert.equal(r.end.reason, 'quiescent');
    });

    it('a client op to a crashed node gets a failed reply from the simulator', () => {
      const r = runAll(makeSpec({ actions: [act(0, { kind: 'crash', target: on('n1') }), ping(10)] }), pingPong);
      const reply = ofKind(r.events, 'reply')[0];
      assert.equal(reply.ok, false);
      assert.equal(reply.result, 'n1 is crashed');
    });

    it('role-query targets resolve at run time', () => {
      const r = runAll(makeSpec({ actions: [ping(0, 'n2', 'n3'), act(100, { kind: 'crash', target: { kind: 'query', query: 'pingers', args: {} } })] }), pingPong);
      assert.deepEqual(ofKind(r.events, 'crash').map((e) => e.node), ['n2']);
    });

    it('a role query that matches nothing becomes a note, not an error', () => {
      const r = runAll(makeSpec({ actions: [act(0, { kind: 'crash', target: { kind: 'query', query: 'pingers', args: {} } })] }), pingPong);
      assert.equal(ofKind(r.events, 'crash').length, 0);
      assert.match(ofKind(r.events, 'note')[0].text, /no node matches `pingers`/);
    });
  });

  describe('crash, restart, persist', () => {
    it('a crash loses volatile state; restart rebuilds from the last persist', () => {
      const r = runAll(makeSpec({ protocol: 'counter', actions: [inc(0), inc(10), act(20, { kind: 'crash', target: on('n1') }), act(30, { kind: 'restart', target: on('n1') }), inc(40)] }), counter);
      const states = r.trace.stateAt(r.trace.length - 1) as Record<string, { count: number }>;
      assert.equal(states.n1.count, 3, 'durable 2 + 1 after restart');
      const restartIdx = ofKind(r.events, 'restart')[0].i;
      const after = r.events.find((e) => e.kind === 'state' && e.cause === restartIdx);
      assert.ok(after !== undefined, 'restart records a state change');
    });

    it('with storage latency, sends after a persist leave only when it completes', () => {
      const r = runAll(makeSpec({ protocol: 'counter', storage: { latency: { kind: 'fixed', value: 5000 } }, actions: [inc(0)] }), counter);
      const delivers = ofKind(r.events, 'deliver');
      assert.equal(delivers.length, 2);
      assert.ok(delivers.every((d) => d.t === 6000), 'persist 5ms + network 1ms');
    });

    it('a crash before the persist completes loses the write and the sends behind it', () => {
      const r = runAll(makeSpec({
        protocol: 'counter', storage: { latency: { kind: 'fixed', value: 5000 } },
        actions: [inc(0), act(1000, { kind: 'crash', target: on('n1') }), act(9000, { kind: 'restart', target: on('n1') })],
      }), counter);
      const drops = ofKind(r.events, 'drop');
      assert.deepEqual(drops.map((d) => d.reason), ['persist-lost', 'persist-lost']);
      assert.equal(ofKind(r.events, 'deliver').length, 0);
      const states = r.trace.stateAt(r.trace.length - 1) as Record<string, { count: number }>;
      assert.equal(states.n1.count, 0, 'the write never became durable');
    });

    it('messages to a crashed or paused node are dropped with that reason', () => {
      const r = runAll(makeSpec({ actions: [ping(0), act(500, { kind: 'crash', target: on('n2') }), ping(2000, 'n1', 'n3'), act(2500, { kind: 'pause', target: on('n3') })] }), pingPong);
      assert.deepEqual(ofKind(r.events, 'drop').map((d) => [d.node, d.reason]), [['n2', 'crashed'], ['n3', 'paused']]);
    });

    it('pause defers timers until resume; drift stretches timer durations', () => {
      const params = { tick: 10_000 };
      const paused = runAll(makeSpec({ params, actions: [act(5000, { kind: 'pause', target: on('n1') }), act(35_000, { kind: 'resume', target: on('n1') })], run: { until: 40_000 } }), pingPong);
      const ticks = ofKind(paused.events, 'timer').filter((t) => t.node === 'n1').map((t) => t.t);
      assert.deepEqual(ticks, [35_000], 'the 10ms tick waits for resume; later ticks re-armed from then');
      const drifted = runAll(makeSpec({ params, actions: [act(0, { kind: 'drift', target: on('n2'), rate: 2 })], run: { until: 50_000 } }), pingPong);
      assert.deepEqual(ofKind(drifted.events, 'timer').filter((t) => t.node === 'n2').map((t) => t.t), [10_000, 30_000, 50_000]);
    });
  });

  describe('message rules', () => {
    const spec = (rules: RuleSpec[], actions = [ping(0)]) => makeSpec({ rules, actions });

    it('drop on send and on deliver (reason rule)', () => {
      const s = runAll(spec([rule({ on: 'send', pattern: { type: 'Ping' }, disposition: { kind: 'drop' } })]), pingPong);
      assert.deepEqual(ofKind(s.events, 'drop').map((d) => [d.reason, d.t]), [['rule', 0]]);
      const d = runAll(spec([rule({ on: 'deliver', pattern: { type: 'Pong' }, disposition: { kind: 'drop' } })]), pingPong);
      assert.deepEqual(ofKind(d.events, 'drop').map((x) => [x.reason, x.t, x.node]), [['rule', 2000, 'n1']]);
    });

    it('delay adds time; duplicate adds copies marked dup', () => {
      const dl = runAll(spec([rule({ on: 'send', pattern: { type: 'Ping' }, disposition: { kind: 'delay', by: 7000 } })]), pingPong);
      assert.deepEqual(ofKind(dl.events, 'deliver').map((x) => x.t), [8000, 9000]);
      const dd = runAll(spec([rule({ on: 'deliver', pattern: { type: 'Ping' }, disposition: { kind: 'delay', by: 3000 } })]), pingPong);
      assert.deepEqual(ofKind(dd.events, 'deliver').map((x) => x.t), [4000, 5000], 'a delayed delivery is not delayed again');
      const dup = runAll(spec([rule({ on: 'deliver', pattern: { type: 'Ping' }, disposition: { kind: 'duplicate', copies: 2 } })]), pingPong);
      assert.deepEqual(ofKind(dup.events, 'deliver').filter((x) => x.node === 'n2').map((x) => x.dup ?? false), [false, true, true]);
    });

    it('hold until a time, and hold until heal', () => {
      const h = runAll(spec([rule({ on: 'deliver', pattern: { type: 'Ping' }, disposition: { kind: 'hold', until: 20_000 } })]), pingPong);
      assert.equal(ofKind(h.events, 'deliver')[0].t, 20_000);
      const hh = runAll(spec([rule({ on: 'send', pattern: { type: 'Ping' }, disposition: { kind: 'hold' } })], [ping(0), act(30_000, { kind: 'heal' })]), pingPong);
      assert.equal(ofKind(hh.events, 'deliver')[0].t, 30_000);
    });

    it('next fires once; every fires on each match; the window limits both', () => {
      const pings3 = [ping(0), ping(10), ping(20)];
      const next = runAll(spec([rule({ on: 'send', times: 'next', pattern: { type: 'Ping' }, disposition: { kind: 'drop' } })], pings3), pingPong);
      assert.equal(ofKind(next.events, 'drop').length, 1);
      const every = runAll(spec([rule({ on: 'send', pattern: { type: 'Ping' }, disposition: { kind: 'drop' } })], pings3), pingPong);
      assert.equal(ofKind(every.events, 'drop').length, 3);
      const windowed = runAll(spec([rule({ on: 'send', pattern: { type: 'Ping', from: 'n1', to: 'n2' }, from: 5, until: 15, disposition: { kind: 'drop' } })], pings3), pingPong);
      assert.deepEqual(ofKind(windowed.events, 'drop').map((d) => d.t), [10]);
    });

    it('event-triggered actions run after their delay, caused by the matching event', () => {
      const r = runAll(spec([rule({ on: 'timer', times: 'next', pattern: { node: 'n3', name: 'tick' }, actions: [{ delay: 500, action: { kind: 'crash', target: on('n3') } }] })], []), pingPong);
      assert.equal(ofKind(r.events, 'crash').length, 0, 'no tick without the tick parameter');
      const r2 = runAll({ ...spec([rule({ on: 'timer', times: 'next', pattern: { node: 'n3', name: 'tick' }, actions: [{ delay: 500, action: { kind: 'crash', target: on('n3') } }] })], []), params: { tick: 1000 }, run: { maxTime: 600_000_000, maxEvents: 1_000_000, until: 10_000 } }, pingPong);
      const crash = ofKind(r2.events, 'crash');
      assert.equal(crash.length, 1);
      assert.equal(crash[0].t, 1500);
      const timer = r2.events[crash[0].cause!];
      assert.equal(timer.kind, 'timer');
      assert.equal(timer.kind === 'timer' && timer.node, 'n3');
      const onClient = runAll(spec([rule({ on: 'reply', times: 'next', pattern: { node: 'n1' }, actions: [{ delay: 0, action: { kind: 'note', text: 'replied' } }] })]), pingPong);
      assert.deepEqual(ofKind(onClient.events, 'note').map((n) => n.text), ['replied']);
    });

    it('every-repeated timed actions stop at their until', () => {
      const r = runAll(makeSpec({ actions: [{ at: 0, every: 100, until: 450, action: { kind: 'client', target: on('n1'), op: 'ping', args: { to: 'n2' } } }] }), pingPong);
      assert.deepEqual(ofKind(r.events, 'client').map((c) => c.t), [0, 100, 200, 300, 400]);
    });
  });

  describe('invariants and expectations', () => {
    const pongs3 = [ping(0), ping(10), ping(20)];

    it('records the first violation of an invariant with the event that caused it', () => {
      const r = runAll(makeSpec({ actions: [...pongs3, ping(30)], expectations: [{ kind: 'always', invariants: ['few_pongs'] }, { kind: 'violated', invariant: 'few_pongs' }] }), pingPong);
      const v = ofKind(r.events, 'violation');
      assert.equal(v.length, 1, 'only the first violation is recorded');
      assert.equal(v[0].invariant, 'few_pongs');
      const cause = r.events[v[0].cause!];
      assert.equal(cause.kind, 'state');
      assert.ok(cause.kind === 'state' && cause.changes.some(([p, val]) => p[0] === 'pongs' && val === 3));
      assert.deepEqual(r.checks.map((c) => [c.kind, c.status, c.event]), [['always', 'failed', v[0].i], ['violated', 'held', v[0].i]]);
    });

    it('always holds and violated fails when the invariant is never broken', () => {
      const r = runAll(makeSpec({ actions: [ping(0)], expectations: [{ kind: 'always', invariants: ['few_pongs'] }, { kind: 'violated', invariant: 'few_pongs' }] }), pingPong);
      assert.deepEqual(r.checks.map((c) => c.status), ['held', 'failed']);
      assert.match(r.checks[1].message!, /never violated/);
    });

    it('eventually: holds in its window, fails outside it; at end compares values', () => {
      const pongsN1 = { query: 'pongs', args: { node: 'n1' } };
      const exps: Expectation[] = [
        { kind: 'eventually', condition: { ...pongsN1, compare: { op: '>=', value: 2 } } },
        { kind: 'eventually', condition: { ...pongsN1, compare: { op: '>=', value: 2 } }, within: 1500 },
        { kind: 'eventually', condition: { ...pongsN1, compare: { op: '=', value: 1 } }, after: 50_000 },
        { kind: 'atEnd', condition: { ...pongsN1, compare: { op: 'in', min: 2, max: 3 } } },
        { kind: 'atEnd', condition: { query: 'metric', args: { name: 'total_pongs' }, compare: { op: '=', value: 99 } } },
        { kind: 'atEnd', condition: { query: 'metric', args: { name: 'messages' }, compare: { op: '=', value: 4 } } },
        { kind: 'eventually', condition: { query: 'pingers', args: {} } },
      ];
      const r = runAll(makeSpec({ actions: [ping(0), ping(3000)], expectations: exps }), pingPong);
      assert.deepEqual(r.checks.map((c) => c.status), ['held', 'failed', 'failed', 'held', 'failed', 'held', 'held']);
      assert.equal(r.checks[3].name, 'at end pongs n1 in 2..3');
      assert.match(r.checks[2].message!, /before the window opened/);
      assert.match(r.checks[4].message!, /was 2/);
      const heldAt = r.events[r.checks[0].event!];
      assert.ok(heldAt.t >= 5000, 'eventually held at the second pong');
    });

    it('eventually … measure records the ms from the window opening to the step where it held', () => {
      const pongsN1 = { query: 'pongs', args: { node: 'n1' } };
      const exps: Expectation[] = [
        { kind: 'eventually', condition: { ...pongsN1, compare: { op: '>=', value: 2 } }, after: 1000, measure: 'second_pong_ms' },
        { kind: 'eventually', condition: { ...pongsN1, compare: { op: '>=', value: 9 } }, measure: 'never_ms' },
      ];
      const r = runAll(makeSpec({ actions: [ping(0), ping(3000)], expectations: exps }), pingPong);
      assert.deepEqual(r.checks.map((c) => c.status), ['held', 'failed']);
      const heldAt = r.events[r.checks[0].event!].t;
      assert.ok(heldAt > 3000);
      assert.equal(r.metrics.second_pong_ms, (heldAt - 1000) / 1000);
      assert.equal('never_ms' in r.metrics, false, 'a condition that never held records no measure');
    });

    it('every run reports the RUN_METRICS the language accepts without declaration', () => {
      const r = runAll(makeSpec({ actions: [ping(0)] }), pingPong);
      for (const name of RUN_METRICS) assert.equal(typeof r.metrics[name], 'number', name);
    });

    it('run until a condition stops as soon as it holds', () => {
      const r = runAll(makeSpec({ actions: [ping(0), ping(10_000)], run: { untilCondition: { query: 'pongs', args: { node: 'n1' }, compare: { op: '=', value: 1 } } } }), pingPong);
      assert.equal(r.end.reason, 'condition');
      assert.equal(r.end.time, 2000);
    });
  });

  describe('bounds and faults', () => {
    const stormSpec = (run: object) => makeSpec({ protocol: 'storm', nodes: ['a', 'b', 'c'], run: { maxEvents: 1_000_000, ...run } });

    it('maxEvents ends a runaway with a clear message', () => {
      const r = runAll(stormSpec({ maxEvents: 5000 }), storm);
      assert.equal(r.end.reason, 'maxEvents');
      assert.ok(r.end.events >= 5000 && r.end.events < 5010);
      assert.match(r.end.message, /max events bound \(5000 events\).*may not terminate/);
    });

    it('maxTime and run until end at their time', () => {
      const t = runAll(stormSpec({ maxTime: 50_000 }), storm);
      assert.equal(t.end.reason, 'maxTime');
      assert.equal(t.end.time, 50_000);
      assert.match(t.end.message, /max time bound \(50ms\): the scenario may not terminate/);
      // With `run until CONDITION max T`, the message names the condition that did not hold.
      const c = runAll(stormSpec({ maxTime: 50_000, untilCondition: { query: 'metric', args: { name: 'nope' }, compare: { op: '=', value: 1 } } }), storm);
      assert.equal(c.end.reason, 'maxTime');
      assert.match(c.end.message, /max time bound \(50ms\): the run-until condition metric nope = 1 did not hold within it/);
      const u = runAll(stormSpec({ until: 20_000 }), storm);
      assert.equal(u.end.reason, 'until');
      assert.ok(u.events.every((e) => e.t <= 20_000));
    });

    it('cancellation stops the run; progress is reported', () => {
      const cancel = { cancelled: false };
      const seen: number[] = [];
      const r = runAll(stormSpec({}), storm, { cancel, progressEvery: 1000, onProgress: (p) => { seen.push(p.events); if (p.events >= 3000) cancel.cancelled = true; } });
      assert.equal(r.end.reason, 'cancelled');
      assert.ok(r.end.events < 10_000);
      assert.ok(seen.length >= 3);
    });

    it('a protocol exception becomes a note, a failed `protocol error` check and ends the run', () => {
      const r = runAll(makeSpec({ protocol: 'counter', params: { crash_on: 2 }, actions: [inc(0), inc(10), inc(20)] }), counter);
      const note = ofKind(r.events, 'note').at(-1)!;
      assert.match(note.text, /protocol error in onClient at n1: count reached 2/);
      const check = r.checks.find((c) => c.name === 'protocol error')!;
      assert.equal(check.status, 'failed');
      assert.equal(check.event, note.i);
      assert.equal(r.end.reason, 'cancelled');
      assert.match(r.end.message, /protocol error/);
      assert.equal(ofKind(r.events, 'client').length, 2, 'the run stopped');
    });

    it('metrics merge ctx.metric, finalMetrics and built-ins', () => {
      const r = runAll(makeSpec({ protocol: 'counter', actions: [inc(0), inc(1)] }), counter);
      assert.equal(r.metrics.total, 2);
      assert.equal(r.metrics.messages, 4);
      assert.equal(r.metrics.events, r.trace.length);
      assert.equal(r.metrics.dropped, 0);
      assert.equal(r.metrics.end_time_ms, r.end.time / 1000);
    });
  });
});
