/**
 * What a scenario may say about the `kademlia` protocol: parameters,
 * client operations, invariants, queries, messages and metrics, each with
 * the one-line doc that hover and completion show.
 */
import type { OpSpec, Vocabulary } from '../../engine/vocabulary.js';
import { invariants } from './invariants.js';
import { messages } from './messages.js';
import { params } from './params.js';
import { queries } from './queries.js';
import type { KademliaState } from './state.js';

export const ops: readonly OpSpec[] = [
  {
    name: 'lookup', template: 'lookup [id <id:key>] [<target:key>]',
    doc: 'Find the k nodes closest to a key\'s id (`lookup apple`), to an id in hex (`lookup id "3f"`) or to a random id (`lookup random`); replies with them, the hops and the messages.',
    args: [{ name: 'id', type: 'key' }, { name: 'target', type: 'key' }],
  },
  { name: 'store', template: 'store <key:key> = <value:value>', doc: 'Store a value on the k nodes closest to the key\'s id (a lookup, then STORE RPCs); replies with the nodes that acknowledged.', args: [{ name: 'key', type: 'key' }, { name: 'value', type: 'value' }] },
  { name: 'find', template: 'find <key:key>', doc: 'Look a key\'s value up with FIND_VALUE; replies with the value and where it was found, or fails if no node on the way has it.', args: [{ name: 'key', type: 'key' }] },
  { name: 'join', template: 'join <node:node> via <via:node>', doc: 'The node joins the network through `via`: it pings it, looks up its own id and refreshes its farther buckets (goes to the joining node).', args: [{ name: 'node', type: 'node' }, { name: 'via', type: 'node' }] },
  { name: 'leave', template: 'leave', doc: 'The node leaves the network silently (Kademlia has no goodbye): it forgets its contacts and values and stops answering.', args: [] },
];

export const vocabulary: Vocabulary<KademliaState> = {
  doc: 'Kademlia (Maymounkov & Mazières 2002): XOR distance, k-buckets, α-parallel iterative lookups, values on the k closest nodes, churn.',
  params,
  ops,
  invariants,
  queries,
  messages,
  metrics: [
    { name: 'lookups', doc: 'Lookups completed (`lookup` operations and workload lookups).' },
    { name: 'lookup_hops_mean', doc: 'Mean hops per lookup: how many RPCs deep the closest node found was (grows as log N).' },
    { name: 'lookup_hops_max', doc: 'Most hops of any lookup.' },
    { name: 'lookup_hops_over_log2n', doc: 'Mean of hops / log2(live nodes) per lookup: below 1 means fewer hops than a binary search of the network.' },
    { name: 'lookup_rounds_mean', doc: 'Mean rounds per lookup: the deepest hop it asked, including the final round over the k closest.' },
    { name: 'lookup_messages_mean', doc: 'Mean messages per lookup (RPCs sent and replies received).' },
    { name: 'lookup_latency_ms_mean', doc: 'Mean lookup latency in ms (simulated).' },
    { name: 'lookup_latency_ms_p99', doc: '99th percentile of lookup latency in ms.' },
    { name: 'lookup_success', doc: 'Fraction of lookups that found the live node closest to their target.' },
    { name: 'lookup_exact', doc: 'Fraction of lookups that returned exactly the k live nodes closest to their target (the brute-force oracle).' },
    { name: 'finds', doc: '`find` operations of stored keys that completed.' },
    { name: 'value_availability', doc: 'Fraction of those finds that found the value.' },
    { name: 'value_replicas_mean', doc: 'At the end: mean number of live nodes holding each stored value (cached copies excluded).' },
    { name: 'departures', doc: 'Times a node left the network or crashed.' },
    { name: 'live_nodes', doc: 'At the end: nodes in the network (joined or joining, and up).' },
    { name: 'table_contacts_mean', doc: 'At the end: mean contacts per live node\'s routing table.' },
    { name: 'table_buckets_mean', doc: 'At the end: mean non-empty k-buckets per live node.' },
    { name: 'table_fill', doc: 'At the end: mean fraction of the live contacts a node could hold (min(k, live nodes in the range) per bucket) that it holds.' },
  ],
};
