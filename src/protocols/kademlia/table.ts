/**
 * The routing table: k-buckets (Maymounkov & Mazières 2002, §2.2, §2.4, §4.1).
 *
 * For each 0 ≤ i < bits a node keeps a list of up to k contacts whose
 * distance from it lies in [2^i, 2^(i+1)) — bucket i — ordered by the time
 * they were last seen, as the paper keeps it: the least recently seen at
 * the head, the most recently seen at the tail. Every message a node
 * receives updates the bucket of its sender (`observe`):
 * - a contact already there moves to the tail (nothing changes when it is
 *   there already);
 * - a new contact is added while the bucket has room;
 * - in a full bucket it waits in the bucket's replacement cache (§4.1), and
 *   the least recently seen contact is pinged; if it does not answer it is
 *   evicted and the most recently seen replacement takes its place — the
 *   paper's ping-before-evict (§2.2): live old contacts are never displaced
 *   by new ones.
 * An RPC that times out marks its contact stale (`failed`): a stale contact
 * is replaced at once when the cache has a candidate (§4.1), is not handed
 * to other nodes or used to start lookups, and becomes fresh again when it
 * is heard from.
 *
 * The table is an immutable value (it lives in the node's state, which the
 * trace keeps at every step): only the buckets that hold contacts are
 * stored, farthest (i = bits-1) first, and an update copies one bucket and
 * the short list of buckets, sharing the rest. This is the paper's §2.4 tree
 * for uniformly spread ids: the buckets split along the node's own id, so
 * bucket i covers the ids that share the node's first bits-1-i bits and
 * differ in the next.
 */
import type { NodeId } from '../../engine/protocol.js';
import { record } from './_records.js';
import { bucketIndex, compareDistance, distanceKey, idTop, type Id } from './ids.js';

/** A node as others know it: its name in the scenario (its "address") and its Kademlia id. */
export type Contact = {
  readonly node: NodeId;
  readonly id: Id;
};

/**
 * A contact as a node makes its own, once: besides `node` and `id` it
 * carries the top 28 bits of its id as a small integer, in a property that
 * is not enumerable — invisible to JSON, the trace and deep equality — so
 * that `closest` can order contacts by distance without reading their id
 * strings (at 10 000 nodes that read is a cache miss per contact). Every
 * contact a node hears of is some node's own object (messages carry the
 * sender's), so the table's contacts all have it; a contact without it
 * (built by hand in a test) is ordered from its id.
 */
export function makeContact(node: NodeId, id: Id): Contact {
  // Made with the object (then hidden), `top` sits in the object itself; added later by defineProperty it
  // would go to a separate property array, a second memory read per contact.
  const c = { node, id, top: idTop(id) };
  Object.defineProperty(c, 'top', { enumerable: false, writable: false, configurable: false });
  return c;
}

/** The first 7 hex digits of `c`'s id as an integer (`idTop`), from its `top` bits when it has them. */
export function contactTop(c: Contact): number {
  const top = (c as { top?: number }).top;
  return top === undefined ? idTop(c.id) : top;
}

/** The distance key of `c` from digit 0. */
function topKey(c: Contact, targetTop: number): number {
  return contactTop(c) ^ targetTop;
}

/**
 * Which of contacts `a` and `b` is closer to `target` (whose `idTop` is
 * `targetTop`): negative when `a` is, as `compareDistance` of their ids —
 * from their top bits, reading the ids only on a tie.
 */
export function compareContacts(a: Contact, b: Contact, target: Id, targetTop: number): number {
  const x = contactTop(a) ^ targetTop;
  const y = contactTop(b) ^ targetTop;
  return x !== y ? x - y : compareDistance(a.id, b.id, target);
}

export interface Bucket {
  /** The bucket's distance range is [2^i, 2^(i+1)). */
  readonly i: number;
  /** At most k contacts, least recently seen first. */
  readonly contacts: readonly Contact[];
  /** The replacement cache (§4.1): contacts seen while the bucket was full, most recent last. */
  readonly cache: readonly Contact[];
  /** Contacts whose last RPC timed out, with the number of timeouts in a row. */
  readonly stale: Readonly<Record<NodeId, number>>;
  /** The least recently seen contact, pinged before evicting it (§2.2), or null. */
  readonly probe: NodeId | null;
  /** When this node last looked up an id in this bucket's range (for the hourly refresh, §2.3). */
  readonly looked: number;
}

/** Buckets that hold contacts or cached replacements, by descending index. */
export type Table = readonly Bucket[];

