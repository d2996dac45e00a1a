/**
 * What the checker enforces on the quorum store, after every step, and the
 * anomalies it counts.
 *
 * - `no_lost_writes` (Dynamo §4.4's promise for vector clocks): once a write
 *   is acknowledged, some node — a replica, or a fallback keeping it as a
 *   hint — holds its version or a version that causally descends from it
 *   (its vector clock is ≥). A write can be replaced only by one that knew
 *   it. With vector clocks concurrent writes become siblings, so this holds;
 *   with last-writer-wins it does not (the higher timestamp wins whether or
 *   not it knew the other write, and a lagging clock makes even a later,
 *   knowing write lose): `lost_writes` counts the writes lost. ABD keeps one
 *   value per key by tag, so of two concurrent writes one replaces the other
 *   as in any register: there, `expect linearizable` is the check.
 * - `siblings_concurrent` (§4.4's syntactic reconciliation): no node keeps,
 *   for a key, a version together with one that supersedes it — siblings are
 *   concurrent; in lww and abd modes a key has one version per node.
 *
 * Both read one monitor (`quorumWatch`) whose memory the engine creates per
 * run. It looks only at the nodes that changed in a step and, in them, only
 * at the keys whose versions changed (versions are immutable, so a changed
 * key is a changed reference): the cost of a step does not grow with the
 * number of nodes. It learns that a write was acknowledged when the
 * coordinator's request turns `ok`, and tracks, per key, the acknowledged
 * versions no other tracked one descends from, with the nodes holding each;
 * a version whose last holder lets it go is lost. A crashed node holds what
 * it last wrote to disk (data.ts).
 */
import type { NodeId, NodeView, World } from '../../engine/protocol.js';
import type { InvariantSpec, MonitorSpec } from '../../engine/vocabulary.js';
import { changedKeys, dataOf, versionLists, type NodeData } from './data.js';
import { MODES, type Mode } from './params.js';
import { hintCount, type QuorumState, type Request } from './state.js';
import { compareClocks, describeVersion, descends, type Version } from './versions.js';

type View = NodeView<QuorumState>;

interface Seen {
  data: NodeData;
  requests: Readonly<Record<string, Request>> | null;
  hints: number;
}

interface Tracked {
  readonly version: Version;
  readonly key: string;
  readonly ackedAt: number;
  readonly holders: Set<number>;
}

export interface QuorumWatch {
  readonly mode: Mode;
  readonly ids: readonly NodeId[];
  readonly seen: (Seen | undefined)[];
  /** Per key: acknowledged versions no other tracked version descends from. */
  readonly tracked: Map<string, Tracked[]>;
  readonly acked: Set<string>;
  /** Per key: the nodes holding any version of it. */
  readonly keyNodes: Map<string, Set<number>>;
  lost: number;
  firstLoss: string | null;
  dominated: string | null;
  maxSiblings: number;
  hintsNow: number;
  hintsMax: number;
}

function holds(d: NodeData, key: string, v: Version): boolean {
  for (const list of versionLists(d, key)) for (const u of list) if (u === v || descends(u.clock, v.clock)) return true;
  return false;
}

/** The first pair of versions in one list where one supersedes the other, as text; null when none. */
function supersededPair(mode: Mode, key: string, list: readonly Version[]): string | null {
  if (mode !== 'vclock') return list.length > 1 ? `${list.length} versions (${mode} keeps one)` : null;
  for (let i = 0; i < list.length; i++) {
    for (let j = 0; j < list.length; j++) {
      if (i !== j && compareClocks(list[i]!.clock, list[j]!.clock) === 'after') {
        return `${describeVersion(mode, key, list[i]!)} supersedes its sibling ${describeVersion(mode, key, list[j]!)}`;
      }
    }
  }
  return null;
}

function ms(t: number): string {
  return `${t / 1000}ms`;
}

/** Updates what the monitor knows of the versions `index` holds for `key`. */
function observeKey(m: QuorumWatch, index: number, d: NodeData, key: string, now: number): void {
  const lists = versionLists(d, key);
  let nodes = m.keyNodes.get(key);
  if (lists.length > 0) {
    if (nodes === undefined) m.keyNodes.set(key, (nodes = new Set()));
    nodes.add(index);
  } else nodes?.delete(index);
  for (const list of lists) {
    if (list.length > m.maxSiblings) m.maxSiblings = list.length;
    if (m.dominated === null) {
      const pair = supersededPair(m.mode, key, list);
      if (pair !== null) m.dominated = `${m.ids[index]} keeps, for ${JSON.stringify(key)}, ${pair}`;
    }
  }
  const tracked = m.tracked.get(key);
  if (tracked === undefined) return;
  for (let k = tracked.length - 1; k >= 0; k--) {
    const t = tracked[k]!;
    if (holds(d, key, t.version)) t.holders.add(index);
    else if (t.holders.delete(index) && t.holders.size === 0) {
      lose(m, t, `${m.ids[index]}, its last holder, let it go at ${ms(now)}`);
      tracked.splice(k, 1);
    }
  }
}

