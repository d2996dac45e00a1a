/**
 * The Raft protocol object the simulator runs: the handlers of `machine.ts`
 * behind the `Protocol` contract, plus its vocabulary and final metrics.
 * A handler that meets a malformed input notes it in the trace and keeps
 * its state instead of throwing (effects are buffered, so none leave).
 */
import type { Json, Protocol, World } from '../../engine/protocol.js';
import { client, init, message, restart, timer } from './machine.js';
import type { RaftMessage } from './messages.js';
import { currentLeaders } from './queries.js';
import type { RaftState } from './state.js';
import { vocabulary } from './vocabulary.js';

/** The note for a handler that threw on a malformed input: its effects were buffered, so none left. */
function malformed(ctx: { note(text: string): void }, what: string, e: unknown): void {
  ctx.note(`raft: ignored a malformed ${what} (${e instanceof Error ? e.message : String(e)})`);
}

// Each handler guards itself with its own try/catch: no closure per call, as handlers run for nearly every event.
export const raftProtocol: Protocol<RaftState, RaftMessage> = {
  name: 'raft',
  vocabulary,
  init,
  onMessage(s, from, msg, ctx) {
    try {
      return message(s, from, msg, ctx);
    } catch (e) {
      malformed(ctx, `${msg?.type ?? 'message'} from ${from}`, e);
      return s;
    }
  },
  onTimer(s, name, ctx) {
    try {
      return timer(s, name, ctx);
    } catch (e) {
      malformed(ctx, `timer ${name}`, e);
      return s;
    }
  },
  onClient(s, op, ctx) {
    try {
      return client(s, op, ctx);
    } catch (e) {
      malformed(ctx, `client operation ${op?.id}`, e);
      return s;
    }
  },
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
