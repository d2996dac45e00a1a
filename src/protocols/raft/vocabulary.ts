/**
 * Raft's vocabulary: parameters, client operations, invariants, queries,
 * message types and metrics, with the one-line docs hover and completion show.
 */
import type { Vocabulary } from '../../engine/vocabulary.js';
import { invariants } from './invariants.js';
import { DEFAULTS } from './params.js';
import { queries } from './queries.js';
import type { RaftState } from './state.js';
import { CLIENT_MESSAGES } from '../_kit/client-proxy.js';
import { kvOps } from '../_kit/kv-store.js';

export const vocabulary: Vocabulary<RaftState> = {
  doc: 'Raft consensus (Ongaro & Ousterhout 2014): leader election, log replication and a replicated key-value store.',
  params: [
    { name: 'election_timeout', type: 'durationRange', default: DEFAULTS.electionTimeout, min: 1,
      doc: 'Followers wait a random time in this range without hearing a leader before starting an election (§5.2).' },
    { name: 'heartbeat', type: 'duration', default: DEFAULTS.heartbeat, min: 1,
      doc: 'How often a leader sends AppendEntries when idle; keep it well below the election timeout.' },
    { name: 'rpc_timeout', type: 'duration', default: DEFAULTS.rpcTimeout, min: 1,
      doc: 'How long a node waits on a client operation it forwarded before retrying it.' },
    { name: 'max_entries', type: 'int', default: DEFAULTS.maxEntries, min: 1,
      doc: 'The most log entries one AppendEntries carries.' },
    { name: 'pre_vote', type: 'bool', default: false,
      doc: 'Pre-vote (thesis §9.6): a node campaigns only after a majority says it could win, so a rejoining node cannot disrupt the leader.' },
    { name: 'leader_lease', type: 'bool', default: false,
      doc: 'Leader lease (thesis §6.4.1): a leader serves reads locally while a majority heard it within the minimum election timeout; unsafe with clock drift.' },
    { name: 'bug_commit_old_terms', type: 'bool', default: false,
      doc: 'BUG: commit entries of earlier terms by counting replicas (breaks §5.4.2; see Figure 8).' },
    { name: 'bug_forget_vote', type: 'bool', default: false,
      doc: 'BUG: do not persist votedFor, so a restarted node can vote twice in one term.' },
    { name: 'bug_skip_log_check', type: 'bool', default: false,
      doc: 'BUG: accept AppendEntries without checking prevLogTerm (breaks the consistency check of §5.3).' },
    { name: 'bug_truncate_on_reject', type: 'bool', default: false,
      doc: 'BUG: a leader that gets a rejected AppendEntries truncates its own log to the follower\'s hint instead of only moving nextIndex back (breaks Leader Append-Only).' },
  ],
  ops: kvOps('through the log'),
  invariants,
  queries,
  messages: [
    { type: 'RequestVote', doc: 'A candidate asks for a vote (term, lastLogIndex, lastLogTerm).' },
    { type: 'RequestVoteReply', doc: 'A vote granted or denied, with the voter\'s term.' },
    { type: 'PreVote', doc: 'With pre_vote: could I win an election for this term?' },
    { type: 'PreVoteReply', doc: 'The answer to a PreVote; nobody changes term on it.' },
    { type: 'AppendEntries', doc: 'A leader replicates entries after (prevLogIndex, prevLogTerm) and announces its commit index; empty = heartbeat.' },
    { type: 'AppendEntriesReply', doc: 'Success with the matching index, or failure with a conflicting term and index for fast back-off.' },
    ...CLIENT_MESSAGES,
  ],
  metrics: [
    { name: 'last_election_at', doc: 'Time (µs) the most recent leader was elected.' },
    { name: 'last_leader_term', doc: 'Term of the most recent leader elected.' },
    { name: 'term', doc: 'Highest term at the end of the run.' },
    { name: 'committed_entries', doc: 'Highest commit index at the end (entries, including leaders\' no-ops).' },
    { name: 'applied_ops', doc: 'Client operations applied by the most advanced node at the end.' },
    { name: 'leaders_at_end', doc: 'Live leaders of the highest term at the end (normally 1).' },
  ],
  history: { model: 'kv' },
};
