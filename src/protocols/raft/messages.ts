/**
 * Raft's messages, as plain JSON-compatible data: the two RPCs of Figure 2
 * and their replies, the pre-vote exchange of the thesis (§9.6), and the
 * client proxy's messages (src/protocols/_kit/client-proxy.ts).
 */
import type { ClientMessage } from '../_kit/client-proxy.js';
import type { ClientCommand, Entry } from './entry.js';

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

export type RaftMessage =
  | { type: 'RequestVote'; body: RequestVote }
  | { type: 'RequestVoteReply'; body: RequestVoteReply }
  | { type: 'PreVote'; body: PreVote }
  | { type: 'PreVoteReply'; body: PreVoteReply }
  | { type: 'AppendEntries'; body: AppendEntries }
  | { type: 'AppendEntriesReply'; body: AppendEntriesReply }
  | ClientMessage<ClientCommand>;

export type RaftMessageType = RaftMessage['type'];
