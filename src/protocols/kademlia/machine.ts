/**
 * The Kademlia state machine (Maymounkov & Mazières 2002, §2.2–§2.5, §4.1).
 *
 * - Every message a node receives updates its sender's k-bucket (§2.2,
 *   table.ts), which may start a ping-before-evict; a contact that is new to
 *   the table receives the pairs it should now hold (§2.3, "any node
 *   learning of a new node issues STORE RPCs").
 * - PING, FIND_NODE, FIND_VALUE and STORE are answered (§2.3).
 * - Lookups (lookup.ts) keep α RPCs in flight and end when the k closest
 *   have answered; `store` then sends STORE to those k; `find` stops at the
 *   first VALUE and caches the pair at the closest node on the path that
 *   lacked it.
 * - An RPC that gets no reply within `rpc_timeout` fails: its contact turns
 *   stale (§4.1) and its lookup moves on. One timer (`rpc`) is armed for the
 *   oldest RPC in flight (RPCs time out in the order they were sent).
 * - Joining (§2.3): PING the bootstrap node to learn its id, look up one's
 *   own id, then refresh every bucket farther than the closest neighbour.
 * - Maintenance on timers: bucket refresh, republish and expiry (§2.3,
 *   §2.5); churn (leave after an exponential session, come back after an
 *   exponential downtime) and a background lookup workload, from the node's
 *   own random stream.
 *
 * A handler works on a `Draft` of the state (plain fields, each an
 * immutable value) and commits a new state only if something changed.
 */
import type { ClientOp, Context, Json, NodeId } from '../../engine/protocol.js';
import { bucketIndex, compareDistance, digitsOf, isId, keyId, parseId, permutedId, PERMUTED_BITS, randomId, randomIdInBucket, type Id } from './ids.js';
import { answered, askedWith, candidateAt, candidates, depthOf, isDone, newLookup, nextQueries, ranked, resultOf, timedOut, withProgress, type Lookup, type LookupKind } from './lookup.js';
import { findNode, nodesReply, ping, pong, type KademliaMessage } from './messages.js';
import { bootstrapOf, config, positionOf, type Config } from './params.js';
import { NO_DONE, NO_LOOKUPS, NO_STORE, outState, StateRecord, type Done, type KademliaState, type Phase, type Published, type Rpc, type Stored } from './state.js';
import { bucketAt, closest, contactCount, failed, makeContact, nearestBucket, observe, touched, type Contact, type Table } from './table.js';

type Ctx = Context<KademliaMessage>;

/** How long a node that could not reach its bootstrap waits before trying again, in RPC timeouts. */
const JOIN_RETRY_TIMEOUTS = 5;

/** A draw from an exponential distribution of mean `mean` µs (at least 1 µs). */
function exponential(mean: number, ctx: Ctx): number {
  return Math.max(1, Math.round(-mean * Math.log(1 - ctx.random())));
}

/** This node's id: the per-node `id` parameter, else a permutation of its position (small spaces) or a random draw. */
function idFor(ctx: Ctx, c: Config): Id {
  const given = ctx.nodeParams[ctx.id]?.['id'];
  if (typeof given === 'string' && given !== '') {
    const id = parseId(given, c.bits);
    if (id !== undefined) return id;
    ctx.note(`kademlia: ${ctx.id}'s id "${given}" is not a ${c.bits}-bit hex number; drawing one instead`);
  }
  const pos = ctx.index;
  if (c.bits <= PERMUTED_BITS && pos >= 0 && pos < 2 ** c.bits) return permutedId(pos, c.bits);
  return randomId(c.bits, (a, b) => ctx.randomInt(a, b));
}

export function init(ctx: Ctx): KademliaState {
  const c = config(ctx.params);
  const self = makeContact(ctx.id, idFor(ctx, c));
  ctx.persist({ id: self.id });
  const s = outState(self);
  const boot = bootstrapOf(ctx.nodes, c);
  const d = new Draft(s, ctx, c);
  if (ctx.id === boot) d.becomeJoined();
  else {
    if (c.initial === 0 || ctx.index < c.initial) ctx.setTimer('join', ctx.index * c.joinGap);
  }
  return d.commit();
}

