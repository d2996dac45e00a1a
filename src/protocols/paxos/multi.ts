/**
 * Multi-Paxos with a stable leader and a replicated key-value store, after
 * van Renesse & Altinbuken, "Paxos Made Moderately Complex" (PMMC), §2–4,
 * and Lamport, "Paxos Made Simple" (PMS) §3. Leaders, acceptors and
 * replicas are roles of the nodes (PMMC §4.3: co-located); the leader's
 * scout (phase 1) and commanders (phase 2) are folded into its state.
 *
 * - Election by ballot (PMMC §3's failure detection): a proposer that hears
 *   no leader for a random `election_timeout` becomes a candidate with a
 *   ballot above every round it has seen, writes the round down, and runs
 *   phase 1 once for all undecided slots (P1a with the first slot it does
 *   not know decided, PMS §3 / PMMC §4.1). A majority of promises makes it
 *   leader (PMMC's "adopted"); a Nack, a higher ballot from another leader,
 *   or its own acceptor promising one makes it step down ("preempted"), and
 *   it waits for a new timeout — a randomized backoff.
 * - On adoption the new leader re-proposes, in its own ballot, for every
 *   slot from its first undecided one to the highest reported, the command
 *   of the highest-ballot pvalue reported for it (PMMC's pmax), and fills
 *   the gaps with no-ops (PMS §3). New client commands go to the next slot.
 * - Phase 2 per slot: P2a to every acceptor; an acceptor accepts unless it
 *   promised a higher ballot, writes the pvalue down and answers P2b; with
 *   P2b from a majority the slot is decided (PMMC's commander). The leader
 *   resends unanswered P2a with each heartbeat.
 * - Replicas learn decisions from the leader's commit point, carried by
 *   every P2a and `Heartbeat`: each slot up to it whose accepted pvalue has
 *   the leader's ballot is decided with that command; a replica missing
 *   one asks (`Catchup`) and gets `Decisions`. Replicas apply decided
 *   commands in slot order (PMMC's slot_out; R1–R4) to the key-value store
 *   through the shared client proxy and sessions (src/protocols/_kit), so a
 *   retried operation is applied at most once and `expect linearizable`
 *   holds: reads are ordered through the log too.
 * - A node's own acceptor answers its own scout and commanders at once,
 *   without a message (as a Raft leader counts its own log). Whatever the
 *   node sends after that waits until the vote is durable (the engine
 *   holds sends behind writes), so nothing decided on a vote a crash could
 *   still lose ever leaves the node.
 */
import type { ClientOp, Context, Json, NodeId } from '../../engine/protocol.js';
import {
  answer, clientTimerOp, forwardUnsent, markSent, onClientMessage, onClientTimeout, respond, takeOperation,
  type PendingTable, type ProxyHost, type ProxyPolicy,
} from '../_kit/client-proxy.js';
import { applyTo, kvCommand, lookup, sessionFloor, type KvCommand } from '../_kit/kv-store.js';
import { tableWith } from '../_kit/records.js';
import { parseSlots, slotAt, slotLength, slotsBetween, withSlot } from './_slots.js';
import { mayAccept, onPrepare } from './acceptor.js';
import { compare, formatBallot, isBallot, max, parseBallot, same, type Ballot } from './ballot.js';
import type { Catchup, Decisions, Heartbeat, MultiMessage, Nack, P1a, P1bMulti, P2aMulti, P2bMulti } from './messages.js';
import { CATCHUP_BATCH, CLIENT_TRIES, settings, topology, type PaxosParams, type Topology } from './params.js';
import {
  copyMulti, countOf, hasRole, initialMulti, multiDurable, NO_IDS, NO_PROPOSALS, NO_PVALS, NOOP,
  type Cmd, type MultiState, type Proposal, type PValue,
} from './state.js';

type Ctx = Context<MultiMessage>;

/**
 * One handler call's view of the node — context, parameters, topology and
 * the state the call started from (for copy-on-write and the durability
 * check) — and the client proxy's host, with the leader as the server.
 */
