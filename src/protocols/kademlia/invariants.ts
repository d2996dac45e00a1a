/**
 * What the checker enforces after every step, and the lookup statistics, all
 * from one monitor (`kademliaWatch`) that looks only at the nodes that
 * changed in the step:
 *
 * - `bucket_size`, `bucket_prefix`, `no_self_contact` (§2.2): every k-bucket
 *   holds at most k contacts, each at a distance in the bucket's range
 *   [2^i, 2^(i+1)), and never the node itself. Buckets are immutable values,
 *   so only those whose object changed since the last look are checked.
 * - `lookup_alpha` (§2.3): a lookup has at most α RPCs in flight, except in
 *   its final round, when it asks all of the k closest it has not asked.
 * - `lookup_finds_closest` (§2.3, §3): a completed lookup (a `lookup`
 *   operation, a workload lookup or the node search of a `store`) returns
 *   exactly the k live nodes closest to its target, compared with a
 *   brute-force oracle over the world (oracle.ts) at the moment it ends.
 *   Judged only where the network is stable: no node has left, crashed or
 *   paused so far (dead contacts linger in routing tables and crowd the
 *   true k closest out of replies until they are found out), none joined
 *   while the lookup ran and none is still joining. Loss and partitions are
 *   invisible to the monitor. Where the network is not stable, read the
 *   `lookup_exact` metric instead. Even where it is, exactness is the
 *   paper's "with high probability" (§3): it needs k large enough for the
 *   nodes near any id to know each other (k = 2 misses now and then).
 * - `value_retrievable` (§2.3, §3): a `find` of a stored key finds the value
 *   as long as fewer of the k nodes closest to the key when it was stored
 *   have failed (crashed or left since) than there were of them.
 *
 * The monitor keeps the live ids sorted (the oracle), each node's last
 * observed state and liveness, and per stored key the nodes that held it.
 */
import type { NodeId, NodeView, World } from '../../engine/protocol.js';
import type { InvariantSpec, MonitorSpec } from '../../engine/vocabulary.js';
import { bucketIndex, keyId, type Id } from './ids.js';
import { LiveIds } from './oracle.js';
import { config, type Config } from './params.js';
import { inNetwork, isState, type Done, type KademliaState } from './state.js';
import type { Bucket, Contact, Table } from './table.js';

type View = NodeView<KademliaState>;

interface StoredKey {
  /** The k live nodes closest to the key when the `store` completed. */
  readonly holders: ReadonlySet<NodeId>;
  /** Those of them that have failed (crashed or left) since. */
  readonly failed: Set<NodeId>;
  readonly at: number;
}

export interface KademliaWatch {
  readonly c: Config;
  /** Per node index: the state last observed, whether it was live, and its phase. */
  readonly seen: (KademliaState | undefined)[];
  readonly live: Uint8Array;
  readonly joiningNow: Uint8Array;
  readonly ids: LiveIds;
  /** Live nodes still joining. */
  joining: number;
  /** When the set of live nodes (or of joining ones) last changed. */
  changedAt: number;
  /** The first problem found in this step, per invariant (null: none). */
  readonly problems: Record<string, string | null>;
  readonly stored: Map<Id, StoredKey>;
  readonly stats: {
    lookups: number; exact: number; success: number; hops: number; hopsMax: number; rounds: number; msgs: number;
    latencies: number[]; hopsOverLog: number; hopsOverLogCount: number; finds: number; found: number; departures: number;
  };
}

const NAMES = ['bucket_size', 'bucket_prefix', 'no_self_contact', 'lookup_alpha', 'lookup_finds_closest', 'value_retrievable'] as const;

function note(m: KademliaWatch, name: (typeof NAMES)[number], text: string): void {
  if (m.problems[name] === null) m.problems[name] = text;
}

function short(id: Id): string {
  return id.length > 12 ? `${id.slice(0, 10)}…` : id;
}

/**
 * Checks bucket `b` of node `v`. `old` is the same bucket's previous version:
 * a contact at the same place in it, or one place further (an update moves
 * one contact to the tail and shifts the rest), was checked then.
 */
function checkBucket(m: KademliaWatch, v: View, s: KademliaState, b: Bucket, old: Bucket | undefined): void {
  const { k } = m.c;
  if (b.contacts.length > k) note(m, 'bucket_size', `${v.id}'s bucket ${b.i} holds ${b.contacts.length} contacts (k = ${k})`);
  checkContacts(m, v, s, b.i, b.contacts, old?.contacts);
  checkContacts(m, v, s, b.i, b.cache, old?.cache);
}

