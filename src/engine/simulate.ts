/**
 * The discrete-event simulator: runs a ScenarioSpec against a Protocol and
 * records the trace.
 *
 * One queue ordered by (time, seq) holds every future happening: message
 * deliveries, timers, completions of persists and scripted actions. Each
 * step pops the earliest entry, records the events it causes, runs at most
 * one protocol handler (whose effects are applied after it returns) and,
 * if the world changed, re-checks the invariants (telling them which nodes
 * changed, so incremental ones can skip the rest), the `eventually`
 * conditions still pending and the `run until` condition — the VOPR /
 * FoundationDB style of deterministic simulation:
 * every source of nondeterminism (network, disk, clock, client) is a seeded
 * stream of `Rng`, so a seed replays a run exactly.
 *
 * Faults: a crash loses volatile state, cancels timers and loses any persist
 * in flight together with the sends queued behind it; the node's last state
 * stays visible (with status `crashed`) until `onRestart(durable)` rebuilds
 * it. A paused node receives nothing and its due timers wait for `resume`.
 * Drift multiplies a node's timer durations.
 *
 * Protocol faults never escape: an exception in a handler becomes a `note`
 * event, a failed `protocol error` check, and ends the run (reason
 * `cancelled`, with a message saying why — the trace format has no separate
 * reason for it).
 */
import { describeCondition, errorText, evaluateCondition, formatTime } from './conditions.js';
import { Network, sampleDelay } from './network.js';
import type { Json, Message, NodeId, Protocol } from './protocol.js';
import { EventQueue } from './queue.js';
import { Rng } from './rng.js';
import {
  E_CANCEL_TIMER, E_METRIC, E_NOTE, E_PERSIST, E_REPLY, E_SEND, E_SET_TIMER,
  NodeContext, NodeRuntime, SimWorld, type PendingPersist,
} from './runtime.js';
import type { Action, Condition, Disposition, Expectation, RuleSpec, ScenarioSpec, SourceRange, Target } from './spec.js';
import { K, TraceRecorder } from '../trace/recorder.js';
import type { RunEnd, TraceCheck, TraceNode } from '../trace/format.js';

export interface SimulateOptions {
  /** Checked every few hundred steps; set `cancelled` to stop the run. */
  readonly cancel?: { readonly cancelled: boolean };
  readonly onProgress?: (p: { time: number; events: number }) => void;
  /** Report progress every this many events (default 100 000). */
  readonly progressEvery?: number;
}

export interface SimulationResult {
  readonly trace: TraceRecorder;
  readonly checks: TraceCheck[];
  readonly metrics: Record<string, number>;
  readonly end: RunEnd;
  readonly nodes: TraceNode[];
}

/* Queue entry kinds. */
const Q_DELIVER = 0;
const Q_TIMER = 1;
const Q_PERSIST = 2;
const Q_ACTION = 3;

/* Flags of a delivery (queue field `b` = from * 4 + flags; field `c` is the message's send event). */
const F_DUP = 1;
const F_RULES_DONE = 2;

interface ScheduledAction {
  readonly action: Action;
  readonly source?: SourceRange;
  readonly cause: number;
  readonly every?: number;
  readonly until?: number;
}

interface RuleState {
  readonly rule: RuleSpec;
  spent: boolean;
}

interface EventuallyState {
  readonly exp: Extract<Expectation, { kind: 'eventually' }>;
  readonly from: number;
  readonly deadline: number;
  status: 'pending' | 'held' | 'failed';
  event?: number;
  seen: number;
  last?: string;
}

interface HeldMessage {
  readonly from: number;
  readonly to: number;
  readonly id: number;
  readonly msg: Message;
  readonly flags: number;
}

export function simulate(spec: ScenarioSpec, protocol: Protocol, options: SimulateOptions = {}): SimulationResult {
  return new Simulation(spec, protocol, options).run();
}

class Simulation {
  private readonly ids: NodeId[];
  private readonly index: Map<NodeId, number>;
  private readonly rt: NodeRuntime[];
  private readonly world: SimWorld;
  private readonly trace: TraceRecorder;
  private readonly queue = new EventQueue(4096);
  private readonly network: Network;
  private readonly storageRng: Rng;
  private readonly metrics: Record<string, number> = {};
  private readonly sendRules: RuleState[] = [];
  private readonly deliverRules: RuleState[] = [];
  private readonly otherRules: RuleState[] = [];
  private readonly heldUntilHeal: HeldMessage[] = [];
  private readonly violations = new Map<string, number>();
  private readonly eventually: EventuallyState[] = [];
  /** `eventually` conditions still pending: once none is, their windows are no longer looked at. */
  private eventuallyPending = 0;
  private readonly metricReader = (name: string): number | undefined => this.metric(name);
  private now = 0;
  private timerToken = 0;
  private clientOps = 0;
  private drops = 0;
  private dirty = true;
  /** Nodes whose view changed since the last check (ids, and a mark per node index). */
  private readonly changed: NodeId[] = [];
  private readonly changedIndex: Int32Array;
  private readonly changedMark: Uint8Array;
  private worldVersion = 0;
  private fault: { event: number; text: string } | null = null;
  private conditionMet = false;

