/**
 * The `ring` state machine.
 *
 * The router owns membership and placement. `place N keys` assigns the keys
 * `key-0` … `key-(N-1)` to their owners and tells each member its count
 * (Store). `add` / `remove` rebuild the ring, compare every placed key's
 * owner before and after, and move the difference: the router sends each
 * member that loses keys one Handoff listing how many go to whom, and that
 * member sends one Transfer per new owner. The router persists membership
 * and key count before it sends (write-ahead), so a restarted router
 * recovers the same ring; servers persist their key counts.
 *
 * Moved-key accounting (Karger et al. 1997, "monotonicity"): with `standard`
 * points an add moves ≈ K/(n+1) keys, all to the new member; `ketama` mode
 * rescales every member's point count by its weight share, so with unequal
 * weights an add also moves keys between old members — the invariant
 * `moves_only_to_changed_node` catches exactly that.
 */
import type { ClientOp, Context, Json, NodeId } from '../../engine/protocol.js';
import type { RingMessage } from './messages.js';
import {
  initialMembers, keyHashes, loadOf, loadStats, ownersOf, ringFor, ringOf, ringParams, ROUTER, serversOf, weightOf,
  type RingState, type RouterState, type ServerState,
} from './state.js';

export const MAX_KEYS = 1_000_000;

type Ctx = Context<RingMessage>;

export function init(ctx: Ctx): RingState {
  if (ctx.id !== ROUTER) {
    // The servers are the declared nodes, in order, before the router: the first `initial` (or all) start in the ring.
    const k = ringParams(ctx.params).initial;
    return { role: k === 0 || ctx.index < k ? 'server' : 'spare', keys: 0 };
  }
  const members = initialMembers(ctx.nodes, ctx.params);
  const weights: Record<NodeId, number> = {};
  for (const m of members) weights[m] = weightOf(ctx.nodeParams, m);
  const load: Record<NodeId, number> = {};
  for (const m of members) load[m] = 0;
  return { role: 'router', members, weights, keys: 0, load, lastChange: null };
}

// ---- router ----

function fail(state: RingState, op: ClientOp, ctx: Ctx, why: string): RingState {
  ctx.reply(op.id, false, why);
  return state;
}

function persistRouter(s: RouterState, ctx: Ctx): void {
  ctx.persist({ members: [...s.members], weights: { ...s.weights }, keys: s.keys });
}

function reportLoad(s: RouterState, ctx: Ctx): void {
  const st = loadStats(s.members, s.weights, s.load);
  ctx.metric('keys', s.keys);
  ctx.metric('members', s.members.length);
  ctx.metric('load_max', st.max);
  ctx.metric('load_min', st.min);
  ctx.metric('load_max_over_mean', round6(st.maxOverMean));
  ctx.metric('load_cv', round6(st.cv));
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** `place N keys`. */
export function place(s: RouterState, op: ClientOp, ctx: Ctx): RingState {
  const count = op.args['count'];
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0 || count > MAX_KEYS) {
    return fail(s, op, ctx, `place: count must be an integer in 0..${MAX_KEYS}`);
  }
  if (s.members.length === 0 && count > 0) return fail(s, op, ctx, 'place: the ring has no members');
  const p = ringParams(ctx.params);
  const load = loadOf(ringOf(s, ctx.params), count, p.hash);
  const next: RouterState = { ...s, keys: count, load, lastChange: null };
  persistRouter(next, ctx);
  for (const m of next.members) ctx.send(m, { type: 'Store', body: { keys: load[m] ?? 0 } });
  reportLoad(next, ctx);
  ctx.reply(op.id, true, { keys: count, load: { ...load } });
  return next;
}

/** Keys that change owner between two rings: counts per (from, to) pair. */
export interface Moves {
  readonly moved: number;
  /** from → to → count, in member order. */
  readonly pairs: ReadonlyMap<NodeId, ReadonlyMap<NodeId, number>>;
}

