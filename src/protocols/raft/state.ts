/**
 * Raft's node state, as plain JSON-compatible data.
 *
 * Field names follow Figure 2 of the extended Raft paper (Ongaro &
 * Ousterhout, "In Search of an Understandable Consensus Algorithm", 2014):
 * persistent `currentTerm`, `votedFor`, `log`; volatile `commitIndex`,
 * `lastApplied`; the leader's `nextIndex` and `matchIndex`. Log indices are
 * 1-based as in the paper (index 0 is the empty prefix with term 0); the log
 * is stored in chunks (_log.ts) so appends and trace diffs stay cheap.
 *
 * Besides Figure 2 a node keeps: the leader it knows for its term, the votes
 * it has collected, the key-value state machine and its client session table
 * (to answer retries exactly once), and the client operations it is proxying
 * to the leader (src/protocols/_kit).
 */
import type { Json, NodeId } from '../../engine/protocol.js';
import type { PendingTable } from '../_kit/client-proxy.js';
import type { KvMap, Sessions } from '../_kit/kv-store.js';
import { opTable } from '../_kit/records.js';
import { EMPTY_LOG, parseLog, type Log } from './_log.js';
import type { ClientCommand } from './entry.js';

export type Role = 'follower' | 'candidate' | 'leader';

export type RaftState = {
  role: Role;
  // Persistent state on all servers (Figure 2).
  currentTerm: number;
  votedFor: NodeId | null;
  /** Chunked (see _log.ts); entry i is at `log[(i - 1) >> 6][(i - 1) & 63]`. */
  log: Log;
  // Volatile state on all servers.
  commitIndex: number;
  lastApplied: number;
  /** The leader of `currentTerm` this node has heard from, if any. */
  leaderId: NodeId | null;
  /** With pre_vote or leader_lease: time (µs) of the last AppendEntries accepted from the leader of the current term; -1 if none (or neither is on). */
  lastHeard: number;
  /** Candidate: nodes that granted their vote (or pre-vote) in this round, self included. */
  votes: NodeId[];
  /** Candidate: collecting pre-votes (§9.6 of the Raft thesis) rather than real votes. */
  preVote: boolean;
  // Volatile state on leaders.
  nextIndex: Record<NodeId, number>;
  matchIndex: Record<NodeId, number>;
  /** Leader with `leader_lease`: per peer, the send time of the latest AppendEntries it acknowledged. */
  ackedAt: Record<NodeId, number>;
  /**
   * Leader: the last entry of its own log known to be on its disk. It writes
   * its entries in parallel with sending them (thesis §10.2.1) and counts
   * itself in the commit quorum only up to here.
   */
  durableIndex: number;
  // The replicated state machine.
  kv: KvMap;
  /** The client session table (thesis §6.3): recent results per origin, to answer retries exactly once. */
  sessions: Sessions;
  /** Client operations received by this node and not yet answered, by op id (client-proxy.ts). */
  pending: PendingTable<ClientCommand>;
};

/** What survives a crash: written with `ctx.persist` in every handler that changes it, before any send or reply leaves. */
export type Durable = { currentTerm: number; votedFor: NodeId | null; log: Log };

/**
 * The empty state machine, one object for every node: replicas that start
 * from the same map and apply the same entries share each version of it
 * (kv-store.ts `applyTo`). Frozen, as a guard: the maps are copied before a write.
 */
const EMPTY_KV: KvMap = Object.freeze({}) as KvMap;
const NO_SESSIONS: Sessions = Object.freeze({}) as Sessions;

export function initialState(): RaftState {
  return {
    role: 'follower', currentTerm: 0, votedFor: null, log: EMPTY_LOG, commitIndex: 0, lastApplied: 0,
    leaderId: null, lastHeard: -1, votes: [], preVote: false,
    nextIndex: {}, matchIndex: {}, ackedAt: {}, durableIndex: 0, kv: EMPTY_KV, sessions: NO_SESSIONS, pending: opTable(),
  };
}

/**
 * A shallow copy of `s`, for a handler to patch before returning it. Written
 * out field by field (in the declaration order, which the trace's diffs
 * follow) because V8 builds such a literal about 15× faster than `{ ...s }`;
 * handlers copy a state on nearly every message. A copy made within one
 * handler call is unpublished until returned, so the handler may still set
 * its top-level fields (never those of the objects it shares with `s`).
 */
export function copy(s: RaftState): RaftState {
  return {
    role: s.role, currentTerm: s.currentTerm, votedFor: s.votedFor, log: s.log, commitIndex: s.commitIndex, lastApplied: s.lastApplied,
    leaderId: s.leaderId, lastHeard: s.lastHeard, votes: s.votes, preVote: s.preVote,
    nextIndex: s.nextIndex, matchIndex: s.matchIndex, ackedAt: s.ackedAt, durableIndex: s.durableIndex, kv: s.kv, sessions: s.sessions, pending: s.pending,
  };
}

/** `s` itself when it is already a fresh copy made from `orig` in this handler call, else a copy of it. */
export function own(s: RaftState, orig: RaftState): RaftState {
  return s === orig ? copy(s) : s;
}

/** Whether the durable part (Figure 2's persistent state) differs; with `bug_forget_vote` the vote does not count. */
export function durableChanged(a: RaftState, b: RaftState, forgetVote: boolean): boolean {
  return a.currentTerm !== b.currentTerm || a.log !== b.log || (!forgetVote && a.votedFor !== b.votedFor);
}

/** The durable record; with `bug_forget_vote` the vote is (wrongly) never written. */
export function toDurable(s: RaftState, forgetVote: boolean): Durable {
  return { currentTerm: s.currentTerm, votedFor: forgetVote ? null : s.votedFor, log: s.log };
}

/**
 * The record a completed write carries (`onDurable`): the very object
 * `toDurable` made, so its log is taken as it is (parseDurable would walk it,
 * and a leader learns of a write per entry it appends). Undefined for
 * anything else.
 */
export function writtenRecord(d: Json): Durable | undefined {
  if (d === null || typeof d !== 'object' || Array.isArray(d) || typeof d.currentTerm !== 'number' || !Array.isArray(d.log)) return undefined;
  return { currentTerm: d.currentTerm, votedFor: typeof d.votedFor === 'string' ? d.votedFor : null, log: d.log as unknown as Log };
}

export function parseDurable(d: Json | undefined): Durable {
  if (d === null || typeof d !== 'object' || Array.isArray(d)) return { currentTerm: 0, votedFor: null, log: EMPTY_LOG };
  const term = typeof d.currentTerm === 'number' ? d.currentTerm : 0;
  const vote = typeof d.votedFor === 'string' ? d.votedFor : null;
  return { currentTerm: term, votedFor: vote, log: parseLog(d.log) ?? EMPTY_LOG };
}
