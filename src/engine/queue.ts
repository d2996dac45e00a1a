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
 * A pop leaves a hole at the root and the next push fills it, sifting the
 * new entry down from there — one sift instead of two, for the pop-then-push
 * of a delivery that sends one message. If something else comes first (a
 * peek, another pop), the hole is closed the usual way, with the last entry.
 * The order entries come out in is the same either way: (time, seq) keys
 * are unique, so the heap's shape never shows.
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
  /** Heap positions in use, counting the hole. */
  private count = 0;
  /** Position 0 holds an entry already popped (see the header). */
  private hole = false;
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
    return this.hole ? this.count - 1 : this.count;
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
    if (this.hole) {
      this.hole = false;
      this.siftDown(time, seq, slot);
      return slot;
    }
    // Sift up: a new entry has the largest seq, so it stops at a parent of equal time.
    const hTime = this.hTime;
    const hSeq = this.hSeq;
    const hSlot = this.hSlot;
    let i = this.count++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (hTime[parent] <= time) break;
      move(hTime, hSeq, hSlot, parent, i);
      i = parent;
    }
    put(hTime, hSeq, hSlot, i, time, seq, slot);
    return slot;
  }

  /** Time of the earliest entry (Infinity when empty). */
  peekTime(): number {
    if (this.hole) this.closeHole();
    return this.count === 0 ? Infinity : this.hTime[0];
  }

  /** Removes the earliest entry and returns its slot (-1 when empty). Call `release(slot)` once its fields are read. */
  pop(): number {
    if (this.hole) this.closeHole();
    if (this.count === 0) return -1;
    this.hole = true;
    return this.hSlot[0];
  }

  /** Fills the hole at the root with the last entry. */
  private closeHole(): void {
    this.hole = false;
    const n = --this.count;
    if (n > 0) this.siftDown(this.hTime[n], this.hSeq[n], this.hSlot[n]);
  }

  /** Places an entry at the root's free position and moves it down to its place among the first `count` positions. */
  private siftDown(t: number, s: number, slot: number): void {
    const hTime = this.hTime;
    const hSeq = this.hSeq;
    const hSlot = this.hSlot;
    const n = this.count;
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
      move(hTime, hSeq, hSlot, child, i);
      i = child;
    }
    put(hTime, hSeq, hSlot, i, t, s, slot);
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

/*
 * Heap-array helpers. They take the arrays as arguments, not `this`, so that
 * once inlined into a sift loop the arrays stay in registers instead of being
 * reloaded from the queue at every step.
 */

/** Copies the heap entry at position `from` to position `to`. */
function move(hTime: Float64Array, hSeq: Float64Array, hSlot: Int32Array, from: number, to: number): void {
  hTime[to] = hTime[from];
  hSeq[to] = hSeq[from];
  hSlot[to] = hSlot[from];
}

/** Writes an entry at heap position i. */
function put(hTime: Float64Array, hSeq: Float64Array, hSlot: Int32Array, i: number, t: number, s: number, slot: number): void {
  hTime[i] = t;
  hSeq[i] = s;
  hSlot[i] = slot;
}