export function movesBetween(before: RouterState, after: Pick<RouterState, 'members' | 'weights'>, keys: number, ctx: Pick<Ctx, 'params'>): Moves {
  const p = ringParams(ctx.params);
  const hashes = keyHashes(p.hash, keys);
  const r0 = ringFor(before.members, before.weights, p);
  const r1 = ringFor(after.members, after.weights, p);
  const o0 = ownersOf(r0, hashes);
  const o1 = ownersOf(r1, hashes);
  const m1 = r1.members.length;
  // Sparse (from, to) counts: a dense matrix would be members² cells (10^8 at 10 000 nodes).
  const counts = new Map<number, number>();
  let moved = 0;
  for (let i = 0; i < keys; i++) {
    const a = o0[i]!;
    const b = o1[i]!;
    if (a < 0 || b < 0 || r0.members[a] === r1.members[b]) continue;
    const cell = a * m1 + b;
    counts.set(cell, (counts.get(cell) ?? 0) + 1);
    moved++;
  }
  const pairs = new Map<NodeId, Map<NodeId, number>>();
  for (const cell of [...counts.keys()].sort((x, y) => x - y)) {
    const from = r0.members[Math.floor(cell / m1)]!;
    let row = pairs.get(from);
    if (!row) pairs.set(from, (row = new Map()));
    row.set(r1.members[cell % m1]!, counts.get(cell)!);
  }
  return { moved, pairs };
}

function applyChange(s: RouterState, op: ClientOp, ctx: Ctx, kind: 'add' | 'remove', node: NodeId, members: NodeId[], weights: Record<NodeId, number>): RingState {
  const moves = movesBetween(s, { members, weights }, s.keys, ctx);
  const p = ringParams(ctx.params);
  const load = p.bugNoDecrement ? gainsOnly(s, members, moves)
    : s.keys > 0 ? loadOf(ringFor(members, weights, p), s.keys, p.hash) : Object.fromEntries(members.map((m) => [m, 0]));
  const next: RouterState = {
    role: 'router', members, weights, keys: s.keys, load,
    lastChange: { kind, node, before: s.members, beforeWeights: s.weights, moved: moves.moved },
  };
  persistRouter(next, ctx);
  if (kind === 'add') ctx.send(node, { type: 'Join', body: { weight: weights[node] ?? 1 } });
  let onlyChanged = true;
  for (const [from, row] of moves.pairs) {
    const body: Record<NodeId, number> = {};
    for (const [to, c] of row) {
      body[to] = c;
      if (kind === 'add' ? to !== node : from !== node) onlyChanged = false;
    }
    ctx.send(from, { type: 'Handoff', body: { moves: body, leave: kind === 'remove' && from === node } });
  }
  if (kind === 'remove' && !moves.pairs.has(node)) ctx.send(node, { type: 'Handoff', body: { moves: {}, leave: true } });
  const fraction = s.keys > 0 ? moves.moved / s.keys : 0;
  ctx.metric('moved_keys', moves.moved);
  ctx.metric('moved_fraction', round6(fraction));
  ctx.metric(kind === 'add' ? 'moved_to_new_only' : 'moved_from_removed_only', onlyChanged ? 1 : 0);
  reportLoad(next, ctx);
  ctx.note(`${kind} ${node}: ${moves.moved} of ${s.keys} keys move (${(fraction * 100).toFixed(1)}%)`);
  ctx.reply(op.id, true, { moved: moves.moved, fraction: round6(fraction) });
  return next;
}

/** `bug_no_decrement`: every member's count plus the keys it gains — the keys it loses are never taken off. */
function gainsOnly(s: RouterState, members: readonly NodeId[], moves: Moves): Record<NodeId, number> {
  const load: Record<NodeId, number> = {};
  for (const m of members) load[m] = s.load[m] ?? 0;
  for (const row of moves.pairs.values()) for (const [to, c] of row) load[to] = (load[to] ?? 0) + c;
  return load;
}

/** `add NODE [weight W]`. */
export function addNode(s: RouterState, op: ClientOp, ctx: Ctx): RingState {
  const node = op.args['node'];
  if (typeof node !== 'string' || !serversOf(ctx.nodes).includes(node)) return fail(s, op, ctx, `add: ${String(node)} is not a server of this cluster`);
  if (s.members.includes(node)) return fail(s, op, ctx, `add: ${node} is already in the ring`);
  const w = op.args['weight'];
  if (w !== undefined && !(typeof w === 'number' && w > 0 && Number.isFinite(w))) return fail(s, op, ctx, 'add: weight must be a positive number');
  const weight = typeof w === 'number' ? w : weightOf(ctx.nodeParams, node);
  return applyChange(s, op, ctx, 'add', node, [...s.members, node], { ...s.weights, [node]: weight });
}

/** `remove NODE`. */
export function removeNode(s: RouterState, op: ClientOp, ctx: Ctx): RingState {
  const node = op.args['node'];
  if (typeof node !== 'string' || !s.members.includes(node)) return fail(s, op, ctx, `remove: ${String(node)} is not in the ring`);
  if (s.members.length === 1 && s.keys > 0) return fail(s, op, ctx, `remove: ${node} is the last member and holds keys`);
  const weights = { ...s.weights };
  delete weights[node];
  return applyChange(s, op, ctx, 'remove', node, s.members.filter((m) => m !== node), weights);
}

