/**
 * Random schedules for atomic commit on the real simulator (fast-check):
 * a few concurrent transactions begun at random nodes over random
 * participant sets and keys, random vote policies, crashes and restarts of
 * any node (acceptors included), partitions and heals, message loss, network
 * and storage latencies. Every crash is followed by a restart and every
 * partition by a heal well before the end, so a protocol that does not
 * block forever has decided everything by then.
 */
import fc from 'fast-check';
import type { Json, NodeId, Params } from '../../../src/engine/protocol.js';
import { DEFAULT_NETWORK, type Action, type ScenarioSpec, type TimedAction } from '../../../src/engine/spec.js';
import { acceptorIds, type CommitProtocolName } from '../../../src/protocols/commit/params.js';

export const INVARIANTS = ['atomicity', 'commit_validity', 'decision_stable', 'no_unilateral_decision'];
const KEYS = ['x', 'y'];
/** Transactions begin in the first 300ms and faults happen in the first 400ms; everything is up and healed again by 1s; runs end at 4s. */
const FAULTS_UNTIL = 400_000;
const END = 4_000_000;

export interface Faults {
  readonly crashes: boolean;
  readonly partitions: boolean;
  /** Message loss, duplication and reordering (an unreliable network). */
  readonly loss: boolean;
}

const txArb = fc.record({
  at: fc.integer({ min: 0, max: 300_000 }),
  coord: fc.nat(4),
  parts: fc.uniqueArray(fc.nat(4), { minLength: 1, maxLength: 4 }),
  key: fc.nat(KEYS.length - 1),
  value: fc.nat(9),
});
const crashArb = fc.record({ node: fc.nat(8), at: fc.integer({ min: 0, max: FAULTS_UNTIL }), down: fc.integer({ min: 1_000, max: 600_000 }) });
const partitionArb = fc.record({ cut: fc.uniqueArray(fc.nat(8), { minLength: 1, maxLength: 3 }), at: fc.integer({ min: 0, max: FAULTS_UNTIL }), length: fc.integer({ min: 1_000, max: 600_000 }) });

export const scheduleArb = fc.record({
  seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  participants: fc.constantFrom(3, 4),
  f: fc.constantFrom(0, 1, 1, 2),
  txs: fc.array(txArb, { minLength: 1, maxLength: 6 }),
  votes: fc.array(fc.constantFrom('yes', 'yes', 'yes', 'yes', 'no', 'crash_before_vote'), { minLength: 4, maxLength: 4 }),
  crashes: fc.array(crashArb, { maxLength: 3 }),
  partitions: fc.array(partitionArb, { maxLength: 2 }),
  loss: fc.constantFrom(0, 0.01, 0.05),
  duplicate: fc.constantFrom(0, 0.02, 0.1),
  reorder: fc.constantFrom(0, 0.05),
  latencyMax: fc.integer({ min: 1_000, max: 5_000 }),
  storage: fc.constantFrom(0, 500, 2_000),
});

export type Schedule = typeof scheduleArb extends fc.Arbitrary<infer T> ? T : never;

/** Every participant votes yes. */
export const ALL_YES: Schedule['votes'] = ['yes', 'yes', 'yes', 'yes'];

/** The scenario for a schedule under one protocol, with only the faults asked for. */
export function scheduleSpec(c: Schedule, protocol: CommitProtocolName, faults: Faults, extra: Params = {}): ScenarioSpec {
  const params: Params = { commit_protocol: protocol, timeout: 50_000, f: c.f, participants: 0, ...extra };
  const declared: NodeId[] = ['tm', ...Array.from({ length: c.participants }, (_, i) => `p${i + 1}`)];
  const all = [...declared, ...acceptorIds(params)];
  const pick = (k: number) => all[k % all.length]!;
  const actions: TimedAction[] = [];
  const at = (t: number, action: Action) => actions.push({ at: t, action });
  c.txs.forEach((t, k) => {
    const coord = declared[t.coord % declared.length]!;
    const parts = [...new Set(t.parts.map((i) => declared[i % declared.length]!))].filter((p) => p !== coord);
    if (parts.length === 0) return;
    const args: Record<string, Json> = { tx: `t${k + 1}`, parts, key: KEYS[t.key]!, value: t.value };
    at(t.at, { kind: 'client', target: { kind: 'nodes', nodes: [coord] }, op: 'begin', args });
  });
  if (faults.crashes) {
    for (const f of c.crashes) {
      const node = pick(f.node);
      at(f.at, { kind: 'crash', target: { kind: 'nodes', nodes: [node] } });
      at(f.at + f.down, { kind: 'restart', target: { kind: 'nodes', nodes: [node] } });
    }
  }
  if (faults.partitions) {
    for (const p of c.partitions) {
      const cut = new Set(p.cut.map(pick));
      at(p.at, { kind: 'partition', groups: [[...cut], all.filter((n) => !cut.has(n))] });
      at(p.at + p.length, { kind: 'heal' });
    }
  }
  actions.sort((a, b) => a.at - b.at);
  const nodeParams: Record<NodeId, Params> = {};
  declared.forEach((n, i) => { nodeParams[n] = { vote: n === 'tm' ? 'yes' : c.votes[i % c.votes.length]! }; });
  return {
    name: 'random schedule', protocol: 'commit', nodes: declared, nodeParams, seed: c.seed, params,
    network: { ...DEFAULT_NETWORK, latency: { kind: 'uniform', min: 500, max: c.latencyMax },
      loss: faults.loss ? c.loss : 0, duplicate: faults.loss ? c.duplicate : 0, reorder: faults.loss ? c.reorder : 0 },
    storage: { latency: c.storage === 0 ? { kind: 'fixed', value: 0 } : { kind: 'uniform', min: 0, max: c.storage } },
    actions, rules: [],
    run: { until: END, maxTime: END, maxEvents: 400_000 },
    expectations: [{ kind: 'always', invariants: INVARIANTS }],
  };
}

/**
 * Schedules aimed at 3PC's weak spot: transactions over every participant
 * begun at once, and a partition that falls somewhere in their PreCommit
 * round (a few ms in), lasting longer than the termination protocol takes.
 */
export const splitArb = scheduleArb.chain((base) => fc.record({
  base: fc.constant(base),
  txAt: fc.integer({ min: 0, max: 5_000 }),
  cut: fc.uniqueArray(fc.nat(8), { minLength: 1, maxLength: 3 }),
  at: fc.integer({ min: 1_000, max: 30_000 }),
  length: fc.integer({ min: 300_000, max: 900_000 }),
}).map(({ base: b, txAt, cut, at, length }) => ({
  ...b,
  votes: ALL_YES,
  txs: [{ at: txAt, coord: 0, parts: [1, 2, 3, 4], key: 0, value: 1 }],
  crashes: [],
  partitions: [{ cut, at, length }],
})));
