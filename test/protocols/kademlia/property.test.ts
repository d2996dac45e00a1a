/**
 * Kademlia through the real simulator over random networks and fault
 * schedules (fast-check, 500 schedules in all):
 * - stable networks (random size, id width, k, α, latency, join timing):
 *   every invariant holds — each completed lookup returns the true k closest
 *   (the monitor's oracle) — and, independently of the monitor, each lookup's
 *   reply equals a brute-force sort of the final world's ids;
 * - crashes of fewer than k nodes after values are stored: every find still
 *   finds them (`value_retrievable`);
 * - churn, leaves and joins, crashes and restarts, pauses, partitions, loss,
 *   duplication and reordering: the routing-table invariants and α hold,
 *   nothing throws, and the monitor gives the same trace and checks whether
 *   it looks at the nodes that changed or at every node after every step.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Json, Protocol, World } from '../../../src/engine/protocol.js';
import { simulate, type SimulationResult } from '../../../src/engine/simulate.js';
import type { Action, NetworkSpec, ScenarioSpec, TimedAction } from '../../../src/engine/spec.js';
import { kademliaProtocol } from '../../../src/protocols/kademlia/index.js';
import { compareDistance } from '../../../src/protocols/kademlia/ids.js';
import { isState, type KademliaState } from '../../../src/protocols/kademlia/state.js';
import { K } from '../../../src/trace/recorder.js';
import { makeSpec } from '../../engine/fixtures/spec.js';

const ALL = kademliaProtocol.vocabulary.invariants.map((i) => i.name);
const TABLE = ['bucket_size', 'bucket_prefix', 'no_self_contact', 'lookup_alpha'];
const on = (node: string) => ({ kind: 'nodes' as const, nodes: [node] });
const client = (at: number, node: string, op: string, args: Record<string, Json>): TimedAction => ({ at, action: { kind: 'client', target: on(node), op, args } });

const network = fc.record({
  n: fc.integer({ min: 3, max: 10 }),
  bits: fc.constantFrom(8, 16, 160),
  k: fc.integer({ min: 3, max: 8 }),
  alpha: fc.integer({ min: 1, max: 3 }),
  gap: fc.integer({ min: 0, max: 8_000 }),
  lat: fc.integer({ min: 500, max: 8_000 }),
  seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
});
type Net = typeof network extends fc.Arbitrary<infer T> ? T : never;

function spec(net: Net, actions: TimedAction[], until: number, extra: { params?: Record<string, Json>; network?: Partial<NetworkSpec>; expectations?: ScenarioSpec['expectations'] } = {}): ScenarioSpec {
  return makeSpec({
    protocol: 'kademlia', nodes: [], seed: net.seed,
    params: { id_bits: net.bits, k: net.k, alpha: net.alpha, size: net.n, join_gap: net.gap, rpc_timeout: 50_000, ...extra.params },
    network: { latency: { kind: 'uniform', min: Math.round(net.lat / 2), max: net.lat }, ...extra.network },
    actions: actions.sort((a, b) => a.at - b.at),
    run: { until, maxTime: until, maxEvents: 400_000 },
    expectations: extra.expectations ?? [],
  });
}

/** The time by which every node has joined (its start, plus a generous margin for its lookups). */
const settled = (net: Net): number => net.n * net.gap + 400_000;

function failedChecks(r: SimulationResult): string[] {
  return r.checks.filter((c) => c.status !== 'held').map((c) => `${c.name}: ${c.message}`);
}