/** After a crash: the id from disk (everything else was volatile), and back into the network through the bootstrap node. */
export function restart(durable: Json | undefined, ctx: Ctx): KademliaState {
  const c = config(ctx.params);
  const saved = typeof durable === 'object' && durable !== null && !Array.isArray(durable) ? durable['id'] : undefined;
  const self = makeContact(ctx.id, typeof saved === 'string' && isId(saved, c.bits) ? saved : idFor(ctx, c));
  if (saved !== self.id) ctx.persist({ id: self.id });
  const d = new Draft(outState(self), ctx, c);
  const boot = bootstrapOf(ctx.nodes, c);
  d.beginJoin(boot, null);
  return d.commit();
}

export function message(s: KademliaState, from: NodeId, msg: KademliaMessage, ctx: Ctx): KademliaState {
  if (s.phase === 'out') return s; // a node outside the network is silent
  const body = msg.body as { rpc?: unknown; self?: unknown };
  const sender = body?.self as Contact | undefined;
  const c = config(ctx.params);
  if (typeof sender !== 'object' || sender === null || sender.node !== from || typeof sender.id !== 'string' || sender.id.length !== digitsOf(c.bits) || typeof body.rpc !== 'number') {
    ctx.note(`kademlia: ${ctx.id} ignored a malformed ${String(msg?.type)} from ${from}`);
    return s;
  }
  const d = new Draft(s, ctx, c);
  d.heardFrom(sender);
  switch (msg.type) {
    case 'PING':
      ctx.send(from, pong(msg.body.rpc, s.self));
      break;
    case 'FIND_NODE':
      ctx.send(from, nodesReply(msg.body.rpc, s.self, closest(d.table, s.self.id, String(msg.body.target), c.k)));
      break;
    case 'FIND_VALUE': {
      const key = String(msg.body.key);
      const v = d.live(key);
      if (v !== undefined) ctx.send(from, { type: 'VALUE', body: { rpc: msg.body.rpc, self: s.self, key, name: v.key, value: v.value, expires: v.expires } });
      else ctx.send(from, nodesReply(msg.body.rpc, s.self, closest(d.table, s.self.id, key, c.k)));
      break;
    }
    case 'STORE':
      d.keep(String(msg.body.key), msg.body.name, msg.body.value, msg.body.expires, msg.body.cached === true);
      ctx.send(from, { type: 'STORED', body: { rpc: msg.body.rpc, self: s.self } });
      break;
    case 'PONG':
    case 'NODES':
    case 'VALUE':
    case 'STORED': {
      d.reply(msg.body.rpc, from, msg);
      break;
    }
    default:
      ctx.note(`kademlia: ${ctx.id} ignored an unknown message ${String((msg as { type?: unknown }).type)} from ${from}`);
  }
  return d.commit();
}

export function timer(s: KademliaState, name: string, ctx: Ctx): KademliaState {
  const c = config(ctx.params);
  const d = new Draft(s, ctx, c);
  switch (name) {
    case 'rpc':
      d.expireRpcs();
      break;
    case 'join':
      if (s.phase === 'out') d.beginJoin(bootstrapOf(ctx.nodes, c), null);
      break;
    case 'churn':
      if (s.phase !== 'out') {
        d.leave('churn');
        ctx.setTimer('churn', exponential(c.churnDowntime, ctx));
      } else d.beginJoin(bootstrapOf(ctx.nodes, c), null);
      break;
    case 'work':
      if (s.phase === 'joined') {
        d.startLookup('lookup', randomId(c.bits, (a, b) => ctx.randomInt(a, b)), {});
        ctx.setTimer('work', exponential(c.lookupEvery, ctx));
      }
      break;
    case 'refresh':
      if (s.phase === 'joined') {
        d.refreshBuckets(c.refresh);
        ctx.setTimer('refresh', c.refresh);
      }
      break;
    case 'republish':
      if (s.phase === 'joined') {
        d.republish();
        ctx.setTimer('republish', c.republish);
      }
      break;
    default:
      break;
  }
  return d.commit();
}