const NO_STALE: Readonly<Record<NodeId, number>> = Object.freeze({});
const NONE: readonly Contact[] = Object.freeze([]) as readonly Contact[];

export const EMPTY_TABLE: Table = Object.freeze([]) as Table;

/** What `observe` did: the new table, and a contact to ping before evicting it (§2.2), if any. */
export interface Observed {
  readonly table: Table;
  /** The least recently seen contact, to be pinged: the new contact waits in the replacement cache. */
  readonly ping: Contact | null;
  /** true when the contact entered a bucket it was not in (a node new to this table). */
  readonly added: boolean;
}

/** Deliberate mistakes, for the bug-switch scenarios (each breaks one invariant). */
export interface TableBugs {
  /** Append to a full bucket instead of caching and pinging (breaks `bucket_size`). */
  readonly skipEviction?: boolean;
  /** File contacts one bucket too far (breaks `bucket_prefix`). */
  readonly offByOne?: boolean;
  /** Do not refuse the node's own id (breaks `no_self_contact`). */
  readonly addSelf?: boolean;
}

const NO_BUGS: TableBugs = {};

/** Position of bucket `i` in the table, or where it would go (as -(pos + 1)). */
function find(table: Table, i: number): number {
  // The buckets from the farthest down are usually all there (each holds half the ids of the one before): try that place first.
  const guess = table.length > 0 ? table[0]!.i - i : -1;
  if (guess >= 0 && guess < table.length && table[guess]!.i === i) return guess;
  let lo = 0;
  let hi = table.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const b = table[mid]!.i;
    if (b === i) return mid;
    if (b > i) lo = mid + 1;
    else hi = mid - 1;
  }
  return -(lo + 1);
}

export function bucketAt(table: Table, i: number): Bucket | undefined {
  const at = find(table, i);
  return at >= 0 ? table[at] : undefined;
}

/**
 * The table with `b` in place of its bucket (added, or dropped when it holds
 * nothing). Arrays kept in states are built at their exact length: V8 gives
 * `[...list, x]` room for about twice its length, which the trace would keep
 * with every version (`concat` and `slice` allocate exactly).
 */
function put(table: Table, b: Bucket): Table {
  const at = find(table, b.i);
  if (at < 0) return table.slice(0, -(at + 1)).concat(b, table.slice(-(at + 1)));
  if (b.contacts.length === 0 && b.cache.length === 0 && b.looked === 0) return table.slice(0, at).concat(table.slice(at + 1));
  const out = table.slice();
  out[at] = b;
  return out;
}

const BucketRecord = record<Bucket>()(function (i: number, contacts: readonly Contact[], cache: readonly Contact[], stale: Readonly<Record<NodeId, number>>, probe: NodeId | null, looked: number) {
  this.i = i;
  this.contacts = contacts;
  this.cache = cache;
  this.stale = stale;
  this.probe = probe;
  this.looked = looked;
});

function emptyBucket(i: number): Bucket {
  return new BucketRecord(i, NONE, NONE, NO_STALE, null, 0);
}

/** A bucket like `b` with some fields replaced (every Bucket is a BucketRecord: one hidden class). */
function bucket(b: Bucket, contacts: readonly Contact[], cache: readonly Contact[], stale: Readonly<Record<NodeId, number>>, probe: NodeId | null, looked = b.looked): Bucket {
  return new BucketRecord(b.i, contacts, cache, stale, probe, looked);
}

/** `list` without element `j`, and `x` at the tail: a contact seen again, or one replaced by the contact just seen (a copy). */
function toTail(list: readonly Contact[], j: number, x: Contact): Contact[] {
  const out = list.slice(); // at its exact length: the trace keeps it
  out.copyWithin(j, j + 1);
  out[out.length - 1] = x;
  return out;
}

function indexOf(list: readonly Contact[], node: NodeId): number {
  for (let j = 0; j < list.length; j++) if (list[j]!.node === node) return j;
  return -1;
}

/** Where `c` is in `list`: by identity first (contacts are shared objects, and comparing references reads no contact), then by name. */
function findContact(list: readonly Contact[], c: Contact): number {
  for (let j = 0; j < list.length; j++) if (list[j] === c) return j;
  return indexOf(list, c.node);
}

function without(list: readonly Contact[], j: number): Contact[] {
  const out = list.slice();
  out.splice(j, 1);
  return out;
}

function withoutKey(r: Readonly<Record<NodeId, number>>, key: NodeId): Readonly<Record<NodeId, number>> {
  if (!(key in r)) return r;
  let out: Record<NodeId, number> | null = null;
  for (const k in r) {
    if (k === key) continue;
    (out ??= {})[k] = r[k]!;
  }
  return out ?? NO_STALE;
}

