/**
 * Single-decree Paxos, as Lamport's "Paxos Made Simple" §2 describes it:
 * proposers, acceptors and learners agree on one value.
 *
 * - A client asks a proposer to `propose` a value. The proposer picks a
 *   ballot (round, its id) above every round it has used or seen, writes
 *   the round down (§2.5: it must never reuse a number; its accept
 *   requests wait for that write) and sends P1a (prepare) to the acceptors.
 * - Phase 1(b): an acceptor promises a ballot higher than any it promised,
 *   writes the promise to stable storage before answering (§2.5), and
 *   answers P1b with the highest-numbered proposal it has accepted; a lower
 *   ballot gets a Nack.
 * - Phase 2(a): with promises from a majority, the proposer sends P2a
 *   (accept) with the value of the highest-numbered proposal reported in
 *   them, or its own value when none was (§2.2, P2c).
 * - Phase 2(b): an acceptor accepts unless it has promised a higher ballot,
 *   writes the vote down, and sends P2b (accepted) to the proposer and to
 *   every learner (§2.3). A value is chosen when a majority of acceptors
 *   accepted the same ballot; a learner learns it from P2b of a majority
 *   for one ballot, the proposer from a majority of accepts for its ballot,
 *   and answers its clients with the chosen value — which may be another
 *   proposer's.
 * - Progress (§2.4): a proposer that is refused (Nack) abandons its ballot
 *   and, after a random `backoff`, tries a higher one; without backoff two
 *   proposers can preempt each other forever. A ballot that has not
 *   succeeded within `retry_timeout` (lost messages) is retried too.
 *
 * A node's own acceptor answers its own proposer (and learner) at once,
 * without a message. Whatever the node sends after that waits until the
 * promise or vote is durable (the engine holds sends behind writes), so a
 * crash that loses the write loses everything that depended on it.
 */
import type { ClientOp, Context, Json, NodeId } from '../../engine/protocol.js';
import { mayAccept, onPrepare } from './acceptor.js';
import { compare, formatBallot, max, parseBallot, same, ZERO, type Ballot } from './ballot.js';
import type { Nack, P1a, P1bSingle, P2aSingle, P2bSingle, SingleMessage } from './messages.js';
import { settings, topology, type PaxosParams, type Topology } from './params.js';
import { copySingle, countOf, hasRole, initialSingle, NO_IDS, NO_VOTES, singleDurable, type Heard, type SingleState, type Vote } from './state.js';

type Ctx = Context<SingleMessage>;

/** One handler call's view: context, parameters, topology and the state the call started from (copy-on-write). */
class Env {
  constructor(readonly ctx: Ctx, readonly p: PaxosParams, readonly t: Topology, readonly orig: SingleState) {}
  get id(): NodeId {
    return this.ctx.id;
  }
  /** `s` if it is already this call's fresh copy, else a copy. */
  own(s: SingleState): SingleState {
    return s === this.orig ? copySingle(s) : s;
  }
}

function env(ctx: Ctx, s: SingleState): Env {
  const { p, t } = settings(ctx);
  return new Env(ctx, p, t, s);
}

/** Ends a handler call: writes the durable record when it changed (the engine holds this call's sends until it is durable). */
function finish(o: Env, next: SingleState): SingleState {
  const a = o.orig;
  if (a.accepted !== next.accepted || a.votes !== next.votes || a.round !== next.round || a.ballots !== next.ballots || a.preemptions !== next.preemptions
    || (!o.p.bugForgetPromise && a.promised !== next.promised)) {
    o.ctx.persist(singleDurable(next, o.p.bugForgetPromise));
  }
  return next;
}

// ---------------------------------------------------------------- entry points

export function init(ctx: Ctx): SingleState {
  return initialSingle(topology(ctx).roles.get(ctx.id) ?? []);
}

