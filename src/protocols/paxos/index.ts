/**
 * The Paxos protocol object the simulator runs: the handlers of machine.ts
 * (single.ts and multi.ts by mode) behind the `Protocol` contract, with its
 * vocabulary and final metrics. A handler that meets a malformed input
 * notes it in the trace and keeps its state (_kit/guard.ts).
 */
import type { Json, Protocol, World } from '../../engine/protocol.js';
import { guarded } from '../_kit/guard.js';
import { client, init, message, restart, role, timer } from './machine.js';
import type { PaxosMessage } from './messages.js';
import { chosenVote } from './queries.js';
import type { MultiState, PaxosState, SingleState } from './state.js';
import { vocabulary } from './vocabulary.js';

export const paxosProtocol: Protocol<PaxosState, PaxosMessage> = {
  name: 'paxos',
  vocabulary,
  init,
  ...guarded<PaxosState, PaxosMessage>('paxos', { onMessage: message, onTimer: timer, onClient: client }),
  onRestart: (d: Json | undefined, ctx) => restart(d, ctx),
  role,
  finalMetrics(world: World<PaxosState>, run) {
    const states = world.nodes.map((n) => n.state).filter((s): s is PaxosState => s !== null && typeof s === 'object' && Array.isArray(s.roles));
    const messages = run.messages ?? 0;
    if (states.some((s) => s.mode === 'multi')) {
      const multi = states.filter((s): s is MultiState => s.mode === 'multi');
      const live = world.nodes.filter((n) => n.status !== 'crashed').map((n) => n.state).filter((s): s is MultiState => s?.mode === 'multi');
      const best = live.filter((s) => s.roles.includes('learner')).reduce<MultiState | undefined>((b, s) => (!b || s.applied > b.applied ? s : b), undefined);
      const applied = best ? Object.values(best.sessions).reduce((n, x) => n + x.applied, 0) : 0;
      return {
        leader_changes: multi.reduce((n, s) => n + s.elections, 0),
        decided_slots: Math.max(0, ...live.map((s) => s.commit)),
        applied_ops: applied,
        noops: multi.reduce((n, s) => n + s.noops, 0),
        ...(applied > 0 ? { messages_per_command: messages / applied } : {}),
      };
    }
    const single = states.filter((s): s is SingleState => s.mode === 'single');
    const chosen = chosenVote(world);
    return {
      ballots_started: single.reduce((n, s) => n + s.ballots, 0),
      preemptions: single.reduce((n, s) => n + s.preemptions, 0),
      chosen: chosen ? 1 : 0,
      ...(chosen ? { rounds_until_chosen: chosen.b[0], messages_per_chosen: messages } : {}),
    };
  },
};

export type { PaxosState } from './state.js';
export type { PaxosMessage } from './messages.js';
