/**
 * Handlers that never throw, for a protocol's `Protocol` object: a handler
 * that meets a malformed input (a message body of the wrong shape, say)
 * notes it in the trace and keeps its state. Effects are buffered until the
 * handler returns, so none of a failed call's effects leave — though the
 * note does. Each wrapper has its own try/catch and no closure is made per
 * call: these run for nearly every event.
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
  const { message, timer, client } = h;
  return {
    onMessage(s, from, msg, ctx) {
      try {
        return message(s, from, msg, ctx);
      } catch (e) {
        malformed(ctx, `${(msg as { type?: string } | undefined)?.type ?? 'message'} from ${from}`, e);
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
  };
}
