/**
 * The protocol contract a new protocol relies on (src/engine/protocol.ts):
 * the two orderings of sends and writes, replies held like sends, writes
 * lost in a crash, `onDurable`, the handlers a protocol may leave out, and
 * per-run monitor memory for invariants.
 */
import assert from 'node:assert/strict';
import type { ClientOp, Context, Json, NodeView, Protocol, World } from '../../src/engine/protocol.js';
import { simulate } from '../../src/engine/simulate.js';
import type { Action } from '../../src/engine/spec.js';
import type { InvariantSpec, MonitorSpec } from '../../src/engine/vocabulary.js';
import type { TraceEvent } from '../../src/trace/format.js';
import { makeSpec } from './fixtures/spec.js';

const on = (node: string) => ({ kind: 'nodes' as const, nodes: [node] });
const act = (at: number, action: Action) => ({ at, action });
const op = (at: number, name: string, node = 'n1') => act(at, { kind: 'client', target: on(node), op: name, args: {} });

function events(spec: Parameters<typeof simulate>[0], p: Protocol): TraceEvent[] {
  const r = simulate(spec, p);
  return Array.from({ length: r.trace.length }, (_, i) => r.trace.event(i));
}

type W = { writes: number; durable: number[] };

/**
 * A writer: `write` persists a counter and, in the same handler, sends a Note to
 * n2 and replies; `early` does the same with waitForWrites: false on both;
 * `ping` sends without writing (it waits for earlier writes still in flight).
 * With `listen`, onDurable records each completed write.
 */
function writer(listen: boolean): Protocol<W> {
  return {
    name: 'writer',
    vocabulary: { doc: 'Writes.', params: [], ops: [], invariants: [], queries: [], messages: [], metrics: [] },
    init: () => ({ writes: 0, durable: [] }),
    onMessage: (s) => s,
    onClient(s: W, o: ClientOp, ctx: Context) {
      if (o.name === 'ping') {
        ctx.send('n2', { type: 'Ping' });
        return s;
      }
      const early = o.name === 'early' ? { waitForWrites: false } : undefined;
      // The send and the reply come BEFORE the persist in the handler: the batch still applies the write first.
      ctx.send('n2', { type: 'Note', body: s.writes + 1 }, early);
      ctx.reply(o.id, true, s.writes + 1, early);
      ctx.persist(s.writes + 1);
      return { ...s, writes: s.writes + 1 };
    },
    ...(listen ? { onDurable: (s: W, d: Json) => ({ ...s, durable: [...s.durable, d as number] }) } : {}),
  };
}

const slowDisk = { latency: { kind: 'fixed' as const, value: 5000 } };

