/**
 * The client side of a replicated service, written once for every protocol
 * that has one (the role of Stateright's `RegisterActor`): the node that
 * receives a client operation sees it through to a reply.
 *
 * - It keeps the operation in its pending table and forwards it to the node
 *   that can serve it now (Raft's or Multi-Paxos's leader), or serves it
 *   itself when it is that node.
 * - A node that cannot serve a forwarded operation answers `ClientRedirect`
 *   with the server it knows; the proxy follows the hint.
 * - Every `retryEvery` µs without an answer it tries again; the service
 *   applies each operation id at most once (kv-store.ts sessions), so a
 *   retry never applies twice.
 * - It replies once, when the operation is applied: by itself if it applied
 *   it, or on the server's `ClientResponse` (which may carry a definite
 *   failure, `ok: false`, for a service that can refuse an operation).
 * - Which node serves may depend on the operation (a key's coordinator in a
 *   Dynamo-style store): `server` is given the command.
 * - After `maxTries` rounds it gives up: a definite failure (`ok: false,
 *   { redirect }`) when it never handed the operation to anyone, otherwise
 *   no reply at all — the outcome is unknown, as for a real client, and the
 *   linearizability checker treats it so.
 *
 * The protocol supplies a `ProxyHost`: where its pending table lives in its
 * state, which node serves operations now, and how that node serves one.
 * Functions take and return states (copy-on-write through the host) and
 * write effects into the context, like every handler.
 */
import type { Context, Json, NodeId } from '../../engine/protocol.js';
import type { MessageSpec } from '../../engine/vocabulary.js';
import { tableWith, tableWithout } from './records.js';

/** A client operation a node took and is seeing through to a reply. */
export type Pending<C> = {
  cmd: C;
  /** Retry rounds so far (one per `retryEvery`). */
  tries: number;
  /** Whether it was ever handed to a server (or served here); if so a give-up is not a definite failure. */
  sent: boolean;
};

/** Pending operations by op id (a prototype-less table, records.ts). */
export type PendingTable<C> = Readonly<Record<string, Pending<C>>>;

/** What the proxy forwards: a command with the client op's id. */
export interface ProxiedCommand {
  readonly id: string;
  readonly origin: NodeId;
}

export type ClientRequest<C> = { cmd: C };
export type ClientResponse = { id: string; ok: boolean; result: Json };
export type ClientRedirect = { id: string; leader: NodeId | null };

export type ClientMessage<C> =
  | { type: 'ClientRequest'; body: ClientRequest<C> }
  | { type: 'ClientResponse'; body: ClientResponse }
  | { type: 'ClientRedirect'; body: ClientRedirect };

/** The proxy's message types, for a protocol's vocabulary. */
export const CLIENT_MESSAGES: readonly MessageSpec[] = [
  { type: 'ClientRequest', doc: 'A node forwards a client operation to the node it believes serves it (the leader).' },
  { type: 'ClientResponse', doc: 'The server returns the result of an applied client operation to the node that took it.' },
  { type: 'ClientRedirect', doc: 'A node that cannot serve an operation names the server it knows (or none).' },
];

export interface ProxyPolicy {
  /** µs between retries. */
  readonly retryEvery: number;
  /** Rounds before giving up. */
  readonly maxTries: number;
}

/** What the proxy needs from the protocol. */
export interface ProxyHost<S, C extends ProxiedCommand> {
  readonly policy: ProxyPolicy;
  pending(s: S): PendingTable<C>;
  /** `s` with this pending table (copy-on-write: never modify a state the handler was given). */
  withPending(s: S, table: PendingTable<C>): S;
  /**
   * The node that serves `cmd` now (operations in general when `cmd` is
   * absent): this node's own id when it does, null when it knows none.
   */
  server(s: S, cmd?: C): NodeId | null;
  /** This node (the server) takes `cmd`: append it to its log, propose it, answer it from its sessions… */
  serve(s: S, cmd: C, ctx: Context): S;
}

/** The timer of a pending operation. */
export function clientTimer(id: string): string {
  return `client:${id}`;
}

/** The op id of a client timer, or undefined when `name` is another timer. */
export function clientTimerOp(name: string): string | undefined {
  return name.startsWith('client:') ? name.slice('client:'.length) : undefined;
}

/** Takes a new client operation (already checked to be new): pending, its retry timer armed, then submitted. */
export function takeOperation<S, C extends ProxiedCommand>(h: ProxyHost<S, C>, s: S, cmd: C, ctx: Context): S {
  const next = h.withPending(s, tableWith<Pending<C>>(h.pending(s), cmd.id, { cmd, tries: 0, sent: false }));
  ctx.setTimer(clientTimer(cmd.id), h.policy.retryEvery);
  return submit(h, next, cmd, ctx);
}

/** Serves `cmd` here when this node is the server, forwards it to the server it knows, or waits for one. */
export function submit<S, C extends ProxiedCommand>(h: ProxyHost<S, C>, s: S, cmd: C, ctx: Context): S {
  const server = h.server(s, cmd);
  if (server === ctx.id) return h.serve(s, cmd, ctx);
  if (server === null) return s;
  ctx.send(server, request(cmd));
  return markSent(h, s, cmd.id);
}