export function client(s: KademliaState, op: ClientOp, ctx: Ctx): KademliaState {
  const c = config(ctx.params);
  const fail = (why: string): KademliaState => {
    ctx.reply(op.id, false, why);
    return s;
  };
  if (op.name === 'join') {
    const via = op.args['via'];
    if (s.phase !== 'out') return fail(`${ctx.id} is already in the network (${s.phase})`);
    if (typeof via !== 'string' || positionOf(ctx.nodes, via) < 0) return fail(`join: unknown node ${String(via)}`);
    if (via === ctx.id) return fail(`join: ${ctx.id} cannot join through itself`);
    const d = new Draft(s, ctx, c);
    d.beginJoin(via, op.id);
    return d.commit();
  }
  if (s.phase === 'out') return fail(`${ctx.id} is not in the network`);
  const d = new Draft(s, ctx, c);
  switch (op.name) {
    case 'leave':
      d.leave('leave');
      ctx.reply(op.id, true, 'left');
      break;
    case 'lookup': {
      const target = lookupTarget(op.args, c, ctx);
      if (target === undefined) return fail(op.args['id'] !== undefined ? `lookup: "${String(op.args['id'])}" is not a ${c.bits}-bit hex id` : 'lookup: say what to look up: a key, `id HEX` or `random`');
      d.startLookup('lookup', target, { op: op.id });
      break;
    }
    case 'store': {
      const key = String(op.args['key']);
      const value = (op.args['value'] ?? null) as Json;
      const id = keyId(key, c.bits);
      d.published = { ...d.published, [id]: { key, value, at: ctx.now } satisfies Published };
      d.startLookup('store', id, { op: op.id, key, value, expires: ctx.now + c.expire });
      break;
    }
    case 'find': {
      const key = String(op.args['key']);
      const id = keyId(key, c.bits);
      const own = d.live(id);
      if (own !== undefined) {
        d.record({ n: d.next++, kind: 'find', target: id, key, result: [s.self], path: [{ c: s.self, hop: 0, st: 'ok' }], hops: 0, rounds: 0, msgs: 0, started: ctx.now, ended: ctx.now, found: true });
        ctx.reply(op.id, true, { value: own.value, from: ctx.id, hops: 0, messages: 0, latency_ms: 0 });
      } else d.startLookup('find', id, { op: op.id, key });
      break;
    }
    default:
      return fail(`kademlia: unknown operation ${op.name}`);
  }
  return d.commit();
}

/** `lookup [id] TARGET`: a hex id, `random`, or a key (hashed). */
function lookupTarget(args: Readonly<Record<string, Json>>, c: Config, ctx: Ctx): Id | undefined {
  if (args['id'] !== undefined) return parseId(String(args['id']), c.bits);
  const target = String(args['target'] ?? '');
  if (target === '') return undefined;
  if (target === 'random') return randomId(c.bits, (a, b) => ctx.randomInt(a, b));
  return keyId(target, c.bits);
}

/** A node's state while a handler works on it; `commit` builds the next state. */
export class Draft {
  phase: Phase;
  table: Table;
  store: Readonly<Record<Id, Stored>>;
  published: Readonly<Record<Id, Published>>;
  lookups: readonly (Lookup | null)[];
  rpcs: readonly Rpc[];
  armed: number;
  /** Whether `lookups` / `rpcs` are this draft's own copies (changed in place from then on). */
  private ownLookups = false;
  private ownRpcs = false;
  next: number;
  via: NodeId | null;
  joinOp: string | null;
  done: number;
  last: Done | null;
  also: readonly Done[];
  /** Whether this handler has completed a lookup already (a second one goes to `also`). */
  private recorded = false;
  readonly self: Contact;

  constructor(readonly base: KademliaState, readonly ctx: Ctx, readonly c: Config) {
    this.phase = base.phase;
    this.self = base.self;
    this.table = base.table;
    this.store = base.store;
    this.published = base.published;
    this.lookups = base.lookups;
    this.rpcs = base.rpcs;
    this.armed = base.armed;
    this.next = base.next;
    this.via = base.via;
    this.joinOp = base.joinOp;
    this.done = base.done;
    this.last = base.last;
    this.also = base.also;
  }

  /** The next state (the same object when nothing changed). */
  commit(): KademliaState {
    const b = this.base;
    if (this.ownLookups && allEnded(this.lookups)) this.lookups = NO_LOOKUPS;
    if (this.phase === b.phase && this.table === b.table && this.store === b.store && this.published === b.published && this.lookups === b.lookups
      && this.rpcs === b.rpcs && this.armed === b.armed && this.next === b.next && this.via === b.via && this.joinOp === b.joinOp && this.done === b.done && this.last === b.last && this.also === b.also) return b;
    return new StateRecord(this);
  }

