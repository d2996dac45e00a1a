import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { NodeId, Protocol, World } from '../../src/engine/protocol.js';
import { simulate } from '../../src/engine/simulate.js';
import type { Action, ScenarioSpec } from '../../src/engine/spec.js';
import type { InvariantSpec } from '../../src/engine/vocabulary.js';
import { raftProtocol as raft } from '../../src/protocols/raft/index.js';
import { makeSpec } from './fixtures/spec.js';
import { counter, type CounterState } from './fixtures/counter.js';

const on = (node: string) => ({ kind: 'nodes' as const, nodes: [node] });
const act = (at: number, action: Action) => ({ at, action });

/** Every event of a run, as JSON lines, plus its checks and end. */
function transcript(spec: ScenarioSpec, protocol: Protocol): string {
  const r = simulate(spec, protocol);
  const lines: string[] = [];
  for (let i = 0; i < r.trace.length; i++) lines.push(JSON.stringify(r.trace.event(i)));
  lines.push(JSON.stringify(r.checks), JSON.stringify(r.end));
  return lines.join('\n');
}

describe('invariants and the `changed` list', () => {
  it('lists every node on the first check, then exactly the nodes whose state, status or durable state changed', () => {
    const calls: NodeId[][] = [];
    let mismatches = 0;
    let last: Map<NodeId, [unknown, string, unknown]> | undefined;
    const spy: InvariantSpec<CounterState> = {
      name: 'spy', doc: 'Records what it is told.',
      check(world: World<CounterState>, views) {
        const changed = views.map((v) => v.id);
        assert.deepEqual(views.map((v) => v.index), [...views.map((v) => v.index)].sort((a, b) => a - b), 'in node order');
        calls.push(changed);
        const now = new Map(world.nodes.map((n) => [n.id, [n.state, n.status, n.durable] as [unknown, string, unknown]]));
        if (last !== undefined) {
          const really = world.nodes.filter((n) => last!.get(n.id)!.some((v, k) => v !== now.get(n.id)![k])).map((n) => n.id);
          if (JSON.stringify([...changed].sort()) !== JSON.stringify(really.sort())) mismatches++;
        }
        last = now;
        return null;
      },
    };
    const protocol: Protocol<CounterState> = { ...counter, vocabulary: { ...counter.vocabulary, invariants: [...counter.vocabulary.invariants, spy] } };
    const spec = makeSpec({
      protocol: 'counter',
      storage: { latency: { kind: 'fixed', value: 500 } },
      actions: [
        act(0, { kind: 'client', target: on('n1'), op: 'inc', args: {} }),
        act(10_000, { kind: 'crash', target: on('n3') }),
        act(20_000, { kind: 'client', target: on('n2'), op: 'inc', args: {} }),
        act(30_000, { kind: 'restart', target: on('n3') }),
        act(40_000, { kind: 'pause', target: on('n2') }),
        act(50_000, { kind: 'resume', target: on('n2') }),
      ],
    });
    const r = simulate(spec, protocol);
    assert.equal(r.end.reason, 'quiescent');
    assert.deepEqual(calls[0], ['n1', 'n2', 'n3']);
    assert.ok(calls.length > 6, `checked after each change (${calls.length} checks)`);
    assert.ok(calls.slice(1).every((c) => c.length > 0 && new Set(c).size === c.length), 'no empty or repeated lists after the first');
    assert.ok(calls.slice(1).some((c) => c.length === 1 && c[0] === 'n3'), 'a crash alone lists the crashed node');
    assert.equal(mismatches, 0);
  });

  it('raft: traces and checks are identical whether the monitor observes the changed nodes or every node (random schedules, bugs on)', function () {
    this.timeout(240_000);
    // Each invariant gets a monitor of its own that observes every node after every step.
    const scanning: Protocol = {
      ...raft,
      vocabulary: {
        ...raft.vocabulary,
        invariants: raft.vocabulary.invariants.map((inv) => ({
          ...inv,
          monitor: { name: `${inv.name} (full scan)`, create: inv.monitor!.create, observe: (m: unknown, w: World) => inv.monitor!.observe!(m as never, w as never, w.nodes as never) },
        })),
      },
    };
    const fault = fc.oneof(
      fc.record({ kind: fc.constant('crash' as const), node: fc.nat(4), at: fc.integer({ min: 0, max: 1_500_000 }), down: fc.integer({ min: 1_000, max: 600_000 }) }),
      fc.record({ kind: fc.constant('partition' as const), node: fc.nat(4), at: fc.integer({ min: 0, max: 1_500_000 }), down: fc.integer({ min: 1_000, max: 700_000 }) }),
    );
    const schedule = fc.record({
      seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      bugs: fc.constantFrom<Record<string, boolean>>({}, { bug_skip_log_check: true, bug_commit_old_terms: true }, { bug_forget_vote: true }),
      faults: fc.array(fault, { minLength: 1, maxLength: 5 }),
      puts: fc.array(fc.record({ at: fc.integer({ min: 0, max: 1_800_000 }), node: fc.nat(4), key: fc.nat(2) }), { minLength: 1, maxLength: 12 }),
    });
    const nodes = ['n1', 'n2', 'n3', 'n4', 'n5'];
    let violations = 0;
    fc.assert(fc.property(schedule, (c) => {
      const actions: { at: number; action: Action }[] = [];
      for (const f of c.faults) {
        if (f.kind === 'crash') actions.push(act(f.at, { kind: 'crash', target: on(nodes[f.node]) }), act(f.at + f.down, { kind: 'restart', target: on(nodes[f.node]) }));
        else actions.push(act(f.at, { kind: 'partition', groups: [[nodes[f.node]], nodes.filter((n) => n !== nodes[f.node])] }), act(f.at + f.down, { kind: 'heal' }));
      }
      for (const p of c.puts) actions.push(act(p.at, { kind: 'client', target: on(nodes[p.node]), op: 'put', args: { key: `k${p.key}`, value: p.at } }));
      actions.sort((a, b) => a.at - b.at);
      const spec = makeSpec({
        protocol: 'raft', nodes, seed: c.seed,
        params: { heartbeat: 50_000, election_timeout: { min: 150_000, max: 300_000 }, rpc_timeout: 100_000, ...c.bugs },
        network: { latency: { kind: 'uniform', min: 1_000, max: 15_000 }, loss: 0.05 },
        actions,
        run: { until: 3_000_000, maxTime: 3_000_000, maxEvents: 200_000 },
        expectations: [{ kind: 'always', invariants: raft.vocabulary.invariants.map((i) => i.name) }],
      });
      const withList = transcript(spec, raft);
      assert.equal(withList, transcript(spec, scanning));
      violations += (withList.match(/"kind":"violation"/g) ?? []).length;
    }), { numRuns: 60, seed: 4242 });
    assert.ok(violations > 0, 'some run broke an invariant, so violations were compared too');
  });
});
