/**
 * What a node holds, as invariants, queries, metrics and the checker see
 * it: a live node's data is in its state; a crashed node's is what it last
 * wrote to disk (it comes back on restart), so a crash loses nothing a
 * replica acknowledged.
 */
import type { NodeView } from '../../engine/protocol.js';
import { hintedAt, parseDurable, storedAt, type Hints, type QuorumState } from './state.js';
import type { Versions } from './versions.js';

export interface NodeData {
  readonly store: Readonly<Record<string, Versions>>;
  readonly hints: Hints;
}

const NONE: NodeData = { store: {}, hints: {} };

/** A node's data: its state's when it is up or paused, its disk's when crashed. */
export function dataOf(view: NodeView<QuorumState>): NodeData {
  if (view.status === 'crashed') {
    if (view.durable === undefined) return NONE;
    const d = parseDurable(view.durable);
    return { store: d.store, hints: d.hints };
  }
  const s = view.state;
  if (s === null || typeof s !== 'object' || typeof s.store !== 'object' || typeof s.hints !== 'object') return NONE;
  return s;
}

/** Every version list a node holds for `key`: its own, then those it keeps for others. */
export function versionLists(d: NodeData, key: string): Versions[] {
  const own = storedAt(d.store, key);
  const hinted = hintedAt(d.hints, key);
  return own.length === 0 ? hinted : [own, ...hinted];
}

/** The keys whose versions differ between two snapshots of a node's data (by reference: versions are immutable). */
export function changedKeys(before: NodeData | undefined, after: NodeData): Set<string> {
  const out = new Set<string>();
  const b = before ?? NONE;
  diff(b.store, after.store, out);
  if (b.hints !== after.hints) {
    for (const home of Object.keys(after.hints)) diff(Object.hasOwn(b.hints, home) ? b.hints[home]! : {}, after.hints[home]!, out);
    for (const home of Object.keys(b.hints)) if (!Object.hasOwn(after.hints, home)) for (const key of Object.keys(b.hints[home]!)) out.add(key);
  }
  return out;
}

function diff(a: Readonly<Record<string, Versions>>, b: Readonly<Record<string, Versions>>, out: Set<string>): void {
  if (a === b) return;
  for (const key of Object.keys(b)) if (!Object.hasOwn(a, key) || a[key] !== b[key]) out.add(key);
  for (const key of Object.keys(a)) if (!Object.hasOwn(b, key)) out.add(key);
}