function checkContacts(m: KademliaWatch, v: View, s: KademliaState, i: number, list: readonly Contact[], old: readonly Contact[] | undefined): void {
  if (list === old) return; // unchanged (the contacts when only the cache changed, or the other way round)
  for (let j = 0; j < list.length; j++) {
    const c = list[j]!;
    if (old !== undefined && (old[j] === c || old[j + 1] === c)) continue;
    if (c.node === v.id || c.id === s.self.id) {
      note(m, 'no_self_contact', `${v.id} lists itself (${short(s.self.id)}) in bucket ${i}`);
      continue;
    }
    const at = bucketIndex(s.self.id, c.id);
    if (at !== i) note(m, 'bucket_prefix', `${v.id} (${short(s.self.id)}) files ${c.node} (${short(c.id)}) in bucket ${i}, but their distance puts it in bucket ${at}`);
  }
}

/** Checks the buckets of `now` that are not the same objects as in `before` (both by descending index). */
function checkTable(m: KademliaWatch, v: View, s: KademliaState, before: Table | undefined, now: Table): void {
  if (before !== undefined && before.length === now.length) {
    // The usual step: the same buckets, one of them replaced. Comparing references reads no bucket.
    for (let j = 0; j < now.length; j++) {
      const b = now[j]!;
      const o = before[j]!;
      if (b !== o) checkBucket(m, v, s, b, o.i === b.i ? o : undefined);
    }
    return;
  }
  let j = 0;
  for (const b of now) {
    let old: Bucket | undefined;
    if (before !== undefined) {
      while (j < before.length && before[j]!.i > b.i) j++;
      if (j < before.length && before[j]!.i === b.i) {
        old = before[j];
        if (old === b) continue;
      }
    }
    checkBucket(m, v, s, b, old);
  }
}

function sameIds(got: readonly { id: Id }[], want: readonly Id[]): boolean {
  if (got.length !== want.length) return false;
  for (let j = 0; j < got.length; j++) if (got[j]!.id !== want[j]) return false;
  return true;
}

/** A lookup completed at `v`: compare it with the oracle, count it, and judge `find`s of stored keys. */
function judge(m: KademliaWatch, world: World<KademliaState>, v: View, d: Done): void {
  const { k } = m.c;
  if (d.kind === 'lookup' || d.kind === 'store') {
    const truth = m.ids.closest(d.target, k);
    const exact = sameIds(d.result, truth);
    const stable = m.stats.departures === 0 && d.started > m.changedAt && m.joining === 0;
    if (stable && !exact) {
      const names = (ids: readonly Id[]) => ids.slice(0, 5).map((id) => m.ids.ownerOf(id) ?? short(id)).join(' ') + (ids.length > 5 ? ' …' : '');
      note(m, 'lookup_finds_closest', `${v.id}'s ${d.kind} of ${short(d.target)} returned ${names(d.result.map((c) => c.id))} (${d.result.length}) but the ${truth.length} closest live nodes are ${names(truth)}`);
    }
    if (d.kind === 'store' && d.storedOn !== undefined && d.storedOn.length > 0) {
      m.stored.set(d.target, { holders: new Set(truth.map((id) => m.ids.ownerOf(id)!)), failed: new Set(), at: world.now });
    }
    if (d.kind !== 'lookup') return;
    const st = m.stats;
    st.lookups++;
    if (exact) st.exact++;
    if (d.result.length > 0 && truth.length > 0 && d.result[0]!.id === truth[0]) st.success++;
    st.hops += d.hops;
    st.hopsMax = Math.max(st.hopsMax, d.hops);
    st.rounds += d.rounds;
    st.msgs += d.msgs;
    st.latencies.push((d.ended - d.started) / 1000);
    if (m.ids.size >= 2) {
      st.hopsOverLog += d.hops / Math.log2(m.ids.size);
      st.hopsOverLogCount++;
    }
    return;
  }
  if (d.kind === 'find') {
    const key = m.stored.get(d.target);
    if (key === undefined || world.now >= key.at + m.c.expire) return;
    m.stats.finds++;
    if (d.found === true) m.stats.found++;
    else if (key.failed.size < key.holders.size) {
      note(m, 'value_retrievable', `${v.id} could not find ${d.key ?? short(d.target)} though only ${key.failed.size} of the ${key.holders.size} nodes it was stored on have failed`);
    }
  }
}

/** A node became live or stopped being live. */
function membership(m: KademliaWatch, world: World<KademliaState>, v: View, s: KademliaState | undefined, live: boolean): void {
  const idx = v.index;
  const was = m.live[idx] === 1;
  const joining = live && s !== undefined && s.phase === 'joining' ? 1 : 0;
  if (joining !== m.joiningNow[idx]) {
    m.joining += joining - m.joiningNow[idx]!;
    m.joiningNow[idx] = joining;
    m.changedAt = world.now;
  }
  if (live === was) return;
  m.changedAt = world.now;
  m.live[idx] = live ? 1 : 0;
  const self = s ?? m.seen[idx];
  if (self === undefined) return;
  if (live) m.ids.add(self.self.id, v.id);
  else {
    m.ids.remove(self.self.id, v.id);
    m.stats.departures++;
    for (const key of m.stored.values()) if (key.holders.has(v.id)) key.failed.add(v.id);
  }
}

