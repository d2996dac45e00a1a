/**
 * The handlers a protocol may leave out, filled in: a small protocol
 * writes `name`, `vocabulary`, `init` and `onMessage` and gets the rest.
 * The simulator runs protocols through this; tests that drive handlers
 * directly can too.
 *
 * - `onTimer`: nothing happens (a protocol with no timers never gets one).
 * - `onClient`: a definite failure, "PROTOCOL takes no client operations".
 * - `onRestart`: `init` — a node that keeps nothing on disk starts over.
 * - `clientTarget`: the first declared node.
 * - `role`: `node`.
 * `onDurable` and `implicitNodes` stay optional: their absence means
 * something (nobody listens for completed writes; no extra nodes).
 */
import type { ClientOp, Context, Json, Message, NodeId, Params, Protocol } from './protocol.js';

export type CompleteProtocol<S = any, M extends Message = Message> = Protocol<S, M> & Required<Pick<Protocol<S, M>, 'clientTarget' | 'onTimer' | 'onClient' | 'onRestart' | 'role'>>;

export function withDefaults<S, M extends Message>(p: Protocol<S, M>): CompleteProtocol<S, M> {
  return {
    ...p,
    clientTarget: p.clientTarget ?? ((c: { nodes: readonly NodeId[]; params: Params }) => c.nodes[0]!),
    onTimer: p.onTimer ?? ((state: S) => state),
    onClient: p.onClient ?? ((state: S, op: ClientOp, ctx: Context<M>) => {
      ctx.reply(op.id, false, `${p.name} takes no client operations`);
      return state;
    }),
    onRestart: p.onRestart ?? ((_durable: Json | undefined, ctx: Context<M>) => p.init(ctx)),
    role: p.role ?? (() => 'node'),
  };
}