  constructor(private readonly spec: ScenarioSpec, private readonly protocol: Protocol, private readonly options: SimulateOptions) {
    const implicit = safe(() => protocol.implicitNodes?.(spec.params) ?? [], []);
    this.ids = [...spec.nodes];
    for (const n of implicit) if (!this.ids.includes(n.id)) this.ids.push(n.id);
    this.index = new Map(this.ids.map((id, i) => [id, i]));
    const root = new Rng(spec.seed);
    this.rt = this.ids.map((id, i) => new NodeRuntime(id, i, new NodeContext(id, this.ids, spec.params, spec.nodeParams, root.fork(`node:${id}`))));
    this.world = new SimWorld(this.rt, spec.params, this.metrics);
    this.changedMark = new Uint8Array(this.ids.length);
    this.changedIndex = new Int32Array(this.ids.length);
    this.trace = new TraceRecorder(this.ids);
    this.network = new Network(spec.network, this.ids, root.fork('network'));
    this.storageRng = root.fork('storage');
    for (const rule of spec.rules) {
      const st = { rule, spent: false };
      if (rule.on === 'send') this.sendRules.push(st);
      else if (rule.on === 'deliver') this.deliverRules.push(st);
      else this.otherRules.push(st);
    }
    for (const exp of spec.expectations) {
      if (exp.kind !== 'eventually') continue;
      const from = exp.after ?? 0;
      this.eventually.push({ exp, from, deadline: exp.within === undefined ? Infinity : from + exp.within, status: 'pending', seen: -1 });
      this.eventuallyPending++;
    }
  }

  run(): SimulationResult {
    const initialRoles = this.init();
    for (const ta of this.spec.actions) {
      this.queue.push(ta.at, Q_ACTION, -1, 0, 0, { action: ta.action, source: ta.source, cause: -1, every: ta.every, until: ta.until } satisfies ScheduledAction);
    }
    this.afterStep(-1);
    const end = this.loop();
    this.world.now = end.time;
    this.finishEventually(end.time);
    const metrics = this.finalMetrics(end);
    const checks = this.checks(end, metrics);
    return { trace: this.trace, checks, metrics, end, nodes: this.ids.map((id, i) => ({ id, role: initialRoles[i] })) };
  }

  // ---- setup -------------------------------------------------------------

  private init(): string[] {
    const roles: string[] = [];
    for (const node of this.rt) {
      node.ctx.reset(0);
      let state: unknown = null;
      try {
        state = this.protocol.init(node.ctx);
      } catch (e) {
        this.protocolFault('init', node, -1, e);
      }
      node.state = state;
      node.role = this.roleOf(node);
      roles.push(node.role);
      this.trace.initialState(node.index, state as Json, node.role);
    }
    for (const node of this.rt) if (this.fault === null) this.applyEffects(node, -1);
    for (const node of this.rt) this.touch(node);
    return roles;
  }

  // ---- the loop ----------------------------------------------------------

  private loop(): RunEnd {
    const { run } = this.spec;
    const cancel = this.options.cancel;
    const onProgress = this.options.onProgress;
    const every = Math.max(1, this.options.progressEvery ?? 100_000);
    let nextProgress = every;
    let steps = 0;
    const q = this.queue;
    const trace = this.trace;
    const { maxEvents, maxTime } = run;
    const until = run.until === undefined ? Infinity : run.until;
    // One comparison per step stands for the three ways the queue's head can end the run
    // (empty queue, past `until`, past `max time`): the bound is finite, so an empty queue's Infinity exceeds it too.
    const limit = Math.min(until, maxTime, Number.MAX_VALUE);
    for (;;) {
      if (this.fault !== null) {
        return this.end('cancelled', this.now, `stopped by a protocol error at ${formatTime(this.now)}: ${this.fault.text}`);
      }
      if (this.conditionMet) {
        return this.end('condition', this.now, `the run-until condition ${describeCondition(run.untilCondition!)} held at ${formatTime(this.now)}`);
      }
      if (cancel !== undefined && (++steps & 255) === 0 && cancel.cancelled) {
        return this.end('cancelled', this.now, `cancelled at ${formatTime(this.now)}`);
      }
      if (trace.length >= maxEvents) {
        return this.end('maxEvents', this.now, `stopped at the max events bound (${run.maxEvents} events) at ${formatTime(this.now)}: the scenario may not terminate; raise \`max events\` or check its timers`);
      }
      const t = q.peekTime();
      if (t > limit) {
        if (t === Infinity) {
          const end = run.until !== undefined ? run.until : this.now;
          if (run.until !== undefined) this.now = end;
          return this.end('quiescent', this.now, `nothing left to do at ${formatTime(this.now)}: no message in flight, no timer armed, no scripted action left`);
        }
        if (t > until) {
          this.now = until;
          return this.end('until', until, `reached \`run until ${formatTime(until)}\``);
        }
        if (t > maxTime) {
          this.now = run.maxTime;
          return this.end('maxTime', run.maxTime, `stopped at the max time bound (${formatTime(run.maxTime)}): the scenario may not terminate; add \`run until\` with a time or check its timers`);
        }
      }
      if (this.eventuallyPending > 0) this.closeWindowsBefore(t);
      this.now = t;
      this.world.now = t;
      const slot = q.pop();
      const kind = q.kind[slot];
      const node = q.node[slot];
      const a = q.a[slot];
      const b = q.b[slot];
      const ref = q.ref[slot];
      const c = q.c[slot];
      q.release(slot);
      const before = trace.length;
      switch (kind) {
        case Q_DELIVER: this.deliver(node, a, b, ref as Message, c); break;
        case Q_TIMER: this.timer(node, a, ref as string); break;
        case Q_PERSIST: this.persistDone(node, ref as PendingPersist); break;
        case Q_ACTION: this.action(ref as ScheduledAction); break;
      }
      if (this.dirty) this.afterStep(before);
      if (onProgress !== undefined && trace.length >= nextProgress) {
        nextProgress = trace.length + every;
        onProgress({ time: this.now, events: trace.length });
      }
    }
  }