describe('engine contract: writes and sends', () => {
  it('a send or reply waits for the writes of its handler, wherever persist was called in it', () => {
    const ev = events(makeSpec({ protocol: 'writer', storage: slowDisk, actions: [op(0, 'write')] }), writer(false));
    const deliver = ev.find((e) => e.kind === 'deliver')!;
    const reply = ev.find((e) => e.kind === 'reply')!;
    const durable = ev.find((e) => e.kind === 'durable')!;
    assert.equal(durable.t, 5000, 'the write completes after the storage latency, as a durable event');
    assert.equal(reply.t, 5000, 'the reply leaves with the write');
    assert.equal(deliver.t, 6000, 'the message leaves with the write, then takes the 1 ms network');
  });

  it('waitForWrites: false leaves at once, in parallel with the write (Raft thesis §10.2.1)', () => {
    const ev = events(makeSpec({ protocol: 'writer', storage: slowDisk, actions: [op(0, 'early')] }), writer(false));
    assert.equal(ev.find((e) => e.kind === 'reply')!.t, 0);
    assert.equal(ev.find((e) => e.kind === 'deliver')!.t, 1000);
    assert.equal(ev.find((e) => e.kind === 'durable')!.t, 5000);
  });

  it('a later handler\'s send waits for the writes still in flight', () => {
    const ev = events(makeSpec({ protocol: 'writer', storage: slowDisk, actions: [op(0, 'write'), op(1000, 'ping')] }), writer(false));
    const ping = ev.find((e) => e.kind === 'send' && e.msg.type === 'Ping')!;
    const delivered = ev.find((e) => e.kind === 'deliver' && e.msg === (ping.kind === 'send' ? ping.msg.id : -1))!;
    assert.equal(delivered.t, 6000, 'held until the write issued at 0 completes at 5 ms');
  });

  it('without writes in flight nothing waits, and instant storage changes nothing', () => {
    const ev = events(makeSpec({ protocol: 'writer', actions: [op(0, 'write'), op(10, 'ping')] }), writer(false));
    assert.equal(ev.find((e) => e.kind === 'reply')!.t, 0);
    assert.deepEqual(ev.filter((e) => e.kind === 'deliver').map((e) => e.t), [1000, 1010]);
    assert.equal(ev.filter((e) => e.kind === 'durable').length, 0, 'an instant write needs no event');
  });

  it('a crash loses the write in flight and every send and reply waiting for it, and nothing else', () => {
    const spec = makeSpec({
      protocol: 'writer', storage: slowDisk,
      actions: [op(0, 'early'), op(10_000, 'write'), act(12_000, { kind: 'crash', target: on('n1') })],
    });
    const r = simulate(spec, writer(false));
    const ev = Array.from({ length: r.trace.length }, (_, i) => r.trace.event(i));
    assert.deepEqual(ev.filter((e) => e.kind === 'drop').map((e) => e.kind === 'drop' && e.reason), ['persist-lost']);
    assert.deepEqual(ev.filter((e) => e.kind === 'reply').map((e) => e.kind === 'reply' && e.op), ['c1'], 'the second reply never leaves');
    const n1 = r.trace.stateAt(r.trace.length - 1);
    assert.equal(ev.filter((e) => e.kind === 'durable').length, 1);
    assert.equal(n1.n1 && (n1.n1 as unknown as W).writes, 2, 'the crashed node\'s last state stays visible');
  });

  it('onDurable runs as each write completes, in order, with what was written', () => {
    const spec = makeSpec({ protocol: 'writer', storage: slowDisk, actions: [op(0, 'write'), op(1000, 'write')] });
    const r = simulate(spec, writer(true));
    const ev = Array.from({ length: r.trace.length }, (_, i) => r.trace.event(i));
    assert.deepEqual(ev.filter((e) => e.kind === 'durable').map((e) => e.t), [5000, 6000], 'writes complete in issue order, each after its own latency');
    const s = r.trace.stateAt(r.trace.length - 1).n1 as unknown as W;
    assert.deepEqual(s.durable, [1, 2]);
  });

  it('with onDurable, an instant write completes right after its handler, in the same step and with no durable event', () => {
    const r = simulate(makeSpec({ protocol: 'writer', actions: [op(0, 'write'), op(0, 'ping')] }), writer(true));
    const ev = Array.from({ length: r.trace.length }, (_, i) => r.trace.event(i));
    assert.equal(ev.filter((e) => e.kind === 'durable').length, 0, 'nothing happened between the write and its completion');
    const client = ev.find((e) => e.kind === 'client')!;
    const states = ev.filter((e) => e.kind === 'state' && e.cause === client.i);
    assert.equal(states.length, 2, 'the handler\'s state change, then onDurable\'s, both caused by the client event');
    const ping = ev.findIndex((e) => e.kind === 'client' && e.i !== client.i);
    assert.ok(ev.indexOf(states[1]!) < ping, 'onDurable ran before the next event of the same instant');
    assert.deepEqual((r.trace.stateAt(r.trace.length - 1).n1 as unknown as W).durable, [1]);
  });

  it('a protocol that writes on every completed instant write is stopped with a protocol error, not a hang', () => {
    const forever: Protocol<number> = {
      name: 'forever',
      vocabulary: { doc: 'Writes forever.', params: [], ops: [], invariants: [], queries: [], messages: [], metrics: [] },
      init: (ctx) => { ctx.persist(0); return 0; },
      onMessage: (s) => s,
      onDurable: (s, _d, ctx) => { ctx.persist(s + 1); return s + 1; },
    };
    const r = simulate(makeSpec({ protocol: 'forever', nodes: ['n1'] }), forever);
    const fault = r.checks.find((c) => c.name === 'protocol error');
    assert.match(fault?.message ?? '', /onDurable at n1: wrote again/);
  });
});

