/**
 * Handlers that never throw: a protocol's message, timer and client
 * handlers wrapped so that one meeting a malformed input (a message body of
 * the wrong shape, a bad argument) notes it in the trace and keeps its state
 * instead of ending the run (an exception that reaches the simulator is a
 * protocol fault and stops it). Effects the handler issued before it threw
 * still apply; the note says which input was ignored.
 *
 * The wrappers are made once per protocol, not per call (handlers run for
 * nearly every event), each with its own try/catch.
 */
import type { ClientOp, Context, Message, NodeId, Protocol } from '../../engine/protocol.js';

export interface Handlers<S, M extends Message> {
  message(s: S, from: NodeId, msg: M, ctx: Context<M>): S;
  timer(s: S, name: string, ctx: Context<M>): S;
  client(s: S, op: ClientOp, ctx: Context<M>): S;
}

export function guarded<S, M extends Message>(protocol: string, h: Handlers<S, M>): Required<Pick<Protocol<S, M>, 'onMessage' | 'onTimer' | 'onClient'>> {
  const malformed = (ctx: Context<M>, what: string, e: unknown): void => {
    ctx.note(`${protocol}: ignored a malformed ${what} (${e instanceof Error ? e.message : String(e)})`);
  };
  return {
    onMessage(s, from, msg, ctx) {
      try {
        return h.message(s, from, msg, ctx);
      } catch (e) {
        malformed(ctx, `${msg?.type ?? 'message'} from ${from}`, e);
        return s;
      }
    },
    onTimer(s, name, ctx) {
      try {
        return h.timer(s, name, ctx);
      } catch (e) {
        malformed(ctx, `timer ${name}`, e);
        return s;
      }
    },
    onClient(s, op, ctx) {
      try {
        return h.client(s, op, ctx);
      } catch (e) {
        malformed(ctx, `client operation ${op?.id}`, e);
        return s;
      }
    },
  };
}
