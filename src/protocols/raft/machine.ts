/**
 * Raft's server rules (Figure 2 and §5 of Ongaro & Ousterhout's extended
 * paper) as pure functions `(state, input) → state`, writing effects into the
 * simulator's context. Transitions carry the paper's names: `becomeFollower`,
 * `startElection`, `becomeCandidate` (pre-vote), `becomeLeader`,
 * `advanceCommitIndex`, `applyCommitted`. States are never mutated: a
 * transition that changes nothing returns the same object.
 *
 * Additions to Figure 2, each a documented choice:
 * - A new leader appends a no-op entry of its term (§8), so entries of
 *   earlier terms commit as soon as it does (§5.4.2).
 * - Fast back-off (§5.3): a rejecting follower names the conflicting term and
 *   the first index it holds for it; the leader jumps over that term.
 * - nextIndex advances optimistically when entries are sent (pipelining, as
 *   etcd's "replicate" state); a rejection moves it back.
 * - Clients: the node that receives an operation proxies it through the
 *   shared client proxy (src/protocols/_kit/client-proxy.ts) with the leader
 *   as the server: a leader appends it to its log; a follower forwards it to
 *   the leader it knows. The proxy retries every `rpc_timeout` and gives up
 *   after CLIENT_TRIES rounds; the state machine (kv-store.ts) applies each
 *   op id once, so a retry never applies twice. The proxy replies when the
 *   entry is applied: by itself if it applies it first, or on the leader's
 *   ClientResponse.
 * - Durability, as real implementations order it (thesis §10.2.1): every
 *   handler ends in `finish`, which writes Figure 2's persistent state when
 *   it changed. Replies wait for that write ("Updated on stable storage
 *   before responding to RPCs"): a vote, an AppendEntries acknowledgement.
 *   Requests do not: a leader sends AppendEntries for the entries it is
 *   writing in parallel with the write, and counts itself in the commit
 *   quorum only once its copy is durable (`durableIndex`, set by `durable`,
 *   the simulator's onDurable); a candidate sends RequestVote while its
 *   term and vote are being written and counts its own vote only once they
 *   are durable. A crash during the write loses the entries (or the vote)
 *   on that node alone, and nothing counted them.
 * - Reads (`get`) go through the log, so they are linearizable. With
 *   `leader_lease`, a leader that a majority acknowledged within the last
 *   minimum election timeout answers reads locally, and servers ignore
 *   RequestVote within that time of hearing from a leader (thesis §4.2.3,
 *   §6.4.1); this is safe only without clock drift.
 * - Pre-vote (thesis §9.6): a node first asks whether it could win; only
 *   with a majority of yes does it increment its term.
 */
import type { ClientOp, Context, Json, NodeId } from '../../engine/protocol.js';
import {
  answer, clientTimerOp, forwardUnsent, markSent, onClientMessage, onClientTimeout, respond, takeOperation,
  type PendingTable, type ProxyHost, type ProxyPolicy,
} from '../_kit/client-proxy.js';
import { applyTo, kvCommand, lookup, sessionFloor } from '../_kit/kv-store.js';
import { withKey } from '../_kit/records.js';
import {
  append, entriesBetween, entryAt, firstIndexOfTerm, isUpToDate, lastIndex, lastIndexOfTerm, lastTerm, termAt, truncate, type Log,
} from './_log.js';
import type { ClientCommand } from './entry.js';
import type { AppendEntries, AppendEntriesReply, PreVote, PreVoteReply, RaftMessage, RequestVote, RequestVoteReply } from './messages.js';
import { CLIENT_TRIES, readParams, type RaftParams } from './params.js';
import { copy, durableChanged, initialState, own, parseDurable, toDurable, writtenRecord, type RaftState } from './state.js';

type Ctx = Context<RaftMessage>;

/** Requests (AppendEntries, RequestVote) leave while the sender's write is in flight (thesis §10.2.1). */
const PARALLEL = { waitForWrites: false } as const;

