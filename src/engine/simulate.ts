/**
 * The discrete-event simulator: runs a ScenarioSpec against a Protocol and
 * records the trace — the event loop, message transmission and delivery,
 * the protocol's handlers and the effects they return, and writes to
 * durable storage.
 *
 * One queue ordered by (time, seq) holds every future happening: message
 * deliveries, timers, completions of writes and scripted actions. Each step
 * pops the earliest entry, records the events it causes, runs at most one
 * protocol handler (whose effects are applied after it returns) and, if the
 * world changed, checks the invariants (monitors.ts, told which nodes
 * changed), the `eventually` windows and the `run until` condition
 * (expectations.ts) — the VOPR / FoundationDB style of deterministic
 * simulation: every source of nondeterminism (network, disk, clock, client)
 * is a seeded stream of `Rng`, so a seed replays a run exactly. Faults live
 * in faults.ts, message rules in rules.ts, the run's own metrics in
 * run-metrics.ts.
 *
 * Effects of one handler call are applied as a batch, writes first: a send
 * or reply waits until every write the node issued up to then is durable,
 * unless it says `waitForWrites: false` (protocol.ts). A write completes
 * after the storage latency (in issue order); a crash loses the writes in
 * flight and what waits for them. A write with no latency (and none in
 * flight before it) is durable when its handler returns: no queue entry, no
 * `durable` event, and `onDurable` runs right after the handler, in the same
 * step — so a protocol that listens for its writes costs nothing extra when
 * storage is instant.
 *
 * Nothing here grows with the number of nodes per event: a step touches the
 * nodes it involves, and invariants get the list of nodes that changed.
 *
 * Protocol faults never escape: an exception in a handler becomes a `note`
 * event, a failed `protocol error` check, and ends the run (reason
 * `cancelled`, with a message saying why — the trace format has no separate
 * reason for it).
 */
import { describeCondition, errorText, formatTime } from './conditions.js';
import { withDefaults, type CompleteProtocol } from './defaults.js';
import { Expectations } from './expectations.js';
import { ScriptedActions, type ActionHost, type ScheduledAction } from './actions.js';
import { Monitors } from './monitors.js';
import { Network, sampleDelay } from './network.js';
import type { ClientOp, Json, Message, NodeId, NodeView, Protocol, World } from './protocol.js';
import { EventQueue } from './queue.js';
import { Rng } from './rng.js';
import { dispose, F_DUP, F_RULES_DONE, MessageRules, type DeliverySink } from './rules.js';
import { runMetric, runMetrics } from './run-metrics.js';
import {
  E_CANCEL_TIMER, E_METRIC, E_NOTE, E_PERSIST, E_REPLY, E_SEND, E_SET_TIMER,
  EffectBuffers, NodeContext, NodeRuntime, SimWorld, type Write,
} from './runtime.js';
import type { RuleSpec, ScenarioSpec } from './spec.js';
import { K, TraceRecorder } from '../trace/recorder.js';
import type { RunEnd, TraceCheck, TraceEvent, TraceNode } from '../trace/format.js';

