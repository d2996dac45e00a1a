/**
 * Random fault schedules for property tests on the simulator (fast-check):
 * crashes with a restart, and partitions that cut one or two nodes off and
 * heal. Nodes are drawn as indices and taken modulo the cluster's size.
 */
import fc from 'fast-check';
import type { Action, TimedAction } from '../../src/engine/spec.js';

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