class Env implements ProxyHost<MultiState, KvCommand> {
  constructor(readonly ctx: Ctx, readonly p: PaxosParams, readonly t: Topology, readonly orig: MultiState) {}

  get id(): NodeId {
    return this.ctx.id;
  }
  own(s: MultiState): MultiState {
    return s === this.orig ? copyMulti(s) : s;
  }
  /** The other members of the cluster. */
  get peers(): readonly NodeId[] {
    return this.t.others.get(this.ctx.id)!;
  }
  /** The acceptors other than this node. */
  get otherAcceptors(): readonly NodeId[] {
    return this.t.otherAcceptors.get(this.ctx.id)!;
  }
  /** A fresh randomized election timeout (proposers only: nobody else can lead). */
  resetElectionTimer(s: MultiState): void {
    if (!hasRole(s, 'proposer')) return;
    const { min, max: hi } = this.p.electionTimeout;
    this.ctx.setTimer('election', this.ctx.randomInt(min, hi));
  }

  // The client proxy's host.
  get policy(): ProxyPolicy {
    return { retryEvery: this.p.rpcTimeout, maxTries: CLIENT_TRIES };
  }
  pending(s: MultiState): PendingTable<KvCommand> {
    return s.pending;
  }
  withPending(s: MultiState, table: PendingTable<KvCommand>): MultiState {
    const next = this.own(s);
    next.pending = table;
    return next;
  }
  server(s: MultiState): NodeId | null {
    if (s.role === 'leader') return this.ctx.id;
    return s.leader === this.ctx.id ? null : s.leader;
  }
  serve(s: MultiState, cmd: KvCommand): MultiState {
    return leaderAccept(s, cmd, this);
  }
}

function env(ctx: Ctx, s: MultiState): Env {
  const { p, t } = settings(ctx);
  return new Env(ctx, p, t, s);
}

/** Ends a handler call: writes the durable record when it changed (the engine holds this call's sends until it is durable). */
function finish(o: Env, next: MultiState): MultiState {
  const a = o.orig;
  if (a.accepted !== next.accepted || a.round !== next.round || a.elections !== next.elections || a.noops !== next.noops
    || (!o.p.bugForgetPromise && a.promised !== next.promised)) {
    o.ctx.persist(multiDurable(next, o.p.bugForgetPromise));
  }
  return next;
}

// ---------------------------------------------------------------- entry points

export function init(ctx: Ctx): MultiState {
  const s = initialMulti(topology(ctx).roles.get(ctx.id) ?? []);
  env(ctx, s).resetElectionTimer(s);
  return s;
}

/** After a crash: the acceptor's promise and pvalues and the round come back; the replica starts empty and catches up. */
export function restart(durable: Json | undefined, ctx: Ctx): MultiState {
  const s = copyMulti(init(ctx));
  const o = env(ctx, s);
  const d = (durable !== null && typeof durable === 'object' && !Array.isArray(durable) ? durable : {}) as Record<string, Json>;
  s.accepted = parseSlots(d.accepted, isPValue) ?? s.accepted;
  s.promised = parseBallot(d.promised);
  if (o.p.bugForgetPromise) {
    // The promise was never written: the only ballots on disk are those of the accepted pvalues.
    for (const [, pv] of slotsBetween(s.accepted, 1, slotLength(s.accepted))) s.promised = max(s.promised, pv.b);
  }
  s.round = countOf(d.round);
  s.elections = countOf(d.elections);
  s.noops = countOf(d.noops);
  return s;
}

