/**
 * Raft's state and messages, as plain JSON-compatible data.
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
 * (to answer retries exactly once), and the client
 * operations it is proxying to the leader.
 */
import type { Json, NodeId } from '../../engine/protocol.js';
import type { Log } from './_log.js';
import type { KvMap, Sessions } from './kv.js';

export type Role = 'follower' | 'candidate' | 'leader';

/**
 * A state-machine command. `id` is the client operation id; `origin` is the node that received it from the client;
 * `floor` is the lowest op number `origin` still had pending when it created the command (session table, kv.ts).
 */
export type Command =
  | { op: 'noop' }
  | { op: 'put'; id: string; origin: NodeId; floor?: number; key: string; value: Json }
  | { op: 'get'; id: string; origin: NodeId; floor?: number; key: string }
  | { op: 'cas'; id: string; origin: NodeId; floor?: number; key: string; expected: Json; value: Json };

export type ClientCommand = Exclude<Command, { op: 'noop' }>;

export type Entry = { term: number; cmd: Command };

/** A client operation this node received and is seeing through to a reply. */
export type PendingOp = {
  cmd: ClientCommand;
  /** Retry rounds so far (one per `rpc_timeout`). */
  tries: number;
  /** Whether it was ever handed to a leader (or appended here); if so a give-up is not a definite failure. */
  sent: boolean;
};

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
  // The replicated state machine.
  kv: KvMap;
  /** The client session table (thesis §6.3): recent results per origin, to answer retries exactly once. */
  sessions: Sessions;
  /** Client operations received by this node and not yet answered, by op id (a prototype-less table, _records.ts). */
  pending: Record<string, PendingOp>;
};

/** What survives a crash: written with `ctx.persist` before any reply that depends on it. */
export type Durable = { currentTerm: number; votedFor: NodeId | null; log: Log };

export type RequestVote = { term: number; lastLogIndex: number; lastLogTerm: number };
export type RequestVoteReply = { term: number; voteGranted: boolean };
/** Pre-vote (thesis §9.6): `term` is the term the sender would campaign in; nobody changes state on it. */
export type PreVote = { term: number; lastLogIndex: number; lastLogTerm: number };
export type PreVoteReply = { term: number; granted: boolean; currentTerm: number };
export type AppendEntries = {
  term: number;
  prevLogIndex: number;
  prevLogTerm: number;
  entries: Entry[];
  leaderCommit: number;
  /** The leader's clock when sent, echoed in the reply (leader lease bookkeeping). */
  sentAt: number;
};
/**
 * `matchIndex`: on success, the index of the last entry known to match.
 * On failure, the fast back-off hint (§5.3, "the follower can include the
 * term of the conflicting entry and the first index it stores for that
 * term"): `conflictTerm` 0 means the follower's log is too short and
 * `conflictIndex` is its length + 1.
 */
export type AppendEntriesReply = {
  term: number;
  success: boolean;
  matchIndex: number;
  conflictTerm: number;
  conflictIndex: number;
  sentAt: number;
};
export type ClientRequest = { cmd: ClientCommand };
export type ClientResponse = { id: string; ok: boolean; result: Json };
export type ClientRedirect = { id: string; leader: NodeId | null };

export type RaftMessage =
  | { type: 'RequestVote'; body: RequestVote }
  | { type: 'RequestVoteReply'; body: RequestVoteReply }
  | { type: 'PreVote'; body: PreVote }
  | { type: 'PreVoteReply'; body: PreVoteReply }
  | { type: 'AppendEntries'; body: AppendEntries }
  | { type: 'AppendEntriesReply'; body: AppendEntriesReply }
  | { type: 'ClientRequest'; body: ClientRequest }
  | { type: 'ClientResponse'; body: ClientResponse }
  | { type: 'ClientRedirect'; body: ClientRedirect };

export type RaftMessageType = RaftMessage['type'];
