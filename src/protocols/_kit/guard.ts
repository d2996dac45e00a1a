/**
 * Guards for a protocol's hot handlers: a handler that throws on a malformed
 * input (a message body of the wrong shape, an op with odd arguments) notes
 * it in the trace and keeps its state, instead of ending the run with a
 * protocol error. Its effects were buffered in the context; those issued
 * before the throw still apply.
 *
 * Each wrapper is a plain function made once per protocol (no closure per
 * call), as these handlers run for nearly every event.
 */
import type { ClientOp, Context, Message, NodeId } from '../../engine/protocol.js';

export interface GuardedHandlers<S, M extends Message> {
  onMessage(state: S, from: NodeId, msg: M, ctx: Context<M>): S;
  onTimer(state: S, name: string, ctx: Context<M>): S;
  onClient(state: S, op: ClientOp, ctx: Context<M>): S;
}

/** `label` names the protocol in the note: "raft: ignored a malformed …". */
export function guarded<S, M extends Message>(label: string, h: GuardedHandlers<S, M>): GuardedHandlers<S, M> {
  const malformed = (ctx: Context<M>, what: string, e: unknown) => {
    ctx.note(`${label}: ignored a malformed ${what} (${e instanceof Error ? e.message : String(e)})`);
  };
  return {
    onMessage(s, from, msg, ctx) {
      try {
        return h.onMessage(s, from, msg, ctx);
      } catch (e) {
        malformed(ctx, `${msg?.type ?? 'message'} from ${from}`, e);
        return s;
      }
    },
    onTimer(s, name, ctx) {
      try {
        return h.onTimer(s, name, ctx);
      } catch (e) {
        malformed(ctx, `timer ${name}`, e);
        return s;
      }
    },
    onClient(s, op, ctx) {
      try {
        return h.onClient(s, op, ctx);
      } catch (e) {
        malformed(ctx, `client operation ${op?.id}`, e);
        return s;
      }
    },
  };
}