/** After a crash: the acceptor's promise and votes and the proposer's round come back; everything else starts over. */
export function restart(durable: Json | undefined, ctx: Ctx): SingleState {
  const o = env(ctx, init(ctx));
  const d = (durable !== null && typeof durable === 'object' && !Array.isArray(durable) ? durable : {}) as Record<string, Json>;
  const accepted = isVote(d.accepted) ? d.accepted : null;
  const s = copySingle(o.orig);
  // A promise never written (bug_forget_promise) is rebuilt from the only ballot on disk: the accepted one.
  s.promised = max(parseBallot(d.promised), accepted?.b ?? ZERO);
  s.accepted = accepted;
  s.votes = Array.isArray(d.votes) && d.votes.every(isVote) ? (d.votes as unknown as Vote[]) : NO_VOTES;
  s.round = o.p.bugForgetRound ? 0 : countOf(d.round);
  s.ballots = countOf(d.ballots);
  s.preemptions = countOf(d.preemptions);
  return s;
}

export function message(s: SingleState, from: NodeId, msg: SingleMessage, ctx: Ctx): SingleState {
  const o = env(ctx, s);
  switch (msg.type) {
    case 'P1a': return finish(o, onP1a(s, from, msg.body, o));
    case 'P1b': return finish(o, onP1b(s, from, msg.body, o));
    case 'P2a': return finish(o, onP2a(s, from, msg.body, o));
    case 'P2b': return finish(o, onP2b(s, from, msg.body, o));
    case 'Nack': return finish(o, onNack(s, msg.body, o));
    default: {
      const never: never = msg;
      ctx.note(`ignored a ${(never as { type: string }).type} message (mode single)`);
      return s;
    }
  }
}

export function timer(s: SingleState, name: string, ctx: Ctx): SingleState {
  const o = env(ctx, s);
  if (name === 'retry' && (s.phase === 'prepare' || s.phase === 'accept')) {
    o.ctx.note(`ballot ${formatBallot(s.ballot)} timed out`);
    return finish(o, startBallot(s, o));
  }
  if (name === 'backoff' && s.phase === 'backoff') return finish(o, startBallot(s, o));
  return s;
}

export function client(s: SingleState, op: ClientOp, ctx: Ctx): SingleState {
  const o = env(ctx, s);
  if (op.name !== 'propose') {
    ctx.reply(op.id, false, { error: `${op.name}: mode single takes \`propose VALUE\`; set \`mode multi\` for the key-value store` });
    return s;
  }
  if (!hasRole(s, 'proposer')) {
    ctx.reply(op.id, false, { error: `${ctx.id} is not a proposer` });
    return s;
  }
  const v = op.args?.value;
  if (v === undefined || v === null) {
    ctx.reply(op.id, false, { error: 'propose: needs a value' });
    return s;
  }
  if (s.phase === 'chosen') {
    ctx.reply(op.id, true, s.proposal);
    return s;
  }
  if (s.learned !== null) {
    ctx.reply(op.id, true, s.learned.v);
    return s;
  }
  const next = o.own(s);
  next.clients = [...s.clients, op.id];
  if (s.phase !== 'idle') return next; // it is already proposing: this client waits for the same outcome
  next.value = v;
  return finish(o, startBallot(next, o));
}

// ---------------------------------------------------------------- proposer (§2.2)

/** A new ballot above every round used or seen; its round is written down before the prepare requests leave (§2.5). */
export function startBallot(s: SingleState, o: Env): SingleState {
  const next = o.own(s);
  next.round = s.round + 1;
  next.ballot = [next.round, o.id];
  next.phase = 'prepare';
  next.promises = NO_IDS;
  next.highest = null;
  next.accepts = NO_IDS;
  next.ballots = s.ballots + 1;
  // Its own acceptor answers at once, without a message.
  const answer = hasRole(next, 'acceptor') ? onPrepare(next.promised, next.ballot) : 'none';
  if (answer === 'refuse') return preempt(next, next.promised, o);
  o.ctx.setTimer('retry', o.p.retryTimeout);
  // The prepare requests need not wait for the round to be on disk: a proposer that crashes first and
  // reuses the ballot after its restart has proposed no value in it (its P2a wait for that write).
  const body: P1a = { b: next.ballot };
  for (const a of o.t.acceptors) if (a !== o.id) o.ctx.send(a, { type: 'P1a', body }, { waitForWrites: false });
  if (answer === 'none') return next;
  if (answer === 'promise') next.promised = next.ballot;
  return receivePromise(next, o.id, next.accepted, o);
}

