/**
 * The simulator's event queue: a binary min-heap ordered by (time, seq).
 *
 * `seq` is the insertion counter, so events at the same instant run in the
 * order they were scheduled — the tie-break that makes a run deterministic.
 * The hot path allocates nothing: entries live in slots of parallel typed
 * arrays (time, seq, kind, node, a, b) plus one reference column, slots are
 * recycled through a free list, and the heap itself is an Int32Array of slot
 * numbers. Everything grows by doubling.
 */

export class EventQueue {
  time: Float64Array;
  seq: Float64Array;
  kind: Uint8Array;
  node: Int32Array;
  a: Float64Array;
  b: Float64Array;
  ref: unknown[];
  private heap: Int32Array;
  private count = 0;
  private freeList: Int32Array;
  private freeCount = 0;
  private slots = 0;
  private nextSeq = 0;

  constructor(capacity = 1024) {
    const c = Math.max(16, capacity | 0);
    this.time = new Float64Array(c);
    this.seq = new Float64Array(c);
    this.kind = new Uint8Array(c);
    this.node = new Int32Array(c);
    this.a = new Float64Array(c);
    this.b = new Float64Array(c);
    this.ref = new Array<unknown>(c).fill(undefined);
    this.heap = new Int32Array(c);
    this.freeList = new Int32Array(c);
  }

  get size(): number {
    return this.count;
  }

  /** Schedules an entry; returns its slot (valid until popped and released). */
  push(time: number, kind: number, node: number, a: number, b: number, ref: unknown): number {
    let slot: number;
    if (this.freeCount > 0) slot = this.freeList[--this.freeCount];
    else {
      if (this.slots === this.time.length) this.grow();
      slot = this.slots++;
    }
    this.time[slot] = time;
    this.seq[slot] = this.nextSeq++;
    this.kind[slot] = kind;
    this.node[slot] = node;
    this.a[slot] = a;
    this.b[slot] = b;
    this.ref[slot] = ref;
    // Sift up.
    const heap = this.heap;
    let i = this.count++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent];
      if (this.time[p] < time || (this.time[p] === time && this.seq[p] < this.seq[slot])) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = slot;
    return slot;
  }

  /** Time of the earliest entry (Infinity when empty). */
  peekTime(): number {
    return this.count === 0 ? Infinity : this.time[this.heap[0]];
  }

  /** Removes the earliest entry and returns its slot (-1 when empty). Call `release(slot)` once its fields are read. */
  pop(): number {
    if (this.count === 0) return -1;
    const heap = this.heap;
    const top = heap[0];
    const last = heap[--this.count];
    const n = this.count;
    if (n > 0) {
      const t = this.time[last];
      const s = this.seq[last];
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= n) break;
        const right = child + 1;
        if (right < n) {
          const cl = heap[child];
          const cr = heap[right];
          if (this.time[cr] < this.time[cl] || (this.time[cr] === this.time[cl] && this.seq[cr] < this.seq[cl])) child = right;
        }
        const c = heap[child];
        if (t < this.time[c] || (t === this.time[c] && s < this.seq[c])) break;
        heap[i] = c;
        i = child;
      }
      heap[i] = last;
    }
    return top;
  }

  /** Returns a popped slot to the free list. */
  release(slot: number): void {
    this.ref[slot] = undefined;
    this.freeList[this.freeCount++] = slot;
  }

  private grow(): void {
    const c = this.time.length * 2;
    const growF = (old: Float64Array): Float64Array<ArrayBuffer> => { const x = new Float64Array(c); x.set(old); return x; };
    const growI = (old: Int32Array): Int32Array<ArrayBuffer> => { const x = new Int32Array(c); x.set(old); return x; };
    this.time = growF(this.time);
    this.seq = growF(this.seq);
    this.a = growF(this.a);
    this.b = growF(this.b);
    this.node = growI(this.node);
    const k = new Uint8Array(c); k.set(this.kind); this.kind = k;
    this.heap = growI(this.heap);
    this.freeList = growI(this.freeList);
    for (let i = this.ref.length; i < c; i++) this.ref.push(undefined);
  }
}
