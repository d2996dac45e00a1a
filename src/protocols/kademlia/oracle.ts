/**
 * The brute-force oracle the checks compare lookups with: the ids of the
 * live nodes, kept sorted, and their true k closest to any target under XOR
 * (§2.1).
 *
 * XOR closeness is prefix closeness: the ids sharing the target's first L
 * bits form one contiguous run of the sorted list, and every id sharing
 * L + 1 bits is closer than every id sharing exactly L. So the k closest are
 * found from counts alone: a binary search for the longest prefix L that
 * still holds at least k ids (each count is two binary searches), then all
 * the ids of the longer prefix (fewer than k) plus the closest of its
 * sibling run. A query costs O(log(bits) · log N) comparisons plus a sort of
 * about k ids; adding or removing an id is a binary search and one splice
 * (a memmove of N pointers: microseconds at 10 000 nodes, and done only
 * when a node joins or leaves).
 */
import type { NodeId } from '../../engine/protocol.js';
import { compareDistance, prefixRange, type Id } from './ids.js';

export class LiveIds {
  /** Live ids, ascending (as strings of equal length, that is as numbers). */
  private readonly ids: Id[] = [];
  /** The live node(s) holding each id (normally one). */
  private readonly owners = new Map<Id, NodeId[]>();

  constructor(private readonly bits: number) {}

  get size(): number {
    return this.ids.length;
  }

  add(id: Id, node: NodeId): void {
    const list = this.owners.get(id);
    if (list !== undefined) {
      if (!list.includes(node)) list.push(node);
      return;
    }
    this.owners.set(id, [node]);
    this.ids.splice(lowerBound(this.ids, id), 0, id);
  }

  remove(id: Id, node: NodeId): void {
    const list = this.owners.get(id);
    if (list === undefined) return;
    const j = list.indexOf(node);
    if (j >= 0) list.splice(j, 1);
    if (list.length > 0) return;
    this.owners.delete(id);
    const at = lowerBound(this.ids, id);
    if (this.ids[at] === id) this.ids.splice(at, 1);
  }

  /** A node holding `id`. */
  ownerOf(id: Id): NodeId | undefined {
    return this.owners.get(id)?.[0];
  }

  /** How many live ids share their first `prefix` bits with `target`. */
  countPrefix(target: Id, prefix: number): number {
    const [lo, hi] = prefixRange(target, prefix, this.bits);
    return upperBound(this.ids, hi) - lowerBound(this.ids, lo);
  }

  /** The `k` live ids closest to `target`, closest first. */
  closest(target: Id, k: number): Id[] {
    const ids = this.ids;
    if (ids.length <= k) return ids.slice().sort((a, b) => compareDistance(a, b, target));
    let lo = 0;
    let hi = this.bits;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.countPrefix(target, mid) >= k) lo = mid;
      else hi = mid - 1;
    }
    const [a0, a1] = prefixRange(target, lo, this.bits);
    const from = lowerBound(ids, a0);
    const to = upperBound(ids, a1);
    const run = ids.slice(from, to).sort((a, b) => compareDistance(a, b, target));
    return run.slice(0, k);
  }
}

function lowerBound(a: readonly string[], x: string): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(a: readonly string[], x: string): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