/**
 * One handler call's view of the node: the context, the parameters, the
 * state the call started from (for copy-on-write and the durability check)
 * — and the client proxy's host (client-proxy.ts), with the leader as the
 * server.
 */
class Env implements ProxyHost<RaftState, ClientCommand> {
  private peerList: readonly NodeId[] | null = null;

  constructor(readonly ctx: Ctx, readonly p: RaftParams, readonly orig: RaftState) {}

  get id(): NodeId {
    return this.ctx.id;
  }
  get now(): number {
    return this.ctx.now;
  }
  /** Every other node, in the cluster's order. */
  get peers(): readonly NodeId[] {
    if (this.peerList === null) {
      const me = this.ctx.id;
      this.peerList = this.ctx.nodes.filter((n) => n !== me);
    }
    return this.peerList;
  }
  /** Votes (or acknowledgements) needed for a majority of the whole cluster. */
  get quorum(): number {
    return Math.floor(this.ctx.nodes.length / 2) + 1;
  }
  /** §5.2: a fresh randomized election timeout, from this node's seeded stream. */
  resetElectionTimer(): void {
    const { min, max } = this.p.electionTimeout;
    this.ctx.setTimer('election', this.ctx.randomInt(min, max));
  }

  // The client proxy's host.
  get policy(): ProxyPolicy {
    return { retryEvery: this.p.rpcTimeout, maxTries: CLIENT_TRIES };
  }
  pending(s: RaftState): PendingTable<ClientCommand> {
    return s.pending;
  }
  withPending(s: RaftState, table: PendingTable<ClientCommand>): RaftState {
    const next = own(s, this.orig);
    next.pending = table;
    return next;
  }
  server(s: RaftState): NodeId | null {
    if (s.role === 'leader') return this.ctx.id;
    return s.leaderId === this.ctx.id ? null : s.leaderId;
  }
  serve(s: RaftState, cmd: ClientCommand): RaftState {
    return leaderAccept(s, cmd, this);
  }
}

function env(ctx: Ctx, s: RaftState): Env {
  return new Env(ctx, readParams(ctx.params), s);
}

/**
 * Ends a handler call: writes the persistent state when it changed. The
 * simulator holds this call's replies until the write is durable; requests
 * sent with PARALLEL leave at once.
 */
function finish(o: Env, next: RaftState): RaftState {
  if (durableChanged(o.orig, next, o.p.bugForgetVote)) o.ctx.persist(toDurable(next, o.p.bugForgetVote) as unknown as Json);
  return next;
}

// ---------------------------------------------------------------- entry points

export function init(ctx: Ctx): RaftState {
  const s = initialState();
  const o = env(ctx, s);
  o.resetElectionTimer();
  return s;
}

/** After a crash: Figure 2's persistent state comes back, everything volatile starts over. */
export function restart(durable: Json | undefined, ctx: Ctx): RaftState {
  const d = parseDurable(durable);
  const p = readParams(ctx.params);
  const s: RaftState = {
    ...initialState(), currentTerm: d.currentTerm, votedFor: d.votedFor, log: d.log,
    // With leases a restarted server waits a full timeout before voting, as if it had just heard a leader.
    lastHeard: p.leaderLease ? ctx.now : -1,
  };
  env(ctx, s).resetElectionTimer();
  return s;
}

export function timer(s: RaftState, name: string, ctx: Ctx): RaftState {
  const o = env(ctx, s);
  if (name === 'election') return finish(o, onElectionTimeout(s, o));
  if (name === 'heartbeat') return finish(o, onHeartbeat(s, o));
  const op = clientTimerOp(name);
  return op === undefined ? s : finish(o, onClientTimeout(o, s, op, ctx));
}

export function message(s: RaftState, from: NodeId, msg: RaftMessage, ctx: Ctx): RaftState {
  const o = env(ctx, s);
  return finish(o, dispatch(s, from, msg, o));
}