/** A promise for the current ballot: keep the highest-numbered proposal reported; with a majority, phase 2. */
function receivePromise(s: SingleState, from: NodeId, accepted: Vote | null, o: Env): SingleState {
  if (s.phase !== 'prepare' || s.promises.includes(from)) return s;
  const next = o.own(s);
  next.promises = [...s.promises, from];
  if (o.p.bugAdoptEmptyVote) {
    // BUG: "≥" instead of ">", and an acceptor that accepted nothing counted as a vote (ballot 0) for null.
    const vote = accepted ?? EMPTY_VOTE;
    if (compare(vote.b, (s.highest ?? EMPTY_VOTE).b) >= 0) next.highest = vote;
  } else if (!o.p.bugIgnorePromisedValues && accepted !== null && (s.highest === null || compare(accepted.b, s.highest.b) > 0)) {
    next.highest = accepted;
  }
  return next.promises.length >= o.t.quorum ? startAccept(next, o) : next;
}

const EMPTY_VOTE: Vote = { b: ZERO, v: null };

/** Phase 2(a): the value is the highest-numbered one reported in the promises, or the proposer's own. */
function startAccept(s: SingleState, o: Env): SingleState {
  const next = o.own(s);
  next.phase = 'accept';
  next.proposal = s.highest !== null ? s.highest.v : s.value;
  next.accepts = NO_IDS;
  const acceptor = hasRole(next, 'acceptor');
  if (acceptor && !mayAccept(next.promised, next.ballot, o.p.bugAcceptBelowPromise)) return preempt(next, next.promised, o);
  const body: P2aSingle = { b: next.ballot, v: next.proposal };
  for (const a of o.t.acceptors) if (a !== o.id) o.ctx.send(a, { type: 'P2a', body });
  if (!acceptor) return next;
  // Its own acceptor accepts at once; its proposer and learner count the vote.
  let cur = acceptVote(next, { b: next.ballot, v: next.proposal }, o);
  cur = receiveAccept(cur, o.id, o);
  return hasRole(cur, 'learner') ? hear(cur, o.id, cur.ballot, cur.proposal, o) : cur;
}

function receiveAccept(s: SingleState, from: NodeId, o: Env): SingleState {
  if (s.phase !== 'accept' || s.accepts.includes(from)) return s;
  const next = o.own(s);
  next.accepts = [...s.accepts, from];
  return next.accepts.length >= o.t.quorum ? becomeChosen(next, next.proposal, o) : next;
}

/** The proposer knows `v` is chosen: it stops and answers every waiting client with it. */
function becomeChosen(s: SingleState, v: Json, o: Env): SingleState {
  const clients = s.clients;
  const next = o.own(s); // may be `s` itself (this call's copy): read it first
  next.phase = 'chosen';
  next.proposal = v;
  next.clients = NO_IDS;
  o.ctx.cancelTimer('retry');
  o.ctx.cancelTimer('backoff');
  for (const id of clients) o.ctx.reply(id, true, v);
  return next;
}

/** §2.2: a refused proposer abandons its ballot; after a random backoff (§2.4) it tries a higher one. */
function preempt(s: SingleState, by: Ballot, o: Env): SingleState {
  const next = o.own(s);
  next.round = Math.max(s.round, by[0]);
  next.preemptions = s.preemptions + 1;
  o.ctx.cancelTimer('retry');
  const { min, max: hi } = o.p.backoff;
  if (hi <= 0) return startBallot(next, o);
  next.phase = 'backoff';
  o.ctx.setTimer('backoff', o.ctx.randomInt(min, hi));
  return next;
}

