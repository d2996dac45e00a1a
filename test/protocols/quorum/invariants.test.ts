// The quorum store's invariants and queries over hand-built worlds, stepped the
// way the simulator steps them (src/engine/monitors.ts: the nodes that changed,
// one memory per run).
import assert from 'node:assert/strict';
import { Monitors } from '../../../src/engine/monitors.js';
import type { Json, NodeId, NodeView, World } from '../../../src/engine/protocol.js';
import { invariants, quorumWatch } from '../../../src/protocols/quorum/invariants.js';
import { queries } from '../../../src/protocols/quorum/queries.js';
import { initialState, type QuorumState, type Request } from '../../../src/protocols/quorum/state.js';
import type { Version } from '../../../src/protocols/quorum/versions.js';

const NODES = ['n1', 'n2', 'n3', 'n4', 'n5'];
const v = (op: string, value: Json, clock: Record<string, number>, ts = 0): Version => ({ value, clock, ts, by: 'n3', op });

/** A world the test changes node by node; `step` checks the invariants on the nodes changed since the last step. */
class Steps {
  readonly views: (NodeView<QuorumState> & { state: QuorumState; status: 'up' | 'crashed' | 'paused'; durable: Json | undefined })[];
  private changed = new Set<number>(NODES.map((_, i) => i));
  readonly monitors = new Monitors<QuorumState>(invariants);
  readonly found = new Map<string, string>();
  now = 0;

  constructor(readonly params: Record<string, Json> = {}) {
    this.views = NODES.map((id, index) => ({ id, index, up: true, status: 'up', state: initialState(null), role: 'replica', durable: undefined }));
  }

  world(): World<QuorumState> {
    const nodes = this.views;
    return { now: this.now, nodes, params: this.params as never, metrics: {}, node: (id: NodeId) => nodes.find((n) => n.id === id) };
  }

  set(id: NodeId, patch: Partial<QuorumState>): this {
    const view = this.views.find((n) => n.id === id)!;
    view.state = { ...view.state, ...patch };
    this.changed.add(view.index);
    return this;
  }

  crash(id: NodeId): this {
    const view = this.views.find((n) => n.id === id)!;
    view.durable = { store: view.state.store, hints: view.state.hints, counter: 0, clock: null } as unknown as Json;
    view.status = 'crashed';
    this.changed.add(view.index);
    return this;
  }

  step(): this {
    this.now += 1000;
    const changed = [...this.changed].sort((a, b) => a - b).map((i) => this.views[i]!);
    this.changed.clear();
    for (const f of this.monitors.check(this.world(), changed)) this.found.set(f.invariant, f.message);
    return this;
  }
}

function acked(op: string, key: string, version: Version): Record<string, Request> {
  return {
    [op]: {
      cmd: { id: op, origin: 'n3', op: 'put', key, value: version.value, context: null },
      phase: 'write', status: 'ok', round: 0, started: 0, asked: {}, replies: {}, acks: ['n3', 'n1'], version, result: null, repaired: [],
    },
  };
}