export function client(s: RaftState, op: ClientOp, ctx: Ctx): RaftState {
  const o = env(ctx, s);
  const cmd = kvCommand(op, o.id, sessionFloor(Object.keys(s.pending), op.id), 'raft');
  if (typeof cmd === 'string') {
    ctx.reply(op.id, false, { error: cmd });
    return s;
  }
  if (s.pending[op.id] || lookup(s.sessions, cmd).kind !== 'new') return s;
  return finish(o, takeOperation(o, s, cmd, ctx));
}

/**
 * A write of this node is on disk (the simulator's onDurable; right after
 * the handler when storage is instant). A leader now counts itself for the
 * entries it holds durably; a candidate counts its own vote once its term
 * and vote are durable. Followers have nothing to do: their replies waited
 * for the write.
 */
export function durable(s: RaftState, written: Json, ctx: Ctx): RaftState {
  if (s.role === 'follower') return s; // its replies waited for the write: nothing to do (and this is most writes)
  const d = writtenRecord(written);
  if (d === undefined || d.currentTerm !== s.currentTerm) return s;
  switch (s.role) {
    case 'candidate': {
      const o = env(ctx, s);
      // With bug_forget_vote the record never holds the vote; the term is enough to know this is the candidacy's write.
      if (s.preVote || s.votes.includes(o.id) || (d.votedFor !== o.id && !o.p.bugForgetVote)) return s;
      const next = copy(s);
      next.votes = [...s.votes, o.id];
      return finish(o, next.votes.length >= o.quorum ? becomeLeader(next, o) : next);
    }
    case 'leader': {
      const index = durablePrefix(d.log, s.log);
      if (index <= s.durableIndex) return s;
      const o = env(ctx, s);
      const next = copy(s);
      next.durableIndex = index;
      return finish(o, advanceCommitIndex(next, o));
    }
    default: {
      const never: never = s.role;
      return never;
    }
  }
}

/** The last index of `log` that `written` (an earlier version of it) also holds: by Log Matching, equal terms at an index mean equal prefixes. */
function durablePrefix(written: Log, log: Log): number {
  let i = Math.min(lastIndex(written), lastIndex(log));
  while (i > 0 && termAt(written, i) !== termAt(log, i)) i--;
  return i;
}

// ---------------------------------------------------------------- elections (§5.2)

function onElectionTimeout(s: RaftState, o: Env): RaftState {
  switch (s.role) {
    case 'leader':
      return s; // a stale timer: leaders do not time out
    case 'follower':
    case 'candidate':
      return o.p.preVote ? becomeCandidate(s, o) : startElection(s, o);
    default: {
      const never: never = s.role;
      return never;
    }
  }
}

/** Pre-vote phase (thesis §9.6): ask for votes for term+1 without changing the term. */
export function becomeCandidate(s: RaftState, o: Env): RaftState {
  const next = copy(s); // the fresh votes array always makes it a new state
  next.role = 'candidate';
  next.preVote = true;
  next.votes = [o.id];
  next.leaderId = null;
  o.resetElectionTimer();
  if (o.quorum <= 1) return startElection(next, o);
  const body: PreVote = { term: s.currentTerm + 1, lastLogIndex: lastIndex(s.log), lastLogTerm: lastTerm(s.log) };
  for (const p of o.peers) o.ctx.send(p, { type: 'PreVote', body });
  return next;
}

/**
 * §5.2: increment currentTerm, vote for self, reset the election timer, send
 * RequestVote to all others. The RequestVotes leave while the term and vote
 * are being written; the candidate's own vote counts once they are durable
 * (`durable`), so a crash during the write never leaves a vote counted that
 * the restarted node does not remember.
 */
