/**
 * Queries scenarios can ask about a quorum store: whether the replicas have
 * converged, what they hold for a key, the hints waiting for delivery, and
 * the key's preference list (role queries, so `crash coordinator x` works).
 * A crashed node counts with what it has on disk (data.ts) where data is
 * asked about, and never as a node a role query names.
 */
import type { Json, NodeId, NodeView, World } from '../../engine/protocol.js';
import type { QuerySpec } from '../../engine/vocabulary.js';
import { dataOf, versionLists } from './data.js';
import { readParams } from './params.js';
import { homeOf } from './placement.js';
import { hintCount, storedAt, type QuorumState } from './state.js';
import { NO_BUGS, NO_VERSIONS, reconcile, sameVersions, type Versions } from './versions.js';

type QWorld = World<QuorumState>;

const live = (n: NodeView<QuorumState>) => n.status !== 'crashed';

/** The key's home replicas (its preference list, §4.3). */
export function homeReplicas(world: QWorld, key: string): readonly NodeId[] {
  return homeOf(world.nodes.map((n) => n.id), readParams(world.params), key);
}

/** Every key any node holds (in its store or as a hint), sorted. */
export function keysOf(world: QWorld): string[] {
  const keys = new Set<string>();
  for (const n of world.nodes) {
    const d = dataOf(n);
    for (const k of Object.keys(d.store)) keys.add(k);
    for (const h of Object.keys(d.hints)) for (const k of Object.keys(d.hints[h]!)) keys.add(k);
  }
  return [...keys].sort();
}

/** Hinted versions waiting for delivery on live nodes. */
export function hintsOutstanding(world: QWorld): number {
  let n = 0;
  for (const v of world.nodes) if (live(v)) n += hintCount(dataOf(v).hints);
  return n;
}

/**
 * Whether the replicas have converged: no live node keeps a hint, and for
 * every key the live home replicas hold the same versions (Dynamo's eventual
 * consistency, §2: "all updates reach all replicas eventually"). The reason
 * when they have not, for the check's message.
 */
export function divergence(world: QWorld): string | null {
  const p = readParams(world.params);
  const hints = hintsOutstanding(world);
  if (hints > 0) return `${hints} hinted version(s) not yet handed off`;
  const ids = world.nodes.map((n) => n.id);
  for (const key of keysOf(world)) {
    let first: { id: NodeId; v: Versions } | null = null;
    for (const id of homeOf(ids, p, key)) {
      const view = world.node(id);
      if (view === undefined || !live(view)) continue;
      const v = storedAt(dataOf(view).store, key);
      if (first === null) first = { id, v };
      else if (!sameVersions(first.v, v)) return `${JSON.stringify(key)}: ${first.id} and ${id} hold different versions`;
    }
  }
  return null;
}

/** The versions of `key` on its live home replicas (and any hints they keep), reconciled. */
function newestOf(world: QWorld, key: string): Versions {
  const p = readParams(world.params);
  let all: Versions = NO_VERSIONS;
  for (const id of homeReplicas(world, key)) {
    const view = world.node(id);
    if (view === undefined || !live(view)) continue;
    for (const list of versionLists(dataOf(view), key)) all = reconcile(p.mode, all, list, NO_BUGS);
  }
  return all;
}

/** What a read of every live home replica of `key` would return: a value, siblings as "a | b", null when absent. */
export function valueOf(world: QWorld, key: string): Json {
  const all = newestOf(world, key);
  if (all.length === 0) return null;
  if (all.length === 1) return all[0]!.value;
  return all.map((v) => JSON.stringify(v.value)).join(' | ');
}

/**
 * The versions of `key` in the notation of Dynamo's Figure 3: a string value
 * as is, with its vector clock as [node,counter] pairs — `D5([sx,3],[sy,1],[sz,1])`
 * — siblings separated by " | "; in lww mode `D5@1203 by n1`, in abd mode
 * `D5 tag 3.n1`; "" when absent.
 */
export function versionsText(world: QWorld, key: string): string {
  const mode = readParams(world.params).mode;
  return newestOf(world, key).map((v) => {
    const value = typeof v.value === 'string' ? v.value : JSON.stringify(v.value);
    if (mode === 'lww') return `${value}@${v.ts} by ${v.by}`;
    if (mode === 'abd') return `${value} tag ${v.ts}.${v.by}`;
    return `${value}(${Object.entries(v.clock).map(([n, c]) => `[${n},${c}]`).join(',')})`;
  }).join(' | ');
}

/** The most versions (siblings) any node holds for `key`. */
export function siblingsOf(world: QWorld, key: string): number {
  let most = 0;
  for (const n of world.nodes) for (const list of versionLists(dataOf(n), key)) most = Math.max(most, list.length);
  return most;
}

export const queries: readonly QuerySpec<QuorumState>[] = [
  {
    name: 'converged', template: 'converged', args: [], returns: 'bool',
    doc: 'True when no hint waits for delivery and, for every key, the live home replicas hold the same versions.',
    evaluate: (world) => divergence(world) === null,
  },
  {
    name: 'value', template: 'value <key:key>', args: [{ name: 'key', type: 'key' }], returns: 'value',
    doc: 'What the live home replicas of KEY hold, reconciled: one value, siblings as "1 | 2", null when absent.',
    evaluate: (world, args) => valueOf(world, String(args.key)),
  },
  {
    name: 'versions', template: 'versions <key:key>', args: [{ name: 'key', type: 'key' }], returns: 'string',
    doc: 'KEY\'s versions on its live replicas, as in Dynamo\'s Figure 3: "D5([sx,3],[sy,1])", siblings joined by " | " (lww: "v@ts by n", abd: "v tag seq.n").',
    evaluate: (world, args) => versionsText(world, String(args.key)),
  },
  {
    name: 'siblings', template: 'siblings <key:key>', args: [{ name: 'key', type: 'key' }], returns: 'number',
    doc: 'The most concurrent versions (siblings) of KEY any node holds.',
    evaluate: (world, args) => siblingsOf(world, String(args.key)),
  },
  {
    name: 'hints', template: 'hints', args: [], returns: 'number',
    doc: 'Hinted versions live nodes keep for unreachable home replicas, waiting for handoff (§4.6).',
    evaluate: (world) => hintsOutstanding(world),
  },
  {
    name: 'replicas', template: 'replicas <key:key>', args: [{ name: 'key', type: 'key' }], returns: 'nodes',
    doc: 'The live home replicas of KEY: its preference list, the first N distinct nodes clockwise on the ring (§4.3).',
    evaluate: (world, args) => homeReplicas(world, String(args.key)).filter((id) => { const v = world.node(id); return v !== undefined && live(v); }),
  },
  {
    name: 'coordinator', template: 'coordinator <key:key>', args: [{ name: 'key', type: 'key' }], returns: 'nodes',
    doc: 'The first home replica of KEY, its usual coordinator (§4.5), when it is live.',
    evaluate: (world, args) => homeReplicas(world, String(args.key)).slice(0, 1).filter((id) => { const v = world.node(id); return v !== undefined && live(v); }),
  },
];
