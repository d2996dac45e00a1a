/**
 * A 1-based sparse array of Multi-Paxos slots (an acceptor's accepted
 * pvalues, a replica's decisions), stored as an immutable list of chunks of
 * SLOT_CHUNK entries; an empty position holds null. Every chunk but the last
 * is full; the empty array is `[]`.
 *
 * States are immutable and the trace keeps every version, so writing slot i
 * copies only its chunk and the chunk index (O(SLOT_CHUNK + n / SLOT_CHUNK)),
 * and versions share every other chunk (the trace's diffs then read
 * `accepted.2.17 = {b, cmd}`). As in Raft's log (src/protocols/raft/_log.ts),
 * recent writes are remembered: acceptors that accept the same pvalue object
 * at the same slot of the same array, and replicas that decide the same
 * command, get the same resulting array — one copy for the cluster instead
 * of one per node, and arrays the invariants can compare by reference. That
 * memo is a cache of a pure function of immutable inputs: it changes no
 * value, only which equal arrays are shared.
 */

export const SLOT_CHUNK = 64;
const BITS = 6;
const MASK = SLOT_CHUNK - 1;

export type Slots<T> = readonly (readonly (T | null)[])[];

export const EMPTY_SLOTS: Slots<never> = [];

/** One past the highest position the array has room for (every position up to it reads as an entry or null). */
export function slotLength<T>(s: Slots<T>): number {
  const n = s.length;
  return n === 0 ? 0 : ((n - 1) << BITS) + s[n - 1]!.length;
}

/** The entry at slot `i` (1-based); null when empty or out of range. */
export function slotAt<T>(s: Slots<T>, i: number): T | null {
  if (i < 1) return null;
  const k = i - 1;
  return s[k >>> BITS]?.[k & MASK] ?? null;
}

/**
 * The last RECENT writes (array, slot, entry → result), newest at `next - 1`.
 * Replicas repeat a write within a few messages of each other, so a short
 * ring finds it; unlike a WeakMap keyed on every array ever made it costs
 * the garbage collector nothing (it holds at most RECENT arrays).
 */
const RECENT = 16;
const recentIn: (Slots<unknown> | null)[] = new Array(RECENT).fill(null);
const recentAt = new Array<number>(RECENT).fill(0);
const recentValue: unknown[] = new Array(RECENT).fill(null);
const recentOut: (Slots<unknown> | null)[] = new Array(RECENT).fill(null);
let recentNext = 0;

function recalled<T>(s: Slots<T>, i: number, v: T): Slots<T> | null {
  for (let k = 0; k < RECENT; k++) {
    if (recentIn[k] === s && recentAt[k] === i && recentValue[k] === v) return recentOut[k] as Slots<T>;
  }
  return null;
}

function remember<T>(s: Slots<T>, i: number, v: T, out: Slots<T>): void {
  const k = recentNext;
  recentIn[k] = s;
  recentAt[k] = i;
  recentValue[k] = v;
  recentOut[k] = out;
  recentNext = (k + 1) % RECENT;
}

/** `s` with slot `i` (≥ 1) set to `v`; shares every untouched chunk. */
export function withSlot<T>(s: Slots<T>, i: number, v: T): Slots<T> {
  if (slotAt(s, i) === v) return s;
  const hit = recalled(s, i, v);
  if (hit !== null) return hit;
  const k = i - 1;
  const c = k >>> BITS;
  const at = k & MASK;
  let out: (readonly (T | null)[])[];
  const old = s[c];
  if (c === s.length - 1 && at === old!.length) {
    // The common case, the next slot: one exact-size copy of the last chunk (concat appends a non-array value as is).
    out = s.slice();
    out[c] = old!.concat(v as T | null);
  } else if (old !== undefined && at < old.length) {
    out = s.slice();
    const chunk = old.slice();
    chunk[at] = v;
    out[c] = chunk;
  } else {
    out = s.slice();
    // Fill every chunk before c, and c itself up to the new entry, with nulls.
    for (let j = out.length === 0 ? 0 : out.length - 1; j < c; j++) out[j] = padded(out[j], SLOT_CHUNK);
    const chunk = padded(out[c], at + 1);
    chunk[at] = v;
    out[c] = chunk;
  }
  remember(s, i, v, out);
  return out;
}

/** A copy of `chunk` (or of nothing) with nulls up to `length`. */
function padded<T>(chunk: readonly (T | null)[] | undefined, length: number): (T | null)[] {
  const out: (T | null)[] = chunk === undefined ? [] : chunk.slice();
  while (out.length < length) out.push(null);
  return out;
}

/** The entries of slots `from`..`to` (inclusive, clamped), with their slot numbers, skipping empty ones. */
export function slotsBetween<T>(s: Slots<T>, from: number, to: number): [number, T][] {
  const out: [number, T][] = [];
  const end = Math.min(to, slotLength(s));
  for (let i = Math.max(1, from); i <= end; i++) {
    const v = slotAt(s, i);
    if (v !== null) out.push([i, v]);
  }
  return out;
}

/**
 * Reads a slot array from JSON (a durable record): chunks of entries or
 * nulls, each entry checked by `isEntry`. A well-formed array is returned
 * as it is (a restarted node shares it with its durable record); one in
 * another chunking is rebuilt; anything else gives undefined.
 */
export function parseSlots<T>(v: unknown, isEntry: (e: unknown) => e is T): Slots<T> | undefined {
  if (!Array.isArray(v)) return undefined;
  let wellFormed = true;
  for (let c = 0; c < v.length; c++) {
    const chunk: unknown = v[c];
    if (!Array.isArray(chunk)) return undefined;
    if (chunk.length === 0 || chunk.length > SLOT_CHUNK || (c < v.length - 1 && chunk.length !== SLOT_CHUNK)) wellFormed = false;
    for (const e of chunk as unknown[]) if (e !== null && !isEntry(e)) return undefined;
  }
  if (wellFormed) return v as Slots<T>;
  let out: Slots<T> = EMPTY_SLOTS;
  let i = 1;
  for (const chunk of v as unknown[][]) {
    for (const e of chunk) {
      if (e !== null) out = withSlot(out, i, e as T);
      i++;
    }
  }
  return out;
}
