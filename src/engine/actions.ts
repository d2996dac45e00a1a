/**
 * The actions a scenario scripts (`at 1s crash leader`, `every 100ms client
 * put x = 1`, `partition {n1} | {n2 n3}`) and the ones message rules
 * schedule: each runs when its time comes, targets resolved then — a role
 * query such as `leader` is asked of the world as it is at that instant. A
 * target that names nobody, or a query that throws, leaves a note in the
 * trace and does nothing. Client operations get their ids here (`c1`, `c2`,
 * … in the order they are issued) and go to the node the action names or to
 * the protocol's client target; one sent to a node that is down fails at
 * once. The faults themselves are in faults.ts.
 */
import { errorText, formatTime } from './conditions.js';
import type { CompleteProtocol } from './defaults.js';
import { Faults, type FaultHost } from './faults.js';
import type { ClientOp, NodeId, World } from './protocol.js';
import type { NodeRuntime } from './runtime.js';
import type { Action, ScenarioSpec, SourceRange, Target } from './spec.js';

/** An action waiting in the queue: what, where it came from, the event that caused it, and its repetition. */
export interface ScheduledAction {
  readonly action: Action;
  readonly source?: SourceRange;
  readonly cause: number;
  readonly every?: number;
  readonly until?: number;
}

/** What scripted actions need from the simulation (besides what faults need). */
export interface ActionHost extends FaultHost {
  readonly spec: ScenarioSpec;
  readonly protocol: CompleteProtocol;
  readonly world: World;
  readonly ids: readonly NodeId[];
  /** Queue `sa` again at `at` (a repeating action). */
  reschedule(at: number, sa: ScheduledAction): void;
  /** A protocol error has stopped the run. */
  faulted(): boolean;
  /** Runs `onClient` at `node` for the client event `event`. */
  takeClientOp(node: NodeRuntime, event: number, op: ClientOp): void;
}

export class ScriptedActions {
  private readonly faults: Faults;
  private clientOps = 0;

  constructor(private readonly host: ActionHost) {
    this.faults = new Faults(host);
  }

  run(sa: ScheduledAction): void {
    const h = this.host;
    if (sa.every !== undefined && sa.every > 0) {
      const next = h.now + sa.every;
      if (sa.until === undefined || next <= sa.until) h.reschedule(next, sa);
    }
    const a = sa.action;
    const { cause, source } = sa;
    switch (a.kind) {
      case 'client': this.client(a, cause, source); break;
      case 'crash':
      case 'restart':
      case 'pause':
      case 'resume':
        for (const n of this.resolve(a.target, a.kind, cause, source)) if (!h.faulted()) this.faults.lifecycle(a.kind, h.rt[n], cause, source);
        break;
      case 'partition':
      case 'cut':
      case 'heal':
        this.faults.network(a, cause, source);
        break;
      case 'note': h.trace.setSource(h.trace.note(h.now, -1, cause, a.text), source); break;
      case 'drift':
        for (const n of this.resolve(a.target, 'drift', cause, source)) this.faults.drift(h.rt[n], a.rate, cause, source);
        break;
    }
  }

  /** Node indices a target names right now (role queries are evaluated against the current world). */
  private resolve(target: Target, verb: string, cause: number, src: SourceRange | undefined): number[] {
    const h = this.host;
    if (target.kind === 'nodes') return target.nodes.map((id) => h.index.get(id)).filter((x): x is number => x !== undefined);
    const query = h.protocol.vocabulary.queries.find((q) => q.name === target.query);
    let ids: unknown = [];
    try {
      ids = query?.evaluate(h.world, target.args) ?? [];
    } catch (e) {
      h.trace.setSource(h.trace.note(h.now, -1, cause, `${verb} ${target.query}: the query threw: ${errorText(e)}`), src);
      return [];
    }
    const list = Array.isArray(ids) ? ids.map((id) => h.index.get(String(id))).filter((x): x is number => x !== undefined) : [];
    if (list.length === 0) {
      h.trace.setSource(h.trace.note(h.now, -1, cause, `${verb} ${target.query}: no node matches \`${target.query}\` at ${formatTime(h.now)}; nothing done`), src);
    }
    return list;
  }

  private client(a: Extract<Action, { kind: 'client' }>, cause: number, src: SourceRange | undefined): void {
    const h = this.host;
    let target: number | undefined;
    if (a.target === undefined) {
      let id: NodeId | undefined;
      try {
        id = h.protocol.clientTarget({ nodes: h.ids, params: h.spec.params, op: { name: a.op, args: a.args } });
      } catch {
        id = undefined;
      }
      target = id === undefined ? undefined : h.index.get(id);
    } else target = this.resolve(a.target, `client ${a.op}`, cause, src)[0];
    if (target === undefined) {
      if (a.target === undefined) h.trace.setSource(h.trace.note(h.now, -1, cause, `client ${a.op}: the protocol named no node to send it to`), src);
      return;
    }
    const op: ClientOp = { id: `c${++this.clientOps}`, name: a.op, args: a.args };
    const node = h.rt[target];
    const ev = h.trace.client(h.now, target, cause, op);
    h.trace.setSource(ev, src);
    if (h.rules.other.length > 0) h.rules.fire('client', h.now, target, a.op, ev);
    if (node.status !== 'up') {
      h.trace.reply(h.now, target, ev, { op: op.id, ok: false, result: `${node.id} is ${node.status}` });
      return;
    }
    h.takeClientOp(node, ev, op);
  }
}