export function startElection(s: RaftState, o: Env): RaftState {
  const next = copy(s);
  next.role = 'candidate';
  next.preVote = false;
  next.currentTerm = s.currentTerm + 1;
  next.votedFor = o.id;
  next.votes = [];
  next.leaderId = null;
  next.nextIndex = {};
  next.matchIndex = {};
  next.ackedAt = {};
  o.resetElectionTimer();
  const body: RequestVote = { term: next.currentTerm, lastLogIndex: lastIndex(s.log), lastLogTerm: lastTerm(s.log) };
  for (const p of o.peers) o.ctx.send(p, { type: 'RequestVote', body }, PARALLEL);
  return next;
}

/** §5.1: on discovering a higher term (or a leader of its own term), a server reverts to follower. */
export function becomeFollower(s: RaftState, term: number, leaderId: NodeId | null, o: Env): RaftState {
  const wasLeader = s.role === 'leader';
  const votedFor = term > s.currentTerm ? null : s.votedFor;
  let next = s;
  if (s.role !== 'follower' || s.currentTerm !== term || s.votedFor !== votedFor || s.leaderId !== leaderId
    || s.votes.length !== 0 || s.preVote) {
    next = copy(s);
    next.role = 'follower';
    next.currentTerm = term;
    next.votedFor = votedFor;
    next.leaderId = leaderId;
    if (s.votes.length !== 0) next.votes = [];
    next.preVote = false;
    if (wasLeader) {
      next.nextIndex = {};
      next.matchIndex = {};
      next.ackedAt = {};
    }
  }
  if (wasLeader) {
    o.ctx.cancelTimer('heartbeat');
    o.resetElectionTimer();
  }
  return next;
}

/** §5.2: a candidate with votes from a majority becomes leader, appends a no-op (§8) and sends heartbeats at once. */
export function becomeLeader(s: RaftState, o: Env): RaftState {
  const nextIndex: Record<NodeId, number> = {};
  const matchIndex: Record<NodeId, number> = {};
  for (const p of o.peers) {
    nextIndex[p] = lastIndex(s.log) + 1;
    matchIndex[p] = 0;
  }
  let next = copy(s);
  next.role = 'leader';
  next.leaderId = o.id;
  next.votes = [];
  next.preVote = false;
  next.nextIndex = nextIndex;
  next.matchIndex = matchIndex;
  next.ackedAt = {};
  // Writes complete in order and each holds the whole log: once its own vote was durable, so was every entry before the no-op.
  next.durableIndex = s.votes.includes(o.id) ? lastIndex(s.log) : 0;
  next.log = append(s.log, [{ term: s.currentTerm, cmd: { op: 'noop' } }]);
  o.ctx.cancelTimer('election');
  o.ctx.note(`leader for term ${s.currentTerm}`);
  o.ctx.metric('last_election_at', o.now);
  o.ctx.metric('last_leader_term', s.currentTerm);
  next = broadcastAppendEntries(next, o);
  o.ctx.setTimer('heartbeat', o.p.heartbeat);
  // Operations this node took while no leader was known go into its own log now.
  for (const id of Object.keys(next.pending)) {
    const p = next.pending[id]!;
    if (!p.sent) next = leaderAccept(next, p.cmd, o);
  }
  return advanceCommitIndex(next, o);
}

function handleRequestVote(s: RaftState, from: NodeId, b: RequestVote, o: Env): RaftState {
  const grant = b.term === s.currentTerm && (s.votedFor === null || s.votedFor === from)
    && isUpToDate(b.lastLogTerm, b.lastLogIndex, s.log); // §5.4.1
  let next = s;
  if (grant) {
    if (s.votedFor !== from) {
      next = copy(s);
      next.votedFor = from;
    }
    o.resetElectionTimer();
  }
  const reply: RequestVoteReply = { term: next.currentTerm, voteGranted: grant };
  o.ctx.send(from, { type: 'RequestVoteReply', body: reply });
  return next;
}

function handleRequestVoteReply(s: RaftState, from: NodeId, b: RequestVoteReply, o: Env): RaftState {
  if (s.role !== 'candidate' || s.preVote || b.term !== s.currentTerm || !b.voteGranted) return s;
  if (s.votes.includes(from)) return s;
  const next = copy(s);
  next.votes = [...s.votes, from];
  return next.votes.length >= o.quorum ? becomeLeader(next, o) : next;
}