  private end(reason: RunEnd['reason'], time: number, message: string): RunEnd {
    const suffix = reason === 'maxEvents' ? '' : ` (${this.trace.length} events)`;
    return { reason, time, events: this.trace.length, message: `${message}${suffix}` };
  }

  // ---- messages ----------------------------------------------------------

  private emitSend(from: NodeRuntime, toId: NodeId, msg: Message, cause: number): void {
    let to: number | undefined;
    if (toId === from.lastToId) to = from.lastTo;
    else {
      to = this.index.get(toId);
      if (to !== undefined) {
        from.lastToId = toId;
        from.lastTo = to;
      }
    }
    if (to === undefined || msg === null || typeof msg !== 'object' || typeof msg.type !== 'string') {
      const what = to === undefined ? `to unknown node ${JSON.stringify(toId)}` : 'a message without a string `type`';
      this.trace.note(this.now, from.index, cause, `protocol error: ${from.id} sent ${what}; ignored`);
      return;
    }
    const id = this.trace.send(this.now, from.index, cause, to, msg.type, msg.body);
    const ev = this.trace.length - 1;
    const rule = this.sendRules.length > 0 ? this.matchMessageRule(this.sendRules, msg.type, from.index, to, ev) : -1;
    if (from.pending !== null) {
      from.pending.held.push({ to, id, msg, sendEvent: ev, ruleIndex: rule });
      return;
    }
    this.transmit(from.index, to, id, msg, ev, rule);
  }

  /** Puts a sent message on the wire (or loses it). */
  private transmit(from: number, to: number, id: number, msg: Message, sendEvent: number, ruleIndex: number): void {
    const net = this.network;
    if (!net.reachable(from, to)) {
      this.drop(to, sendEvent, id, 'partition');
      return;
    }
    const disposition = ruleIndex >= 0 ? this.sendRules[ruleIndex].rule.disposition : undefined;
    if (disposition?.kind === 'drop') {
      this.drop(to, sendEvent, id, 'rule');
      return;
    }
    if (net.lossy && net.lost(from, to)) {
      this.drop(to, sendEvent, id, 'loss');
      return;
    }
    const at = this.now + net.latency(from, to);
    this.scheduleDelivery(at, from, to, id, msg, 0, disposition, sendEvent);
    if (net.duplicating && net.duplicated(from, to)) this.scheduleDelivery(this.now + net.latency(from, to), from, to, id, msg, F_DUP, disposition, sendEvent);
  }

  private scheduleDelivery(at: number, from: number, to: number, id: number, msg: Message, flags: number, d: Disposition | undefined, sendEvent: number): void {
    if (d !== undefined) {
      switch (d.kind) {
        case 'delay': at += d.by; break;
        case 'hold':
          if (d.until === undefined) {
            this.heldUntilHeal.push({ from, to, id, msg, flags });
            return;
          }
          at = Math.max(at, d.until);
          break;
        case 'duplicate':
          for (let k = 0; k < d.copies; k++) this.queue.push(at, Q_DELIVER, to, id, from * 4 + (flags | F_DUP), msg, sendEvent);
          break;
        case 'drop': return;
      }
    }
    this.queue.push(at, Q_DELIVER, to, id, from * 4 + flags, msg, sendEvent);
  }

