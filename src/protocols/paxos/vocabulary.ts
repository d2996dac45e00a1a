/**
 * Paxos's vocabulary: parameters (cluster-wide and per node), client
 * operations, invariants, queries, message types and metrics, with the
 * one-line docs hover and completion show.
 */
import type { Vocabulary } from '../../engine/vocabulary.js';
import { CLIENT_MESSAGES } from '../_kit/client-proxy.js';
import { kvOps } from '../_kit/kv-store.js';
import { invariants } from './invariants.js';
import { DEFAULTS } from './params.js';
import { queries } from './queries.js';
import type { PaxosState } from './state.js';

export const vocabulary: Vocabulary<PaxosState> = {
  doc: 'Paxos: single-decree (Lamport, "Paxos Made Simple", 2001) and Multi-Paxos with a key-value store (van Renesse & Altinbuken, "Paxos Made Moderately Complex", 2015).',
  params: [
    { name: 'mode', type: 'enum', choices: ['single', 'multi'], default: DEFAULTS.mode,
      doc: 'single: proposers, acceptors and learners choose one value (`propose`); multi: a leader orders commands slot by slot for a key-value store (put/get/append/cas).' },
    { name: 'cluster_size', type: 'int', default: DEFAULTS.clusterSize, min: 0,
      doc: 'How many of the declared nodes take part (the first N; the rest stay idle); 0 = all. Lets a sweep vary the cluster size.' },
    { name: 'election_timeout', type: 'durationRange', default: DEFAULTS.electionTimeout, min: 1,
      doc: 'Multi-Paxos: a proposer that hears no leader for a random time in this range starts phase 1 with a higher ballot (also its wait after being preempted).' },
    { name: 'heartbeat', type: 'duration', default: DEFAULTS.heartbeat, min: 1,
      doc: 'Multi-Paxos: how often the leader says it is alive (with its commit point) and resends unanswered accept requests.' },
    { name: 'retry_timeout', type: 'duration', default: DEFAULTS.retryTimeout, min: 1,
      doc: 'Single-decree: a proposer whose ballot has not chosen a value in this time (lost messages, acceptors down) tries a higher ballot.' },
    { name: 'backoff', type: 'durationRange', default: DEFAULTS.backoff, min: 0,
      doc: 'Single-decree: a preempted proposer waits a random time in this range before its next ballot (Paxos Made Simple §2.4); 0ms: at once, and dueling proposers can livelock.' },
    { name: 'rpc_timeout', type: 'duration', default: DEFAULTS.rpcTimeout, min: 1,
      doc: 'Multi-Paxos: how long a node waits on a client operation it forwarded before retrying it.' },
    { name: 'proposer', type: 'bool', default: true, scope: 'node',
      doc: 'This node proposes values (single-decree) or can become leader (Multi-Paxos; a leader is also a learner).' },
    { name: 'acceptor', type: 'bool', default: true, scope: 'node',
      doc: 'This node is an acceptor: it promises, accepts and counts toward majorities.' },
    { name: 'learner', type: 'bool', default: true, scope: 'node',
      doc: 'This node learns the chosen value (single-decree) or is a replica that applies decided commands (Multi-Paxos).' },
    { name: 'bug_ignore_promised_values', type: 'bool', default: false,
      doc: 'BUG: a proposer ignores the values reported in promises and proposes its own (a new leader fills every slot with no-ops): breaks P2c of Paxos Made Simple §2.2.' },
    { name: 'bug_forget_promise', type: 'bool', default: false,
      doc: 'BUG: an acceptor keeps its promise in memory only (never written to stable storage), so it forgets it on restart (Paxos Made Simple §2.5).' },
    { name: 'bug_accept_below_promise', type: 'bool', default: false,
      doc: 'BUG: an acceptor accepts a proposal even after promising a higher ballot (breaks phase 2(b)).' },
    { name: 'bug_skip_phase1', type: 'bool', default: false,
      doc: 'BUG: Multi-Paxos: a new leader starts proposing without phase 1, so it never learns what was accepted before it.' },
    { name: 'bug_small_quorum', type: 'bool', default: false,
      doc: 'BUG: quorums of half the acceptors (rounded down) instead of a majority, so two quorums need not intersect.' },
    { name: 'bug_adopt_empty_vote', type: 'bool', default: false,
      doc: 'BUG: single-decree: a proposer compares promised ballots with ≥ and counts an acceptor that accepted nothing as a vote for null, so it proposes null.' },
    { name: 'bug_forget_round', type: 'bool', default: false,
      doc: 'BUG: single-decree: a proposer does not write down its round, so after a restart it reuses a ballot, possibly with another value (Paxos Made Simple §2.5).' },
    { name: 'bug_apply_out_of_order', type: 'bool', default: false,
      doc: 'BUG: Multi-Paxos: a replica applies each command as soon as its slot is decided, not in slot order.' },
  ],
  ops: [
    { name: 'propose', template: 'propose <value:value>', args: [{ name: 'value', type: 'value' }],
      doc: 'Single-decree: ask this proposer to get VALUE chosen; the reply is the value actually chosen, which may be another proposer\'s.' },
    ...kvOps('through Multi-Paxos'),
  ],
  invariants,
  queries,
  messages: [
    { type: 'P1a', doc: 'Phase 1a, prepare: a proposer (or candidate leader) asks the acceptors to promise its ballot (Multi-Paxos: for every slot from `from`).' },
    { type: 'P1b', doc: 'Phase 1b, promise: the acceptor will accept nothing below the ballot; it reports what it has accepted.' },
    { type: 'P2a', doc: 'Phase 2a, accept request: accept this value (Multi-Paxos: this command in this slot) in this ballot; carries the leader\'s commit point.' },
    { type: 'P2b', doc: 'Phase 2b, accepted: the acceptor accepted the value in this ballot (single-decree: sent to the proposer and every learner).' },
    { type: 'Nack', doc: 'A refusal: the acceptor has promised a higher ballot (which it names); the proposer abandons its ballot.' },
    { type: 'Heartbeat', doc: 'Multi-Paxos: the leader is alive; every slot up to its commit point is decided.' },
    { type: 'Catchup', doc: 'Multi-Paxos: a replica asks the leader for the decisions it is missing, from a slot on.' },
    { type: 'Decisions', doc: 'Multi-Paxos: decided commands for consecutive slots, for a replica that is catching up.' },
    ...CLIENT_MESSAGES,
  ],
  metrics: [
    { name: 'ballots_started', doc: 'Single-decree: ballots started by all proposers (phase 1 attempts).' },
    { name: 'preemptions', doc: 'Single-decree: times a proposer was refused by a higher ballot and abandoned its own.' },
    { name: 'chosen', doc: 'Single-decree: 1 when a value was chosen (a majority of acceptors voted for it in one ballot), else 0.' },
    { name: 'rounds_until_chosen', doc: 'Single-decree: the round of the first ballot that chose the value (1 = the first attempt succeeded); absent when nothing was chosen.' },
    { name: 'messages_per_chosen', doc: 'Single-decree: messages sent in the run per value chosen; absent when nothing was chosen.' },
    { name: 'last_election_at', doc: 'Multi-Paxos: time (µs) the most recent leader was adopted.' },
    { name: 'leader_changes', doc: 'Multi-Paxos: times a node became leader.' },
    { name: 'decided_slots', doc: 'Multi-Paxos: the most slots any live replica knows decided, in a row from slot 1.' },
    { name: 'applied_ops', doc: 'Multi-Paxos: client operations applied by the most advanced replica.' },
    { name: 'noops', doc: 'Multi-Paxos: no-ops new leaders proposed to fill gaps (Paxos Made Simple §3).' },
    { name: 'messages_per_command', doc: 'Multi-Paxos: messages sent in the run per client operation applied; absent when none was.' },
  ],
  history: { model: 'kv', ops: { put: 'put', get: 'get', append: 'append', cas: 'cas' } },
};