export function message(s: MultiState, from: NodeId, msg: MultiMessage, ctx: Ctx): MultiState {
  const o = env(ctx, s);
  switch (msg.type) {
    case 'P1a': return finish(o, onP1a(s, from, msg.body, o));
    case 'P1b': return finish(o, onP1b(s, from, msg.body, o));
    case 'P2a': return finish(o, onP2a(s, from, msg.body, o));
    case 'P2b': return finish(o, onP2b(s, from, msg.body, o));
    case 'Nack': return finish(o, onNack(s, msg.body, o));
    case 'Heartbeat': return finish(o, onHeartbeat(s, from, msg.body, o));
    case 'Catchup': return onCatchup(s, from, msg.body, o);
    case 'Decisions': return finish(o, onDecisions(s, msg.body, o));
    case 'ClientRequest':
    case 'ClientRedirect':
    case 'ClientResponse':
      return finish(o, onClientMessage(o, s, from, msg, ctx)!);
    default: {
      const never: never = msg;
      ctx.note(`ignored a ${(never as { type: string }).type} message (mode multi)`);
      return s;
    }
  }
}

export function timer(s: MultiState, name: string, ctx: Ctx): MultiState {
  const o = env(ctx, s);
  if (name === 'election') return s.role === 'leader' ? s : finish(o, startPhase1(s, o));
  if (name === 'heartbeat') return s.role === 'leader' ? finish(o, onHeartbeatTimer(s, o)) : s;
  const op = clientTimerOp(name);
  return op === undefined ? s : finish(o, onClientTimeout(o, s, op, ctx));
}

export function client(s: MultiState, op: ClientOp, ctx: Ctx): MultiState {
  if (op.name === 'propose') {
    ctx.reply(op.id, false, { error: 'propose: mode multi takes put, get, append and cas; set `mode single` to propose one value' });
    return s;
  }
  if (s.roles.length === 0) {
    ctx.reply(op.id, false, { error: `${ctx.id} is not in the cluster (cluster_size)` });
    return s;
  }
  const o = env(ctx, s);
  const cmd = kvCommand(op, o.id, sessionFloor(Object.keys(s.pending), op.id), 'paxos');
  if (typeof cmd === 'string') {
    ctx.reply(op.id, false, { error: cmd });
    return s;
  }
  if (s.pending[op.id] || lookup(s.sessions, cmd).kind !== 'new') return s;
  return finish(o, takeOperation(o, s, cmd, ctx));
}

// ---------------------------------------------------------------- leader election (PMMC §2 scout, §3; PMS §3)

/** Phase 1 for every undecided slot, with a ballot above every round seen; the round is written down before the P1a leave. */
export function startPhase1(s: MultiState, o: Env): MultiState {
  let next = o.own(s);
  next.round = Math.max(s.round, s.leaderBallot[0], s.promised[0], s.ballot[0]) + 1;
  next.ballot = [next.round, o.id];
  next.role = 'candidate';
  next.promises = NO_IDS;
  next.pvals = NO_PVALS;
  next.proposals = NO_PROPOSALS;
  o.resetElectionTimer(next); // no majority in time: try again with a higher ballot
  if (o.p.bugSkipPhase1) return becomeLeader(next, o); // BUG: leads without phase 1, so it never hears what was accepted
  o.ctx.note(`campaigns with ballot ${formatBallot(next.ballot)}`);
  // The P1a need not wait for the round to be on disk (its P2a will): see single.ts.
  const body: P1a = { b: next.ballot, from: s.commit + 1 };
  for (const a of o.otherAcceptors) o.ctx.send(a, { type: 'P1a', body }, { waitForWrites: false });
  if (hasRole(next, 'acceptor')) {
    // Its own acceptor promises at once (its ballot is above every round the node has seen).
    next.promised = next.ballot;
    next = receivePromise(next, o.id, slotsBetween(next.accepted, s.commit + 1, slotLength(next.accepted)), o);
  }
  return next;
}