  private drop(node: number, cause: number, id: number, reason: 'loss' | 'partition' | 'rule' | 'crashed' | 'paused' | 'persist-lost'): void {
    this.trace.drop(this.now, node, cause, id, reason);
    this.drops++;
  }

  private deliver(to: number, id: number, b: number, msg: Message, sendEvent: number): void {
    const from = b >> 2;
    let flags = b & 3;
    const node = this.rt[to];
    if (node.status !== 'up') {
      this.drop(to, sendEvent, id, node.status === 'crashed' ? 'crashed' : 'paused');
      return;
    }
    if (!this.network.reachable(from, to)) {
      this.drop(to, sendEvent, id, 'partition');
      return;
    }
    if ((flags & F_RULES_DONE) === 0 && this.deliverRules.length > 0) {
      const r = this.matchMessageRule(this.deliverRules, msg.type, from, to, sendEvent);
      const d = r >= 0 ? this.deliverRules[r].rule.disposition : undefined;
      if (d !== undefined) {
        flags |= F_RULES_DONE;
        switch (d.kind) {
          case 'drop':
            this.drop(to, sendEvent, id, 'rule');
            return;
          case 'delay':
            this.queue.push(this.now + d.by, Q_DELIVER, to, id, from * 4 + flags, msg, sendEvent);
            return;
          case 'hold':
            if (d.until === undefined) this.heldUntilHeal.push({ from, to, id, msg, flags });
            else this.queue.push(Math.max(this.now, d.until), Q_DELIVER, to, id, from * 4 + flags, msg, sendEvent);
            return;
          case 'duplicate':
            for (let k = 0; k < d.copies; k++) this.queue.push(this.now, Q_DELIVER, to, id, from * 4 + (flags | F_DUP), msg, sendEvent);
            break;
        }
      }
    }
    const ev = this.trace.deliver(this.now, to, id, (flags & F_DUP) !== 0, sendEvent);
    const fromId = this.ids[from];
    this.handle(node, ev, 'onMessage', fromId, msg);
  }

  /** First active rule matching a message; marks `next` rules spent and schedules their actions. Returns its index or -1. */
  private matchMessageRule(rules: RuleState[], type: string, from: number, to: number, event: number): number {
    let found = -1;
    for (let r = 0; r < rules.length; r++) {
      const st = rules[r];
      if (st.spent || !this.inWindow(st.rule)) continue;
      const p = st.rule.pattern;
      if (p.type !== undefined && p.type !== type) continue;
      if (p.from !== undefined && p.from !== this.ids[from]) continue;
      if (p.to !== undefined && p.to !== this.ids[to]) continue;
      if (st.rule.times === 'next') st.spent = true;
      this.scheduleRuleActions(st.rule, event);
      if (found < 0 && st.rule.disposition !== undefined) found = r;
    }
    return found;
  }

  private inWindow(rule: RuleSpec): boolean {
    return (rule.from === undefined || this.now >= rule.from) && (rule.until === undefined || this.now <= rule.until);
  }

  private scheduleRuleActions(rule: RuleSpec, event: number): void {
    for (const a of rule.actions) {
      this.queue.push(this.now + Math.max(0, a.delay), Q_ACTION, -1, 0, 0, { action: a.action, source: a.source ?? rule.source, cause: event } satisfies ScheduledAction);
    }
  }

  /** Rules on timer / client / reply / crash / restart events. */
  private fireRules(on: RuleSpec['on'], node: number, name: string | undefined, event: number): void {
    for (const st of this.otherRules) {
      if (st.spent || st.rule.on !== on || !this.inWindow(st.rule)) continue;
      const p = st.rule.pattern;
      if (p.node !== undefined && p.node !== this.ids[node]) continue;
      if (p.name !== undefined && p.name !== name) continue;
      if (st.rule.times === 'next') st.spent = true;
      this.scheduleRuleActions(st.rule, event);
    }
  }

  // ---- timers and storage ------------------------------------------------

  private timer(nodeIndex: number, token: number, name: string): void {
    const node = this.rt[nodeIndex];
    if (node.timers.get(name) !== token) return;
    if (node.status === 'paused') {
      node.deferred.push({ name, token });
      return;
    }
    node.timers.delete(name);
    const ev = this.trace.timer(this.now, nodeIndex, -1, name);
    if (this.otherRules.length > 0) this.fireRules('timer', nodeIndex, name, ev);
    this.handle(node, ev, 'onTimer', name, undefined);
  }

  private persistDone(nodeIndex: number, p: PendingPersist): void {
    const node = this.rt[nodeIndex];
    if (p.epoch !== node.epoch) return;
    node.durable = p.durable;
    const k = node.inFlight.indexOf(p);
    if (k >= 0) node.inFlight.splice(k, 1);
    this.touch(node);
    for (const h of p.held) this.transmit(nodeIndex, h.to, h.id, h.msg, h.sendEvent, h.ruleIndex);
  }

