/**
 * The Raft protocol object the simulator runs: the handlers of `machine.ts`
 * behind the `Protocol` contract, plus its vocabulary and final metrics.
 * A handler that meets a malformed input notes it in the trace and keeps
 * its state instead of throwing (_kit/guard.ts).
 */
import type { Json, Protocol, World } from '../../engine/protocol.js';
import { guarded } from '../_kit/guard.js';
import { client, init, message, restart, timer } from './machine.js';
import type { RaftMessage } from './messages.js';
import { currentLeaders } from './queries.js';
import type { RaftState } from './state.js';
import { vocabulary } from './vocabulary.js';

export const raftProtocol: Protocol<RaftState, RaftMessage> = {
  name: 'raft',
  vocabulary,
  init,
  ...guarded<RaftState, RaftMessage>('raft', { onMessage: message, onTimer: timer, onClient: client }),
  onRestart: (durable: Json | undefined, ctx) => restart(durable, ctx),
  role: (s) => s.role,
  finalMetrics(world: World<RaftState>) {
    const up = world.nodes.filter((n) => n.status !== 'crashed' && n.state);
    const best = up.reduce<RaftState | undefined>((b, n) => (!b || n.state.lastApplied > b.lastApplied ? n.state : b), undefined);
    return {
      term: Math.max(0, ...up.map((n) => n.state.currentTerm)),
      committed_entries: Math.max(0, ...up.map((n) => n.state.commitIndex)),
      applied_ops: best ? Object.values(best.sessions).reduce((n, x) => n + x.applied, 0) : 0,
      leaders_at_end: currentLeaders(world).length,
    };
  },
};

export type { RaftState } from './state.js';
export type { RaftMessage } from './messages.js';
