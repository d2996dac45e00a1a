/**
 * The atomic-commit protocol object the simulator runs: 2PC, 3PC or Paxos
 * Commit by the `commit_protocol` parameter (one protocol, so one cluster,
 * one set of participants, locks, logs, queries, invariants and viewer
 * panel serve all three, and a sweep can vary the protocol like any other
 * parameter). A handler that meets a malformed input notes it in the trace
 * and keeps its state instead of throwing (_kit/guard.ts).
 */
import type { Protocol } from '../../engine/protocol.js';
import { guarded } from '../_kit/guard.js';
import { client, durable, init, message, restart, role, timer } from './machine.js';
import type { CommitMessage } from './messages.js';
import { finalMetrics } from './metrics.js';
import { acceptorIds } from './params.js';
import type { CommitState } from './state.js';
import { vocabulary } from './vocabulary.js';

export const commitProtocol: Protocol<CommitState, CommitMessage> = {
  name: 'commit',
  vocabulary,
  implicitNodes: (params) => acceptorIds(params).map((id) => ({ id, role: 'acceptor' })),
  init,
  ...guarded<CommitState, CommitMessage>('commit', { onMessage: message, onTimer: timer, onClient: client }),
  onRestart: (d, ctx) => restart(d, ctx),
  onDurable: (s, written) => durable(s, written),
  role,
  finalMetrics,
};

export type { CommitState } from './state.js';
export type { CommitMessage } from './messages.js';
