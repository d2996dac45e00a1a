/**
 * A node as a coordinator (Dynamo §4.5): it sends a read or write to the
 * key's replicas and answers once R of them replied or W acknowledged,
 * within `request_timeout` per round.
 *
 * - Replicas (§4.3, §4.6): with a strict quorum, the key's N home replicas,
 *   whatever their state; with a sloppy quorum, the first N nodes of the
 *   key's walk this node believes up — a fallback standing in for a home
 *   replica gets the write with a hint naming it. A replica silent for a
 *   round is suspected for `suspect_for` (§4.8.3) and, with a sloppy
 *   quorum, the next round asks fresh fallbacks in its place (a strict one
 *   asks the silent ones again); after `rounds` rounds the request fails.
 * - Dynamo writes (§4.4): the coordinator makes the new version: its vector
 *   clock is the context (the client's last read of the key, and every
 *   version the coordinator holds) with the coordinator's own entry
 *   incremented; in lww mode it is stamped with the coordinator's clock.
 * - Dynamo reads: the versions of R replies, reconciled — several concurrent
 *   ones are returned as siblings, with their merged clock as the context of
 *   the client's next write. Read repair (§5): every home replica that
 *   answered, in time or late, with less than that is sent it.
 * - ABD (Attiya, Bar-Noy & Dolev 1995; multi-writer as Lynch & Shvartsman
 *   1997): a write first queries R replicas for the highest tag and writes
 *   its value with the next one; a read queries R replicas and, before it
 *   answers, writes the newest value back to W of them (unless W replies
 *   already held it). With R + W > N every read quorum meets every write
 *   quorum, so the register is linearizable.
 * - When an answered write's timer fires, a sloppy coordinator gives every
 *   home replica that got no copy a hinted one at a healthy fallback, so N
 *   nodes hold the write (`handOver`).
 * - A failed read is a definite failure (reads change nothing); a failed
 *   write is not answered at all — some replicas may have it — so its
 *   client's proxy gives up with an unknown outcome, as a real client would.
 */
import type { Json, NodeId } from '../../engine/protocol.js';
import { answer, type ClientResponse } from '../_kit/client-proxy.js';
import { tableWith, tableWithout, withKey } from '../_kit/records.js';
import { timestamp } from './clock.js';
import type { Env } from './env.js';
import type { GetReply, PutAck } from './messages.js';
import { bugs, localVersions, storeVersions } from './replica.js';
import type { Command, QuorumState, Request } from './state.js';
import { covers, mergeClocks, NO_VERSIONS, readResult, reconcile, withEntry, type VClock, type Version, type Versions } from './versions.js';

/** The timer of request `id`. */
export function requestTimer(id: string): string {
  return `req:${id}`;
}

/** The op id of a request timer, or undefined. */
export function requestTimerOp(name: string): string | undefined {
  return name.startsWith('req:') ? name.slice('req:'.length) : undefined;
}

/** A ClientResponse that also carries the read's context (its versions' merged clock) for the origin's next write. */
export type ReadResponse = ClientResponse & { key?: string; context?: VClock };

/** Starts coordinating `cmd` (a duplicate of one in progress is ignored). */
export function startRequest(s: QuorumState, cmd: Command, o: Env): QuorumState {
  if (Object.hasOwn(s.requests, cmd.id)) return s;
  let next = s;
  let version: Version | null = null;
  let phase: Request['phase'];
  if (o.p.mode === 'abd') phase = 'query';
  else if (cmd.op === 'get') phase = 'read';
  else {
    phase = 'write';
    const made = newVersion(next, cmd, localVersions(next, cmd.key, o).map((v) => v.clock), 0, o);
    next = made.s;
    version = made.version;
  }
  const req: Request = {
    cmd, phase, status: 'pending', round: 0, started: o.now, asked: {}, replies: {}, acks: [], version, result: null, repaired: [],
  };
  return ask(next, req, chooseReplicas(next, cmd.key, o), o);
}

/**
 * A new version of `cmd.key` made here: the context (`clocks`, and the
 * client's) merged, this node's entry advanced past every counter it issued;
 * in lww mode stamped with this node's clock, in abd mode tagged `seq`.
 */