function heardLeaderRecently(s: RaftState, o: Env): boolean {
  return s.lastHeard >= 0 && o.now - s.lastHeard < o.p.electionTimeout.min;
}

function handlePreVote(s: RaftState, from: NodeId, b: PreVote, o: Env): RaftState {
  const granted = b.term > s.currentTerm && s.role !== 'leader' && !heardLeaderRecently(s, o)
    && isUpToDate(b.lastLogTerm, b.lastLogIndex, s.log);
  const reply: PreVoteReply = { term: b.term, granted, currentTerm: s.currentTerm };
  o.ctx.send(from, { type: 'PreVoteReply', body: reply });
  return s;
}

function handlePreVoteReply(s: RaftState, from: NodeId, b: PreVoteReply, o: Env): RaftState {
  if (!b.granted && b.currentTerm > s.currentTerm) return becomeFollower(s, b.currentTerm, null, o);
  if (s.role !== 'candidate' || !s.preVote || !b.granted || b.term !== s.currentTerm + 1) return s;
  if (s.votes.includes(from)) return s;
  const next = copy(s);
  next.votes = [...s.votes, from];
  return next.votes.length >= o.quorum ? startElection(next, o) : next;
}

// ---------------------------------------------------------------- replication (§5.3)

/** Sends AppendEntries to `peer` from its nextIndex (at most max_entries) and advances nextIndex optimistically. */
export function sendAppendEntries(s: RaftState, peer: NodeId, o: Env): RaftState {
  const nextIdx = nextIndexFor(s, peer);
  const msg = appendEntriesAt(s, nextIdx, o);
  o.ctx.send(peer, msg, PARALLEL);
  const advanced = nextIdx + msg.body.entries.length;
  if (advanced === s.nextIndex[peer]) return s;
  const next = copy(s);
  next.nextIndex = withKey(s.nextIndex, peer, advanced);
  return next;
}

/** `peer`'s nextIndex, clamped to 1..lastIndex+1. */
function nextIndexFor(s: RaftState, peer: NodeId): number {
  const len = lastIndex(s.log);
  return Math.min(Math.max(1, s.nextIndex[peer] ?? len + 1), len + 1);
}

type AppendEntriesMessage = { type: 'AppendEntries'; body: AppendEntries };

/** The AppendEntries for a follower whose next entry is `nextIdx` (at most max_entries). */
function appendEntriesAt(s: RaftState, nextIdx: number, o: Env): AppendEntriesMessage {
  const prevLogIndex = nextIdx - 1;
  const body: AppendEntries = {
    term: s.currentTerm, prevLogIndex, prevLogTerm: termAt(s.log, prevLogIndex) ?? 0,
    entries: entriesBetween(s.log, nextIdx, prevLogIndex + o.p.maxEntries), leaderCommit: s.commitIndex, sentAt: o.now,
  };
  return { type: 'AppendEntries', body };
}

/**
 * AppendEntries to every peer, as `sendAppendEntries` one after the other,
 * with one copy of the state. Peers at the same nextIndex (all of them, in a
 * steady heartbeat) get the same message object: messages are immutable, and
 * the trace records each send by value.
 */
function broadcastAppendEntries(s: RaftState, o: Env): RaftState {
  let nextIndex: Record<NodeId, number> | null = null;
  let msg: AppendEntriesMessage | null = null;
  let msgAt = 0;
  for (const p of o.peers) {
    const nextIdx = nextIndexFor(s, p);
    if (msg === null || nextIdx !== msgAt) {
      msg = appendEntriesAt(s, nextIdx, o);
      msgAt = nextIdx;
    }
    o.ctx.send(p, msg, PARALLEL);
    const advanced = nextIdx + msg.body.entries.length;
    if (advanced !== (nextIndex ?? s.nextIndex)[p]) nextIndex = withKey(nextIndex ?? s.nextIndex, p, advanced);
  }
  if (nextIndex === null) return s;
  const next = copy(s);
  next.nextIndex = nextIndex;
  return next;
}