/** The bucket a contact goes in (with the off-by-one bug: the next one out). */
export function bucketFor(self: Id, other: Id, bits: number, bugs: TableBugs = NO_BUGS): number {
  return filed(bucketIndex(self, other), bits, bugs);
}

/** Where bucket index i (-1: the node itself) is filed, with the bugs. */
function filed(i: number, bits: number, bugs: TableBugs): number {
  if (i < 0) return bugs.addSelf ? 0 : -1;
  return bugs.offByOne ? Math.min(bits - 1, i + 1) : i;
}

/**
 * `bucketIndex(self, c.id)` from the top 28 bits when they differ (as they
 * do for all but the nearest few contacts), without reading `c`'s id: bit b
 * of the top bits is bit 4n - 28 + b of an n-digit id.
 */
function contactBucket(self: Id, c: Contact): number {
  const t = idTop(self) ^ contactTop(c);
  return t !== 0 ? 4 * self.length + 3 - Math.clz32(t) : bucketIndex(self, c.id);
}

/**
 * §2.2: a message arrived from `contact` — update its bucket. `k`
 * is the bucket size; the replacement cache holds up to k as well.
 */
export function observe(table: Table, self: Id, contact: Contact, k: number, bits: number, bugs: TableBugs = NO_BUGS): Observed {
  const i = filed(contactBucket(self, contact), bits, bugs);
  if (i < 0) return { table, ping: null, added: false };
  const old = bucketAt(table, i) ?? emptyBucket(i);
  const j = findContact(old.contacts, contact);
  if (j >= 0) {
    // Known: the most recently seen now; it answered, so it is neither stale nor being probed.
    const stale = withoutKey(old.stale, contact.node);
    const probe = old.probe === contact.node ? null : old.probe;
    const same = old.contacts[j]!.id === contact.id;
    if (j === old.contacts.length - 1 && stale === old.stale && probe === old.probe && same) return { table, ping: null, added: false };
    const contacts = toTail(old.contacts, j, same ? old.contacts[j]! : contact);
    return { table: put(table, bucket(old, contacts, old.cache, stale, probe)), ping: null, added: false };
  }
  const cacheAt = indexOf(old.cache, contact.node);
  const cacheWithout = cacheAt >= 0 ? without(old.cache, cacheAt) : old.cache;
  if (old.contacts.length < k || bugs.skipEviction) {
    return { table: put(table, bucket(old, old.contacts.concat(contact), cacheWithout, old.stale, old.probe)), ping: null, added: true };
  }
  // Full. A stale contact makes room at once (§4.1); otherwise the newcomer waits in the cache and the least recently seen is probed.
  const staleAt = firstStale(old);
  if (staleAt >= 0) {
    const gone = old.contacts[staleAt]!.node;
    const b = bucket(old, toTail(old.contacts, staleAt, contact), cacheWithout, withoutKey(old.stale, gone), old.probe === gone ? null : old.probe);
    return { table: put(table, b), ping: null, added: true };
  }
  const cache = (cacheWithout.length < k ? cacheWithout : cacheWithout.slice(1)).concat(contact);
  const ping = old.probe === null ? old.contacts[0]! : null;
  return { table: put(table, bucket(old, old.contacts, cache, old.stale, ping !== null ? ping.node : old.probe)), ping, added: false };
}

function firstStale(b: Bucket): number {
  if (b.stale === NO_STALE) return -1;
  for (let j = 0; j < b.contacts.length; j++) if (b.contacts[j]!.node in b.stale) return j;
  return -1;
}

/**
 * An RPC to `contact` timed out (§4.1). The contact is marked
 * stale; if the bucket's replacement cache has a candidate, the most
 * recently seen one replaces it at once (this is also how a failed
 * ping-before-evict ends); the replacement counts as seen now (the tail).
 */
export function failed(table: Table, self: Id, contact: Contact, bits: number, bugs: TableBugs = NO_BUGS): Table {
  const i = filed(contactBucket(self, contact), bits, bugs);
  if (i < 0) return table;
  const old = bucketAt(table, i);
  if (old === undefined) return table;
  const j = findContact(old.contacts, contact);
  if (j < 0) return table;
  const probe = old.probe === contact.node ? null : old.probe;
  if (old.cache.length > 0) {
    const next = old.cache[old.cache.length - 1]!;
    return put(table, bucket(old, toTail(old.contacts, j, next), old.cache.slice(0, -1), withoutKey(old.stale, contact.node), probe));
  }
  const stale = { ...old.stale, [contact.node]: (old.stale[contact.node] ?? 0) + 1 };
  return put(table, bucket(old, old.contacts, old.cache, stale, probe));
}

