/**
 * One handler call's view of a node: the context, the parameters, the state
 * the call started from (for copy-on-write and the durability check), the
 * key placement, the local failure detector — and the shared client proxy's
 * host (src/protocols/_kit/client-proxy.ts), whose server for an operation
 * is the key's coordinator.
 */
import type { Context, NodeId } from '../../engine/protocol.js';
import { markSent, type PendingTable, type ProxyHost, type ProxyPolicy } from '../_kit/client-proxy.js';
import { startRequest } from './coordinator.js';
import type { QuorumMessage } from './messages.js';
import { readParams, type QuorumParams } from './params.js';
import { homeOf, walkOf } from './placement.js';
import { copy, type Command, type QuorumState } from './state.js';

export type Ctx = Context<QuorumMessage>;

export class Env implements ProxyHost<QuorumState, Command> {
  constructor(readonly ctx: Ctx, readonly p: QuorumParams, readonly orig: QuorumState) {}

  get id(): NodeId {
    return this.ctx.id;
  }
  get now(): number {
    return this.ctx.now;
  }

  /** `s` itself when it is already this call's fresh copy, else a copy to patch. */
  own(s: QuorumState): QuorumState {
    return s === this.orig ? copy(s) : s;
  }

  /** The key's preference list: its N home replicas (§4.3). */
  home(key: string): readonly NodeId[] {
    return homeOf(this.ctx.nodes, this.p, key);
  }

  /** Every node in the order a sloppy quorum tries them for the key (§4.6). */
  walk(key: string): readonly NodeId[] {
    return walkOf(this.ctx.nodes, this.p, key);
  }

  /** Whether this node currently believes `node` is up (§4.8.3: it answered, or its suspicion expired). */
  healthy(s: QuorumState, node: NodeId): boolean {
    if (node === this.ctx.id) return true;
    const until = Object.hasOwn(s.suspects, node) ? s.suspects[node]! : -1;
    return until <= this.ctx.now;
  }

  // The client proxy's host.
  get policy(): ProxyPolicy {
    return { retryEvery: this.p.clientTimeout, maxTries: 1 + this.p.clientRetries };
  }
  pending(s: QuorumState): PendingTable<Command> {
    return s.pending;
  }
  withPending(s: QuorumState, table: PendingTable<Command>): QuorumState {
    const next = this.own(s);
    next.pending = table;
    return next;
  }
  /**
   * The coordinator of `cmd`. Strict quorums (§4.5): this node when it is
   * one of the key's home replicas, else the first home replica it believes
   * up (or the first, when it believes none is). Sloppy quorums: this node —
   * any node may coordinate, as with Dynamo's client-driven coordination
   * (§6.4), so a client's operation does not wait on a coordinator across a
   * partition; its replicas are still the key's first N healthy nodes.
   */
  server(s: QuorumState, cmd?: Command): NodeId | null {
    if (cmd === undefined || this.p.sloppy) return this.ctx.id;
    const home = this.home(cmd.key);
    if (home.includes(this.ctx.id)) return this.ctx.id;
    for (const n of home) if (this.healthy(s, n)) return n;
    return home[0] ?? this.ctx.id;
  }
  /** Coordinates `cmd` here; once taken, giving up on it means its outcome is unknown. */
  serve(s: QuorumState, cmd: Command): QuorumState {
    return startRequest(markSent(this, s, cmd.id), cmd, this);
  }
}

export function env(ctx: Ctx, s: QuorumState): Env {
  return new Env(ctx, readParams(ctx.params), s);
}