  // ---- contacts (§2.2) ---------------------------------------------------

  /** A message arrived from `sender`: update its bucket; ping a full bucket's head; hand a new contact the pairs it should hold. */
  heardFrom(sender: Contact): void {
    const c = this.c;
    const r = observe(this.table, this.self.id, sender, c.k, c.bits, c.table);
    this.table = r.table;
    if (r.ping !== null) this.ping(r.ping, 'ping');
    if (r.added && this.store !== NO_STORE) this.replicateTo(sender);
  }

  /**
   * §2.3: "any node learning of a new node issues STORE RPCs to transfer
   * relevant key-value pairs to the new node", but only for the keys it is
   * itself closest to among the nodes it knows (to avoid redundant STOREs),
   * and only when the newcomer is among the k closest to the key.
   */
  private replicateTo(w: Contact): void {
    const { k } = this.c;
    for (const key in this.store) {
      const v = this.store[key]!;
      if (v.cached || v.expires <= this.ctx.now) continue;
      const near = closest(this.table, this.self.id, key, k + 1);
      let rank = -1;
      let nearestOther: Contact | undefined;
      for (let j = 0; j < near.length; j++) {
        if (near[j]!.node === w.node) rank = j;
        else nearestOther ??= near[j];
      }
      if (rank < 0) continue;
      if (nearestOther !== undefined && compareDistance(this.self.id, nearestOther.id, key) > 0) continue;
      const selfAhead = compareDistance(this.self.id, w.id, key) < 0 ? 1 : 0;
      if (rank + selfAhead >= k) continue;
      this.sendStore(w, -1, key, v.key, v.value, v.expires, false);
    }
  }

  // ---- RPCs ----------------------------------------------------------------

  /**
   * A new RPC number and its deadline. The one `rpc` timer is armed when no
   * deadline is pending; every later RPC times out later (the timeout is
   * fixed), so the armed one is the earliest. When it fires, what is due
   * times out and the timer is armed for the earliest left (`expireRpcs`).
   */
  private stamp(): { rpc: number; at: number } {
    const at = this.ctx.now + this.c.rpcTimeout;
    if (this.armed < 0) {
      this.armed = at;
      this.ctx.setTimer('rpc', this.c.rpcTimeout);
    }
    return { rpc: this.next++, at };
  }

  /** Records a PING or STORE as awaiting its reply; returns its number, for the message. */
  private rpc(to: Contact, kind: Rpc['kind'], lookup: number): number {
    const { rpc, at } = this.stamp();
    this.myRpcs().push({ n: rpc, to, kind, lookup, at });
    return rpc;
  }

  private myRpcs(): Rpc[] {
    if (!this.ownRpcs) {
      this.rpcs = this.rpcs.slice();
      this.ownRpcs = true;
    }
    return this.rpcs as Rpc[];
  }

  private myLookups(): (Lookup | null)[] {
    if (!this.ownLookups) {
      this.lookups = this.lookups.slice();
      this.ownLookups = true;
    }
    return this.lookups as (Lookup | null)[];
  }

  private ping(to: Contact, kind: 'ping' | 'join'): void {
    this.ctx.send(to.node, ping(this.rpc(to, kind, -1), this.self));
  }

  private sendStore(to: Contact, lookup: number, key: Id, name: string, value: Json, expires: number, cached: boolean): void {
    this.ctx.send(to.node, { type: 'STORE', body: { rpc: this.rpc(to, 'store', lookup), self: this.self, key, name, value, expires, cached } });
  }