  // ---- handlers and effects ----------------------------------------------

  /** Runs one handler (no closure per call: this is the hot path). */
  private handle(node: NodeRuntime, cause: number, handler: 'onMessage' | 'onTimer' | 'onClient' | 'onRestart', arg1: unknown, arg2: unknown): void {
    node.ctx.reset(this.now);
    const p = this.protocol;
    let next: unknown;
    try {
      switch (handler) {
        case 'onMessage': next = p.onMessage(node.state, arg1 as NodeId, arg2 as Message, node.ctx); break;
        case 'onTimer': next = p.onTimer(node.state, arg1 as string, node.ctx); break;
        case 'onClient': next = p.onClient(node.state, arg1 as never, node.ctx); break;
        case 'onRestart': next = p.onRestart(node.durable, node.ctx); break;
      }
    } catch (e) {
      this.protocolFault(handler, node, cause, e);
      return;
    }
    if (next !== node.state) {
      node.state = next;
      node.role = this.roleOf(node);
      this.trace.state(this.now, node.index, cause, next as Json, node.role);
      this.touch(node);
    }
    this.applyEffects(node, cause);
  }

  /** Marks a node's view (state, status, durable) as changed in this step. */
  private touch(node: NodeRuntime): void {
    this.dirty = true;
    if (this.changedMark[node.index] === 0) {
      this.changedMark[node.index] = 1;
      this.changedIndex[this.changed.length] = node.index;
      this.changed.push(node.id);
    }
  }

  private roleOf(node: NodeRuntime): string {
    try {
      const r = this.protocol.role(node.state);
      return typeof r === 'string' ? r : String(r);
    } catch {
      return '?';
    }
  }

  private protocolFault(handler: string, node: NodeRuntime, cause: number, e: unknown): void {
    const text = `protocol error in ${handler} at ${node.id}: ${errorText(e)}`;
    const ev = this.trace.note(this.now, node.index, cause, text);
    if (this.fault === null) this.fault = { event: ev, text };
  }

  private applyEffects(node: NodeRuntime, cause: number): void {
    const ctx = node.ctx;
    node.pending = null;
    if (ctx.otherCount === 0) {
      // Only sends (a message handler's usual output): no persist can hold them back, so skip the dispatch on kinds.
      for (let s = 0; s < ctx.sends; s++) {
        this.emitSend(node, ctx.sendTo[s], ctx.sendMsg[s], cause);
        ctx.sendMsg[s] = undefined as unknown as Message;
      }
      return;
    }
    let s = 0;
    let o = 0;
    for (let k = 0; k < ctx.count; k++) {
      if (ctx.kinds[k] === E_SEND) {
        this.emitSend(node, ctx.sendTo[s], ctx.sendMsg[s], cause);
        ctx.sendMsg[s++] = undefined as unknown as Message;
        continue;
      }
      const kind = ctx.kinds[k];
      const str = ctx.str[o];
      const num = ctx.num[o];
      const json = ctx.json[o];
      const ok = ctx.ok[o];
      ctx.json[o++] = undefined;
      switch (kind) {
        case E_SET_TIMER: {
          if (typeof num !== 'number' || !Number.isFinite(num) || num < 0) {
            this.trace.note(this.now, node.index, cause, `protocol error: ${node.id} set timer ${str} with a bad duration ${String(num)}; ignored`);
            break;
          }
          const token = ++this.timerToken;
          node.timers.set(str, token);
          this.queue.push(this.now + Math.round(num * node.drift), Q_TIMER, node.index, token, 0, str);
          break;
        }
        case E_CANCEL_TIMER:
          node.timers.delete(str);
          break;
        case E_PERSIST: this.persist(node, json as Json); break;
        case E_REPLY: {
          const ev = this.trace.reply(this.now, node.index, cause, json === undefined ? { op: str, ok } : { op: str, ok, result: json });
          if (this.otherRules.length > 0) this.fireRules('reply', node.index, undefined, ev);
          break;
        }
        case E_NOTE: this.trace.note(this.now, node.index, cause, String(str)); break;
        case E_METRIC:
          this.metrics[str] = num;
          this.dirty = true;
          break;
      }
    }
    node.pending = null;
  }

  private persist(node: NodeRuntime, durable: Json): void {
    const dist = this.spec.storage.perNode?.[node.id] ?? this.spec.storage.latency;
    const delay = dist.kind === 'fixed' && dist.value <= 0 ? 0 : sampleDelay(dist, this.storageRng);
    if (delay === 0 && node.inFlight.length === 0) {
      node.durable = durable;
      this.touch(node);
      return;
    }
    const p: PendingPersist = { epoch: node.epoch, durable, held: [] };
    node.persistDoneAt = Math.max(node.persistDoneAt, this.now + delay);
    node.inFlight.push(p);
    node.pending = p;
    this.queue.push(node.persistDoneAt, Q_PERSIST, node.index, 0, 0, p);
  }