export interface SimulateOptions {
  /** Checked every few hundred steps; set `cancelled` to stop the run. */
  readonly cancel?: { readonly cancelled: boolean };
  readonly onProgress?: (p: { time: number; events: number }) => void;
  /** Report progress every this many events (default 100 000). */
  readonly progressEvery?: number;
  /**
   * End the run right after the step in which an invariant is first
   * violated (reason `cancelled`): a search that only wants to know whether
   * and when a run fails (explore) need not simulate the rest.
   */
  readonly stopAtViolation?: boolean;
  /**
   * Metrics derived from the whole trace when the run ends, before the `at
   * end` expectations are evaluated (the runner's client-history metrics:
   * availability, latencies, stale reads). Optional.
   */
  readonly traceMetrics?: (trace: TraceRecorder) => Record<string, number>;
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
const Q_WRITE = 2;
const Q_ACTION = 3;

/* A delivery's queue fields: `a` the message id, `b` = from * 4 + flags (rules.ts), `c` its send event. */

interface HeldMessage {
  readonly from: number;
  readonly to: number;
  readonly id: number;
  readonly msg: Message;
  readonly flags: number;
}

/** How many instant writes in a row one step completes before the protocol is stopped (see drainInstant). */
const MAX_INSTANT_ROUNDS = 10_000;

type Handler = 'onMessage' | 'onTimer' | 'onClient' | 'onRestart' | 'onDurable';

export function simulate(spec: ScenarioSpec, protocol: Protocol, options: SimulateOptions = {}): SimulationResult {
  return new Simulation(spec, protocol, options).run();
}

class Simulation implements ActionHost, DeliverySink {
  readonly ids: NodeId[];
  readonly index: Map<NodeId, number>;
  readonly rt: NodeRuntime[];
  readonly world: SimWorld;
  readonly trace: TraceRecorder;
  readonly queue = new EventQueue(4096);
  readonly network: Network;
  readonly rules: MessageRules;
  readonly vocabulary;
  readonly measures: Record<string, number> = {};
  private readonly storageRng: Rng;
  /** Each scripted action's time in this run (random times drawn). */
  private readonly actionTimes: number[];
  /** Random delays of rule-triggered actions (`after 1ms..5ms crash n1`). */
  private readonly ruleRng: Rng;
  /** The rules that stand for a measurement's start event, and the measurement's index. */
  private readonly measureStarts = new Map<RuleSpec, number>();
  private readonly actions: ScriptedActions;
  private readonly monitors: Monitors;
  private readonly expectations: Expectations;
  private readonly heldUntilHeal: HeldMessage[] = [];
  /** Invariant name → the violation event and its text. */
  private readonly violations = new Map<string, { event: number; text: string }>();
  readonly metric = (name: string): number | undefined => {
    const m = runMetric(name);
    return m !== undefined ? m.read(this.counters()) : this.measures[name];
  };
  now = 0;
  private timerToken = 0;
  private drops = 0;
  private dirty = true;
  /** Nodes whose view changed since the last check, and a mark per node index. */
  private readonly changed: NodeRuntime[] = [];
  private readonly changedMark: Uint8Array;
  private worldVersion = 0;
  private fault: { event: number; text: string } | null = null;
  /** The protocol listens for completed writes (`onDurable`). */
  private readonly notifyDurable: boolean;
  /** `onDurable` of instant writes is running (its own instant writes join the same loop). */
  private draining = false;

  /** The protocol with the handlers it leaves out filled in (defaults.ts). */
  readonly protocol: CompleteProtocol;

  constructor(readonly spec: ScenarioSpec, protocol: Protocol, private readonly options: SimulateOptions) {
    this.protocol = withDefaults(protocol);
    const implicit = safe(() => protocol.implicitNodes?.(spec.params) ?? [], []);
    this.ids = [...spec.nodes];
    const declared = new Set(this.ids);
    for (const n of implicit) if (!declared.has(n.id)) this.ids.push(n.id);
    this.index = new Map(this.ids.map((id, i) => [id, i]));
    const root = new Rng(spec.seed);
    this.rt = this.ids.map((id, i) => new NodeRuntime(id, i, new NodeContext(id, i, this.ids, spec.params, spec.nodeParams, root.fork(`node:${id}`))));
    this.world = new SimWorld(this.rt, spec.params, this.measures);
    this.changedMark = new Uint8Array(this.ids.length);
    this.trace = new TraceRecorder(this.ids);
    this.network = new Network(spec.network, this.ids, root.fork('network'));
    this.storageRng = root.fork('storage');
    this.ruleRng = root.fork('rule-actions');
    this.actionTimes = this.drawActionTimes(root.fork('actions'));
    this.vocabulary = protocol.vocabulary;
    const rules = [...spec.rules];
    (spec.measures ?? []).forEach((m, k) => {
      if ('at' in m.from) return;
      const rule: RuleSpec = { on: m.from.on, pattern: m.from.pattern, times: 'next', actions: [] };
      this.measureStarts.set(rule, k);
      rules.push(rule);
    });
    this.rules = new MessageRules(rules, this.ids, (rule, event) => this.scheduleRuleActions(rule, event), (role, node) => this.inRole(role.query, role.args, node));
    this.actions = new ScriptedActions(this);
    this.monitors = new Monitors(protocol.vocabulary.invariants);
    this.notifyDurable = typeof protocol.onDurable === 'function';
    this.expectations = new Expectations(spec, {
      world: this.world,
      vocabulary: protocol.vocabulary,
      metric: this.metric,
      measures: this.measures,
      eventCount: () => this.trace.length,
      violation: (name) => this.violations.get(name),
      note: (text, cause) => { this.trace.note(this.now, -1, cause, text); },
    });
  }