export const kademliaWatch: MonitorSpec<KademliaState, KademliaWatch> = {
  name: 'kademlia watch',
  create(world) {
    const c = config(world.params);
    const n = world.nodes.length;
    return {
      c, seen: new Array(n), live: new Uint8Array(n), joiningNow: new Uint8Array(n), ids: new LiveIds(c.bits),
      joining: 0, changedAt: -1, problems: Object.fromEntries(NAMES.map((x) => [x, null])), stored: new Map(),
      stats: { lookups: 0, exact: 0, success: 0, hops: 0, hopsMax: 0, rounds: 0, msgs: 0, latencies: [], hopsOverLog: 0, hopsOverLogCount: 0, finds: 0, found: 0, departures: 0 },
    };
  },
  observe(m, world, changed) {
    for (let n = 0; n < NAMES.length; n++) m.problems[NAMES[n]!] = null;
    // Membership first: a lookup that ends in this step is judged against the world as it is now.
    for (let n = 0; n < changed.length; n++) {
      const v = changed[n]!;
      const s = isState(v.state) ? v.state : undefined;
      membership(m, world, v, s, v.up && inNetwork(s));
    }
    for (let n = 0; n < changed.length; n++) {
      const v = changed[n]!;
      const s = isState(v.state) ? v.state : undefined;
      const before = m.seen[v.index];
      if (s === undefined || s === before) continue;
      const sameNode = before !== undefined && before.self.id === s.self.id;
      if (s.table !== before?.table) checkTable(m, v, s, sameNode ? before.table : undefined, s.table);
      if (s.lookups !== before?.lookups) {
        for (let n = 0; n < s.lookups.length; n++) {
          const lk = s.lookups[n]!;
          if (lk === null) continue;
          if (!lk.wide && lk.inflight > m.c.alpha) note(m, 'lookup_alpha', `${v.id}'s ${lk.kind} of ${short(lk.target)} has ${lk.inflight} RPCs in flight (α = ${m.c.alpha}) before its final round`);
        }
      }
      if (s.last !== null && s.last !== before?.last) {
        for (const d of s.also) judge(m, world, v, d);
        judge(m, world, v, s.last);
      }
      m.seen[v.index] = s;
    }
  },
  metrics: (m) => watchMetrics(m),
};

/** The statistics the monitor gathered, as metrics (reported at the end of the run). */
export function watchMetrics(m: KademliaWatch): Record<string, number> {
  const st = m.stats;
  const out: Record<string, number> = { lookups: st.lookups, finds: st.finds, departures: st.departures };
  const r = (x: number) => Math.round(x * 1e4) / 1e4;
  if (st.lookups > 0) {
    const lat = st.latencies.slice().sort((a, b) => a - b);
    Object.assign(out, {
      lookup_exact: r(st.exact / st.lookups),
      lookup_success: r(st.success / st.lookups),
      lookup_hops_mean: r(st.hops / st.lookups),
      lookup_hops_max: st.hopsMax,
      lookup_rounds_mean: r(st.rounds / st.lookups),
      lookup_messages_mean: r(st.msgs / st.lookups),
      lookup_latency_ms_mean: r(lat.reduce((a, b) => a + b, 0) / lat.length),
      lookup_latency_ms_p99: lat[Math.max(0, Math.ceil(0.99 * lat.length) - 1)]!,
    });
    if (st.hopsOverLogCount > 0) out['lookup_hops_over_log2n'] = r(st.hopsOverLog / st.hopsOverLogCount);
  }
  if (st.finds > 0) out['value_availability'] = r(st.found / st.finds);
  return out;
}

function invariant(name: (typeof NAMES)[number], doc: string): InvariantSpec<KademliaState, KademliaWatch> {
  return { name, doc, monitor: kademliaWatch, check: (_world, _changed, m) => m.problems[name] ?? null };
}

export const invariants: readonly InvariantSpec<KademliaState>[] = [
  invariant('bucket_size', 'Every k-bucket holds at most k contacts (§2.2).'),
  invariant('bucket_prefix', 'Every contact sits in the bucket of its distance: bucket i holds only nodes at XOR distance in [2^i, 2^(i+1)) (§2.2).'),
  invariant('no_self_contact', 'No node lists itself in its routing table.'),
  invariant('lookup_alpha', 'A lookup has at most α RPCs in flight, except in its final round (§2.3).'),
  invariant('lookup_finds_closest', 'A lookup in a stable network (no node left or still joining) returns exactly the k live nodes closest to its target (§2.3, §3); compared with a brute-force oracle.'),
  invariant('value_retrievable', 'A find of a stored key succeeds while fewer than all of the k nodes closest to it at store time have failed (§2.3).'),
];

/** The key id of a key as written (for queries). */
export function keyOf(key: unknown, world: World<KademliaState>): Id {
  return keyId(typeof key === 'string' ? key : JSON.stringify(key ?? null), config(world.params).bits);
}
