/**
 * The atomic-commit vocabulary: parameters, client operations, invariants,
 * queries, message types and metrics, with the one-line docs hover and
 * completion show.
 */
import type { Vocabulary } from '../../engine/vocabulary.js';
import { invariants } from './invariants.js';
import { MESSAGE_DOCS } from './messages.js';
import { METRIC_DOCS } from './metrics.js';
import { DEFAULTS, PROTOCOL_NAMES, VOTE_POLICIES } from './params.js';
import { queries } from './queries.js';
import type { CommitState } from './state.js';

export const vocabulary: Vocabulary<CommitState> = {
  doc: 'Atomic commit: two-phase commit (Gray 1978), three-phase commit (Skeen 1981) and Paxos Commit (Gray & Lamport 2006), with write-ahead logs, locks and termination protocols (BHG ch. 7).',
  params: [
    { name: 'commit_protocol', type: 'enum', default: DEFAULTS.protocol, choices: PROTOCOL_NAMES,
      doc: 'twopc (2PC with presumed abort and cooperative termination), threepc (3PC with its termination protocol) or paxos_commit (votes decided by Paxos over 2f+1 acceptors).' },
    { name: 'timeout', type: 'duration', default: DEFAULTS.timeout, min: 1,
      doc: 'The coordinator\'s vote timeout; participants wait multiples of it (2PC asks again every timeout; 3PC waits twice it before terminating).' },
    { name: 'f', type: 'int', default: DEFAULTS.f, min: 0, max: 3,
      doc: 'Paxos Commit: acceptor faults tolerated; the cluster gets 2f+1 acceptors acc1, acc2, … as extra nodes.' },
    { name: 'participants', type: 'int', default: DEFAULTS.participants, min: 0, max: 1000,
      doc: 'How many participants a `begin` without `with …` involves: the first N nodes other than the coordinator and the acceptors (0: all of them).' },
    { name: 'vote', type: 'enum', default: 'yes', choices: VOTE_POLICIES, scope: 'node',
      doc: 'This participant\'s vote: yes, no, or crash_before_vote (it fails before voting: nothing logged, no vote; it aborts when it hears of the transaction again).' },
    { name: 'bug_early_decision', type: 'bool', default: false,
      doc: 'BUG: the coordinator sends COMMIT before its commit record is durable; crash and restart, and it presumes abort.' },
    { name: 'bug_ready_timeout_abort', type: 'bool', default: false,
      doc: 'BUG: a 2PC participant in READY aborts on its timeout instead of running cooperative termination.' },
    { name: 'bug_commit_without_votes', type: 'bool', default: false,
      doc: 'BUG: on its vote timeout the coordinator commits, counting the missing votes as yes.' },
  ],
  ops: [
    { name: 'begin', template: 'begin <tx:name> [with <parts:nodes>] [put <key:key> = <value:value>]',
      args: [{ name: 'tx', type: 'name' }, { name: 'parts', type: 'nodes' }, { name: 'key', type: 'key' }, { name: 'value', type: 'value' }],
      doc: 'Begin transaction TX at this node (its coordinator) over the named participants (default: see `participants`), writing KEY = VALUE at each; the reply is its outcome.' },
    { name: 'get', template: 'get <key:key>', args: [{ name: 'key', type: 'key' }],
      doc: 'Read KEY\'s committed value at this participant; refused while an uncertain transaction holds its lock.' },
  ],
  invariants,
  queries,
  messages: MESSAGE_DOCS,
  metrics: METRIC_DOCS,
};