  // ---- scripted actions --------------------------------------------------

  private action(sa: ScheduledAction): void {
    if (sa.every !== undefined && sa.every > 0) {
      const next = this.now + sa.every;
      if (sa.until === undefined || next <= sa.until) this.queue.push(next, Q_ACTION, -1, 0, 0, sa);
    }
    const a = sa.action;
    const cause = sa.cause;
    const src = sa.source;
    const mark = (i: number): number => { this.trace.setSource(i, src); return i; };
    switch (a.kind) {
      case 'client': this.client(a, cause, src); break;
      case 'crash':
      case 'restart':
      case 'pause':
      case 'resume':
        for (const n of this.resolve(a.target, a.kind, cause, src)) if (this.fault === null) this.lifecycle(a.kind, this.rt[n], cause, src);
        break;
      case 'partition': {
        const groups = a.groups.map((g) => g.map((id) => this.index.get(id)).filter((x): x is number => x !== undefined));
        this.network.partition(groups);
        mark(this.trace.partition(this.now, cause, { groups: a.groups.map((g) => [...g]) }));
        break;
      }
      case 'cut': {
        const from = this.index.get(a.from);
        const to = this.index.get(a.to);
        if (from !== undefined && to !== undefined) this.network.cutLink(from, to);
        mark(this.trace.partition(this.now, cause, { cut: [a.from, a.to] }));
        break;
      }
      case 'heal': {
        this.network.heal();
        mark(this.trace.simple(this.now, K.heal, -1, cause));
        const held = this.heldUntilHeal.splice(0);
        for (const h of held) this.queue.push(this.now, Q_DELIVER, h.to, h.id, h.from * 4 + (h.flags | F_RULES_DONE), h.msg, this.trace.sendEventOf(h.id));
        break;
      }
      case 'note': mark(this.trace.note(this.now, -1, cause, a.text)); break;
      case 'drift':
        for (const n of this.resolve(a.target, 'drift', cause, src)) {
          this.rt[n].drift = a.rate > 0 && Number.isFinite(a.rate) ? a.rate : 1;
          mark(this.trace.note(this.now, n, cause, `drift: ${this.ids[n]}'s timers now take ${a.rate}x their duration`));
        }
        break;
    }
  }

  /** Node indices a target names right now (role queries are evaluated against the current world). */
  private resolve(target: Target, verb: string, cause: number, src: SourceRange | undefined): number[] {
    if (target.kind === 'nodes') return target.nodes.map((id) => this.index.get(id)).filter((x): x is number => x !== undefined);
    const query = this.protocol.vocabulary.queries.find((q) => q.name === target.query);
    let ids: unknown = [];
    try {
      ids = query?.evaluate(this.world, target.args) ?? [];
    } catch (e) {
      ids = [];
      this.trace.setSource(this.trace.note(this.now, -1, cause, `${verb} ${target.query}: the query threw: ${errorText(e)}`), src);
      return [];
    }
    const list = Array.isArray(ids) ? ids.map((id) => this.index.get(String(id))).filter((x): x is number => x !== undefined) : [];
    if (list.length === 0) {
      this.trace.setSource(this.trace.note(this.now, -1, cause, `${verb} ${target.query}: no node matches \`${target.query}\` at ${formatTime(this.now)}; nothing done`), src);
    }
    return list;
  }

  private client(a: Extract<Action, { kind: 'client' }>, cause: number, src: SourceRange | undefined): void {
    let target: number | undefined;
    if (a.target === undefined) {
      const id = safe(() => this.protocol.clientTarget({ nodes: this.ids, params: this.spec.params }), undefined);
      target = id === undefined ? undefined : this.index.get(id);
    } else target = this.resolve(a.target, `client ${a.op}`, cause, src)[0];
    if (target === undefined) {
      if (a.target === undefined) this.trace.setSource(this.trace.note(this.now, -1, cause, `client ${a.op}: the protocol named no node to send it to`), src);
      return;
    }
    const op = { id: `c${++this.clientOps}`, name: a.op, args: a.args };
    const node = this.rt[target];
    const ev = this.trace.client(this.now, target, cause, op);
    this.trace.setSource(ev, src);
    if (this.otherRules.length > 0) this.fireRules('client', target, a.op, ev);
    if (node.status !== 'up') {
      this.trace.reply(this.now, target, ev, { op: op.id, ok: false, result: `${node.id} is ${node.status}` });
      return;
    }
    this.handle(node, ev, 'onClient', op, undefined);
  }

