/**
 * Random fault schedules for property tests on the simulator (fast-check):
 * crashes with a restart, and partitions that cut one or two nodes off and
 * heal. Nodes are drawn as indices and taken modulo the cluster's size.
 * And the check the replicated key-value stores share: over many
 * schedules, every `expect` line holds and most operations are answered.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Action, ScenarioSpec, TimedAction } from '../../src/engine/spec.js';
import { clientEvents } from '../../src/runner/linearizable.js';
import { runScenario } from '../../src/runner/run.js';

export type Fault =
  | { kind: 'crash'; node: number; at: number; down: number }
  | { kind: 'partition'; cut: number[]; at: number; length: number };

/** A crash (then a restart `down` µs later) or a partition (healed `length` µs later) starting at or before `latest`. */
export function faultArb(latest: number, longest: { down: number; length: number }): fc.Arbitrary<Fault> {
  return fc.oneof(
    fc.record({ kind: fc.constant('crash' as const), node: fc.nat(4), at: fc.integer({ min: 0, max: latest }), down: fc.integer({ min: 1_000, max: longest.down }) }),
    fc.record({ kind: fc.constant('partition' as const), cut: fc.uniqueArray(fc.nat(4), { minLength: 1, maxLength: 2 }), at: fc.integer({ min: 0, max: latest }), length: fc.integer({ min: 1_000, max: longest.length }) }),
  );
}

/** The timed actions of `faults` on `nodes`; every restart and heal happens by `over` (default: whenever it falls). */
export function faultActions(faults: readonly Fault[], nodes: readonly string[], over = Infinity): TimedAction[] {
  const node = (i: number) => nodes[i % nodes.length]!;
  const actions: TimedAction[] = [];
  const at = (t: number, action: Action) => actions.push({ at: t, action });
  for (const f of faults) {
    if (f.kind === 'crash') {
      at(f.at, { kind: 'crash', target: { kind: 'nodes', nodes: [node(f.node)] } });
      at(Math.min(f.at + f.down, over), { kind: 'restart', target: { kind: 'nodes', nodes: [node(f.node)] } });
    } else {
      const cut = new Set(f.cut.map(node));
      at(f.at, { kind: 'partition', groups: [[...cut], nodes.filter((n) => !cut.has(n))] });
      at(Math.min(f.at + f.length, over), { kind: 'heal' });
    }
  }
  return actions;
}

/**
 * Runs `numRuns` schedules drawn from `arb` (fast-check, fixed seed); in
 * each, the checks of `specOf(schedule)` — an `always` line and `expect
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