function keyArg(op: ClientOp): string | undefined {
  const k = op.args['key'];
  return typeof k === 'string' ? k : k === undefined ? undefined : JSON.stringify(k);
}

export function routerClient(s: RouterState, op: ClientOp, ctx: Ctx): RingState {
  switch (op.name) {
    case 'place': return place(s, op, ctx);
    case 'add': return addNode(s, op, ctx);
    case 'remove': return removeNode(s, op, ctx);
    case 'locate': {
      const key = keyArg(op);
      if (key === undefined) return fail(s, op, ctx, 'locate: missing key');
      const ring = ringOf(s, ctx.params);
      const owner = ring.locate(key);
      if (owner === undefined) return fail(s, op, ctx, 'locate: the ring has no members');
      ctx.reply(op.id, true, { key, owner, hash: ring.hashKey(key) });
      return s;
    }
    case 'preference': {
      const key = keyArg(op);
      if (key === undefined) return fail(s, op, ctx, 'preference: missing key');
      const list = ringOf(s, ctx.params).preference(key, ringParams(ctx.params).replicas);
      ctx.reply(op.id, true, { key, nodes: list });
      return s;
    }
    default: return fail(s, op, ctx, `ring: unknown operation ${op.name}`);
  }
}

// ---- servers ----

export function serverMessage(s: ServerState, from: NodeId, msg: RingMessage, ctx: Ctx): RingState {
  switch (msg.type) {
    case 'Store': return saveServer({ role: 'server', keys: msg.body.keys }, ctx);
    case 'Join': return saveServer({ role: 'server', keys: s.keys }, ctx);
    case 'Handoff': {
      let keys = s.keys;
      for (const [to, count] of Object.entries(msg.body.moves)) {
        // The keys go at once, while the new count is being written.
        ctx.send(to, { type: 'Transfer', body: { keys: count } }, { waitForWrites: false });
        keys -= count;
      }
      if (keys < 0) {
        ctx.note(`${ctx.id} was asked to hand off ${s.keys - keys} keys but held ${s.keys}`);
        keys = 0;
      }
      return saveServer({ role: msg.body.leave ? 'spare' : s.role, keys }, ctx);
    }
    case 'Transfer': return saveServer({ role: s.role, keys: s.keys + msg.body.keys }, ctx);
    default: {
      const never: never = msg;
      ctx.note(`${ctx.id}: unexpected message from ${from}: ${(never as RingMessage).type}`);
      return s;
    }
  }
}

/** Persist the server's count (a Handoff's Transfers do not wait for it). */
function saveServer(next: ServerState, ctx: Ctx): ServerState {
  ctx.persist({ role: next.role, keys: next.keys });
  return next;
}

export function onMessage(state: RingState, from: NodeId, msg: RingMessage, ctx: Ctx): RingState {
  switch (state.role) {
    case 'router': {
      ctx.note(`router ignores ${msg.type} from ${from}`);
      return state;
    }
    case 'server':
    case 'spare':
      return serverMessage(state, from, msg, ctx);
    default: {
      const never: never = state;
      return never;
    }
  }
}

export function onClient(state: RingState, op: ClientOp, ctx: Ctx): RingState {
  if (state.role !== 'router') {
    ctx.reply(op.id, false, `${ctx.id} is a storage server; send ring operations to the router`);
    return state;
  }
  return routerClient(state, op, ctx);
}

export function onRestart(durable: Json | undefined, ctx: Ctx): RingState {
  const fresh = init(ctx);
  if (durable === null || typeof durable !== 'object' || Array.isArray(durable)) return fresh;
  if (fresh.role === 'router') {
    const members = Array.isArray(durable['members']) ? durable['members'].filter((m): m is string => typeof m === 'string') : fresh.members;
    const rawWeights = durable['weights'];
    const weights: Record<NodeId, number> = {};
    for (const m of members) {
      const w = rawWeights && typeof rawWeights === 'object' && !Array.isArray(rawWeights) ? rawWeights[m] : undefined;
      weights[m] = typeof w === 'number' && w > 0 ? w : weightOf(ctx.nodeParams, m);
    }
    const keys = typeof durable['keys'] === 'number' ? durable['keys'] : 0;
    const p = ringParams(ctx.params);
    const load = loadOf(ringFor(members, weights, p), keys, p.hash);
    return { role: 'router', members, weights, keys, load, lastChange: null };
  }
  const keys = durable['keys'];
  const role = durable['role'];
  return { role: role === 'server' || role === 'spare' ? role : fresh.role, keys: typeof keys === 'number' ? keys : 0 };
}