/** The scout records a promise and the pvalues it reports (PMMC's pmax: the highest ballot per slot); with a majority, the ballot is adopted. */
function receivePromise(s: MultiState, from: NodeId, accepted: readonly [number, PValue][], o: Env): MultiState {
  if (s.role !== 'candidate' || s.promises.includes(from)) return s;
  const next = o.own(s);
  next.promises = s.promises.concat(from);
  if (!o.p.bugIgnorePromisedValues) {
    let pvals = s.pvals;
    for (const [slot, pv] of accepted) {
      if (slot <= s.commit) continue;
      const cur = pvals[slot];
      if (cur === undefined || compare(pv.b, cur.b) > 0) pvals = tableWith(pvals, String(slot), pv);
    }
    next.pvals = pvals;
  }
  return next.promises.length >= o.t.quorum ? becomeLeader(next, o) : next;
}

/**
 * Adopted: the node leads its ballot. It proposes again, in its ballot,
 * every slot from its first undecided one to the highest any promise
 * reported — the reported command, or a no-op where there is a gap — then
 * announces itself with a heartbeat and serves the operations it holds.
 */
function becomeLeader(s: MultiState, o: Env): MultiState {
  let next = o.own(s);
  next.role = 'leader';
  next.leader = o.id;
  next.leaderBallot = s.ballot;
  next.promises = NO_IDS;
  next.elections = s.elections + 1;
  next.proposals = NO_PROPOSALS;
  o.ctx.cancelTimer('election');
  o.ctx.note(`leads ballot ${formatBallot(s.ballot)}`);
  o.ctx.metric('last_election_at', o.ctx.now);
  let top = Math.max(s.commit, slotLength(s.decided));
  for (const k of Object.keys(s.pvals)) top = Math.max(top, Number(k));
  const pvals = s.pvals;
  next.pvals = NO_PVALS;
  next.nextSlot = top + 1;
  for (let slot = s.commit + 1; slot <= top; slot++) {
    let cmd: Cmd | null = slotAt(s.decided, slot) ?? pvals[slot]?.cmd ?? null;
    if (cmd === null) {
      cmd = NOOP;
      next.noops++;
    }
    next = propose(next, slot, cmd, o);
  }
  next = broadcastHeartbeat(next, o);
  o.ctx.setTimer('heartbeat', o.p.heartbeat);
  for (const id of Object.keys(next.pending)) {
    const p = next.pending[id]!;
    if (!p.sent) next = leaderAccept(next, p.cmd, o);
  }
  return next;
}

/** Preempted (PMMC): a higher ballot exists; the node follows again and waits a random election timeout before trying. */
function stepDown(s: MultiState, by: Ballot, o: Env): MultiState {
  const next = o.own(s);
  if (s.role === 'leader') {
    o.ctx.cancelTimer('heartbeat');
    next.leader = null;
  }
  o.ctx.note(`preempted by ballot ${formatBallot(by)}`);
  next.role = 'follower';
  next.round = Math.max(s.round, by[0]);
  next.promises = NO_IDS;
  next.pvals = NO_PVALS;
  next.proposals = NO_PROPOSALS;
  o.resetElectionTimer(next);
  return next;
}

/** Messages of a leader of ballot `b` (a P2a or a heartbeat): follow it unless a higher ballot's leader is known. */
function heardFromLeader(s: MultiState, from: NodeId, b: Ballot, o: Env): MultiState | null {
  if (compare(b, s.leaderBallot) < 0) return null; // a stale leader
  let next = s;
  if (s.role !== 'follower' && compare(b, s.ballot) > 0) next = stepDown(next, b, o);
  o.resetElectionTimer(next);
  if (next.leader !== from || !same(next.leaderBallot, b)) {
    next = o.own(next);
    const changed = next.leader !== from;
    next.leader = from;
    next.leaderBallot = b;
    if (changed) next = forwardUnsent(o, next, o.ctx);
  }
  return next;
}

function onP1b(s: MultiState, from: NodeId, b: P1bMulti, o: Env): MultiState {
  if (s.role !== 'candidate' || !same(b.b, s.ballot)) return s;
  return receivePromise(s, from, Array.isArray(b.accepted) ? b.accepted : [], o);
}

function onNack(s: MultiState, b: Nack, o: Env): MultiState {
  if (s.role === 'follower' || !same(b.ballot, s.ballot) || compare(b.b, s.ballot) <= 0) return s;
  return stepDown(s, b.b, o);
}

