/**
 * A list kept as an array of fixed-size chunks, for a list that lives in a
 * node's state and changes one entry at a time: the trace keeps every
 * version of the state, and a version shares every chunk it did not
 * change. Changing one entry copies its chunk and the short array of
 * chunks (a 64-entry list: 16 + 4 slots instead of 64); appending copies
 * the last chunk. Every chunk but the last holds exactly CHUNK entries, and
 * every array is built at its exact length (the trace keeps it).
 *
 * Entry j lives at chunk j >> CHUNK_BITS, offset j & CHUNK_MASK. In the
 * trace a change to entry 21 reads `list.1.5`.
 */

export const CHUNK_BITS = 4;
/** Entries per chunk. */
export const CHUNK = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK - 1;

export type Chunks<T> = readonly (readonly T[])[];

/** Number of entries. */
export function sizeOf<T>(list: Chunks<T>): number {
  const n = list.length;
  return n === 0 ? 0 : (n - 1) * CHUNK + list[n - 1]!.length;
}

/** Entry j (0 ≤ j < sizeOf(list)). */
export function entry<T>(list: Chunks<T>, j: number): T {
  return list[j >> CHUNK_BITS]![j & CHUNK_MASK]!;
}

/** The entries in order, as one array. */
export function flatten<T>(list: Chunks<T>): T[] {
  return list.length === 1 ? list[0]!.slice() : ([] as T[]).concat(...list);
}

/** `list` with `items` appended. */
export function appended<T>(list: Chunks<T>, items: readonly T[]): Chunks<T> {
  if (items.length === 0) return list;
  const added: (readonly T[])[] = [];
  let from = 0;
  let kept = list;
  const last = list.length - 1;
  if (last >= 0 && list[last]!.length < CHUNK) {
    from = Math.min(items.length, CHUNK - list[last]!.length);
    added.push(list[last]!.concat(items.slice(0, from)));
    kept = list.slice(0, last);
  }
  for (; from < items.length; from += CHUNK) added.push(items.slice(from, from + CHUNK));
  return kept.concat(added); // `push` leaves room in `added`; concat builds the list at its exact length
}

/** The entries of `items` as chunks. */
export function chunked<T>(items: readonly T[]): Chunks<T> {
  return appended<T>([], items);
}

/**
 * Changes to some entries of a list, each chunk copied at most once; the
 * array of chunks is copied on the first change. `done()` is the new list
 * (the same list when nothing changed).
 */
export class ChunkEdit<T> {
  private out: (readonly T[])[] | null = null;
  /** The chunks copied so far (by index), which later changes write in place. */
  private readonly copied: number[] = [];

  constructor(private readonly list: Chunks<T>) {}

  set(j: number, x: T): void {
    const c = j >> CHUNK_BITS;
    const out = (this.out ??= this.list.slice());
    if (!this.copied.includes(c)) {
      out[c] = out[c]!.slice();
      this.copied.push(c);
    }
    (out[c] as T[])[j & CHUNK_MASK] = x;
  }

  get changed(): boolean {
    return this.out !== null;
  }

  done(): Chunks<T> {
    return this.out ?? this.list;
  }
}
