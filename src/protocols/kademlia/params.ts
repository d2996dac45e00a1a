/**
 * Kademlia's parameters: the paper's constants (§2: k = 20, α = 3, ids of
 * 160 bits; §2.3: hourly refresh and republish, 24-hour expiry), how the
 * network forms (`size`, `initial`, `bootstrap`, `join_gap`), a churn model
 * and a background lookup workload — both run on each node's own timers and
 * random stream, so they need no grammar of their own — and the bug
 * switches. `config` reads them once per run into a typed record.
 */
import type { NodeId, Params } from '../../engine/protocol.js';
import type { ParamSpec } from '../../engine/vocabulary.js';
import { MAX_BITS } from './ids.js';
import type { TableBugs } from './table.js';

const S = 1_000_000;
const MS = 1_000;

/** The largest `size` a scenario may ask for. */
export const MAX_SIZE = 100_000;

export const params: readonly ParamSpec[] = [
  { name: 'id_bits', type: 'int', default: 160, min: 1, max: MAX_BITS, doc: 'Bits in node ids and keys (§2: 160; 8 or 16 make pictures readable). Ids show in the trace as hex.' },
  { name: 'k', type: 'int', default: 20, min: 1, max: 100, doc: 'Bucket size and replication factor k (§2.2: 20): contacts per k-bucket, nodes a lookup returns and a value is stored on.' },
  { name: 'alpha', type: 'int', default: 3, min: 1, max: 20, doc: 'α, the lookup\'s parallelism (§2.3: 3): FIND_NODE RPCs in flight per lookup.' },
  { name: 'rpc_timeout', type: 'duration', default: 200 * MS, min: 1, doc: 'An RPC without a reply after this long has failed: its contact is marked stale (§4.1).' },
  { name: 'refresh', type: 'duration', default: 3600 * S, min: 1, doc: 'A bucket not looked into for this long is refreshed by a lookup of a random id in its range (§2.3: an hour).' },
  { name: 'republish', type: 'duration', default: 3600 * S, min: 1, doc: 'Holders republish their key/value pairs this often (§2.3: hourly), skipping pairs stored to them meanwhile (§2.5).' },
  { name: 'expire', type: 'duration', default: 86_400 * S, min: 1, doc: 'A value expires this long after its publication unless its publisher renews it (§2.3: 24 hours).' },
  { name: 'cache', type: 'bool', default: true, doc: 'After a successful FIND_VALUE, store the pair at the closest node on the path that lacked it (§2.3), expiring sooner the farther it is from the key.' },
  { name: 'join_refresh', type: 'bool', default: true, doc: 'A joining node refreshes every bucket farther than its closest neighbour (§2.3) after looking up its own id.' },
  { name: 'size', type: 'int', default: 0, min: 0, max: MAX_SIZE, doc: 'Network size: the protocol adds nodes n1..nN that the cluster does not declare (0 = only the declared nodes).' },
  { name: 'initial', type: 'int', default: 0, min: 0, max: MAX_SIZE, doc: 'How many nodes (the first ones) join at the start; the rest wait for a `join` operation. 0 = all.' },
  { name: 'bootstrap', type: 'string', default: '', doc: 'The node everyone joins through (it starts the network alone and never churns). Default: the first node.' },
  { name: 'join_gap', type: 'duration', default: 10 * MS, min: 0, doc: 'The i-th node starts joining i × join_gap after the start (0 = all at once).' },
  { name: 'churn_session', type: 'duration', default: 0, min: 0, doc: 'Churn: mean time a node stays in the network (exponential); it then leaves silently. 0 = no churn.' },
  { name: 'churn_downtime', type: 'duration', default: 10 * S, min: 1, doc: 'Churn: mean time a node that left stays away (exponential) before it joins again with the same id.' },
  { name: 'churn_from', type: 'duration', default: 0, min: 0, doc: 'Churn starts this long after the start of the run.' },
  { name: 'lookup_every', type: 'duration', default: 0, min: 0, doc: 'Workload: each joined node looks up a random id at this mean interval (exponential). 0 = none.' },
  { name: 'lookups_from', type: 'duration', default: 0, min: 0, doc: 'Workload: no node starts a workload lookup before this time.' },
  { name: 'id', type: 'string', default: '', scope: 'node', doc: 'This node\'s id in hex (e.g. "3f"); default: drawn from the seed (a fixed permutation of positions for id_bits ≤ 52).' },
  { name: 'bug_skip_eviction', type: 'bool', default: false, doc: 'BUG: a full bucket takes new contacts anyway instead of pinging its head first; breaks `bucket_size`.' },
  { name: 'bug_bucket_off_by_one', type: 'bool', default: false, doc: 'BUG: contacts are filed one bucket too far out; breaks `bucket_prefix`.' },
  { name: 'bug_add_self', type: 'bool', default: false, doc: 'BUG: the contacts a NODES reply lists go into the routing table unchecked, the node\'s own id included; breaks `no_self_contact`.' },
  { name: 'bug_flood', type: 'bool', default: false, doc: 'BUG: a lookup asks every one of its k closest candidates at once instead of α at a time; breaks `lookup_alpha`.' },
  { name: 'bug_stop_early', type: 'bool', default: false, doc: 'BUG: a lookup ends at the first reply that brings nothing closer, before its k closest have answered; breaks `lookup_finds_closest`.' },
  { name: 'bug_store_one', type: 'bool', default: false, doc: 'BUG: STORE goes to the single closest node instead of the k closest; breaks `value_retrievable` when that node fails.' },
];