  /** A reply to RPC `n` from `from`: to a lookup's FIND_NODE / FIND_VALUE, or to a PING or STORE. Unknown or late replies are ignored (but `from` was heard from). */
  reply(n: number, from: NodeId, msg: KademliaMessage): void {
    const c = this.c;
    for (const lk of this.lookups) {
      if (lk === null) continue;
      const j = askedWith(lk, n);
      if (j < 0) continue;
      if (candidateAt(lk, j).c.node !== from) return;
      if (msg.type === 'VALUE' && lk.kind === 'find') {
        const next = answered(lk, n, [], this.self.node, c.alpha, c.k);
        this.advance(withProgress(next, next.list, next.inflight, next.msgs, next.stalls, next.wide, { node: from, value: msg.body.value ?? null, expires: Number(msg.body.expires) }));
        return;
      }
      const nodes = msg.type === 'NODES' ? contactsOf(msg.body.nodes, digitsOf(c.bits)) : [];
      if (c.table.addSelf) for (const x of nodes) this.table = observe(this.table, this.self.id, x, c.k, c.bits, c.table).table;
      this.advance(answered(lk, n, nodes, this.self.node, c.alpha, c.k));
      return;
    }
    const at = this.rpcs.findIndex((r) => r.n === n);
    if (at < 0 || this.rpcs[at]!.to.node !== from) return;
    const rpc = this.rpcs[at]!;
    this.myRpcs().splice(at, 1);
    switch (rpc.kind) {
      case 'join':
        if (this.phase === 'joining') this.startLookup('join', this.self.id, {});
        return;
      case 'ping':
        return; // the sender's bucket was updated on arrival: it stays
      case 'store': {
        const lk = this.lookup(rpc.lookup);
        if (lk !== undefined && lk.storing !== null) this.stored(lk, from, true);
      }
    }
  }

  /** The `rpc` timer fired: every RPC whose deadline has passed times out; the timer is armed for the earliest left. */
  expireRpcs(): void {
    const now = this.ctx.now;
    this.armed = -1;
    const c = this.c;
    for (const lk of this.lookups) {
      if (lk === null) continue;
      let cur: Lookup | undefined = lk;
      for (const chunk of lk.list) {
        for (const cand of chunk) {
          if (cand.st !== 'asked' || cand.at === undefined || cand.at > now || cur === undefined) continue;
          this.table = failed(this.table, this.self.id, cand.c, c.bits, c.table);
          const next = timedOut(cur, cand.rpc!, c.alpha);
          if (next === cur) continue;
          this.advance(next);
          cur = this.lookup(lk.n);
        }
      }
    }
    const due = this.rpcs.filter((r) => r.at <= now);
    if (due.length > 0) {
      this.rpcs = this.rpcs.filter((r) => r.at > now);
      this.ownRpcs = true;
      for (const rpc of due) this.timeout(rpc);
    }
    if (this.armed < 0) {
      const next = this.earliestDeadline();
      if (next !== Infinity) {
        this.armed = next;
        this.ctx.setTimer('rpc', Math.max(0, next - now));
      }
    }
  }

  /** The earliest deadline of the RPCs in flight (Infinity: none). */
  private earliestDeadline(): number {
    let min = Infinity;
    for (const r of this.rpcs) if (r.at < min) min = r.at;
    for (const lk of this.lookups) {
      if (lk === null) continue;
      for (const chunk of lk.list) for (const cand of chunk) if (cand.st === 'asked' && cand.at !== undefined && cand.at < min) min = cand.at;
    }
    return min;
  }

  private timeout(rpc: Rpc): void {
    const c = this.c;
    if (rpc.kind === 'join') {
      this.joinFailed();
      return;
    }
    this.table = failed(this.table, this.self.id, rpc.to, c.bits, c.table);
    if (rpc.kind === 'store') {
      const lk = this.lookup(rpc.lookup);
      if (lk !== undefined && lk.storing !== null) this.stored(lk, rpc.to.node, false);
    }
  }

  // ---- lookups (§2.3) -------------------------------------------------------

  private lookup(n: number): Lookup | undefined {
    if (n < 0) return undefined;
    for (const lk of this.lookups) if (lk !== null && lk.n === n) return lk;
    return undefined;
  }

  private replace(lk: Lookup): void {
    const list = this.myLookups();
    for (let j = 0; j < list.length; j++) if (list[j] !== null && list[j]!.n === lk.n) list[j] = lk;
  }

  /** A lookup ended: its place is left empty (so the others keep theirs; `commit` empties the list when all have ended). */
  private drop(n: number): void {
    const list = this.myLookups();
    for (let j = 0; j < list.length; j++) if (list[j] !== null && list[j]!.n === n) list[j] = null;
  }

  /** Whether the join's lookups (its own id, then the refreshes) are all over. */
  private joinLookupsOver(): boolean {
    for (const lk of this.lookups) if (lk !== null && (lk.kind === 'join' || lk.kind === 'refresh')) return false;
    return true;
  }

