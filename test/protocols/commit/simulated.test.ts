/**
 * Atomic commit on the real simulator under random schedules (fast-check;
 * _schedule.ts): concurrent transactions over random participants, vote
 * policies, crashes and restarts of any node, partitions, loss, duplication
 * and reordering.
 * - 2PC and Paxos Commit never violate atomicity (nor the other three
 *   invariants), and once every node is back and the network healed no
 *   participant is left uncertain.
 * - 3PC never violates them when its assumptions hold — crashes and
 *   restarts over a reliable network with bounded delays — and is found
 *   violating atomicity once partitions (or heavy loss, a partition by
 *   another name) enter.
 * - Each bug switch is caught.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ScenarioSpec } from '../../../src/engine/spec.js';
import type { CommitProtocolName } from '../../../src/protocols/commit/params.js';
import { runScenario } from '../../../src/runner/run.js';
import { ALL_YES, scheduleArb, scheduleSpec, splitArb, type Faults } from './_schedule.js';

const EVERYTHING: Faults = { crashes: true, partitions: true, loss: true };

/** Runs a spec; returns the failed checks' messages and the metrics. */
function run(spec: ScenarioSpec): { failed: string[]; metrics: Record<string, number>; reason: string } {
  const out = runScenario(spec);
  return { failed: out.result.checks.filter((k) => k.status !== 'held').map((k) => k.message ?? k.name), metrics: out.result.metrics, reason: out.result.end.reason };
}

function neverViolates(protocol: CommitProtocolName, faults: Faults, seed: number, live: boolean): void {
  let committed = 0;
  let aborted = 0;
  fc.assert(fc.property(scheduleArb, (c) => {
    const r = run(scheduleSpec(c, protocol, faults));
    assert.deepEqual(r.failed, [], JSON.stringify(c));
    assert.ok(r.reason === 'until' || r.reason === 'quiescent', r.reason);
    if (live) assert.equal(r.metrics.uncertain_at_end, 0, `still uncertain at the end: ${JSON.stringify(c)}`);
    committed += r.metrics.committed ?? 0;
    aborted += r.metrics.aborted ?? 0;
  }), { numRuns: 500, seed });
  // Not a trivial pass: the schedules commit and abort plenty of transactions.
  assert.ok(committed > 200 && aborted > 200, `${committed} committed, ${aborted} aborted`);
}

describe('atomic commit on the simulator (random schedules)', () => {
  it('2PC: 500 schedules with crashes, restarts, partitions, loss, duplication and reordering never violate atomicity, and nothing stays blocked once all is healed', function () {
    this.timeout(120_000);
    neverViolates('twopc', EVERYTHING, 20250101, true);
  });

  it('Paxos Commit: 500 schedules with crashes (acceptors too), restarts, partitions, loss, duplication and reordering never violate atomicity, and all decide once all is healed', function () {
    this.timeout(120_000);
    neverViolates('paxos_commit', EVERYTHING, 20250102, true);
  });

  it('3PC: 500 schedules with crashes and restarts on a reliable network (3PC\'s assumptions) never violate atomicity', function () {
    this.timeout(120_000);
    neverViolates('threepc', { crashes: true, partitions: false, loss: false }, 20250103, false);
  });

  it('3PC: with partitions it is found violating atomicity; 2PC and Paxos Commit on the very same schedules are not', function () {
    this.timeout(120_000);
    const schedules = fc.sample(splitArb, { numRuns: 300, seed: 3 });
    const split = schedules.filter((c) => run(scheduleSpec(c, 'threepc', { crashes: false, partitions: true, loss: false })).failed.some((m) => m.includes('atomicity violated')));
    assert.ok(split.length > 0, 'no partition split 3PC');
    for (const c of split) {
      for (const p of ['twopc', 'paxos_commit'] as const) assert.deepEqual(run(scheduleSpec(c, p, { crashes: false, partitions: true, loss: false })).failed, [], `${p} ${JSON.stringify(c)}`);
    }
  });

  it('3PC: heavy message loss (a partition by another name) also splits it', function () {
    this.timeout(120_000);
    const found = fc.sample(scheduleArb, { numRuns: 400, seed: 5 }).some((c) => {
      const s = scheduleSpec({ ...c, votes: ALL_YES }, 'threepc', { crashes: false, partitions: false, loss: true });
      return run({ ...s, network: { ...s.network, loss: 0.2 } }).failed.some((m) => m.includes('atomicity violated'));
    });
    assert.ok(found, 'no schedule with 20% loss split 3PC');
  });

  for (const [protocol, bug, invariant] of [
    ['twopc', 'bug_ready_timeout_abort', 'no_unilateral_decision'],
    ['twopc', 'bug_commit_without_votes', 'commit_validity'],
    ['threepc', 'bug_commit_without_votes', 'commit_validity'],
    ['paxos_commit', 'bug_commit_without_votes', 'commit_validity'],
  ] as const) {
    it(`${bug} under ${protocol}: random schedules expose ${invariant}`, function () {
      this.timeout(60_000);
      const found = fc.sample(scheduleArb, { numRuns: 300, seed: 11 }).some((c) =>
        run(scheduleSpec(c, protocol, EVERYTHING, { [bug]: true })).failed.some((m) => m.includes(`${invariant} violated`)));
      assert.ok(found, `${bug} was never caught`);
    });
  }

  /** One transaction at tm over p1..p3 on slow disks: the outcome to p3 is lost, and tm crashes `after` µs after sending it, then restarts. */
  function earlyDecisionSpecs(protocol: CommitProtocolName): ScenarioSpec[] {
    const type = protocol === 'twopc' ? 'Commit' : 'DoCommit';
    const tm = { kind: 'nodes' as const, nodes: ['tm'] };
    const crashArb = fc.record({ base: scheduleArb, after: fc.integer({ min: 100, max: 4_900 }), restart: fc.integer({ min: 1_000, max: 200_000 }) });
    return fc.sample(crashArb, { numRuns: 100, seed: 12 }).map(({ base, after, restart }) => {
      const one = { ...base, votes: ALL_YES, txs: [{ at: 0, coord: 0, parts: [1, 2, 3], key: 0, value: 1 }], crashes: [], partitions: [] };
      const s = scheduleSpec(one, protocol, { crashes: false, partitions: false, loss: false }, { bug_early_decision: true });
      return {
        ...s,
        storage: { latency: { kind: 'fixed', value: 5_000 } },
        rules: [
          { on: 'send', pattern: { type, from: 'tm', to: 'p3' }, times: 'every', disposition: { kind: 'drop' }, actions: [], until: 50_000 },
          { on: 'send', pattern: { type, from: 'tm' }, times: 'next', actions: [
            { delay: after, action: { kind: 'crash', target: tm } },
            { delay: after + restart, action: { kind: 'restart', target: tm } },
          ] },
        ],
      };
    });
  }

  it('bug_early_decision under 2PC: a coordinator crash while its commit record is in flight exposes decision_stable (presumed abort after the restart)', function () {
    this.timeout(60_000);
    assert.ok(earlyDecisionSpecs('twopc').some((spec) => run(spec).failed.some((m) => m.includes('decision_stable violated'))), 'bug_early_decision was never caught');
  });

  it('bug_early_decision under 3PC is harmless: the restarted coordinator finds its PreCommit record, so it asks instead of presuming abort', function () {
    this.timeout(60_000);
    for (const spec of earlyDecisionSpecs('threepc')) assert.deepEqual(run(spec).failed, []);
  });
});
