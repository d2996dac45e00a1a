/**
 * A node as a replica: it answers reads with its versions of a key, stores
 * versions (reconciling them with what it holds, versions.ts), takes read
 * repairs, keeps hinted versions for unreachable home replicas and hands
 * them off (Dynamo §4.6). Every change to the data is written to disk before
 * the node acknowledges it (machine.ts persists at the end of the handler;
 * the simulator holds the acknowledgement until the write is durable).
 */
import type { NodeId } from '../../engine/protocol.js';
import { setOwn, withKey } from '../_kit/records.js';
import type { Env } from './env.js';
import type { Get, Handoff, HandoffAck, Put, Repair } from './messages.js';
import { hintedAt, storedAt, type Hints, type QuorumState } from './state.js';
import { opsOf, reconcile, sameOps, type Versions } from './versions.js';

/** The versions of `key` this node holds: its own and any it keeps for others, reconciled. */
export function localVersions(s: QuorumState, key: string, o: Env): Versions {
  let out = storedAt(s.store, key);
  for (const h of hintedAt(s.hints, key)) out = reconcile(o.p.mode, out, h, bugs(o));
  return out;
}

/** The bug switches that change how versions are reconciled. */
export function bugs(o: Env): { dropSiblings: boolean; keepDominated: boolean } {
  return { dropSiblings: o.p.bugDropSiblings, keepDominated: o.p.bugKeepDominated };
}

/**
 * `s` with `incoming` reconciled into its versions of `key`: into its own
 * store, or, with a `hint` naming another (home) node, into the versions it
 * keeps for that node.
 */
export function storeVersions(s: QuorumState, key: string, incoming: Versions, hint: NodeId | null, o: Env): QuorumState {
  if (hint !== null && hint !== o.id) {
    const forHome = Object.hasOwn(s.hints, hint) ? s.hints[hint]! : {};
    const held = storedAt(forHome, key);
    const merged = reconcile(o.p.mode, held, incoming, bugs(o));
    if (merged === held && Object.hasOwn(forHome, key)) return s;
    const next = o.own(s);
    next.hints = withKey<Readonly<Record<string, Versions>>>(s.hints, hint, withKey(forHome, key, merged));
    return next;
  }
  const held = storedAt(s.store, key);
  const merged = reconcile(o.p.mode, held, incoming, bugs(o));
  if (merged === held) return s;
  const next = o.own(s);
  next.store = withKey(s.store, key, merged);
  return next;
}

export function onGet(s: QuorumState, from: NodeId, b: Get, o: Env): QuorumState {
  o.ctx.send(from, { type: 'GetReply', body: { id: b.id, key: b.key, versions: localVersions(s, b.key, o) } });
  return s;
}

export function onPut(s: QuorumState, from: NodeId, b: Put, o: Env): QuorumState {
  const next = storeVersions(s, b.key, [b.version], b.hint, o);
  o.ctx.send(from, { type: 'PutAck', body: { id: b.id, key: b.key } });
  return next;
}

export function onRepair(s: QuorumState, b: Repair, o: Env): QuorumState {
  return storeVersions(s, b.key, b.versions, null, o);
}

// ---------------------------------------------------------------- hinted handoff (§4.6)

/** The handoff timer: offer each home replica the versions kept for it; the timer runs while hints remain. */
export function onHandoffTimer(s: QuorumState, o: Env): QuorumState {
  let any = false;
  for (const home in s.hints) {
    any = true;
    o.ctx.send(home, { type: 'Handoff', body: { data: s.hints[home]! } });
  }
  if (any) o.ctx.setTimer('handoff', o.p.handoffEvery);
  return s;
}

/** A home replica takes the versions a fallback kept for it, and says which it took. */
export function onHandoff(s: QuorumState, from: NodeId, b: Handoff, o: Env): QuorumState {
  let next = s;
  const taken: Record<string, string[]> = {};
  for (const key of Object.keys(b.data)) {
    next = storeVersions(next, key, b.data[key]!, null, o);
    taken[key] = opsOf(b.data[key]!);
  }
  o.ctx.send(from, { type: 'HandoffAck', body: { taken } });
  return next;
}

/** The home replica took them: drop the hints it took (those not changed since they were sent). */
export function onHandoffAck(s: QuorumState, from: NodeId, b: HandoffAck, o: Env): QuorumState {
  if (!Object.hasOwn(s.hints, from)) return s;
  const forHome = s.hints[from]!;
  const kept: Record<string, Versions> = {};
  let dropped = false;
  for (const key of Object.keys(forHome)) {
    const ops = Object.hasOwn(b.taken, key) ? b.taken[key]! : undefined;
    const held = forHome[key]!;
    if (ops !== undefined && sameOps(held, ops)) dropped = true;
    else setOwn(kept, key, held);
  }
  if (!dropped) return s;
  const next = o.own(s);
  const hints: Record<NodeId, Readonly<Record<string, Versions>>> = {};
  for (const home of Object.keys(s.hints)) {
    if (home !== from) setOwn(hints, home, s.hints[home]!);
    else if (Object.keys(kept).length > 0) setOwn(hints, home, kept);
  }
  next.hints = hints as Hints;
  return next;
}