describe('quorum invariants and queries', () => {
  it('no_lost_writes holds while a version descending from an acknowledged write is held, and counts the loss when none is', () => {
    const w1 = v('c1', 1, { n3: 1 });
    const s = new Steps();
    s.set('n3', { store: { x: [w1] }, requests: acked('c1', 'x', w1) }).set('n1', { store: { x: [w1] } }).step();
    // Superseded by a descendant on n3, still held on n1: fine.
    s.set('n3', { store: { x: [v('c2', 2, { n3: 2 })] } }).step();
    assert.equal(s.found.size, 0);
    // n1 replaces it by a concurrent version (what LWW does): n3's descendant still covers it.
    s.set('n1', { store: { x: [v('c9', 9, { n5: 1 })] } }).step();
    assert.equal(s.found.size, 0);
    // Now n3 too: nothing descends from c1 any more.
    s.set('n3', { store: { x: [v('c9', 9, { n5: 1 })] } }).step();
    assert.match(s.found.get('no_lost_writes') ?? '', /write c1 \(x = 1, clock \{n3:1\}\), acknowledged at 1ms, is lost: .*n3, its last holder, let it go/);
    assert.equal(s.monitors.metrics(s.world()).lost_writes, 1);
  });

  it('no_lost_writes: a crashed node holds what it wrote to disk; a hint held for another node counts', () => {
    const w1 = v('c1', 1, { n3: 1 });
    const s = new Steps();
    s.set('n3', { store: { x: [w1] }, requests: acked('c1', 'x', w1) }).step();
    s.set('n5', { hints: { n1: { x: [w1] } } }).step();
    s.crash('n3').step();
    s.set('n5', { hints: {} }).step();
    assert.equal(s.found.size, 0, 'n3\'s disk still has it');
    assert.equal(s.monitors.metrics(s.world()).hints_max, 1);
  });

  it('siblings_concurrent: a node keeping a version beside one that supersedes it is flagged, naming both', () => {
    const s = new Steps();
    s.set('n1', { store: { x: [v('c1', 1, { n1: 1 }), v('c2', 2, { n2: 1 })] } }).step();
    assert.equal(s.found.size, 0, 'concurrent siblings are fine');
    assert.equal(s.monitors.metrics(s.world()).max_siblings, 2);
    s.set('n2', { store: { x: [v('c1', 1, { n1: 1 }), v('c3', 3, { n1: 1, n2: 1 })] } }).step();
    assert.match(s.found.get('siblings_concurrent') ?? '', /n2 keeps, for "x", c3 \(x = 3, clock \{n1:1, n2:1\}\) supersedes its sibling c1/);
  });

  it('siblings_concurrent in lww and abd modes: one version per key', () => {
    const s = new Steps({ mode: 'lww' });
    s.set('n1', { store: { x: [v('c1', 1, { n1: 1 }, 5), v('c2', 2, { n2: 1 }, 6)] } }).step();
    assert.match(s.found.get('siblings_concurrent') ?? '', /2 versions \(lww keeps one\)/);
  });

  it('the monitor reads only the nodes that changed (an unchanged node is not looked at again)', () => {
    const s = new Steps();
    s.step();
    const memory = s.monitors.memory(quorumWatch)!;
    const seen = memory.seen[0];
    s.set('n2', { store: { y: [v('c1', 1, { n2: 1 })] } }).step();
    assert.equal(memory.seen[0], seen);
    assert.deepEqual([...memory.keyNodes.get('y')!], [1]);
  });

  const query = (name: string, world: World<QuorumState>, args: Record<string, Json> = {}) => queries.find((x) => x.name === name)!.evaluate(world, args);

  it('queries: converged, value, siblings, hints, replicas, coordinator', () => {
    const a = v('c1', 1, { n1: 1 });
    const b = v('c2', 2, { n2: 1 });
    const s = new Steps();
    // x's replicas: n3, n1, n4.
    assert.deepEqual(query('replicas', s.world(), { key: 'x' }), ['n3', 'n1', 'n4']);
    assert.deepEqual(query('coordinator', s.world(), { key: 'x' }), ['n3']);
    s.set('n3', { store: { x: [a] } }).set('n1', { store: { x: [a, b] } });
    assert.equal(query('converged', s.world()), false);
    assert.equal(query('value', s.world(), { key: 'x' }), '1 | 2');
    assert.equal(query('siblings', s.world(), { key: 'x' }), 2);
    s.set('n3', { store: { x: [a, b] } }).set('n4', { store: { x: [a, b] } });
    assert.equal(query('converged', s.world()), true);
    s.set('n5', { hints: { n1: { x: [a] } } });
    assert.equal(query('hints', s.world()), 1);
    assert.equal(query('converged', s.world()), false, 'a hint still waits');
    s.crash('n3');
    assert.deepEqual(query('coordinator', s.world(), { key: 'x' }), [], 'a crashed node is named by no role query');
    assert.equal(query('value', s.world(), { key: 'y' }), null);
  });
});