// ---------------------------------------------------------------- phase 2 (PMMC's commanders)

/** The leader proposes `cmd` for `slot` in its ballot: P2a to the other acceptors; its own acceptor accepts at once. */
function propose(s: MultiState, slot: number, cmd: Cmd, o: Env): MultiState {
  const pv: PValue = { b: s.ballot, cmd };
  const next = o.own(s);
  const open: Proposal = { slot, pv, acks: NO_IDS, at: o.ctx.now };
  next.proposals = s.proposals.concat(open);
  if (slot >= next.nextSlot) next.nextSlot = slot + 1;
  const acceptor = hasRole(next, 'acceptor');
  if (acceptor && !mayAccept(next.promised, pv.b, o.p.bugAcceptBelowPromise)) return stepDown(next, next.promised, o);
  const body: P2aMulti = { slot, pv, commit: next.commit };
  for (const a of o.otherAcceptors) o.ctx.send(a, { type: 'P2a', body });
  if (!acceptor) return next;
  return ack(acceptPValue(next, slot, pv, o), slot, o.id, o);
}

/** An acceptor takes pvalue `pv` for `slot`: its promise rises to the pvalue's ballot. */
function acceptPValue(s: MultiState, slot: number, pv: PValue, o: Env): MultiState {
  const accepted = withSlot(s.accepted, slot, pv);
  const promised = max(s.promised, pv.b);
  if (accepted === s.accepted && promised === s.promised) return s;
  const next = o.own(s);
  next.accepted = accepted;
  next.promised = promised;
  return next;
}

/** `from` accepted the leader's pvalue for `slot`; with a majority the slot is decided. */
function ack(s: MultiState, slot: number, from: NodeId, o: Env): MultiState {
  const k = proposalIndex(s.proposals, slot);
  if (k < 0) return s;
  const open = s.proposals[k]!;
  const acks = open.acks.concat(from);
  let next = o.own(s);
  const rest = s.proposals.slice();
  if (acks.length < o.t.quorum) {
    rest[k] = { slot, pv: open.pv, acks, at: open.at };
    next.proposals = rest;
    return next;
  }
  rest.splice(k, 1);
  next.proposals = rest;
  next = decide(next, slot, open.pv.cmd, o);
  return advanceCommit(next, o);
}

function proposalIndex(list: readonly Proposal[], slot: number): number {
  for (let k = 0; k < list.length; k++) if (list[k]!.slot === slot) return k;
  return -1;
}

function onP2b(s: MultiState, from: NodeId, b: P2bMulti, o: Env): MultiState {
  if (s.role !== 'leader' || !same(b.b, s.ballot)) return s;
  const k = proposalIndex(s.proposals, b.slot);
  if (k < 0 || s.proposals[k]!.acks.includes(from)) return s;
  return ack(s, b.slot, from, o);
}

/** Each heartbeat: tell everyone the leader lives and how far it has decided; resend P2a that have waited a heartbeat. */
function onHeartbeatTimer(s: MultiState, o: Env): MultiState {
  const next = broadcastHeartbeat(s, o);
  for (const open of s.proposals) {
    if (o.ctx.now - open.at < o.p.heartbeat) continue;
    const body: P2aMulti = { slot: open.slot, pv: open.pv, commit: s.commit };
    for (const a of o.otherAcceptors) if (!open.acks.includes(a)) o.ctx.send(a, { type: 'P2a', body });
  }
  o.ctx.setTimer('heartbeat', o.p.heartbeat);
  return next;
}

function broadcastHeartbeat(s: MultiState, o: Env): MultiState {
  const body: Heartbeat = { b: s.ballot, commit: s.commit };
  for (const n of o.peers) o.ctx.send(n, { type: 'Heartbeat', body });
  return s;
}

// ---------------------------------------------------------------- acceptor (PMMC Figure 2)