/** Whether `contact` is marked stale in its bucket. */
export function isStale(table: Table, self: Id, contact: Contact): boolean {
  const b = bucketAt(table, bucketIndex(self, contact.id));
  return b !== undefined && contact.node in b.stale;
}

/** Records that this node looked up an id in bucket i's range at `now` (for refresh). */
export function touched(table: Table, i: number, now: number): Table {
  if (i < 0) return table;
  const old = bucketAt(table, i) ?? emptyBucket(i);
  if (old.looked === now) return table;
  return put(table, bucket(old, old.contacts, old.cache, old.stale, old.probe, now));
}

/**
 * The `n` contacts closest to `target`, closest first, skipping stale ones
 * and `skip` (the requester, when answering FIND_NODE).
 *
 * With t = the bucket index of the target, XOR orders the buckets for free:
 * contacts in bucket t are closer to the target than every other contact
 * (their distance is below 2^t), then come all buckets below t (distance in
 * [2^t, 2^(t+1))), then buckets t+1, t+2, … in turn. So only the contacts of
 * the buckets actually needed are sorted.
 */
export function closest(table: Table, self: Id, target: Id, n: number, skip?: NodeId): Contact[] {
  if (n <= 0 || table.length === 0) return [];
  const out = found;
  out.length = 0;
  const t = bucketIndex(self, target);
  // Buckets are stored by descending index: those at or below t sit at the end, from `low` on.
  const at = find(table, t);
  const low = at >= 0 ? at : -(at + 1);
  let from = low;
  if (t >= 0 && from < table.length && table[from]!.i === t) {
    addSorted(out, table[from]!, target, n, skip, out.length, t);
    from++;
  }
  if (out.length < n && t >= 0) {
    // Buckets below t all lie in [2^t, 2^(t+1)) of the target: one group, sorted together.
    const mark = out.length;
    for (let j = from; j < table.length; j++) addSorted(out, table[j]!, target, n, skip, mark, t);
  }
  for (let j = low - 1; j >= 0 && out.length < n; j--) addSorted(out, table[j]!, target, n, skip, out.length, table[j]!.i);
  return out.slice(); // a copy at its exact length: it is kept in a message
}

/** The contacts found so far and their sort keys (scratch space reused by every call; nothing is kept between calls). */
const found: Contact[] = [];
const keys: number[] = [];

/**
 * Inserts bucket `b`'s usable contacts into `out[mark..]`, kept sorted by
 * distance to `target` and at most `n` long: an insertion sort (groups are
 * about k contacts) on a number per contact — 7 hex digits (28 bits) of its
 * distance, from the digit holding bit `g`, the highest bit any distance in
 * the group can have — with ties settled digit by digit. When that digit is
 * among the first 7, the number comes from the contacts' `top` bits.
 */
function addSorted(out: Contact[], b: Bucket, target: Id, n: number, skip: NodeId | undefined, mark: number, g: number): void {
  const list = b.contacts;
  const stale = b.stale === NO_STALE ? null : b.stale;
  const from = target.length - 1 - (g >> 2);
  const targetTop = from < 7 ? idTop(target) : 0;
  for (let j = 0; j < list.length; j++) {
    const c = list[j]!;
    if ((skip !== undefined && c.node === skip) || (stale !== null && c.node in stale)) continue;
    const key = from < 7 ? topKey(c, targetTop) : distanceKey(c.id, target, from);
    let at = out.length;
    while (at > mark && (keys[at - 1]! > key || (keys[at - 1] === key && compareDistance(out[at - 1]!.id, c.id, target) > 0))) at--;
    if (at >= n) continue;
    if (out.length < n) out.push(c);
    for (let m = out.length - 1; m > at; m--) {
      out[m] = out[m - 1]!;
      keys[m] = keys[m - 1]!;
    }
    out[at] = c;
    keys[at] = key;
  }
}

/** Every contact in the table (bucket by bucket, farthest first). */
export function contacts(table: Table): Contact[] {
  const out: Contact[] = [];
  for (const b of table) for (const c of b.contacts) out.push(c);
  return out;
}

export function contactCount(table: Table): number {
  let n = 0;
  for (const b of table) n += b.contacts.length;
  return n;
}

/** The index of the nearest non-empty bucket (the one holding the closest neighbour), or -1. */
export function nearestBucket(table: Table): number {
  for (let j = table.length - 1; j >= 0; j--) if (table[j]!.contacts.length > 0) return table[j]!.i;
  return -1;
}