  /**
   * Each scripted action's time for this run: `at`, or a uniform draw in
   * `at`..`atMax` from the `actions` stream (one draw per random line, in
   * order), plus the time of the action an `after` line counts from.
   */
  private drawActionTimes(rng: Rng): number[] {
    const times: number[] = [];
    for (const ta of this.spec.actions) {
      const offset = ta.atMax !== undefined && ta.atMax > ta.at ? rng.int(ta.at, ta.atMax) : ta.at;
      times.push((ta.after !== undefined ? times[ta.after] ?? 0 : 0) + offset);
    }
    return times;
  }

  /** Whether the role query names node index `node` right now. */
  private inRole(name: string, args: Readonly<Record<string, Json>>, node: number): boolean {
    const query = this.vocabulary.queries.find((q) => q.name === name);
    try {
      const ids = query?.evaluate(this.world, args);
      return Array.isArray(ids) && ids.includes(this.ids[node]);
    } catch {
      return false;
    }
  }

  run(): SimulationResult {
    const initialRoles = this.init();
    this.spec.actions.forEach((ta, k) => {
      this.queue.push(this.actionTimes[k]!, Q_ACTION, -1, 0, 0, { action: ta.action, source: ta.source, cause: -1, every: ta.every, until: ta.until } satisfies ScheduledAction);
    });
    this.afterStep(-1);
    const end = this.loop();
    this.world.now = end.time;
    this.expectations.finish(end.time, this.worldVersion);
    const metrics = this.finalMetrics(end);
    const checks = this.expectations.checks(end, metrics);
    if (this.fault !== null) checks.push({ name: 'protocol error', kind: 'always', status: 'failed', event: this.fault.event, message: this.fault.text });
    return { trace: this.trace, checks, metrics, end, nodes: this.ids.map((id, i) => ({ id, role: initialRoles[i] })) };
  }

