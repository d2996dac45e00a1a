/**
 * Random fault schedules for the property tests of the replicated
 * key-value protocols (Raft, Multi-Paxos): crashes with restarts, and
 * partitions that cut one or two nodes off for a while; and the check they
 * share — over many schedules, every `expect` line of the spec holds (their
 * invariants after every step, and the client history is linearizable),
 * and most client operations get an answer despite the faults.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Action, ScenarioSpec } from '../../src/engine/spec.js';
import { clientEvents } from '../../src/runner/linearizable.js';
import { runScenario } from '../../src/runner/run.js';

/** A crash (restarted `down` µs later) or a partition (healed after `length` µs); nodes by index, modulo the cluster size. */
export const faultArb = fc.oneof(
  fc.record({ kind: fc.constant('crash' as const), node: fc.nat(4), at: fc.integer({ min: 0, max: 1_500_000 }), down: fc.integer({ min: 1_000, max: 600_000 }) }),
  fc.record({ kind: fc.constant('partition' as const), cut: fc.uniqueArray(fc.nat(4), { minLength: 1, maxLength: 2 }), at: fc.integer({ min: 0, max: 1_500_000 }), length: fc.integer({ min: 1_000, max: 700_000 }) }),
);

export type Fault = typeof faultArb extends fc.Arbitrary<infer T> ? T : never;

/** The scripted actions of `faults` on `nodes`, through `at(time, action)`. */
export function faultActions(faults: readonly Fault[], nodes: readonly string[], at: (t: number, a: Action) => void): void {
  const node = (i: number) => nodes[i % nodes.length]!;
  for (const f of faults) {
    if (f.kind === 'crash') {
      at(f.at, { kind: 'crash', target: { kind: 'nodes', nodes: [node(f.node)] } });
      at(f.at + f.down, { kind: 'restart', target: { kind: 'nodes', nodes: [node(f.node)] } });
    } else {
      const cut = new Set(f.cut.map(node));
      at(f.at, { kind: 'partition', groups: [[...cut], nodes.filter((n) => !cut.has(n))] });
      at(f.at + f.length, { kind: 'heal' });
    }
  }
}

/**
 * Runs `numRuns` schedules drawn from `arb` (fast-check, fixed seed); in
 * each the checks of `specOf(schedule)` — an `always` line and `expect
 * linearizable` — must hold. More than half the client operations of all
 * runs must be answered, so the histories checked are not trivial.
 */
export function assertLinearizableRuns<T>(arb: fc.Arbitrary<T>, specOf: (c: T) => ScenarioSpec, o: { numRuns: number; seed: number }): void {
  let answered = 0;
  let asked = 0;
  fc.assert(fc.property(arb, (c) => {
    const outcome = runScenario(specOf(c));
    const failed = outcome.result.checks.filter((k) => k.status !== 'held');
    assert.deepEqual(failed, [], JSON.stringify(c));
    assert.deepEqual(outcome.result.checks.map((k) => k.kind), ['always', 'linearizable']);
    const events = clientEvents(outcome.result.trace);
    asked += events.filter((e) => e.kind === 'client').length;
    answered += events.filter((e) => e.kind === 'reply' && e.ok).length;
  }), o);
  assert.ok(answered > asked / 2, `${answered} of ${asked} operations answered`);
}
