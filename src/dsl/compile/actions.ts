/**
 * Actions, the things a timed line or a rule does: `client …` (matched
 * against the protocol's operation template), `crash|restart|pause|resume
 * TARGET`, `partition {…} | {…}`, `cut a -> b`, `heal`, `note "…"`,
 * `drift NODES RATE`.
 */
import type { Action } from '../../engine/spec.js';
import type { Action as AstAction } from '../generated/ast.js';
import { didYouMean, listNames } from '../_names.js';
import type { ArgToken } from '../_template.js';
import type { CompileContext } from './context.js';
import { argToken } from './literals.js';
import { clientTarget, nodesOf, singleNode, target } from './nodes.js';

export function compileAction(cx: CompileContext, a: AstAction | undefined): Action | undefined {
  if (!a) return undefined;
  // Kinds by `$type` (each a concrete type with no subtypes): cheaper than the generated `isX` guards.
  if (a.$type === 'ClientAction') {
    const op = cx.protocol.vocabulary.ops.find((o) => o.name === a.op);
    if (!op) {
      const names = cx.protocol.vocabulary.ops.map((o) => o.name);
      if (a.op) cx.error(a, `unknown operation '${a.op}'${didYouMean(a.op, names)}; ${cx.protocol.name} has ${listNames(names)}`, 'unknown-operation', 'op');
      return undefined;
    }
    const on = a.target ? clientTarget(cx, a.target) : undefined;
    if (a.target && !on) return undefined;
    const tokens: ArgToken[] = a.args.map((arg) => (arg.eq ? { kind: 'eq', text: '=', value: '=' } : argToken(cx, arg)));
    const args = cx.matchArgs(op.name, op.template, op.args, tokens, (i) => a.args[i], a, 'op');
    if (!args) return undefined;
    return on ? { kind: 'client', target: on, op: op.name, args } : { kind: 'client', op: op.name, args };
  }
  if (a.$type === 'FaultAction') {
    const t = target(cx, a.target);
    return t ? { kind: a.kind, target: t } : undefined;
  }
  if (a.$type === 'PartitionAction') {
    const groups = a.groups.map((g) => nodesOf(cx, g.items));
    const seen = new Map<string, number>();
    groups.forEach((g, gi) => {
      for (const n of g) {
        if (seen.has(n) && seen.get(n) !== gi) cx.error(a.groups[gi]!, `node ${n} is in two partition groups`, 'overlapping-partition');
        seen.set(n, gi);
      }
    });
    return { kind: 'partition', groups };
  }
  if (a.$type === 'CutAction') {
    const from = singleNode(cx, a.from, 'cut');
    const to = singleNode(cx, a.to, 'cut');
    return from && to ? { kind: 'cut', from, to } : undefined;
  }
  if (a.$type === 'HealAction') return { kind: 'heal' };
  if (a.$type === 'NoteAction') return { kind: 'note', text: a.text ?? '' };
  if (a.$type === 'DriftAction') {
    const nodes = nodesOf(cx, a.nodes);
    if (!(a.rate > 0)) {
      cx.error(a, `drift rate must be a positive number like 1.5, got ${a.rate}`, 'out-of-range', 'rate');
      return undefined;
    }
    return nodes.length > 0 ? { kind: 'drift', target: { kind: 'nodes', nodes }, rate: a.rate } : undefined;
  }
  return undefined;
}