function newVersion(s: QuorumState, cmd: Command & { op: 'put' }, clocks: VClock[], seq: number, o: Env): { s: QuorumState; version: Version } {
  const context = mergeClocks(cmd.context === null ? clocks : [cmd.context, ...clocks]);
  const counter = Math.max(s.counter, context[o.id] ?? 0) + 1;
  const next = o.own(s);
  next.counter = counter;
  let ts = seq;
  if (o.p.mode === 'lww' && s.clock !== null) {
    const t = timestamp(s.clock, o.p.clockTick, o.now);
    ts = t.ts;
    next.clock = t.clock;
  }
  return { s: next, version: { value: cmd.value, clock: withEntry(context, o.id, counter), ts, by: o.id, op: cmd.id } };
}

/**
 * The replicas for a request on `key`: strict, the N home replicas; sloppy,
 * the first N nodes of the walk believed up, each fallback standing in for
 * a home replica skipped (in order).
 */
export function chooseReplicas(s: QuorumState, key: string, o: Env): Record<NodeId, NodeId | null> {
  const home = o.home(key);
  const out: Record<NodeId, NodeId | null> = {};
  if (!o.p.sloppy) {
    for (const n of home) out[n] = null;
    return out;
  }
  const walk = o.walk(key);
  const skipped: NodeId[] = [];
  let count = 0;
  for (let i = 0; i < walk.length && count < home.length; i++) {
    const n = walk[i]!;
    const isHome = i < home.length;
    if (!o.healthy(s, n)) {
      if (isHome) skipped.push(n);
      continue;
    }
    out[n] = isHome ? null : skipped.shift() ?? null;
    count++;
  }
  return out;
}

/** Sends the request's current phase to `targets` (this node answers itself at once), arms its timer and checks progress. */
function ask(s: QuorumState, req: Request, targets: Record<NodeId, NodeId | null>, o: Env): QuorumState {
  const id = req.cmd.id;
  const key = req.cmd.key;
  let next = s;
  const asked = { ...req.asked };
  const replies = { ...req.replies };
  const acks = [...req.acks];
  for (const n of Object.keys(targets)) {
    const hint = req.phase === 'write' ? targets[n]! : null;
    asked[n] = hint;
    if (n === o.id) {
      if (req.phase === 'write') {
        next = storeVersions(next, key, [req.version!], hint, o);
        if (!acks.includes(n)) acks.push(n);
      } else replies[n] = localVersions(next, key, o);
      continue;
    }
    if (req.phase === 'write') o.ctx.send(n, { type: 'Put', body: { id, key, version: req.version!, hint } });
    else o.ctx.send(n, { type: 'Get', body: { id, key } });
  }
  o.ctx.setTimer(requestTimer(id), o.p.requestTimeout);
  return progress(withRequest(next, { ...req, asked, replies, acks }, o), id, o);
}

function withRequest(s: QuorumState, req: Request, o: Env): QuorumState {
  const next = o.own(s);
  next.requests = tableWith(s.requests, req.cmd.id, req);
  return next;
}

function withoutRequest(s: QuorumState, id: string, o: Env): QuorumState {
  if (!Object.hasOwn(s.requests, id)) return s;
  const next = o.own(s);
  next.requests = tableWithout(s.requests, id);
  return next;
}

const count = (r: Readonly<Record<string, unknown>>): number => Object.keys(r).length;

/** Moves request `id` on when its phase has the replies or acknowledgements it needs. */
function progress(s: QuorumState, id: string, o: Env): QuorumState {
  const req = s.requests[id];
  if (req === undefined || req.status !== 'pending') return s;
  const { r, w } = o.p;
  switch (req.phase) {
    case 'read': {
      if (count(req.replies) < r) return s;
      const result = reconcileAll(req.replies, o);
      const done: Request = { ...req, status: 'ok', result };
      return readRepair(reply(withRequest(s, done, o), done, true, readResult(result), o), id, o);
    }
    case 'query': {
      if (count(req.replies) < r) return s;
      const newest = reconcileAll(req.replies, o);
      if (req.cmd.op === 'put') {
        const top = newest[0];
        const clocks = Object.values(req.replies).flatMap((vs) => vs.map((v) => v.clock));
        const made = newVersion(s, req.cmd, clocks, (top?.ts ?? 0) + 1, o);
        return writePhase(made.s, req, made.version, o);
      }
      const top = newest[0];
      const holders = Object.values(req.replies).filter((vs) => top !== undefined && vs.some((v) => v.op === top.op)).length;
      // ABD's write-back, skipped when there is nothing to write or W replicas already hold it.
      if (top === undefined || holders >= w || o.p.bugNoWriteBack) {
        const done: Request = { ...req, status: 'ok', result: newest };
        return reply(withRequest(s, done, o), done, true, readResult(newest), o);
      }
      return writePhase(s, { ...req, result: newest }, top, o);
    }
    case 'write': {
      if (req.acks.length < w) return s;
      const done: Request = { ...req, status: 'ok' };
      const result: Json = req.cmd.op === 'get' ? readResult(req.result ?? NO_VERSIONS) : null;
      return reply(withRequest(s, done, o), done, true, result, o);
    }
    default: {
      const never: never = req.phase;
      return never;
    }
  }
}