function lose(m: QuorumWatch, t: Tracked, how: string): void {
  m.lost++;
  m.firstLoss ??= `write ${describeVersion(m.mode, t.key, t.version)}, acknowledged at ${ms(t.ackedAt)}, is lost: `
    + `no node holds it or a version descending from it (${how})`;
}

/** A write acknowledged to its client: track its version unless a tracked one already covers it. */
function acknowledged(m: QuorumWatch, req: Request, now: number): void {
  const v = req.version;
  if (v === null) return;
  const key = req.cmd.key;
  let list = m.tracked.get(key);
  if (list === undefined) m.tracked.set(key, (list = []));
  if (list.some((t) => descends(t.version.clock, v.clock))) return;
  for (let k = list.length - 1; k >= 0; k--) if (descends(v.clock, list[k]!.version.clock)) list.splice(k, 1);
  const holders = new Set<number>();
  for (const i of m.keyNodes.get(key) ?? []) if (holds(m.seen[i]!.data, key, v)) holders.add(i);
  const t: Tracked = { version: v, key, ackedAt: now, holders };
  if (holders.size === 0) lose(m, t, 'no replica kept it even as it was acknowledged');
  else list.push(t);
}

export const quorumWatch: MonitorSpec<QuorumState, QuorumWatch> = {
  name: 'quorum watch',
  create(world: World<QuorumState>): QuorumWatch {
    const mode = (MODES as readonly unknown[]).includes(world.params.mode) ? (world.params.mode as Mode) : 'vclock';
    return {
      mode, ids: world.nodes.map((n) => n.id), seen: [], tracked: new Map(), acked: new Set(), keyNodes: new Map(),
      lost: 0, firstLoss: null, dominated: null, maxSiblings: 0, hintsNow: 0, hintsMax: 0,
    };
  },
  observe(m, world, changed) {
    // First the data of every changed node (so holders are current), then the acknowledgements.
    for (const view of changed as readonly View[]) {
      const i = view.index;
      const before = m.seen[i];
      const data = dataOf(view);
      if (before !== undefined && before.data === data) continue;
      if (before === undefined || before.data.store !== data.store || before.data.hints !== data.hints) {
        for (const key of changedKeys(before?.data, data)) observeKey(m, i, data, key, world.now);
      }
      const hints = before !== undefined && before.data.hints === data.hints ? before.hints : hintCount(data.hints);
      m.hintsNow += hints - (before?.hints ?? 0);
      if (m.hintsNow > m.hintsMax) m.hintsMax = m.hintsNow;
      m.seen[i] = { data, requests: before?.requests ?? null, hints };
    }
    for (const view of changed as readonly View[]) {
      const seen = m.seen[view.index];
      const requests = view.status === 'crashed' || !view.state ? null : view.state.requests;
      if (seen === undefined || seen.requests === requests) continue;
      seen.requests = requests;
      if (requests === null || typeof requests !== 'object') continue;
      for (const id in requests) {
        const req = requests[id]!;
        if (req.status !== 'ok' || req.cmd.op !== 'put' || m.acked.has(id)) continue;
        m.acked.add(id);
        acknowledged(m, req, world.now);
      }
    }
  },
  metrics: (m) => ({ lost_writes: m.lost, max_siblings: m.maxSiblings, hints_max: m.hintsMax }),
};

export const noLostWrites: InvariantSpec<QuorumState, QuorumWatch> = {
  name: 'no_lost_writes',
  doc: 'Once acknowledged, a write\'s version or one descending from it (vector clock ≥) is held by some replica or hint (Dynamo §4.4); LWW breaks it.',
  monitor: quorumWatch,
  check: (_world, _changed, m) => m.firstLoss,
};

export const siblingsConcurrent: InvariantSpec<QuorumState, QuorumWatch> = {
  name: 'siblings_concurrent',
  doc: 'No node keeps a version of a key beside one that supersedes it: siblings are concurrent (Dynamo §4.4 reconciliation); lww and abd keep one.',
  monitor: quorumWatch,
  check: (_world, _changed, m) => m.dominated,
};

export const invariants: readonly InvariantSpec<QuorumState>[] = [noLostWrites, siblingsConcurrent];