function onHeartbeat(s: RaftState, o: Env): RaftState {
  if (s.role !== 'leader') return s;
  o.ctx.setTimer('heartbeat', o.p.heartbeat);
  return broadcastAppendEntries(s, o);
}

/** A rejected AppendEntries (§5.3), with the fast back-off hint. */
function fail(next: RaftState, from: NodeId, b: AppendEntries, conflictTerm: number, conflictIndex: number, o: Env): RaftState {
  const reply: AppendEntriesReply = { term: next.currentTerm, success: false, matchIndex: 0, conflictTerm, conflictIndex, sentAt: b.sentAt };
  o.ctx.send(from, { type: 'AppendEntriesReply', body: reply });
  return next;
}

function handleAppendEntries(s: RaftState, from: NodeId, b: AppendEntries, o: Env): RaftState {
  if (b.term < s.currentTerm) return fail(s, from, b, 0, 0, o); // §5.1: reply false if term < currentTerm
  let next = s;
  switch (s.role) {
    case 'leader':
      // Two leaders in one term: Election Safety is broken (only a bug switch gets here). Refuse.
      o.ctx.note(`AppendEntries from ${from}, another leader of my term ${s.currentTerm}`);
      return s;
    case 'candidate':
      next = becomeFollower(s, b.term, from, o); // §5.2: a candidate that hears from the new leader steps down
      break;
    case 'follower':
      if (s.leaderId !== from) {
        next = copy(s);
        next.leaderId = from;
      }
      break;
    default: {
      const never: never = s.role;
      return never;
    }
  }
  if (next.leaderId !== s.leaderId) next = forwardUnsent(o, next, o.ctx);
  // Only pre-vote and leases ask when a leader was last heard; without them a
  // heartbeat that changes nothing else leaves the state alone (no copy, no
  // state event, no invariant pass: half of a steady run's steps).
  if ((o.p.preVote || o.p.leaderLease) && next.lastHeard !== o.now) {
    next = own(next, s);
    next.lastHeard = o.now;
  }
  o.resetElectionTimer();

  // The consistency check (§5.3).
  const prevTerm = termAt(next.log, b.prevLogIndex);
  if (prevTerm === undefined) return fail(next, from, b, 0, lastIndex(next.log) + 1, o);
  if (prevTerm !== b.prevLogTerm && !o.p.bugSkipLogCheck) {
    return fail(next, from, b, prevTerm, firstIndexOfTerm(next.log, prevTerm, b.prevLogIndex), o);
  }
  // Delete a conflicting entry and all that follow it; append entries not already in the log.
  let k = 0;
  while (k < b.entries.length && termAt(next.log, b.prevLogIndex + 1 + k) === b.entries[k]!.term) k++;
  if (k < b.entries.length) {
    const log = append(truncate(next.log, b.prevLogIndex + k), k === 0 ? b.entries : b.entries.slice(k));
    next = own(next, s);
    next.log = log;
  }
  const lastNew = b.prevLogIndex + b.entries.length;
  if (b.leaderCommit > next.commitIndex) {
    const commitIndex = Math.max(next.commitIndex, Math.min(b.leaderCommit, lastNew));
    if (commitIndex !== next.commitIndex) {
      next = own(next, s);
      next.commitIndex = commitIndex;
    }
  }
  next = applyCommitted(next, o);
  const reply: AppendEntriesReply = { term: next.currentTerm, success: true, matchIndex: lastNew, conflictTerm: 0, conflictIndex: 0, sentAt: b.sentAt };
  o.ctx.send(from, { type: 'AppendEntriesReply', body: reply });
  return next;
}

