/**
 * The handlers. The primary takes `write` and `read` from clients; each
 * write is persisted and sent to the backups as an Update. A handler calls
 * `ctx.persist` and the engine holds that handler's sends and replies until
 * the write is durable, so a client never hears "ok" for a write a crash
 * can lose. With `bug_volatile_primary` the primary never persists.
 */
import type { ClientOp, Context, Json, NodeId } from '../../../../../src/engine/protocol.js';
import { initialState, type Durable, type PrimaryState } from './state.js';

export type PrimaryMessage = { type: 'Update'; body: Durable };
type Ctx = Context<PrimaryMessage>;

export function init(ctx: Ctx): PrimaryState {
  return initialState(ctx.index === 0 ? 'primary' : 'backup');
}

export function onClient(s: PrimaryState, op: ClientOp, ctx: Ctx): PrimaryState {
  if (s.role !== 'primary') {
    ctx.reply(op.id, false, `${ctx.id} is a backup; clients talk to the primary`);
    return s;
  }
  if (op.name === 'read') {
    ctx.reply(op.id, true, s.value);
    return s;
  }
  const next: PrimaryState = { ...s, value: op.args.value ?? null, version: s.version + 1 };
  const durable: Durable = { value: next.value, version: next.version };
  if (ctx.params.bug_volatile_primary !== true) ctx.persist(durable);
  for (const n of ctx.nodes) if (n !== ctx.id) ctx.send(n, { type: 'Update', body: durable });
  ctx.reply(op.id, true, null);
  return next;
}

export function onMessage(s: PrimaryState, _from: NodeId, msg: PrimaryMessage, ctx: Ctx): PrimaryState {
  if (msg.body.version <= s.version) return s; // an old or repeated Update
  ctx.persist(msg.body);
  return { ...s, value: msg.body.value, version: msg.body.version };
}

export function onRestart(durable: Json | undefined, ctx: Ctx): PrimaryState {
  const fresh = init(ctx);
  const d = durable as Durable | undefined;
  return d === undefined ? fresh : { ...fresh, value: d.value, version: d.version };
}