function onP1a(s: MultiState, from: NodeId, b: P1a, o: Env): MultiState {
  if (!hasRole(s, 'acceptor') || !isBallot(b.b)) return s;
  const answer = onPrepare(s.promised, b.b);
  if (answer === 'refuse') {
    const nack: Nack = { b: s.promised, ballot: b.b };
    o.ctx.send(from, { type: 'Nack', body: nack }, { waitForWrites: false }); // a hint: nothing to make durable
    return s;
  }
  let next = s;
  if (answer === 'promise') {
    next = o.own(s);
    next.promised = b.b;
    // Its own acceptor has promised a higher ballot: as a leader or candidate it is preempted.
    if (next.role !== 'follower' && compare(b.b, next.ballot) > 0) next = stepDown(next, b.b, o);
    o.resetElectionTimer(next); // give the candidate time to finish phase 1
  }
  const reply: P1bMulti = { b: b.b, accepted: slotsBetween(next.accepted, b.from ?? 1, slotLength(next.accepted)) };
  o.ctx.send(from, { type: 'P1b', body: reply });
  return next;
}

function onP2a(s: MultiState, from: NodeId, b: P2aMulti, o: Env): MultiState {
  const bal = b.pv.b;
  let next = heardFromLeader(s, from, bal, o) ?? s;
  if (hasRole(next, 'acceptor')) {
    if (mayAccept(next.promised, bal, o.p.bugAcceptBelowPromise)) {
      next = acceptPValue(next, b.slot, b.pv, o);
      const reply: P2bMulti = { b: bal, slot: b.slot };
      o.ctx.send(from, { type: 'P2b', body: reply });
    } else {
      const nack: Nack = { b: next.promised, ballot: bal };
      o.ctx.send(from, { type: 'Nack', body: nack }, { waitForWrites: false });
    }
  }
  return learnCommit(next, bal, b.commit, from, false, o);
}

function onHeartbeat(s: MultiState, from: NodeId, b: Heartbeat, o: Env): MultiState {
  const next = heardFromLeader(s, from, b.b, o);
  if (next === null) return s;
  return learnCommit(next, b.b, b.commit, from, true, o);
}

// ---------------------------------------------------------------- replica (PMMC Figure 1)

/**
 * The leader of ballot `b` says every slot up to `commit` is decided. Each
 * such slot this replica has not decided yet is decided with its accepted
 * pvalue when that has ballot `b` (the one command the leader proposed
 * there in its ballot); at the first it cannot fill, it stops, and asks the
 * leader for the rest when `ask` is set (on heartbeats, to ask at most once
 * per heartbeat).
 */
function learnCommit(s: MultiState, b: Ballot, commit: number, leader: NodeId, ask: boolean, o: Env): MultiState {
  if (commit <= s.commit || !hasRole(s, 'learner')) return s;
  let next = s;
  let c = s.commit;
  while (c < commit) {
    const slot = c + 1;
    if (slotAt(next.decided, slot) === null) {
      const pv = slotAt(next.accepted, slot);
      if (pv === null || !same(pv.b, b)) break;
      next = decide(next, slot, pv.cmd, o);
    }
    c = slot;
  }
  if (c < commit && ask) {
    const body: Catchup = { from: c + 1 };
    o.ctx.send(leader, { type: 'Catchup', body });
  }
  return advanceCommit(next, o);
}

/** Records that `slot` holds `cmd`. With `bug_apply_out_of_order` the command is (wrongly) applied at once, gap or not. */
function decide(s: MultiState, slot: number, cmd: Cmd, o: Env): MultiState {
  if (!hasRole(s, 'learner') || slotAt(s.decided, slot) !== null) return s;
  const next = o.own(s);
  next.decided = withSlot(s.decided, slot, cmd);
  return o.p.bugApplyOutOfOrder ? apply(next, [cmd], o) : next;
}