  private lifecycle(kind: 'crash' | 'restart' | 'pause' | 'resume', node: NodeRuntime, cause: number, src: SourceRange | undefined): void {
    const expected = kind === 'crash' || kind === 'pause' ? 'up' : kind === 'restart' ? 'crashed' : 'paused';
    if (node.status !== expected) {
      this.trace.setSource(this.trace.note(this.now, node.index, cause, `${kind} ${node.id}: ignored, the node is ${node.status}`), src);
      return;
    }
    const code = kind === 'crash' ? K.crash : kind === 'restart' ? K.restart : kind === 'pause' ? K.pause : K.resume;
    const ev = this.trace.simple(this.now, code, node.index, cause);
    this.trace.setSource(ev, src);
    this.touch(node);
    switch (kind) {
      case 'crash': {
        node.status = 'crashed';
        node.timers.clear();
        node.deferred = [];
        node.epoch++;
        node.persistDoneAt = this.now;
        for (const p of node.inFlight) for (const h of p.held) this.drop(h.to, ev, h.id, 'persist-lost');
        node.inFlight.length = 0;
        if (this.otherRules.length > 0) this.fireRules('crash', node.index, undefined, ev);
        break;
      }
      case 'restart':
        node.status = 'up';
        if (this.otherRules.length > 0) this.fireRules('restart', node.index, undefined, ev);
        this.handle(node, ev, 'onRestart', undefined, undefined);
        break;
      case 'pause':
        node.status = 'paused';
        break;
      case 'resume': {
        node.status = 'up';
        const due = node.deferred;
        node.deferred = [];
        for (const d of due) if (node.timers.get(d.name) === d.token) this.queue.push(this.now, Q_TIMER, node.index, d.token, 0, d.name);
        break;
      }
    }
  }

  // ---- checks --------------------------------------------------------------

  /** After a step that changed the world: invariants, `eventually` windows, `run until` condition. */
  private afterStep(firstEvent: number): void {
    this.dirty = false;
    this.worldVersion++;
    const changed = this.changed;
    const invariants = this.protocol.vocabulary.invariants;
    /** The violations' cause, found once the first one is recorded (-2: not yet). */
    let cause = -2;
    for (let k = 0; k < invariants.length; k++) {
      const inv = invariants[k];
      if (this.violations.size > 0 && this.violations.has(inv.name)) continue;
      let problem: string | null;
      try {
        problem = inv.check(this.world, changed);
      } catch (e) {
        problem = `the invariant's check threw: ${errorText(e)}`;
      }
      if (problem !== null && problem !== undefined) {
        if (cause === -2) cause = this.lastStateEvent(firstEvent);
        const ev = this.trace.violation(this.now, cause, { invariant: inv.name, message: String(problem) });
        this.violations.set(inv.name, ev);
      }
    }
    for (let k = changed.length - 1; k >= 0; k--) {
      this.changedMark[this.changedIndex[k]] = 0;
      changed.pop();
    }
    if (this.eventuallyPending > 0) {
      for (const st of this.eventually) {
        if (st.status === 'pending' && this.now >= st.from && this.now <= st.deadline) this.evaluateEventually(st);
      }
    }
    const until = this.spec.run.untilCondition;
    if (until !== undefined && this.evaluate(until).holds) this.conditionMet = true;
  }

  /** The event that made the world change in this step: its last state/lifecycle event, else its first event. */
  private lastStateEvent(firstEvent: number): number {
    if (firstEvent < 0) return -1;
    for (let i = this.trace.length - 1; i >= firstEvent; i--) {
      const k = this.trace.kindCode(i);
      if (k === K.state || (k >= K.crash && k <= K.resume)) return i;
    }
    return firstEvent < this.trace.length ? firstEvent : -1;
  }

  private evaluate(cond: Condition) {
    return evaluateCondition(cond, this.world, this.protocol.vocabulary, this.metricReader);
  }

  private metric(name: string): number | undefined {
    switch (name) {
      case 'events': return this.trace.length;
      case 'messages': return this.trace.messageCount;
      case 'dropped': return this.drops;
      case 'end_time_ms': return this.now / 1000;
      default: return this.metrics[name];
    }
  }

  private evaluateEventually(st: EventuallyState): void {
    if (st.seen === this.worldVersion) return;
    st.seen = this.worldVersion;
    const r = this.evaluate(st.exp.condition);
    if (r.holds) {
      st.status = 'held';
      this.eventuallyPending--;
      st.event = this.trace.length - 1 >= 0 ? this.trace.length - 1 : undefined;
      if (st.exp.measure !== undefined) this.metrics[st.exp.measure] = Math.max(0, this.now - st.from) / 1000;
    } else st.last = r.error ?? `last value ${JSON.stringify(r.value ?? null)}`;
  }

  /** Windows that close before time t: evaluate the world as it stood, then fail what never held. */
  private closeWindowsBefore(t: number): void {
    for (const st of this.eventually) {
      if (st.status !== 'pending' || st.deadline >= t) continue;
      if (this.now <= st.deadline && st.from <= st.deadline) this.evaluateEventually(st);
      if (st.status === 'pending') {
        st.status = 'failed';
        this.eventuallyPending--;
      }
    }
  }