function handleAppendEntriesReply(s: RaftState, from: NodeId, b: AppendEntriesReply, o: Env): RaftState {
  if (s.role !== 'leader' || b.term !== s.currentTerm) return s;
  const match = s.matchIndex[from] ?? 0;
  let next = s;
  if (o.p.leaderLease && b.sentAt > (s.ackedAt[from] ?? -1)) {
    next = copy(s);
    next.ackedAt = withKey(s.ackedAt, from, b.sentAt);
  }
  if (b.success) {
    const m = Math.max(match, Math.min(b.matchIndex, lastIndex(s.log)));
    const n = Math.max(s.nextIndex[from] ?? 1, m + 1);
    // Only the record that changed is rebuilt (with pipelining, an ack usually moves matchIndex alone).
    if (m !== match) {
      next = own(next, s);
      next.matchIndex = withKey(s.matchIndex, from, m);
    }
    if (n !== s.nextIndex[from]) {
      next = own(next, s);
      next.nextIndex = withKey(s.nextIndex, from, n);
    }
    next = advanceCommitIndex(next, o);
    if (n <= lastIndex(next.log)) next = sendAppendEntries(next, from, o);
    return next;
  }
  // Fast back-off: skip the follower's whole conflicting term, or to the end of its short log.
  let hint = b.conflictIndex;
  if (b.conflictTerm > 0) {
    const last = lastIndexOfTerm(s.log, b.conflictTerm);
    if (last > 0) hint = last + 1;
  }
  const n = Math.max(match + 1, Math.min(hint, lastIndex(s.log) + 1));
  if (o.p.bugTruncateOnReject && n <= lastIndex(s.log)) {
    // BUG: the back-off applied to the leader's own log, not only to nextIndex.
    next = own(next, s);
    next.log = truncate(s.log, n - 1);
  }
  if (n !== s.nextIndex[from]) {
    next = own(next, s);
    next.nextIndex = withKey(s.nextIndex, from, n);
  }
  return sendAppendEntries(next, from, o);
}

/**
 * Figure 2, rules for leaders: commitIndex = the largest N with a majority of
 * matchIndex ≥ N and log[N].term == currentTerm (§5.4.2). The leader is one
 * of the majority only for the entries on its own disk (`durableIndex`,
 * thesis §10.2.1); a majority of followers may commit without it. The bug
 * switch `bug_commit_old_terms` drops the term test.
 */
export function advanceCommitIndex(s: RaftState, o: Env): RaftState {
  if (s.role !== 'leader') return s;
  const peers = o.peers;
  const quorum = o.quorum;
  for (let n = lastIndex(s.log); n > s.commitIndex; n--) {
    const t = entryAt(s.log, n)!.term;
    if (t !== s.currentTerm && !o.p.bugCommitOldTerms) {
      if (t < s.currentTerm) break;
      continue;
    }
    let count = s.durableIndex >= n ? 1 : 0;
    for (let i = 0; i < peers.length; i++) if ((s.matchIndex[peers[i]!] ?? 0) >= n) count++;
    if (count >= quorum) {
      const next = copy(s);
      next.commitIndex = n;
      return applyCommitted(next, o);
    }
  }
  return s;
}

/** Figure 2, all servers: while commitIndex > lastApplied, apply log[++lastApplied]; answer the client where due. */
export function applyCommitted(s: RaftState, o: Env): RaftState {
  const upTo = Math.min(s.commitIndex, lastIndex(s.log));
  if (s.lastApplied >= upTo) return s;
  let kv = s.kv;
  let sessions = s.sessions;
  let pending = s.pending;
  for (let i = s.lastApplied + 1; i <= upTo; i++) {
    const cmd = entryAt(s.log, i)!.cmd;
    if (cmd.op === 'noop') continue;
    const applied = applyTo(kv, sessions, cmd);
    if (!applied) continue; // stale: its origin has already answered or abandoned it (thesis §6.3)
    const { result, dup } = applied;
    kv = applied.kv;
    sessions = applied.sessions;
    if (cmd.origin === o.id) pending = answer(pending, cmd.id, result, o.ctx);
    else if (s.role === 'leader' && !dup) respond(o, s, cmd, result, o.ctx);
  }
  const next = copy(s);
  next.kv = kv;
  next.sessions = sessions;
  next.pending = pending;
  next.lastApplied = upTo;
  return next;
}