/** Moves `commit` over the decided slots that follow it, applies them in slot order, and tells learners that hold no pvalues. */
function advanceCommit(s: MultiState, o: Env): MultiState {
  const was = s.commit;
  let c = was;
  while (slotAt(s.decided, c + 1) !== null) c++;
  if (c === was) return s;
  const applied = s.applied;
  let next = o.own(s); // may be `s` itself (this call's copy): its fields were read first
  next.commit = c;
  if (!o.p.bugApplyOutOfOrder) {
    const cmds: Cmd[] = [];
    for (let i = applied + 1; i <= c; i++) cmds.push(slotAt(next.decided, i)!);
    next = apply(next, cmds, o);
  }
  if (next.role === 'leader' && o.t.learnersOnly.length > 0) {
    const body: Decisions = { from: was + 1, cmds: [] };
    for (let i = was + 1; i <= c; i++) body.cmds.push(slotAt(next.decided, i)!);
    for (const l of o.t.learnersOnly) if (l !== o.id) o.ctx.send(l, { type: 'Decisions', body });
  }
  return next;
}

/** Applies `cmds` (the next ones in order) to the key-value store; answers this node's clients, and the leader answers the others'. */
function apply(s: MultiState, cmds: readonly Cmd[], o: Env): MultiState {
  if (cmds.length === 0) return s;
  let kv = s.kv;
  let sessions = s.sessions;
  let pending = s.pending;
  for (const cmd of cmds) {
    if (cmd.op === 'noop') continue;
    const applied = applyTo(kv, sessions, cmd);
    if (!applied) continue; // stale: its origin has already answered or abandoned it
    kv = applied.kv;
    sessions = applied.sessions;
    if (cmd.origin === o.id) pending = answer(pending, cmd.id, applied.result, o.ctx);
    else if (s.role === 'leader' && !applied.dup) respond(o, s, cmd, applied.result, o.ctx);
  }
  const next = o.own(s);
  next.kv = kv;
  next.sessions = sessions;
  next.pending = pending;
  next.applied = s.applied + cmds.length;
  return next;
}

function onCatchup(s: MultiState, from: NodeId, b: Catchup, o: Env): MultiState {
  if (s.role !== 'leader' || typeof b.from !== 'number' || b.from < 1 || b.from > s.commit) return s;
  const body: Decisions = { from: b.from, cmds: [] };
  for (let i = b.from; i <= Math.min(s.commit, b.from + CATCHUP_BATCH - 1); i++) body.cmds.push(slotAt(s.decided, i)!);
  o.ctx.send(from, { type: 'Decisions', body });
  return s;
}

function onDecisions(s: MultiState, b: Decisions, o: Env): MultiState {
  if (!Array.isArray(b.cmds) || typeof b.from !== 'number') return s;
  let next = s;
  for (let i = 0; i < b.cmds.length; i++) {
    const slot = b.from + i;
    if (slot > next.commit) next = decide(next, slot, b.cmds[i]!, o);
  }
  return advanceCommit(next, o);
}

// ---------------------------------------------------------------- clients

/** The leader takes a client command: answer it from the sessions, or propose it in the next slot (unless it is already open). */
function leaderAccept(s: MultiState, cmd: KvCommand, o: Env): MultiState {
  const seen = lookup(s.sessions, cmd);
  if (seen.kind === 'done') return respond(o, s, cmd, seen.result, o.ctx);
  if (seen.kind === 'stale') return s;
  const sent = markSent(o, s, cmd.id);
  for (const open of s.proposals) {
    const c = open.pv.cmd;
    if (c.op !== 'noop' && c.id === cmd.id) return sent; // already proposed; answered when applied
  }
  for (let i = s.applied + 1; i <= slotLength(s.decided); i++) {
    const c = slotAt(s.decided, i);
    if (c !== null && c.op !== 'noop' && c.id === cmd.id) return sent;
  }
  return propose(sent, s.nextSlot, cmd, o);
}

function isPValue(v: unknown): v is PValue {
  return v !== null && typeof v === 'object' && isBallot((v as PValue).b) && typeof (v as PValue).cmd === 'object' && (v as PValue).cmd !== null;
}

