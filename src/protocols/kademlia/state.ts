/**
 * A Kademlia node's state (§2.2): its contact (scenario name and id), its
 * k-buckets, the key/value pairs it holds, the lookups and RPCs in flight,
 * and the last lookup it completed — which the checks compare with the true
 * k closest nodes and the viewer draws. Every field is JSON and every value
 * immutable: the trace keeps each version, sharing what did not change.
 */
import type { Json, NodeId } from '../../engine/protocol.js';
import type { Id } from './ids.js';
import { record } from './_records.js';
import type { Candidate, Lookup, LookupKind } from './lookup.js';
import { EMPTY_TABLE, type Contact, type Table } from './table.js';

/** `out`: not in the network (never joined, left, or failed to join); `joining`: between the bootstrap PING and the end of the join's lookups. */
export type Phase = 'out' | 'joining' | 'joined';

/** A key/value pair a node holds (§2.3). */
export interface Stored {
  readonly key: string;
  readonly value: Json;
  /** When it expires (µs): 24 h after publication, unless renewed; sooner for a cached copy. */
  readonly expires: number;
  /** When a STORE for it last arrived (a pair stored to the node within the hour is not republished by it, §2.5). */
  readonly at: number;
  /** A copy cached along a FIND_VALUE path (not republished). */
  readonly cached: boolean;
}

/** A pair this node published, which it renews before it expires (§2.3). */
export interface Published {
  readonly key: string;
  readonly value: Json;
  readonly at: number;
}

/**
 * An RPC awaiting its reply that no lookup tracks itself: a PING (to the
 * bootstrap node, or before evicting a contact) or a STORE. A lookup's own
 * FIND_NODE / FIND_VALUE RPCs are marked on its candidates (lookup.ts).
 */
export interface Rpc {
  readonly n: number;
  readonly to: Contact;
  readonly kind: 'ping' | 'store' | 'join';
  /** The lookup it serves (a store's), or -1. */
  readonly lookup: number;
  /** When it times out (µs). */
  readonly at: number;
}

/** A completed lookup, as the checks and the viewer read it. */
export interface Done {
  readonly n: number;
  readonly kind: LookupKind;
  readonly target: Id;
  readonly key?: string;
  /** The k closest nodes it found, closest first (for a find that found the value: the candidates when it stopped). */
  readonly result: readonly Contact[];
  /** The candidate list when it ended: who was asked, at which hop, and how it went (the lookup's path). */
  readonly path: readonly Candidate[];
  readonly hops: number;
  readonly rounds: number;
  readonly msgs: number;
  readonly started: number;
  readonly ended: number;
  /** find: whether the value was found. store: the nodes that acknowledged the STORE. */
  readonly found?: boolean;
  readonly storedOn?: readonly NodeId[];
}

export interface KademliaState {
  readonly phase: Phase;
  readonly self: Contact;
  readonly table: Table;
  readonly store: Readonly<Record<Id, Stored>>;
  readonly published: Readonly<Record<Id, Published>>;
  /**
   * Lookups in progress, in the order started. One that ends leaves a null
   * in its place (the list empties when all have ended), so the trace's
   * change is one entry, not the others shifted.
   */
  readonly lookups: readonly (Lookup | null)[];
  /** PINGs and STOREs awaiting a reply, in the order sent (which is deadline order). */
  readonly rpcs: readonly Rpc[];
  /** The deadline the `rpc` timer is armed for (-1: not armed): the earliest of the RPCs in flight when it was armed. */
  readonly armed: number;
  /** The next RPC / lookup number. */
  readonly next: number;
  /** The node this node joined (or is joining) through. */
  readonly via: NodeId | null;
  /** The `join` operation to answer when the join completes. */
  readonly joinOp: string | null;
  /** Lookups completed, and the last one. */
  readonly done: number;
  readonly last: Done | null;
  /**
   * Lookups that completed in the same step as `last`, before it (one RPC
   * timer can end several lookups at once); usually none. The checks judge
   * these and `last` whenever `last` changes.
   */
  readonly also: readonly Done[];
}

export const NO_STORE: Readonly<Record<Id, Stored>> = Object.freeze({});
export const NO_PUBLISHED: Readonly<Record<Id, Published>> = Object.freeze({});
export const NO_LOOKUPS: readonly (Lookup | null)[] = Object.freeze([]) as readonly (Lookup | null)[];
export const NO_DONE: readonly Done[] = Object.freeze([]) as readonly Done[];
const NO_RPCS: readonly Rpc[] = Object.freeze([]) as readonly Rpc[];

/** A state with the fields of `s` (a draft being committed, or another state): every state is one, see _records.ts. */
export const StateRecord = record<KademliaState>()(function (s: KademliaState) {
  this.phase = s.phase;
  this.self = s.self;
  this.table = s.table;
  this.store = s.store;
  this.published = s.published;
  this.lookups = s.lookups;
  this.rpcs = s.rpcs;
  this.armed = s.armed;
  this.next = s.next;
  this.via = s.via;
  this.joinOp = s.joinOp;
  this.done = s.done;
  this.last = s.last;
  this.also = s.also;
});

/** A node outside the network with id `id`. */
export function outState(self: Contact): KademliaState {
  return new StateRecord({
    phase: 'out', self, table: EMPTY_TABLE, store: NO_STORE, published: NO_PUBLISHED,
    lookups: NO_LOOKUPS, rpcs: NO_RPCS, armed: -1, next: 1, via: null, joinOp: null, done: 0, last: null, also: NO_DONE,
  });
}

/** The lookups in progress (skipping the places of those that ended). */
export function activeLookups(s: { readonly lookups: readonly (Lookup | null)[] }): Lookup[] {
  const out: Lookup[] = [];
  for (const lk of s.lookups) if (lk !== null) out.push(lk);
  return out;
}

/** Whether a node's state says it is in the network (joined or joining). */
export function inNetwork(s: KademliaState | null | undefined): boolean {
  return s !== null && s !== undefined && typeof s === 'object' && (s.phase === 'joined' || s.phase === 'joining');
}

/** Whether `v` is a Kademlia state (queries and checks read states that a fault may have left odd). */
export function isState(v: unknown): v is KademliaState {
  return typeof v === 'object' && v !== null && typeof (v as KademliaState).phase === 'string' && typeof (v as KademliaState).self === 'object'
    && Array.isArray((v as KademliaState).table) && Array.isArray((v as KademliaState).lookups);
}

export type { NodeId };