// ---------------------------------------------------------------- clients

function leaseValid(s: RaftState, o: Env): boolean {
  if (!o.p.leaderLease || s.role !== 'leader') return false;
  const acks = [o.now, ...o.peers.map((p) => s.ackedAt[p] ?? -1)].sort((a, b) => b - a);
  const t = acks[o.quorum - 1]!;
  return t >= 0 && o.now < t + o.p.electionTimeout.min;
}

/** A leader takes a client command: answer from results, serve a leased read, or append it (§5.3 "appends the command to its log"). */
function leaderAccept(s: RaftState, cmd: ClientCommand, o: Env): RaftState {
  const seen = lookup(s.sessions, cmd);
  if (seen.kind === 'done') return respond(o, s, cmd, seen.result, o.ctx);
  if (seen.kind === 'stale') return s; // its origin no longer waits for it
  const sent = markSent(o, s, cmd.id);
  if (cmd.op === 'get' && leaseValid(s, o) && s.lastApplied === s.commitIndex && termAt(s.log, s.commitIndex) === s.currentTerm) {
    return respond(o, sent, cmd, Object.hasOwn(s.kv, cmd.key) ? s.kv[cmd.key]! : null, o.ctx);
  }
  for (let i = lastIndex(s.log); i > s.lastApplied; i--) {
    const c = entryAt(s.log, i)!.cmd;
    if (c.op !== 'noop' && c.id === cmd.id) return sent; // already in the log; answered when applied
  }
  const next = own(sent, s);
  next.log = append(sent.log, [{ term: s.currentTerm, cmd }]);
  return advanceCommitIndex(broadcastAppendEntries(next, o), o);
}

// ---------------------------------------------------------------- dispatch

function dispatch(s: RaftState, from: NodeId, msg: RaftMessage, o: Env): RaftState {
  let cur = s;
  // §5.1: "If RPC request or response contains term T > currentTerm: set currentTerm = T, convert to follower."
  if (msg.type === 'RequestVote' || msg.type === 'RequestVoteReply' || msg.type === 'AppendEntries' || msg.type === 'AppendEntriesReply') {
    const term = msg.body.term;
    if (term > cur.currentTerm) {
      if (msg.type === 'RequestVote' && o.p.leaderLease && (heardLeaderRecently(cur, o) || leaseValid(cur, o))) {
        return cur; // thesis §4.2.3: disregard RequestVote while a leader is known to be alive
      }
      cur = becomeFollower(cur, term, msg.type === 'AppendEntries' ? from : null, o);
      if (msg.type === 'AppendEntries') cur = forwardUnsent(o, cur, o.ctx);
    }
  }
  switch (msg.type) {
    case 'RequestVote': return handleRequestVote(cur, from, msg.body, o);
    case 'RequestVoteReply': return handleRequestVoteReply(cur, from, msg.body, o);
    case 'PreVote': return handlePreVote(cur, from, msg.body, o);
    case 'PreVoteReply': return handlePreVoteReply(cur, from, msg.body, o);
    case 'AppendEntries': return handleAppendEntries(cur, from, msg.body, o);
    case 'AppendEntriesReply': return handleAppendEntriesReply(cur, from, msg.body, o);
    case 'ClientRequest':
    case 'ClientRedirect':
    case 'ClientResponse':
      return onClientMessage(o, cur, from, msg, o.ctx)!;
    default: {
      const never: never = msg;
      o.ctx.note(`ignored an unknown message ${(never as { type: string }).type}`);
      return cur;
    }
  }
}