function onP1b(s: SingleState, from: NodeId, b: P1bSingle, o: Env): SingleState {
  if (s.phase !== 'prepare' || !same(b.b, s.ballot)) return s;
  return receivePromise(s, from, b.accepted ?? null, o);
}

function onNack(s: SingleState, b: Nack, o: Env): SingleState {
  if ((s.phase !== 'prepare' && s.phase !== 'accept') || !same(b.ballot, s.ballot) || compare(b.b, s.ballot) <= 0) return s;
  return preempt(s, b.b, o);
}

function onP2b(s: SingleState, from: NodeId, b: P2bSingle, o: Env): SingleState {
  let next = s;
  if (next.phase === 'accept' && same(b.b, next.ballot)) next = receiveAccept(next, from, o);
  if (hasRole(next, 'learner')) next = hear(next, from, b.b, b.v, o);
  return next;
}

// ---------------------------------------------------------------- acceptor (§2.2, phases 1(b) and 2(b))

function onP1a(s: SingleState, from: NodeId, b: P1a, o: Env): SingleState {
  if (!hasRole(s, 'acceptor')) return s;
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
  }
  const reply: P1bSingle = { b: b.b, accepted: next.accepted };
  o.ctx.send(from, { type: 'P1b', body: reply });
  return next;
}

function onP2a(s: SingleState, from: NodeId, b: P2aSingle, o: Env): SingleState {
  if (!hasRole(s, 'acceptor')) return s;
  if (!mayAccept(s.promised, b.b, o.p.bugAcceptBelowPromise)) {
    const nack: Nack = { b: s.promised, ballot: b.b };
    o.ctx.send(from, { type: 'Nack', body: nack }, { waitForWrites: false });
    return s;
  }
  const next = acceptVote(s, { b: b.b, v: b.v }, o);
  const reply: P2bSingle = { b: b.b, v: b.v };
  o.ctx.send(from, { type: 'P2b', body: reply });
  for (const l of o.t.learners) if (l !== from && l !== o.id) o.ctx.send(l, { type: 'P2b', body: reply });
  return hasRole(next, 'learner') ? hear(next, o.id, b.b, b.v, o) : next; // its own learner hears its own vote
}

/** Accepts `vote` (again, if it is the one already accepted): the promise rises to its ballot, the vote is recorded. */
function acceptVote(s: SingleState, vote: Vote, o: Env): SingleState {
  if (s.accepted !== null && same(s.accepted.b, vote.b)) return s;
  const next = o.own(s);
  next.promised = max(s.promised, vote.b);
  next.accepted = vote;
  next.votes = [...s.votes, vote];
  return next;
}

// ---------------------------------------------------------------- learner (§2.3)

/** A learner hears that `from` accepted (b, v); with a majority for one ballot the value is chosen and learned. */
function hear(s: SingleState, from: NodeId, b: Ballot, v: Json, o: Env): SingleState {
  const k = s.heard.findIndex((h) => same(h.b, b));
  const h = k >= 0 ? s.heard[k]! : undefined;
  if (h !== undefined && h.from.includes(from)) return s;
  const entry: Heard = { b, v, from: h === undefined ? [from] : [...h.from, from] };
  let next = o.own(s);
  next.heard = k >= 0 ? s.heard.map((x, i) => (i === k ? entry : x)) : [...s.heard, entry];
  if (s.learned === null && entry.from.length >= o.t.quorum) {
    next.learned = { b, v };
    o.ctx.note(`learned ${JSON.stringify(v)}, chosen in ballot ${formatBallot(b)}`);
    if (next.clients.length > 0 || (next.phase !== 'idle' && next.phase !== 'chosen')) next = becomeChosen(next, v, o);
  }
  return next;
}

function isVote(v: unknown): v is Vote {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && 'b' in v && 'v' in v && Array.isArray((v as Vote).b);
}