describe('Kademlia property tests (random networks and schedules)', function () {
  this.timeout(300_000);

  it('stable networks: every invariant holds, and every lookup reply equals a brute-force sort of the live ids', () => {
    const schedule = fc.record({
      net: network,
      lookups: fc.array(fc.record({ at: fc.integer({ min: 0, max: 200_000 }), node: fc.nat(), target: fc.nat(255) }), { minLength: 1, maxLength: 6 }),
      stores: fc.array(fc.record({ at: fc.integer({ min: 0, max: 100_000 }), node: fc.nat(), key: fc.nat(3) }), { maxLength: 2 }),
    });
    fc.assert(fc.property(schedule, ({ net, lookups, stores }) => {
      const t0 = settled(net);
      const name = (x: number) => `n${1 + (x % net.n)}`;
      const actions: TimedAction[] = [];
      for (const l of lookups) actions.push(client(t0 + l.at, name(l.node), 'lookup', { id: l.target.toString(16) }));
      for (const s of stores) {
        actions.push(client(t0 + s.at, name(s.node), 'store', { key: `key${s.key}`, value: s.at }));
        actions.push(client(t0 + 300_000 + s.at, name(s.node + 1), 'find', { key: `key${s.key}` }));
      }
      const r = simulate(spec(net, actions, t0 + 700_000, { expectations: [{ kind: 'always', invariants: ALL }] }), kademliaProtocol);
      assert.deepEqual(failedChecks(r), []);
      // Independently of the monitor: the final world's ids, sorted by XOR distance to each target.
      const states = r.trace.stateAt(r.trace.length - 1) as unknown as Record<string, KademliaState>;
      const ids = Object.values(states).filter((s) => isState(s) && s.phase === 'joined').map((s) => s.self);
      assert.equal(ids.length, net.n, 'everyone joined');
      let replies = 0;
      for (let i = 0; i < r.trace.length; i++) {
        if (r.trace.kindCode(i) !== K.reply) continue;
        const e = r.trace.event(i);
        if (e.kind !== 'reply' || !e.ok || !Array.isArray((e.result as { closest?: unknown })?.closest)) continue;
        const { target, closest } = e.result as { target: string; closest: string[] };
        const want = ids.slice().sort((a, b) => compareDistance(a.id, b.id, target)).slice(0, net.k).map((c) => c.node);
        assert.deepEqual(closest, want, `lookup of ${target}`);
        replies++;
      }
      assert.equal(replies, lookups.length);
    }), { numRuns: 200, seed: 1212 });
  });

  it('fewer than k crashed holders: every find of a stored value still finds it', () => {
    const schedule = fc.record({
      net: network,
      crashes: fc.array(fc.nat(), { maxLength: 7 }),
      finders: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
    });
    fc.assert(fc.property(schedule, ({ net, crashes, finders }) => {
      const t0 = settled(net);
      const name = (x: number) => `n${1 + (x % net.n)}`;
      const down = [...new Set(crashes.map(name))].filter((n) => n !== 'n1').slice(0, net.k - 1);
      const alive = Array.from({ length: net.n }, (_, i) => `n${i + 1}`).filter((n) => !down.includes(n));
      const actions: TimedAction[] = [client(t0, 'n1', 'store', { key: 'apple', value: 1 })];
      down.forEach((n, j) => actions.push({ at: t0 + 100_000 + j * 1_000, action: { kind: 'crash', target: on(n) } }));
      finders.forEach((f, j) => actions.push(client(t0 + 200_000 + j * 20_000, alive[f % alive.length]!, 'find', { key: 'apple' })));
      const r = simulate(spec(net, actions, t0 + 800_000, { expectations: [{ kind: 'always', invariants: ALL }] }), kademliaProtocol);
      assert.deepEqual(failedChecks(r), []);
      assert.equal(r.metrics['finds'], finders.length);
      assert.equal(r.metrics['value_availability'], 1);
    }), { numRuns: 100, seed: 3434 });
  });

  it('faults, churn and a lossy network: the routing-table invariants and α hold, and the monitor sees the same whether told the changed nodes or every node', () => {
    // The same protocol, its monitor handed every node after every step instead of the changed ones.
    const scanning: Protocol = {
      ...kademliaProtocol,
      vocabulary: {
        ...kademliaProtocol.vocabulary,
        invariants: kademliaProtocol.vocabulary.invariants.map((inv) => ({
          ...inv,
          monitor: { ...inv.monitor!, observe: (m: unknown, w: World) => inv.monitor!.observe!(m as never, w as never, w.nodes as never) },
        })),
      },
    };
    const fault = fc.record({
      kind: fc.constantFrom('crash', 'pause', 'partition', 'leave', 'lookup'),
      node: fc.nat(), at: fc.integer({ min: 0, max: 600_000 }), back: fc.integer({ min: 1_000, max: 300_000 }),
    });
    const schedule = fc.record({
      net: network,
      faults: fc.array(fault, { maxLength: 8 }),
      loss: fc.constantFrom(0, 0.02, 0.1),
      duplicate: fc.constantFrom(0, 0.05),
      reorder: fc.constantFrom(0, 0.1),
      churn: fc.constantFrom(0, 200_000, 1_000_000),
      bug: fc.constantFrom<Record<string, boolean>>({}, {}, {}, { bug_skip_eviction: true }, { bug_flood: true }, { bug_add_self: true }),
    });
    let compared = 0;
    let violations = 0;
    fc.assert(fc.property(schedule, ({ net, faults, loss, duplicate, reorder, churn, bug }) => {
      const name = (x: number) => `n${1 + (x % net.n)}`;
      const actions: TimedAction[] = [];
      for (const f of faults) {
        const n = name(f.node);
        const act = (at: number, action: Action) => actions.push({ at, action });
        switch (f.kind) {
          case 'crash': act(f.at, { kind: 'crash', target: on(n) }); act(f.at + f.back, { kind: 'restart', target: on(n) }); break;
          case 'pause': act(f.at, { kind: 'pause', target: on(n) }); act(f.at + f.back, { kind: 'resume', target: on(n) }); break;
          case 'partition': act(f.at, { kind: 'partition', groups: [[n], Array.from({ length: net.n }, (_, i) => `n${i + 1}`).filter((x) => x !== n)] }); act(f.at + f.back, { kind: 'heal' }); break;
          case 'leave':
            actions.push(client(f.at, n, 'leave', {}));
            if (n !== 'n1') actions.push(client(f.at + f.back, n, 'join', { node: n, via: 'n1' }));
            break;
          default: actions.push(client(f.at, n, 'lookup', { target: 'random' }));
        }
      }
      const s = spec(net, actions, 1_200_000, {
        network: { latency: { kind: 'uniform', min: Math.round(net.lat / 2), max: net.lat }, loss, duplicate, reorder, reorderWindow: 20_000 },
        params: { churn_session: churn, churn_downtime: 100_000, lookup_every: 300_000, republish: 300_000, ...bug },
        expectations: [{ kind: 'always', invariants: TABLE }],
      });
      const r = simulate(s, kademliaProtocol);
      assert.ok(!r.checks.some((c) => c.name === 'protocol error'), JSON.stringify(r.checks));
      if (Object.keys(bug).length === 0) assert.deepEqual(failedChecks(r), []);
      violations += r.checks.filter((c) => c.status !== 'held').length;
      if (faults.length % 4 === 0) {
        const lines = (x: SimulationResult) => [...Array.from({ length: x.trace.length }, (_, i) => JSON.stringify(x.trace.event(i))), JSON.stringify(x.checks), JSON.stringify(x.metrics)].join('\n');
        assert.equal(lines(r), lines(simulate(s, scanning)));
        compared++;
      }
    }), { numRuns: 200, seed: 5656 });
    assert.ok(compared > 20, `compared ${compared} runs with the full scan`);
    assert.ok(violations > 0, 'the bug switches broke invariants in some runs, so violations were compared too');
  });
});
