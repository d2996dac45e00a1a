/**
 * Messages of the `ring` protocol. Data movement is batched per server: one
 * message per (router → server) or (server → server) pair per change, never
 * one per key, so a 100 000-key move is a handful of trace events.
 */
import type { MessageSpec } from '../../engine/vocabulary.js';

/** router → member after `place`: you now hold `keys` keys. */
export interface Store { readonly type: 'Store'; readonly body: { readonly keys: number } }
/** router → new member on `add`: you are in the ring with this weight. */
export interface Join { readonly type: 'Join'; readonly body: { readonly weight: number } }
/** router → a member losing keys: send `moves[target]` keys to each target; `leave` if it leaves the ring. */
export interface Handoff { readonly type: 'Handoff'; readonly body: { readonly moves: Readonly<Record<string, number>>; readonly leave: boolean } }
/** member → member: here are `keys` keys. */
export interface Transfer { readonly type: 'Transfer'; readonly body: { readonly keys: number } }

export type RingMessage = Store | Join | Handoff | Transfer;

export const messages: readonly MessageSpec[] = [
  { type: 'Store', doc: 'Router → member after `place`: the number of keys it now holds.' },
  { type: 'Join', doc: 'Router → the added member: it is now in the ring (with its weight).' },
  { type: 'Handoff', doc: 'Router → a member losing keys: how many to send to each new owner.' },
  { type: 'Transfer', doc: 'Member → member: a batch of keys changing owner.' },
];