/** ABD's second phase: write `version` to the replicas (a fresh round). */
function writePhase(s: QuorumState, req: Request, version: Version, o: Env): QuorumState {
  const next: Request = { ...req, phase: 'write', round: 0, asked: {}, replies: {}, acks: [], version };
  return ask(s, next, chooseReplicas(s, req.cmd.key, o), o);
}

function reconcileAll(replies: Readonly<Record<NodeId, Versions>>, o: Env): Versions {
  let out: Versions = NO_VERSIONS;
  for (const n of Object.keys(replies)) out = reconcile(o.p.mode, out, replies[n]!, bugs(o));
  return out;
}

/** Answers the client of `req`: here when this node took the operation, else through its origin. */
function reply(s: QuorumState, req: Request, ok: boolean, result: Json, o: Env): QuorumState {
  const { cmd } = req;
  const read = cmd.op === 'get' && ok && req.result !== null;
  const context = read ? mergeClocks(req.result!.map((v) => v.clock)) : undefined;
  if (cmd.origin !== o.id) {
    const body: ReadResponse = context === undefined ? { id: cmd.id, ok, result } : { id: cmd.id, ok, result, key: cmd.key, context };
    o.ctx.send(cmd.origin, { type: 'ClientResponse', body });
    return s;
  }
  if (!Object.hasOwn(s.pending, cmd.id)) return s;
  const next = o.own(s);
  next.pending = answer(s.pending, cmd.id, result, o.ctx, ok);
  if (context !== undefined) next.contexts = withKey(s.contexts, cmd.key, context);
  return next;
}

/** Read repair (Dynamo §5): home replicas that answered with less than the read found are sent what it found. */
function readRepair(s: QuorumState, id: string, o: Env): QuorumState {
  const req = s.requests[id];
  if (!o.p.readRepair || req === undefined || req.phase !== 'read' || req.result === null) return s;
  const home = o.home(req.cmd.key);
  const repaired = [...req.repaired];
  let next = s;
  for (const n of Object.keys(req.replies)) {
    if (repaired.includes(n) || !home.includes(n) || covers(o.p.mode, req.replies[n]!, req.result)) continue;
    repaired.push(n);
    if (n === o.id) next = storeVersions(next, req.cmd.key, req.result, null, o);
    else o.ctx.send(n, { type: 'Repair', body: { key: req.cmd.key, versions: req.result } });
  }
  return repaired.length === req.repaired.length ? next : withRequest(next, { ...req, repaired }, o);
}

/** A replica's versions for a read or a query. */
export function onGetReply(s: QuorumState, from: NodeId, b: GetReply, o: Env): QuorumState {
  const req = s.requests[b.id];
  if (req === undefined || (req.phase !== 'read' && req.phase !== 'query') || Object.hasOwn(req.replies, from) || !Object.hasOwn(req.asked, from)) return s;
  const replies = { ...req.replies, [from]: b.versions };
  if (req.status === 'ok') {
    // A late reply to an answered read: it may still need repair, and may bring something newer to pass on.
    const result = reconcile(o.p.mode, req.result ?? NO_VERSIONS, b.versions, bugs(o));
    return readRepair(withRequest(s, { ...req, replies, result }, o), b.id, o);
  }
  return progress(withRequest(s, { ...req, replies }, o), b.id, o);
}

/** A replica acknowledged the write phase. */
export function onPutAck(s: QuorumState, from: NodeId, b: PutAck, o: Env): QuorumState {
  const req = s.requests[b.id];
  if (req === undefined || req.phase !== 'write' || req.acks.includes(from) || !Object.hasOwn(req.asked, from)) return s;
  return progress(withRequest(s, { ...req, acks: [...req.acks, from] }, o), b.id, o);
}

/**
 * A request's timer: an answered request's lingering ends; a pending one
 * suspects the replicas that stayed silent and asks again (fresh fallbacks
 * with a sloppy quorum, the same replicas with a strict one), or fails.
 */