  private counters() {
    return { events: this.trace.length, messages: this.trace.messageCount, dropped: this.drops, now: this.now };
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
    for (const node of this.rt) {
      if (this.fault !== null) break;
      this.applyEffects(node, -1);
      if (node.instant.length > 0) this.drainInstant(node, -1);
    }
    // From now on one handler runs at a time (runtime.ts): every node buffers its effects in one set.
    const buffers = new EffectBuffers();
    for (const node of this.rt) {
      this.touch(node);
      node.ctx.shareBuffers(buffers);
    }
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
    const expectations = this.expectations;
    const { maxEvents, maxTime } = run;
    const until = run.until === undefined ? Infinity : run.until;
    // One comparison per step stands for the three ways the queue's head can end the run
    // (empty queue, past `until`, past `max time`): the bound is finite, so an empty queue's Infinity exceeds it too.
    const limit = Math.min(until, maxTime, Number.MAX_VALUE);
    for (;;) {
      if (this.fault !== null) {
        return this.end('cancelled', this.now, `stopped by a protocol error at ${formatTime(this.now)}: ${this.fault.text}`);
      }
      if (this.violations.size > 0 && this.options.stopAtViolation === true) {
        return this.end('cancelled', this.now, `stopped at the first invariant violation at ${formatTime(this.now)}`);
      }
      if (expectations.untilMet) {
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
          if (run.until !== undefined) this.now = run.until;
          return this.end('quiescent', this.now, `nothing left to do at ${formatTime(this.now)}: no message in flight, no timer armed, no scripted action left`);
        }
        if (t > until) {
          this.now = until;
          return this.end('until', until, `reached \`run until ${formatTime(until)}\``);
        }
        if (t > maxTime) {
          this.now = run.maxTime;
          const why = run.untilCondition !== undefined
            ? `the run-until condition ${describeCondition(run.untilCondition)} did not hold within it`
            : 'the scenario may not terminate; add `run until` with a time or check its timers';
          return this.end('maxTime', run.maxTime, `stopped at the max time bound (${formatTime(run.maxTime)}): ${why}`);
        }
      }
      if (expectations.pending > 0) expectations.closeBefore(t, this.now, this.worldVersion);
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
        case Q_WRITE: this.writeDone(node, ref as Write); break;
        case Q_ACTION: this.actions.run(ref as ScheduledAction); break;
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

  /** Records a send and puts it on the wire, or behind `waitFor` (a write in flight). */
  private emitSend(from: NodeRuntime, toId: NodeId, msg: Message, cause: number, waitFor: Write | null): void {
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
    const rule = this.rules.send.length > 0 ? this.rules.matchMessage(this.rules.send, this.now, msg.type, from.index, to, ev) : -1;
    if (waitFor !== null) {
      waitFor.waiting.push({ to, id, sendEvent: ev, ruleIndex: rule, msg, op: '', ok: false, result: undefined, cause });
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
    const disposition = ruleIndex >= 0 ? this.rules.send[ruleIndex].rule.disposition : undefined;
    if (disposition?.kind === 'drop') {
      this.drop(to, sendEvent, id, 'rule');
      return;
    }
    if (net.lossy && net.lost(from, to)) {
      this.drop(to, sendEvent, id, 'loss');
      return;
    }
    this.scheduleTransit(this.now + net.latency(from, to), from, to, id, msg, 0, sendEvent, ruleIndex);
    if (net.duplicating && net.duplicated(from, to)) this.scheduleTransit(this.now + net.latency(from, to), from, to, id, msg, F_DUP, sendEvent, ruleIndex);
  }

  /** Schedules a delivery the network drew for time `at`, through the send rule's disposition if any. */
  private scheduleTransit(at: number, from: number, to: number, id: number, msg: Message, flags: number, sendEvent: number, ruleIndex: number): void {
    if (ruleIndex >= 0) {
      const d = this.rules.send[ruleIndex].rule.disposition;
      if (d !== undefined) at = dispose(d, at, from, to, id, msg, flags, sendEvent, this);
      if (at < 0) return;
    }
    this.queue.push(at, Q_DELIVER, to, id, from * 4 + flags, msg, sendEvent);
  }

  // DeliverySink (rules.ts)
  schedule(at: number, from: number, to: number, id: number, msg: Message, flags: number, sendEvent: number): void {
    this.queue.push(at, Q_DELIVER, to, id, from * 4 + flags, msg, sendEvent);
  }

  holdUntilHeal(from: number, to: number, id: number, msg: Message, flags: number): void {
    this.heldUntilHeal.push({ from, to, id, msg, flags });
  }

  dropByRule(to: number, sendEvent: number, id: number): void {
    this.drop(to, sendEvent, id, 'rule');
  }

  releaseHeld(): void {
    for (const h of this.heldUntilHeal.splice(0)) {
      this.queue.push(this.now, Q_DELIVER, h.to, h.id, h.from * 4 + (h.flags | F_RULES_DONE), h.msg, this.trace.sendEventOf(h.id));
    }
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
    if ((flags & F_RULES_DONE) === 0 && this.rules.deliver.length > 0) {
      const r = this.rules.matchMessage(this.rules.deliver, this.now, msg.type, from, to, sendEvent);
      const d = r >= 0 ? this.rules.deliver[r].rule.disposition : undefined;
      if (d !== undefined) {
        flags |= F_RULES_DONE;
        const at = dispose(d, this.now, from, to, id, msg, flags, sendEvent, this);
        if (at < 0) return;
        if (d.kind === 'delay' || d.kind === 'hold') {
          this.queue.push(at, Q_DELIVER, to, id, from * 4 + flags, msg, sendEvent);
          return;
        }
      }
    }
    const ev = this.trace.deliver(this.now, to, id, (flags & F_DUP) !== 0, sendEvent);
    this.handle(node, ev, 'onMessage', this.ids[from], msg);
  }

  private scheduleRuleActions(rule: RuleSpec, event: number): void {
    const measure = this.measureStarts.get(rule);
    if (measure !== undefined) {
      this.expectations.start(measure, this.now, event, describeEvent(this.trace.event(event)));
      this.dirty = true; // evaluate it after this step, even if nothing else changed
      return;
    }
    for (const a of rule.actions) {
      const delay = a.delayMax !== undefined && a.delayMax > a.delay ? this.ruleRng.int(a.delay, a.delayMax) : a.delay;
      this.queue.push(this.now + Math.max(0, delay), Q_ACTION, -1, 0, 0, { action: a.action, source: a.source ?? rule.source, cause: event } satisfies ScheduledAction);
    }
  }

  // ---- timers ------------------------------------------------------------

  private timer(nodeIndex: number, token: number, name: string): void {
    const node = this.rt[nodeIndex];
    if (node.timers.get(name) !== token) return;
    if (node.status === 'paused') {
      node.deferred.push({ name, token });
      return;
    }
    node.timers.delete(name);
    const ev = this.trace.timer(this.now, nodeIndex, -1, name);
    if (this.rules.other.length > 0) this.rules.fire('timer', this.now, nodeIndex, name, ev);
    this.handle(node, ev, 'onTimer', name, undefined);
  }

  fireTimerNow(node: NodeRuntime, token: number, name: string): void {
    this.queue.push(this.now, Q_TIMER, node.index, token, 0, name);
  }

  // ---- durable storage ---------------------------------------------------

  /** Issues a write of `durable` at `node`. */
  private write(node: NodeRuntime, durable: Json, cause: number): void {
    const dist = this.spec.storage.perNode?.[node.id] ?? this.spec.storage.latency;
    const delay = dist.kind === 'fixed' && dist.value <= 0 ? 0 : sampleDelay(dist, this.storageRng);
    if (delay === 0 && node.inFlight.length === 0) {
      // Durable at once: no queue entry, no `durable` event; `onDurable` runs right after this handler, in the same step.
      node.durable = durable;
      this.touch(node);
      if (this.notifyDurable) node.instant.push(durable);
      return;
    }
    const w: Write = { epoch: node.epoch, durable, cause, waiting: [] };
    node.writeDoneAt = Math.max(node.writeDoneAt, this.now + delay);
    node.inFlight.push(w);
    this.queue.push(node.writeDoneAt, Q_WRITE, node.index, 0, 0, w);
  }

  /** A write completed: it is durable, and what waited for it leaves. */
  private writeDone(nodeIndex: number, w: Write): void {
    const node = this.rt[nodeIndex];
    if (w.epoch !== node.epoch) return;
    node.durable = w.durable;
    // Writes complete in issue order: this is the oldest in flight.
    const k = node.inFlight.indexOf(w);
    if (k >= 0) node.inFlight.splice(k, 1);
    this.touch(node);
    const ev = this.trace.durable(this.now, nodeIndex, w.cause);
    for (const x of w.waiting) {
      if (x.msg !== null) this.transmit(nodeIndex, x.to, x.id, x.msg, x.sendEvent, x.ruleIndex);
      else this.recordReply(node, x.op, x.ok, x.result, x.cause);
    }
    if (this.notifyDurable && node.status !== 'crashed') this.handle(node, ev, 'onDurable', w.durable, undefined);
  }

  loseWrites(node: NodeRuntime, cause: number): void {
    node.epoch++;
    node.writeDoneAt = this.now;
    for (const w of node.inFlight) for (const x of w.waiting) if (x.msg !== null) this.drop(x.to, cause, x.id, 'persist-lost');
    node.inFlight.length = 0;
  }

  // ---- scripted actions (actions.ts) --------------------------------------

  reschedule(at: number, sa: ScheduledAction): void {
    this.queue.push(at, Q_ACTION, -1, 0, 0, sa);
  }

  faulted(): boolean {
    return this.fault !== null;
  }

  takeClientOp(node: NodeRuntime, event: number, op: ClientOp): void {
    this.handle(node, event, 'onClient', op, undefined);
  }

  restart(node: NodeRuntime, cause: number): void {
    this.handle(node, cause, 'onRestart', undefined, undefined);
  }

  // ---- handlers and effects ----------------------------------------------

  /** Runs one handler (no closure per call: this is the hot path). */
  private handle(node: NodeRuntime, cause: number, handler: Handler, arg1: unknown, arg2: unknown): void {
    node.ctx.reset(this.now);
    const p = this.protocol;
    let next: unknown;
    try {
      switch (handler) {
        case 'onMessage': next = p.onMessage(node.state, arg1 as NodeId, arg2 as Message, node.ctx); break;
        case 'onTimer': next = p.onTimer(node.state, arg1 as string, node.ctx); break;
        case 'onClient': next = p.onClient(node.state, arg1 as ClientOp, node.ctx); break;
        case 'onRestart': next = p.onRestart(node.durable, node.ctx); break;
        case 'onDurable': next = p.onDurable!(node.state, arg1 as Json, node.ctx); break;
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
    if (node.instant.length > 0 && !this.draining) this.drainInstant(node, cause);
  }

  /**
   * Runs `onDurable` for the writes that completed at once (no storage
   * latency), in issue order, right after the handler that issued them and
   * in the same step; writes those calls issue join the loop. A protocol that
   * writes on every completion would never stop, so the loop is bounded.
   */
  private drainInstant(node: NodeRuntime, cause: number): void {
    this.draining = true;
    let rounds = 0;
    while (node.instant.length > 0 && this.fault === null && node.status !== 'crashed') {
      if (++rounds > MAX_INSTANT_ROUNDS) {
        this.protocolFault('onDurable', node, cause, new Error(`wrote again on each of ${MAX_INSTANT_ROUNDS} completed writes in one step`));
        break;
      }
      this.handle(node, cause, 'onDurable', node.instant.shift(), undefined);
    }
    node.instant.length = 0;
    this.draining = false;
  }

  /** Marks a node's view (state, status, durable) as changed in this step. */
  touch(node: NodeRuntime): void {
    this.dirty = true;
    if (this.changedMark[node.index] === 0) {
      this.changedMark[node.index] = 1;
      this.changed.push(node);
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

  /** Applies a handler's effects: its writes first, then the rest in the order they were issued. */
  private applyEffects(node: NodeRuntime, cause: number): void {
    const ctx = node.ctx;
    if (ctx.writes > 0) {
      for (let k = 0, o = 0; k < ctx.count; k++) {
        const kind = ctx.kinds[k];
        if (kind === E_SEND) continue;
        if (kind === E_PERSIST) this.write(node, ctx.json[o] as Json, cause);
        o++;
      }
    }
    const inFlight = node.inFlight;
    const tail = inFlight.length > 0 ? inFlight[inFlight.length - 1] : null;
    if (ctx.otherCount === 0) {
      // Only sends (a message handler's usual output): skip the dispatch on kinds.
      for (let s = 0; s < ctx.sends; s++) {
        this.emitSend(node, ctx.sendTo[s], ctx.sendMsg[s], cause, ctx.sendWaits[s] ? tail : null);
        ctx.sendMsg[s] = undefined as unknown as Message;
      }
      return;
    }
    let s = 0;
    let o = 0;
    for (let k = 0; k < ctx.count; k++) {
      if (ctx.kinds[k] === E_SEND) {
        this.emitSend(node, ctx.sendTo[s], ctx.sendMsg[s], cause, ctx.sendWaits[s] ? tail : null);
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
        case E_PERSIST:
          break; // applied above, before every send
        case E_REPLY:
          if (num === 1 && tail !== null) tail.waiting.push({ to: -1, id: 0, sendEvent: -1, ruleIndex: -1, msg: null, op: str, ok, result: json, cause });
          else this.recordReply(node, str, ok, json, cause);
          break;
        case E_NOTE: this.trace.note(this.now, node.index, cause, String(str)); break;
        case E_METRIC:
          this.measures[str] = num;
          this.dirty = true;
          break;
      }
    }
  }

  private recordReply(node: NodeRuntime, op: string, ok: boolean, result: Json | undefined, cause: number): void {
    const ev = this.trace.reply(this.now, node.index, cause, result === undefined ? { op, ok } : { op, ok, result });
    if (this.rules.other.length > 0) this.rules.fire('reply', this.now, node.index, undefined, ev);
  }

  // ---- checks --------------------------------------------------------------

  /** After a step that changed the world: invariants, `eventually` windows, `run until` condition. */
  private afterStep(firstEvent: number): void {
    this.dirty = false;
    this.worldVersion++;
    const changed = this.changed;
    // In the world's node order (insertion sort: a step changes one node or a few).
    for (let i = 1; i < changed.length; i++) {
      const x = changed[i];
      let j = i - 1;
      for (; j >= 0 && changed[j].index > x.index; j--) changed[j + 1] = changed[j];
      changed[j + 1] = x;
    }
    const found = this.monitors.check(this.world as World, changed as readonly NodeView[]);
    if (found.length > 0) {
      const cause = this.lastStateEvent(firstEvent);
      for (const v of found) {
        const ev = this.trace.violation(this.now, cause, v);
        this.violations.set(v.invariant, { event: ev, text: `${v.invariant} violated at ${formatTime(this.now)}: ${v.message}` });
      }
    }
    for (let k = changed.length - 1; k >= 0; k--) this.changedMark[changed[k].index] = 0;
    changed.length = 0;
    this.expectations.afterStep(this.now, this.worldVersion);
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

  private finalMetrics(end: RunEnd): Record<string, number> {
    const out: Record<string, number> = { ...this.measures };
    const run = runMetrics({ ...this.counters(), now: end.time });
    if (this.protocol.finalMetrics !== undefined) {
      try {
        Object.assign(out, this.protocol.finalMetrics(this.world, run));
      } catch (e) {
        this.trace.note(this.now, -1, -1, `protocol error in finalMetrics: ${errorText(e)}`);
      }
    }
    Object.assign(out, this.monitors.metrics(this.world as World));
    if (this.options.traceMetrics !== undefined) {
      try {
        Object.assign(out, this.options.traceMetrics(this.trace));
      } catch (e) {
        this.trace.note(this.now, -1, -1, `trace metrics failed: ${errorText(e)}`);
      }
    }
    return Object.assign(out, run);
  }
}

/** An event as a measurement's note names it: `the crash of n3`, `send RequestVote n1 -> n2`. */
function describeEvent(e: TraceEvent): string {
  switch (e.kind) {
    case 'crash': case 'restart': return `the ${e.kind} of ${e.node}`;
    case 'send': return `${e.msg.type} sent by ${e.msg.from} to ${e.msg.to}`;
    case 'deliver': return `a delivery to ${e.node}`;
    case 'timer': return `timer ${e.name} on ${e.node}`;
    case 'client': return `client ${e.op.name} on ${e.node}`;
    case 'reply': return `a reply by ${e.node}`;
    default: return e.kind;
  }
}

function safe<T, D>(fn: () => T, fallback: D): T | D {
  try {
    return fn();
  } catch {
    return fallback;
  }
}