describe('engine contract: handlers a protocol leaves out', () => {
  const minimal: Protocol<{ got: number }> = {
    name: 'minimal',
    vocabulary: { doc: 'Only init and onMessage.', params: [], ops: [], invariants: [], queries: [], messages: [], metrics: [] },
    init: (ctx) => {
      if (ctx.id === 'n1') ctx.setTimer('tick', 1000);
      return { got: 0 };
    },
    onMessage: (s) => ({ got: s.got + 1 }),
  };

  it('runs: timers do nothing, client ops fail definitely, restart starts over, the role is `node`', () => {
    const r = simulate(makeSpec({
      protocol: 'minimal',
      actions: [act(0, { kind: 'client', op: 'anything', args: {} }), act(5, { kind: 'crash', target: on('n2') }), act(6, { kind: 'restart', target: on('n2') })],
    }), minimal);
    const ev = Array.from({ length: r.trace.length }, (_, i) => r.trace.event(i));
    const client = ev.find((e) => e.kind === 'client')!;
    assert.equal(client.kind === 'client' && client.node, 'n1', 'the default client target is the first node');
    const reply = ev.find((e) => e.kind === 'reply')!;
    assert.deepEqual(reply.kind === 'reply' && [reply.ok, reply.result], [false, 'minimal takes no client operations']);
    assert.ok(ev.some((e) => e.kind === 'timer'), 'the timer fired and was ignored');
    assert.deepEqual(r.nodes.map((n) => n.role), ['node', 'node', 'node']);
    assert.ok(r.checks.every((c) => c.status === 'held'));
    assert.equal(r.end.reason, 'quiescent');
  });
});

describe('engine contract: monitors', () => {
  type S = { n: number };
  const created: unknown[] = [];
  const observed: string[][] = [];
  const history: MonitorSpec<S, { max: Map<string, number>; steps: number }> = {
    name: 'max seen',
    create: () => {
      const m = { max: new Map<string, number>(), steps: 0 };
      created.push(m);
      return m;
    },
    observe(m, _w, changed) {
      m.steps++;
      observed.push(changed.map((v) => v.id));
      for (const v of changed) m.max.set(v.id, Math.max(m.max.get(v.id) ?? 0, v.state.n));
    },
  };
  const neverDecreases: InvariantSpec<S, { max: Map<string, number> }> = {
    name: 'never_decreases', doc: 'A count never falls below the highest seen.', monitor: history,
    check: (_w: World<S>, changed: readonly NodeView<S>[], m) => {
      for (const v of changed) if (v.state.n < m.max.get(v.id)!) return `${v.id} fell to ${v.state.n}`;
      return null;
    },
  };
  const sharesMemory: InvariantSpec<S, { steps: number }> = {
    name: 'shares_memory', doc: 'Sees the same memory.', monitor: history,
    check: (_w, _c, m) => (m.steps > 0 ? null : 'observe did not run before the check'),
  };
  const counter: Protocol<S> = {
    name: 'count',
    vocabulary: { doc: 'Counts.', params: [], ops: [], invariants: [neverDecreases, sharesMemory], queries: [], messages: [], metrics: [] },
    init: () => ({ n: 0 }),
    onMessage: (s) => s,
    onClient: (s, o) => ({ n: o.name === 'dec' ? s.n - 1 : s.n + 1 }),
  };

  it('makes one memory per run, shared by the invariants that name the monitor, observed once per step before the checks', () => {
    created.length = 0;
    observed.length = 0;
    const spec = makeSpec({ protocol: 'count', actions: [op(0, 'inc'), op(1, 'inc', 'n2'), op(2, 'dec')] });
    const a = simulate(spec, counter);
    const b = simulate(spec, counter);
    assert.equal(created.length, 2, 'one memory per run');
    assert.notEqual(created[0], created[1]);
    assert.deepEqual(observed.slice(0, 4), [['n1', 'n2', 'n3'], ['n1'], ['n2'], ['n1']], 'every node first, then the nodes that changed');
    for (const r of [a, b]) {
      const violations = Array.from({ length: r.trace.length }, (_, i) => r.trace.event(i)).filter((e) => e.kind === 'violation');
      assert.deepEqual(violations.map((v) => v.kind === 'violation' && [v.invariant, v.message, v.t]), [['never_decreases', 'n1 fell to 0', 2]]);
    }
  });
});