export interface Config {
  readonly bits: number;
  readonly k: number;
  readonly alpha: number;
  readonly rpcTimeout: number;
  readonly refresh: number;
  readonly republish: number;
  readonly expire: number;
  readonly cache: boolean;
  readonly joinRefresh: boolean;
  readonly size: number;
  readonly initial: number;
  readonly bootstrap: string;
  readonly joinGap: number;
  readonly churnSession: number;
  readonly churnDowntime: number;
  readonly churnFrom: number;
  readonly lookupEvery: number;
  readonly lookupsFrom: number;
  readonly table: TableBugs;
  readonly flood: boolean;
  readonly stopEarly: boolean;
  readonly storeOne: boolean;
}

function num(p: Params, name: string, fallback: number): number {
  const v = p[name];
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

function bool(p: Params, name: string): boolean {
  return p[name] === true;
}

const configs = new WeakMap<Params, Config>();

/** The run's parameters as a typed record (read once per params object; params never change during a run). */
export function config(p: Params): Config {
  let c = configs.get(p);
  if (c !== undefined) return c;
  const int = (name: string, fallback: number, min: number, max: number): number => Math.min(max, Math.max(min, Math.round(num(p, name, fallback))));
  c = {
    bits: int('id_bits', 160, 1, MAX_BITS),
    k: int('k', 20, 1, 100),
    alpha: int('alpha', 3, 1, 20),
    rpcTimeout: int('rpc_timeout', 200 * MS, 1, Number.MAX_SAFE_INTEGER),
    refresh: int('refresh', 3600 * S, 1, Number.MAX_SAFE_INTEGER),
    republish: int('republish', 3600 * S, 1, Number.MAX_SAFE_INTEGER),
    expire: int('expire', 86_400 * S, 1, Number.MAX_SAFE_INTEGER),
    cache: p['cache'] !== false,
    joinRefresh: p['join_refresh'] !== false,
    size: int('size', 0, 0, MAX_SIZE),
    initial: int('initial', 0, 0, MAX_SIZE),
    bootstrap: typeof p['bootstrap'] === 'string' ? p['bootstrap'] : '',
    joinGap: int('join_gap', 10 * MS, 0, Number.MAX_SAFE_INTEGER),
    churnSession: int('churn_session', 0, 0, Number.MAX_SAFE_INTEGER),
    churnDowntime: int('churn_downtime', 10 * S, 1, Number.MAX_SAFE_INTEGER),
    churnFrom: int('churn_from', 0, 0, Number.MAX_SAFE_INTEGER),
    lookupEvery: int('lookup_every', 0, 0, Number.MAX_SAFE_INTEGER),
    lookupsFrom: int('lookups_from', 0, 0, Number.MAX_SAFE_INTEGER),
    table: { skipEviction: bool(p, 'bug_skip_eviction'), offByOne: bool(p, 'bug_bucket_off_by_one'), addSelf: bool(p, 'bug_add_self') },
    flood: bool(p, 'bug_flood'),
    stopEarly: bool(p, 'bug_stop_early'),
    storeOne: bool(p, 'bug_store_one'),
  };
  configs.set(p, c);
  return c;
}

/** The nodes `size` adds: n1..nN (those the cluster declares are kept as declared, by the simulator). */
export function sizedNodes(p: Params): { id: NodeId; role?: string }[] {
  const n = Math.min(MAX_SIZE, Math.max(0, Math.round(num(p, 'size', 0))));
  const out: { id: NodeId; role?: string }[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = { id: `n${i + 1}` };
  return out;
}

const positions = new WeakMap<readonly NodeId[], Map<NodeId, number>>();

/** A node's position among the run's nodes (the simulator hands every node the same array). */
export function positionOf(nodes: readonly NodeId[], id: NodeId): number {
  let m = positions.get(nodes);
  if (m === undefined) {
    m = new Map(nodes.map((n, i) => [n, i]));
    positions.set(nodes, m);
  }
  return m.get(id) ?? -1;
}

/** The bootstrap node: the `bootstrap` parameter if it names a node, else the first node. */
export function bootstrapOf(nodes: readonly NodeId[], c: Config): NodeId {
  return c.bootstrap !== '' && positionOf(nodes, c.bootstrap) >= 0 ? c.bootstrap : nodes[0]!;
}