/** Records that operation `id` was handed to a server. */
export function markSent<S, C extends ProxiedCommand>(h: ProxyHost<S, C>, s: S, id: string): S {
  const p = h.pending(s)[id];
  if (!p || p.sent) return s;
  return h.withPending(s, tableWith<Pending<C>>(h.pending(s), id, { cmd: p.cmd, tries: p.tries, sent: true }));
}

/** Replies to the client of `id` (if it is still pending in `table`) and returns the table without it; `ok` false: a definite failure. */
export function answer<C>(table: PendingTable<C>, id: string, result: Json, ctx: Context, ok = true): PendingTable<C> {
  if (!table[id]) return table;
  ctx.reply(id, ok, result);
  ctx.cancelTimer(clientTimer(id));
  return tableWithout(table, id);
}

/**
 * The result of `cmd` goes to its client: directly when this node took it,
 * else to its origin as a ClientResponse. `ok` false: a definite failure
 * (the operation did not take effect).
 */
export function respond<S, C extends ProxiedCommand>(h: ProxyHost<S, C>, s: S, cmd: C, result: Json, ctx: Context, ok = true): S {
  if (cmd.origin !== ctx.id) {
    const body: ClientResponse = { id: cmd.id, ok, result };
    ctx.send(cmd.origin, { type: 'ClientResponse', body });
    return s;
  }
  const table = h.pending(s);
  if (!table[cmd.id]) return s;
  return h.withPending(s, answer(table, cmd.id, result, ctx, ok));
}

/** A client timer fired: retry the operation, or give up after `maxTries` rounds. */
export function onClientTimeout<S, C extends ProxiedCommand>(h: ProxyHost<S, C>, s: S, id: string, ctx: Context): S {
  const p = h.pending(s)[id];
  if (!p) return s;
  if (p.tries + 1 >= h.policy.maxTries) {
    const table = tableWithout(h.pending(s), id);
    if (p.sent) ctx.note(`gave up on ${id}; its outcome is unknown`);
    else ctx.reply(id, false, { redirect: h.server(s, p.cmd) });
    return h.withPending(s, table);
  }
  ctx.setTimer(clientTimer(id), h.policy.retryEvery);
  const next = h.withPending(s, tableWith<Pending<C>>(h.pending(s), id, { cmd: p.cmd, tries: p.tries + 1, sent: p.sent }));
  return submit(h, next, p.cmd, ctx);
}

/** A node that learns of a server submits the operations it has not yet handed to anyone. */
export function forwardUnsent<S, C extends ProxiedCommand>(h: ProxyHost<S, C>, s: S, ctx: Context): S {
  let next = s;
  const table = h.pending(s);
  for (const id of Object.keys(table)) {
    if (!table[id]!.sent) next = submit(h, next, table[id]!.cmd, ctx);
  }
  return next;
}

/**
 * Handles the proxy's messages; returns undefined for any other message.
 * - ClientRequest: the server serves it; anyone else redirects to the server it knows.
 * - ClientRedirect: follow the hint (unless it points back at the sender or at nobody).
 * - ClientResponse: reply to the client.
 */
export function onClientMessage<S, C extends ProxiedCommand>(
  h: ProxyHost<S, C>, s: S, from: NodeId, msg: { type: string; body?: unknown }, ctx: Context,
): S | undefined {
  switch (msg.type) {
    case 'ClientRequest': {
      const b = msg.body as ClientRequest<C>;
      if (h.server(s, b.cmd) === ctx.id) return h.serve(s, b.cmd, ctx);
      const body: ClientRedirect = { id: b.cmd.id, leader: knownServer(h, s, b.cmd, ctx) };
      ctx.send(from, { type: 'ClientRedirect', body });
      return s;
    }
    case 'ClientRedirect': {
      const b = msg.body as ClientRedirect;
      const p = h.pending(s)[b.id];
      if (!p || b.leader === null || b.leader === from) return s;
      if (b.leader === ctx.id) return h.server(s, p.cmd) === ctx.id ? h.serve(s, p.cmd, ctx) : s;
      ctx.send(b.leader, request(p.cmd));
      return markSent(h, s, b.id);
    }
    case 'ClientResponse': {
      const b = msg.body as ClientResponse;
      const p = h.pending(s)[b.id];
      if (!p) return s;
      return respond(h, s, p.cmd, b.result, ctx, b.ok !== false);
    }
    default:
      return undefined;
  }
}

/** A ClientRequest carrying `cmd` (commands are JSON data by the proxy's contract; the generic type cannot say so). */
function request<C extends ProxiedCommand>(cmd: C): { type: 'ClientRequest'; body: Json } {
  return { type: 'ClientRequest', body: { cmd } as unknown as Json };
}

/** The server a redirect names: the one this node knows for `cmd`, never itself. */
function knownServer<S, C extends ProxiedCommand>(h: ProxyHost<S, C>, s: S, cmd: C, ctx: Context): NodeId | null {
  const server = h.server(s, cmd);
  return server === ctx.id ? null : server;
}
