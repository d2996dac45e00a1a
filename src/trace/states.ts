/**
 * Node states at any step of a TraceDocument, from key frames and changes.
 *
 * `at(i)` starts from the nearest key frame at or before event i (or from
 * the last answer, when that is closer, as stepping forward usually is) and
 * applies the `state` events up to i (RaftScope's seek/rewind, without its
 * replay). Changes are applied copy-on-write: a container on a changed path
 * is copied once per call and then edited in place, while everything else
 * stays shared with the key frame — so objects returned earlier are never
 * mutated afterwards, and callers may keep them.
 *
 * Roles and up/crashed/paused status per node are indexed once in the
 * constructor as sorted (event, value) lists and answered by binary search.
 */
import type { Json, NodeId } from '../engine/protocol.js';
import type { StateChange, TraceDocument } from './format.js';

type Mutable = { [key: string]: Json } | Json[];

export type NodeStatus = 'up' | 'crashed' | 'paused';

interface Timeline<T> {
  readonly at: number[];
  readonly value: T[];
}

export class StateIndex {
  private readonly keyframes: TraceDocument['keyframes'];
  private readonly roles = new Map<NodeId, Timeline<string>>();
  private readonly statuses = new Map<NodeId, Timeline<NodeStatus>>();
  /** Indices of state events, ascending. */
  private readonly stateEvents: number[] = [];
  private cache: { i: number; states: Record<NodeId, Json> } | null = null;

  constructor(private readonly doc: TraceDocument) {
    this.keyframes = doc.keyframes;
    for (const n of doc.nodes) {
      this.roles.set(n.id, { at: [-1], value: [n.role] });
      this.statuses.set(n.id, { at: [-1], value: ['up'] });
    }
    for (const e of doc.events) {
      if (e.kind === 'state') {
        this.stateEvents.push(e.i);
        if (e.role !== undefined) push(this.roles.get(e.node), e.i, e.role);
      } else if (e.kind === 'crash') push(this.statuses.get(e.node), e.i, 'crashed');
      else if (e.kind === 'pause') push(this.statuses.get(e.node), e.i, 'paused');
      else if (e.kind === 'restart' || e.kind === 'resume') push(this.statuses.get(e.node), e.i, 'up');
    }
  }

  /** Every node's state after event i (i = -1: the initial states). */
  at(i: number): Record<NodeId, Json> {
    if (!Number.isInteger(i) || i < -1 || i >= this.doc.events.length) {
      throw new RangeError(`StateIndex#at: index ${i} out of range -1..${this.doc.events.length - 1}`);
    }
    const kf = this.keyframeAt(i);
    let from = kf.i;
    let base: Readonly<Record<NodeId, Json>> = kf.states;
    if (this.cache !== null && this.cache.i <= i && this.cache.i >= from) {
      from = this.cache.i;
      base = this.cache.states;
    }
    const states: Record<NodeId, Json> = { ...base };
    const owned = new Set<object>();
    let k = lowerBound(this.stateEvents, from + 1);
    for (; k < this.stateEvents.length && this.stateEvents[k] <= i; k++) {
      const e = this.doc.events[this.stateEvents[k]];
      if (e.kind !== 'state') continue;
      setOwn(states, e.node, applyChanges(Object.hasOwn(states, e.node) ? states[e.node]! : null, e.changes, owned));
    }
    this.cache = { i, states };
    return { ...states };
  }

  roleAt(i: number, node: NodeId): string {
    const t = this.roles.get(node);
    return t === undefined ? '' : t.value[upperBound(t.at, i) - 1];
  }

  statusAt(i: number, node: NodeId): NodeStatus {
    const t = this.statuses.get(node);
    return t === undefined ? 'up' : t.value[upperBound(t.at, i) - 1];
  }

  private keyframeAt(i: number): TraceDocument['keyframes'][number] {
    const kfs = this.keyframes;
    let lo = 0;
    let hi = kfs.length - 1;
    let best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (kfs[mid].i <= i) { best = mid; lo = mid + 1; } else hi = mid - 1;
    }
    if (best < 0) return { i: -1, states: Object.fromEntries(this.doc.nodes.map((n) => [n.id, null])) };
    return kfs[best];
  }
}

function push<T>(t: Timeline<T> | undefined, at: number, value: T): void {
  if (t === undefined) return;
  t.at.push(at);
  t.value.push(value);
}

/** First index with a[k] >= x. */
function lowerBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] < x) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/** First index with a[k] > x. */
function upperBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] <= x) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/**
 * Applies a change list to a value without mutating it (containers in
 * `owned` were created by this same reconstruction and may be edited).
 */
export function applyChanges(value: Json, changes: readonly StateChange[], owned: Set<object> = new Set()): Json {
  let root = value;
  for (const change of changes) root = applyChange(root, change, owned);
  return root;
}

function copy(v: Json, owned: Set<object>): Mutable {
  if (typeof v === 'object' && v !== null && owned.has(v)) return v as Mutable;
  const c: Mutable = Array.isArray(v) ? v.slice() : typeof v === 'object' && v !== null ? { ...v } : {};
  owned.add(c);
  return c;
}

/**
 * Sets an own property. Plain assignment of `__proto__` would replace the
 * object's prototype instead, and a trace (possibly hostile) may hold any key.
 */
function setOwn(container: Mutable | Record<string, Json>, key: string | number, value: Json): void {
  if (key === '__proto__') Object.defineProperty(container, key, { value, writable: true, enumerable: true, configurable: true });
  else (container as Record<string | number, Json>)[key] = value;
}

function applyChange(root: Json, change: StateChange, owned: Set<object>): Json {
  const path = change[0];
  const isSet = change.length === 2;
  if (path.length === 0) return isSet ? (change[1] as Json) : null;
  const top = copy(root, owned);
  let container: Mutable = top;
  for (let d = 0; d < path.length - 1; d++) {
    const key = path[d];
    const child = Object.hasOwn(container, key) ? (container as Record<string | number, Json>)[key as never] ?? null : null;
    const next = copy(typeof child === 'object' && child !== null ? child : typeof path[d + 1] === 'number' ? [] : {}, owned);
    setOwn(container, key, next as Json);
    container = next;
  }
  const last = path[path.length - 1];
  if (isSet) setOwn(container, last, change[1] as Json);
  else if (Array.isArray(container) && typeof last === 'number') container.splice(last, 1);
  else delete (container as Record<string, Json>)[String(last)];
  return top as Json;
}