  startLookup(kind: LookupKind, target: Id, extra: { op?: string; key?: string; value?: Json; expires?: number }): void {
    const c = this.c;
    const lk = newLookup({ n: this.next++, kind, target, started: this.ctx.now, self: this.self, seeds: closest(this.table, this.self.id, target, c.k), ...extra });
    this.table = touched(this.table, bucketIndex(this.self.id, target), this.ctx.now);
    this.myLookups().push(lk);
    this.advance(lk);
  }

  /** Sends the queries the lookup wants now, or ends it. */
  private advance(lk: Lookup): void {
    const c = this.c;
    if (lk.storing === null && isDone(lk, c.k, c)) {
      this.replace(lk);
      this.complete(lk);
      return;
    }
    const { lookup, ask } = nextQueries(lk, c.alpha, c.k, () => this.stamp(), { flood: c.flood });
    this.replace(lookup);
    for (const cand of ask) {
      const rpc = cand.rpc!;
      this.ctx.send(cand.c.node, lookup.kind === 'find'
        ? { type: 'FIND_VALUE', body: { rpc, self: this.self, key: lookup.target } }
        : findNode(rpc, this.self, lookup.target));
    }
  }

  /** The node search part of a lookup is over. */
  private complete(lk: Lookup): void {
    if (lk.kind === 'store' || lk.kind === 'republish') {
      this.storeOn(lk);
      return;
    }
    this.drop(lk.n);
    const c = this.c;
    const result = resultOf(lk, c.k);
    const { hops, rounds } = depthOf(lk, c.k);
    const latency = (this.ctx.now - lk.started) / 1000;
    this.record(this.doneOf(lk, lk.kind === 'find' ? { found: lk.found !== null } : {}));
    switch (lk.kind) {
      case 'lookup':
        if (lk.op !== null) {
          this.ctx.reply(lk.op, true, { target: lk.target, closest: result.map((x) => x.c.node), hops, rounds, messages: lk.msgs, latency_ms: latency });
        }
        break;
      case 'find':
        if (lk.found !== null) {
          this.cacheOnPath(lk);
          if (lk.op !== null) this.ctx.reply(lk.op, true, { value: lk.found.value, from: lk.found.node, hops, messages: lk.msgs, latency_ms: latency });
        } else if (lk.op !== null) this.ctx.reply(lk.op, false, `${lk.key ?? lk.target} not found (asked ${candidates(lk).filter((x) => x.st === 'ok').length - 1} nodes)`);
        break;
      case 'join':
        this.afterJoinLookup();
        break;
      case 'refresh':
        if (this.phase === 'joining' && this.joinLookupsOver()) this.becomeJoined();
        break;
      default:
        break;
    }
  }

  private doneOf(lk: Lookup, extra: { found?: boolean; storedOn?: readonly NodeId[] }): Done {
    const { k } = this.c;
    const { hops, rounds } = depthOf(lk, k);
    return {
      n: lk.n, kind: lk.kind, target: lk.target, ...(lk.key !== null ? { key: lk.key } : {}),
      result: resultOf(lk, k).map((x) => x.c), path: candidates(lk), hops, rounds, msgs: lk.msgs, started: lk.started, ended: this.ctx.now, ...extra,
    };
  }

  record(done: Done): void {
    this.also = this.recorded && this.last !== null ? this.also.concat(this.last) : NO_DONE;
    this.recorded = true;
    this.last = done;
    this.done++;
  }

  /** store / republish: STORE on the k closest found (on this node itself if it is one of them). */
  private storeOn(lk: Lookup): void {
    const c = this.c;
    const targets = resultOf(lk, c.k).map((x) => x.c);
    const chosen = c.storeOne ? targets.filter((x) => x.node !== this.self.node).slice(0, 1) : targets;
    const key = lk.target;
    const name = lk.key ?? key;
    const value = (lk.value ?? null) as Json;
    const expires = lk.expires >= 0 ? lk.expires : this.ctx.now + c.expire;
    let waiting = 0;
    const acked: NodeId[] = [];
    for (const t of chosen) {
      if (t.node === this.self.node) {
        this.keep(key, name, value, expires, false);
        acked.push(t.node);
        continue;
      }
      this.sendStore(t, lk.n, key, name, value, expires, false);
      waiting++;
    }
    const next = withProgress(lk, lk.list, lk.inflight, lk.msgs, lk.stalls, lk.wide, lk.found, { waiting, acked });
    this.replace(next);
    if (waiting === 0) this.storeDone(next);
  }

