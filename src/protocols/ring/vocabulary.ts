/**
 * What a scenario may say about the `ring` protocol: parameters (cluster and
 * per-node `weight`), client operations, invariants, queries, messages and
 * metrics, each with the one-line doc that hover and completion show.
 */
import type { NodeId } from '../../engine/protocol.js';
import type { OpSpec, ParamSpec, QuerySpec, Vocabulary } from '../../engine/vocabulary.js';
import { invariants, routerOf } from './invariants.js';
import { MAX_KEYS } from './machine.js';
import { messages } from './messages.js';
import { RING_HASHES, RING_MODES } from './ring.js';
import { DEFAULTS, ringOf, ringParams, type RingState } from './state.js';

export const params: readonly ParamSpec[] = [
  { name: 'vnodes', type: 'int', default: DEFAULTS.vnodes, min: 1, max: 10_000, doc: 'Virtual nodes per unit of weight (ketama: hashes per server, 4 points each).' },
  { name: 'hash', type: 'enum', default: DEFAULTS.hash, choices: RING_HASHES, doc: 'Hash for keys and points: md5 (default), sha1, fnv1a, murmur3 or xxhash64.' },
  { name: 'mode', type: 'enum', default: DEFAULTS.mode, choices: RING_MODES, doc: 'standard: vnodes·weight points per node; ketama: libketama / `hashring` npm points (identical mapping).' },
  { name: 'replicas', type: 'int', default: DEFAULTS.replicas, min: 1, max: 100, doc: 'N: length of a key\'s preference list (distinct physical nodes).' },
  { name: 'initial', type: 'int', default: DEFAULTS.initial, min: 0, doc: 'How many of the declared nodes start in the ring (the first ones); 0 = all.' },
  { name: 'weight', type: 'int', default: 1, min: 1, max: 1000, scope: 'node', doc: 'This node\'s weight: its share of points and keys.' },
  { name: 'bug_vnode_preference', type: 'bool', default: false,
    doc: 'BUG: a preference list of the next N points clockwise, so two vnodes of one server can hold two replicas (Dynamo §4.3 skips them).' },
  { name: 'bug_no_decrement', type: 'bool', default: false,
    doc: 'BUG: after add/remove the router adds the keys each node gains but never subtracts the keys it loses.' },
];

export const ops: readonly OpSpec[] = [
  { name: 'place', template: 'place <count:int> keys', doc: 'Place the keys key-0 … key-(N-1) on the ring (replaces the previous placement).', args: [{ name: 'count', type: 'int', min: 0, max: MAX_KEYS }] },
  { name: 'locate', template: 'locate <key:key>', doc: 'Reply with the node that owns a key.', args: [{ name: 'key', type: 'key' }] },
  { name: 'add', template: 'add <node:node> [weight <weight:int>]', doc: 'Add a node to the ring (weight defaults to its `weight` parameter); moves keys to it.', args: [{ name: 'node', type: 'node' }, { name: 'weight', type: 'int', min: 1, max: 1000 }] },
  { name: 'remove', template: 'remove <node:node>', doc: 'Remove a node from the ring; its keys move to their new owners.', args: [{ name: 'node', type: 'node' }] },
  { name: 'preference', template: 'preference <key:key>', doc: 'Reply with the key\'s preference list: the first N distinct nodes clockwise.', args: [{ name: 'key', type: 'key' }] },
];

type Q = QuerySpec<RingState>;

const keyOf = (args: Readonly<Record<string, unknown>>): string => (typeof args['key'] === 'string' ? args['key'] : JSON.stringify(args['key'] ?? null));

export const queries: readonly Q[] = [
  {
    name: 'owner', template: 'owner <key:key>', doc: 'The node that owns a key.', args: [{ name: 'key', type: 'key' }], returns: 'string',
    evaluate: (world, args) => { const s = routerOf(world); return (s && ringOf(s, world.params).locate(keyOf(args))) ?? null; },
  },
  {
    name: 'preference', template: 'preference <key:key>', doc: 'A key\'s preference list (N distinct nodes).', args: [{ name: 'key', type: 'key' }], returns: 'nodes',
    evaluate: (world, args): NodeId[] => { const s = routerOf(world); return s ? ringOf(s, world.params).preference(keyOf(args), ringParams(world.params).replicas) : []; },
  },
  {
    name: 'load', template: 'load <node:node>', doc: 'Keys the router has placed on a node.', args: [{ name: 'node', type: 'node' }], returns: 'number',
    evaluate: (world, args) => { const s = routerOf(world); const n = args['node']; return s && typeof n === 'string' ? s.load[n] ?? 0 : 0; },
  },
  {
    name: 'members', template: 'members', doc: 'The nodes currently in the ring.', args: [], returns: 'nodes',
    evaluate: (world): NodeId[] => [...(routerOf(world)?.members ?? [])],
  },
];

export const vocabulary: Vocabulary<RingState> = {
  doc: 'Consistent hashing with virtual nodes, weights, replicas and a ketama-compatible mode; shows balance and key movement.',
  params,
  ops,
  invariants,
  queries,
  messages,
  metrics: [
    { name: 'keys', doc: 'Keys placed.' },
    { name: 'members', doc: 'Nodes in the ring.' },
    { name: 'load_max', doc: 'Most keys on one node.' },
    { name: 'load_min', doc: 'Fewest keys on one node.' },
    { name: 'load_max_over_mean', doc: 'Worst node\'s load over its weighted fair share (1 = perfect).' },
    { name: 'load_cv', doc: 'Coefficient of variation of the weighted loads (0 = perfect).' },
    { name: 'moved_keys', doc: 'Keys that changed owner in the last add/remove.' },
    { name: 'moved_fraction', doc: 'moved_keys / keys (≈ 1/(n+1) for an add to n nodes).' },
    { name: 'moved_to_new_only', doc: '1 if the last add moved keys only to the added node.' },
    { name: 'moved_from_removed_only', doc: '1 if the last remove moved only the removed node\'s keys.' },
  ],
};
