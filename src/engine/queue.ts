/**
 * The simulator's event queue: a binary min-heap ordered by (time, seq).
 *
 * `seq` is the insertion counter, so events at the same instant run in the
 * order they were scheduled — the tie-break that makes a run deterministic.
 * The hot path allocates nothing: entries live in slots of parallel typed
 * arrays (kind, node, a, b, c) plus one reference column, slots are recycled
 * through a free list, and the heap itself is three arrays in heap order —
 * each entry's time, seq and slot — so sifting compares keys that sit next
 * to each other in memory instead of chasing slot numbers. An entry's time
 * and seq live only there: the caller reads the time with `peekTime()`
 * before it pops. Everything grows by doubling.
 *
 * Measured and not kept (a 40-entry heap, as in a message storm): a 4-ary
 * heap, a bottom-up (Floyd) sift-down and a branch-free choice of the
 * smaller child were all slower than this plain binary sift-down.
 */

export class EventQueue {
  kind: Uint8Array;
  node: Int32Array;
  a: Float64Array;
  b: Float64Array;
  c: Int32Array;
  ref: unknown[];
  /* The heap, in heap order: each entry's time, seq and slot. */
  private hTime: Float64Array;
  private hSeq: Float64Array;
  private hSlot: Int32Array;
  private count = 0;
  private freeList: Int32Array;
  private freeCount = 0;
  private slots = 0;
  private nextSeq = 0;

  constructor(capacity = 1024) {
    const c = Math.max(16, capacity | 0);
    this.kind = new Uint8Array(c);
    this.node = new Int32Array(c);
    this.a = new Float64Array(c);
    this.b = new Float64Array(c);
    this.c = new Int32Array(c);
    this.ref = new Array<unknown>(c).fill(undefined);
    this.hTime = new Float64Array(c);
    this.hSeq = new Float64Array(c);
    this.hSlot = new Int32Array(c);
    this.freeList = new Int32Array(c);
  }

  get size(): number {
    return this.count;
  }

  /** Schedules an entry; returns its slot (valid until popped and released). */
  push(time: number, kind: number, node: number, a: number, b: number, ref: unknown, c = 0): number {
    let slot: number;
    if (this.freeCount > 0) slot = this.freeList[--this.freeCount];
    else {
      if (this.slots === this.kind.length) this.grow();
      slot = this.slots++;
    }
    const seq = this.nextSeq++;
    this.kind[slot] = kind;
    this.node[slot] = node;
    this.a[slot] = a;
    this.b[slot] = b;
    this.c[slot] = c;
    this.ref[slot] = ref;
    // Sift up: a new entry has the largest seq, so it stops at a parent of equal time.
    const hTime = this.hTime;
    const hSeq = this.hSeq;
    const hSlot = this.hSlot;
    let i = this.count++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = hTime[parent];
      if (pt <= time) break;
      hTime[i] = pt;
      hSeq[i] = hSeq[parent];
      hSlot[i] = hSlot[parent];
      i = parent;
    }
    hTime[i] = time;
    hSeq[i] = seq;
    hSlot[i] = slot;
    return slot;
  }

  /** Time of the earliest entry (Infinity when empty). */
  peekTime(): number {
    return this.count === 0 ? Infinity : this.hTime[0];
  }

  /** Removes the earliest entry and returns its slot (-1 when empty). Call `release(slot)` once its fields are read. */
  pop(): number {
    if (this.count === 0) return -1;
    const hTime = this.hTime;
    const hSeq = this.hSeq;
    const hSlot = this.hSlot;
    const top = hSlot[0];
    const n = --this.count;
    if (n > 0) {
      // Move the last entry down from the root.
      const t = hTime[n];
      const s = hSeq[n];
      const slot = hSlot[n];
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= n) break;
        let ct = hTime[child];
        const right = child + 1;
        if (right < n) {
          const rt = hTime[right];
          if (rt < ct || (rt === ct && hSeq[right] < hSeq[child])) {
            child = right;
            ct = rt;
          }
        }
        if (t < ct || (t === ct && s < hSeq[child])) break;
        hTime[i] = ct;
        hSeq[i] = hSeq[child];
        hSlot[i] = hSlot[child];
        i = child;
      }
      hTime[i] = t;
      hSeq[i] = s;
      hSlot[i] = slot;
    }
    return top;
  }

  /** Returns a popped slot to the free list. */
  release(slot: number): void {
    this.ref[slot] = undefined;
    this.freeList[this.freeCount++] = slot;
  }

  private grow(): void {
    const c = this.kind.length * 2;
    const growF = (old: Float64Array): Float64Array<ArrayBuffer> => { const x = new Float64Array(c); x.set(old); return x; };
    const growI = (old: Int32Array): Int32Array<ArrayBuffer> => { const x = new Int32Array(c); x.set(old); return x; };
    this.a = growF(this.a);
    this.b = growF(this.b);
    this.node = growI(this.node);
    this.c = growI(this.c);
    const k = new Uint8Array(c); k.set(this.kind); this.kind = k;
    this.hTime = growF(this.hTime);
    this.hSeq = growF(this.hSeq);
    this.hSlot = growI(this.hSlot);
    this.freeList = growI(this.freeList);
    for (let i = this.ref.length; i < c; i++) this.ref.push(undefined);
  }
}