  private finishEventually(endTime: number): void {
    for (const st of this.eventually) {
      if (st.status !== 'pending') continue;
      if (st.from <= endTime) this.evaluateEventually(st);
      if (st.status === 'pending') {
        st.status = 'failed';
        this.eventuallyPending--;
      }
    }
  }

  private finalMetrics(end: RunEnd): Record<string, number> {
    const out: Record<string, number> = { ...this.metrics };
    if (this.protocol.finalMetrics !== undefined) {
      try {
        Object.assign(out, this.protocol.finalMetrics(this.world));
      } catch (e) {
        this.trace.note(this.now, -1, -1, `protocol error in finalMetrics: ${errorText(e)}`);
      }
    }
    out.events = this.trace.length;
    out.messages = this.trace.messageCount;
    out.dropped = this.drops;
    out.end_time_ms = end.time / 1000;
    return out;
  }

  private checks(end: RunEnd, metrics: Record<string, number>): TraceCheck[] {
    const checks: TraceCheck[] = [];
    const withSource = (c: TraceCheck, source: SourceRange | undefined): TraceCheck => (source === undefined ? c : { ...c, source });
    const known = new Set(this.protocol.vocabulary.invariants.map((i) => i.name));
    const violationText = (name: string): string => {
      const ev = this.violations.get(name)!;
      const e = this.trace.event(ev);
      return `${name} violated at ${formatTime(this.trace.timeOf(ev))}: ${e.kind === 'violation' ? e.message : ''}`;
    };
    for (const exp of this.spec.expectations) {
      switch (exp.kind) {
        case 'always': {
          const name = `always ${exp.invariants.join(', ')}`;
          const unknown = exp.invariants.filter((n) => !known.has(n));
          const broken = exp.invariants.filter((n) => this.violations.has(n)).sort((x, y) => this.violations.get(x)! - this.violations.get(y)!);
          if (unknown.length > 0) checks.push(withSource({ name, kind: 'always', status: 'failed', message: `unknown invariant ${unknown.join(', ')}` }, exp.source));
          else if (broken.length > 0) checks.push(withSource({ name, kind: 'always', status: 'failed', event: this.violations.get(broken[0])!, message: violationText(broken[0]) }, exp.source));
          else checks.push(withSource({ name, kind: 'always', status: 'held' }, exp.source));
          break;
        }
        case 'violated': {
          const name = `violated ${exp.invariant}`;
          const ev = this.violations.get(exp.invariant);
          if (ev !== undefined) checks.push(withSource({ name, kind: 'violated', status: 'held', event: ev, message: violationText(exp.invariant) }, exp.source));
          else checks.push(withSource({ name, kind: 'violated', status: 'failed', message: known.has(exp.invariant) ? `${exp.invariant} was never violated` : `unknown invariant ${exp.invariant}` }, exp.source));
          break;
        }
        case 'eventually': {
          const st = this.eventually.find((s) => s.exp === exp)!;
          const window = (exp.within !== undefined ? ` within ${formatTime(exp.within)}` : '') + (exp.after !== undefined ? ` after ${formatTime(exp.after)}` : '');
          const name = `eventually ${describeCondition(exp.condition)}${window}`;
          if (st.status === 'held') checks.push(withSource({ name, kind: 'eventually', status: 'held', ...(st.event === undefined ? {} : { event: st.event }) }, exp.source));
          else {
            const span = st.from > end.time
              ? `the run ended at ${formatTime(end.time)}, before the window opened at ${formatTime(st.from)}`
              : `it did not hold between ${formatTime(st.from)} and ${st.deadline === Infinity ? `the end (${formatTime(end.time)})` : formatTime(st.deadline)}`;
            checks.push(withSource({ name, kind: 'eventually', status: 'failed', message: `${span}${st.last !== undefined ? ` (${st.last})` : ''}` }, exp.source));
          }
          break;
        }
        case 'atEnd': {
          const name = `at end ${describeCondition(exp.condition)}`;
          const r = evaluateCondition(exp.condition, this.world, this.protocol.vocabulary, (n) => metrics[n]);
          if (r.holds) checks.push(withSource({ name, kind: 'atEnd', status: 'held' }, exp.source));
          else checks.push(withSource({ name, kind: 'atEnd', status: 'failed', message: r.error ?? `${describeCondition({ query: exp.condition.query, args: exp.condition.args })} was ${JSON.stringify(r.value ?? null)} at the end (${formatTime(end.time)})` }, exp.source));
          break;
        }
      }
    }
    if (this.fault !== null) checks.push({ name: 'protocol error', kind: 'always', status: 'failed', event: this.fault.event, message: this.fault.text });
    return checks;
  }
}

function safe<T, D>(fn: () => T, fallback: D): T | D {
  try {
    return fn();
  } catch {
    return fallback;
  }
}