  private stored(lk: Lookup, node: NodeId, ok: boolean): void {
    const s = lk.storing!;
    const storing = { waiting: s.waiting - 1, acked: ok ? s.acked.concat(node) : s.acked };
    const next = withProgress(lk, lk.list, lk.inflight, lk.msgs + (ok ? 2 : 1), lk.stalls, lk.wide, lk.found, storing);
    this.replace(next);
    if (storing.waiting <= 0) this.storeDone(next);
  }

  private storeDone(lk: Lookup): void {
    this.drop(lk.n);
    const acked = lk.storing?.acked ?? [];
    this.record(this.doneOf(lk, { storedOn: acked }));
    if (lk.op !== null) this.ctx.reply(lk.op, true, { key: lk.target, stored_on: [...acked] });
  }

  /**
   * §2.3 caching: "once a lookup succeeds, the requesting node stores the
   * (key,value) pair at the closest node it observed to the key that did not
   * return the value", to expire sooner the more nodes lie between it and
   * the closest one (here: half the value's remaining life per node closer).
   */
  private cacheOnPath(lk: Lookup): void {
    const c = this.c;
    if (!c.cache || lk.found === null) return;
    let closer = 0;
    for (const cand of ranked(lk)) {
      if (cand.st === 'failed') continue;
      if (cand.st === 'ok' && cand.c.node !== this.self.node && cand.c.node !== lk.found.node) {
        const left = Math.max(0, lk.found.expires - this.ctx.now);
        const expires = this.ctx.now + Math.floor(left / 2 ** closer);
        this.sendStore(cand.c, -1, lk.target, lk.key ?? lk.target, lk.found.value, expires, true);
        return;
      }
      closer++;
    }
  }

  // ---- values (§2.3, §2.5) -------------------------------------------------

  /** The pair stored under `key` if it has not expired. */
  live(key: Id): Stored | undefined {
    const v = this.store[key];
    return v !== undefined && v.expires > this.ctx.now ? v : undefined;
  }

  /** A STORE arrived (or this node is one of the k closest to its own store). A cached copy never replaces a stored one. */
  keep(key: Id, name: unknown, value: unknown, expires: unknown, cached: boolean): void {
    if (!isId(key, this.c.bits)) return;
    const old = this.store[key];
    const exp = typeof expires === 'number' && Number.isFinite(expires) ? expires : this.ctx.now + this.c.expire;
    if (cached && old !== undefined && !old.cached && old.expires > this.ctx.now) return;
    const v: Stored = { key: typeof name === 'string' ? name : key, value: (value ?? null) as Json, expires: Math.max(exp, old?.expires ?? 0), at: this.ctx.now, cached };
    this.store = { ...this.store, [key]: v };
  }

  /** Hourly: drop expired pairs; republish the rest unless a STORE refreshed them within the hour (§2.5); publishers renew their pairs before they expire. */
  republish(): void {
    const { now } = this.ctx;
    const c = this.c;
    let store: Record<Id, Stored> | null = null;
    for (const key in this.store) {
      const v = this.store[key]!;
      if (v.expires <= now) {
        store ??= { ...this.store };
        delete store[key];
        continue;
      }
      if (v.cached || now - v.at < c.republish) continue;
      this.startLookup('republish', key, { key: v.key, value: v.value, expires: v.expires });
    }
    if (store !== null) this.store = store;
    for (const key in this.published) {
      const p = this.published[key]!;
      if (now + c.republish < p.at + c.expire) continue;
      this.published = { ...this.published, [key]: { ...p, at: now } };
      this.startLookup('republish', key, { key: p.key, value: p.value, expires: now + c.expire });
    }
  }

  // ---- membership ------------------------------------------------------------

  /** Starts joining through `via`: PING it to learn its id (the reply puts it in the table), then look up one's own id. */
  beginJoin(via: NodeId, op: string | null): void {
    const c = this.c;
    this.phase = 'joining';
    this.via = via;
    this.joinOp = op;
    if (c.churnSession > 0 && this.self.node !== bootstrapOf(this.ctx.nodes, c)) {
      this.ctx.setTimer('churn', Math.max(0, c.churnFrom - this.ctx.now) + exponential(c.churnSession, this.ctx));
    }
    if (via === this.self.node) {
      this.becomeJoined();
      return;
    }
    this.ping({ node: via, id: '' }, 'join');
  }