export function onRequestTimer(s: QuorumState, id: string, o: Env): QuorumState {
  const req = s.requests[id];
  if (req === undefined) return s;
  const answered = req.phase === 'write' ? new Set(req.acks) : new Set(Object.keys(req.replies));
  const silent = Object.keys(req.asked).filter((n) => !answered.has(n) && n !== o.id);
  let next = suspect(s, silent, o);
  if (req.status === 'ok') {
    if (req.phase === 'write' && o.p.sloppy) next = handOver(next, req, o);
    return withoutRequest(next, id, o);
  }
  if (req.round + 1 < o.p.rounds && silent.length > 0) {
    const targets: Record<NodeId, NodeId | null> = {};
    if (!o.p.sloppy) for (const n of silent) targets[n] = req.asked[n]!;
    else {
      const walk = o.walk(req.cmd.key);
      const home = o.home(req.cmd.key);
      let k = 0;
      for (const n of walk) {
        if (k >= silent.length) break;
        if (Object.hasOwn(req.asked, n) || !o.healthy(next, n)) continue;
        // The fallback stands in for the silent replica (or for the home replica that one stood in for).
        const gone = silent[k++]!;
        targets[n] = home.includes(n) ? null : req.asked[gone] ?? (home.includes(gone) ? gone : null);
      }
    }
    if (Object.keys(targets).length > 0) return ask(next, { ...req, round: req.round + 1 }, targets, o);
  }
  next = withoutRequest(next, id, o);
  const got = req.phase === 'write' ? `${req.acks.length} of W=${o.p.w} acknowledgements` : `${count(req.replies)} of R=${o.p.r} replies`;
  if (req.cmd.op === 'get' || req.phase === 'query') {
    // Nothing was written (a read, or an ABD write still querying): a definite failure.
    return reply(next, req, false, { error: `${req.cmd.op} ${req.cmd.key}: ${got}` }, o);
  }
  o.ctx.note(`put ${req.cmd.id} ${req.cmd.key}: ${got} after ${req.round + 1} round(s); not answered, its outcome is unknown (replicas that took it keep it)`);
  return next;
}

/**
 * After an answered write, with a sloppy quorum: every home replica that
 * neither acknowledged it nor had a fallback acknowledge it in its place
 * gets a hinted copy at the first healthy fallback (one that already holds
 * a copy may keep another hint), so N nodes hold the write and the missing
 * replicas receive it by hinted handoff (§4.6).
 */
function handOver(s: QuorumState, req: Request, o: Env): QuorumState {
  const key = req.cmd.key;
  const home = o.home(key);
  const covered = new Set<NodeId>();
  for (const n of req.acks) covered.add(home.includes(n) ? n : req.asked[n] ?? n);
  const missing = home.filter((n) => !covered.has(n));
  if (missing.length === 0) return s;
  // The first healthy fallbacks on the walk, as many as needed (the walk is read no further: the cost stays flat in the cluster's size).
  const fallbacks: NodeId[] = [];
  const walk = o.walk(key);
  for (let i = home.length; i < walk.length && fallbacks.length < missing.length; i++) if (o.healthy(s, walk[i]!)) fallbacks.push(walk[i]!);
  if (fallbacks.length === 0) return s;
  let next = s;
  missing.forEach((gone, k) => {
    const to = fallbacks[k % fallbacks.length]!;
    if (to === o.id) next = storeVersions(next, key, [req.version!], gone, o);
    else o.ctx.send(to, { type: 'Put', body: { id: req.cmd.id, key, version: req.version!, hint: gone } });
  });
  return next;
}

/** Marks `nodes` as suspected until suspect_for from now. */
export function suspect(s: QuorumState, nodes: readonly NodeId[], o: Env): QuorumState {
  if (nodes.length === 0 || o.p.suspectFor <= 0) return s;
  const until = o.now + o.p.suspectFor;
  let suspects = s.suspects;
  for (const n of nodes) if (suspects[n] !== until) suspects = withKey(suspects, n, until);
  if (suspects === s.suspects) return s;
  const next = o.own(s);
  next.suspects = suspects;
  return next;
}

/** A message from `from` shows it is up: it is no longer suspected. */
export function clearSuspicion(s: QuorumState, from: NodeId, o: Env): QuorumState {
  if (!Object.hasOwn(s.suspects, from)) return s;
  const next = o.own(s);
  const kept: Record<NodeId, number> = {};
  for (const n of Object.keys(s.suspects)) if (n !== from) kept[n] = s.suspects[n]!;
  next.suspects = kept;
  return next;
}