  private joinFailed(): void {
    const op = this.joinOp;
    const via = this.via;
    this.resetToOut();
    if (op !== null) this.ctx.reply(op, false, `join: ${via ?? 'the bootstrap node'} did not answer`);
    else this.ctx.setTimer('join', JOIN_RETRY_TIMEOUTS * this.c.rpcTimeout);
  }

  /** The own-id lookup is over: refresh every bucket farther than the closest neighbour (§2.3), then the node has joined. */
  private afterJoinLookup(): void {
    const c = this.c;
    if (c.joinRefresh) {
      const nearest = nearestBucket(this.table);
      if (nearest >= 0) for (let i = nearest + 1; i < c.bits; i++) this.startLookup('refresh', randomIdInBucket(this.self.id, i, c.bits, (a, b) => this.ctx.randomInt(a, b)), {});
    }
    if (this.phase === 'joining' && this.joinLookupsOver()) this.becomeJoined();
  }

  becomeJoined(): void {
    const c = this.c;
    const ctx = this.ctx;
    this.phase = 'joined';
    const contacts = contactCount(this.table);
    const buckets = this.table.filter((b) => b.contacts.length > 0).length;
    if (this.joinOp !== null) {
      ctx.reply(this.joinOp, true, { via: this.via, contacts, buckets });
      this.joinOp = null;
    }
    if (this.via !== null) ctx.note(`${this.self.node} joined via ${this.via}: ${contacts} contacts in ${buckets} buckets`);
    ctx.setTimer('refresh', c.refresh);
    ctx.setTimer('republish', c.republish);
    if (c.lookupEvery > 0) ctx.setTimer('work', Math.max(0, c.lookupsFrom - ctx.now) + exponential(c.lookupEvery, ctx));
  }

  /** Leaves silently (Kademlia has no leave message): everything but the id is forgotten. */
  leave(why: 'leave' | 'churn'): void {
    for (const lk of this.lookups) if (lk !== null && lk.op !== null) this.ctx.reply(lk.op, false, `${this.self.node} left the network`);
    if (this.joinOp !== null) this.ctx.reply(this.joinOp, false, `${this.self.node} left the network`);
    for (const t of ['refresh', 'republish', 'work', 'join', 'rpc', ...(why === 'leave' ? ['churn'] : [])]) this.ctx.cancelTimer(t);
    this.resetToOut();
    this.ctx.note(`${this.self.node} left the network${why === 'churn' ? ' (churn)' : ''}`);
  }

  private resetToOut(): void {
    const out = outState(this.self);
    this.phase = 'out';
    this.table = out.table;
    this.store = out.store;
    this.published = out.published;
    this.lookups = out.lookups;
    this.rpcs = out.rpcs;
    this.armed = -1;
    this.ownLookups = false;
    this.ownRpcs = false;
    this.joinOp = null;
  }

  /** Refreshes each bucket range this node covers that no lookup went into for `age` µs (§2.3). */
  refreshBuckets(age: number): void {
    const c = this.c;
    const nearest = nearestBucket(this.table);
    if (nearest < 0) return;
    for (let i = nearest; i < c.bits; i++) {
      const b = bucketAt(this.table, i);
      if (b !== undefined && this.ctx.now - b.looked < age) continue;
      this.startLookup('refresh', randomIdInBucket(this.self.id, i, c.bits, (a, z) => this.ctx.randomInt(a, z)), {});
    }
  }
}

function allEnded(lookups: readonly (Lookup | null)[]): boolean {
  for (const lk of lookups) if (lk !== null) return false;
  return true;
}

/** The contacts of a NODES reply that have the shape of a contact (the reply is our own protocol's; this guards against a hand-made trace or test). */
function contactsOf(nodes: unknown, digits: number): Contact[] {
  if (!Array.isArray(nodes)) return [];
  for (const x of nodes) {
    if (typeof x !== 'object' || x === null || typeof (x as Contact).node !== 'string' || typeof (x as Contact).id !== 'string' || (x as Contact).id.length !== digits) {
      return nodes.filter((y): y is Contact => typeof y === 'object' && y !== null && typeof (y as Contact).node === 'string' && typeof (y as Contact).id === 'string' && (y as Contact).id.length === digits);
    }
  }
  return nodes as Contact[];
}
