/**
 * Seeded pseudo-random numbers for the simulator.
 *
 * The generator is sfc32, Chris Doty-Humphrey's "Small Fast Counting" PRNG
 * from PractRand (128-bit state, 32-bit output, period ≥ 2^32, passes
 * PractRand and BigCrush). Its four words are filled from the seed with
 * splitmix32 (the 32-bit variant of Steele, Lea & Flood's SplitMix, OOPSLA
 * 2014) so that neighbouring seeds give unrelated streams.
 *
 * Independent streams: `fork(name)` derives a new generator from the ROOT
 * seed and the stream's name (hashed with 32-bit FNV-1a), never from the
 * parent's current position. So the network's draws do not depend on how
 * many numbers the client or a node consumed: adding a client operation
 * leaves every other stream untouched.
 *
 * The four state words live in an Int32Array, not in four fields: they are
 * full 32-bit values, too wide for V8's small integers, so as fields each one
 * would sit in a heap-number box and every step would unbox and rebox them
 * (measured: a draw takes about 2.5x as long that way).
 */

/** 32-bit FNV-1a (Fowler, Noll, Vo; draft-eastlake-fnv) of a string's UTF-16 code units. */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** One splitmix32 step: returns the next output for state `x` (the caller adds the golden gamma). */
function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

const GOLDEN_GAMMA = 0x9e3779b9;
const TWO_POW_32 = 4294967296;

export class Rng {
  /** The root seed every fork derives from. */
  readonly seed: number;
  /** sfc32's words a, b, c, d (as int32: the same bits). */
  private readonly s = new Int32Array(4);
  /** A second normal deviate kept from Box–Muller. */
  private spare = NaN;

  /** `seed` is any 32-bit integer; `streamKey` (internal) selects a stream of that seed. */
  constructor(seed: number, streamKey = 0) {
    if (typeof seed !== 'number' || !Number.isFinite(seed)) {
      throw new TypeError(`Rng: seed must be a finite number, got ${String(seed)}`);
    }
    this.seed = seed >>> 0;
    let s = (this.seed ^ Math.imul(streamKey >>> 0, 0x2545f491)) >>> 0;
    for (let k = 0; k < 4; k++) {
      s = (s + GOLDEN_GAMMA) >>> 0;
      this.s[k] = mix32(k === 3 ? s ^ streamKey : s);
    }
    // Discard the first outputs, as the sfc32 reference does, to mix the state.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** An independent stream named `name` ("network", "node:n1", …) of the same root seed. */
  fork(name: string): Rng {
    if (typeof name !== 'string') throw new TypeError('Rng#fork: name must be a string');
    return new Rng(this.seed, fnv1a32(name) || 1);
  }

  /** The next 32-bit unsigned output of sfc32. */
  nextUint32(): number {
    const st = this.s;
    const a = st[0];
    const b = st[1];
    const c = st[2];
    const d = st[3];
    const t = (((a + b) | 0) + d) | 0;
    st[0] = b ^ (b >>> 9);
    st[1] = (c + (c << 3)) | 0;
    st[2] = (((c << 21) | (c >>> 11)) + t) | 0;
    st[3] = (d + 1) | 0;
    return t >>> 0;
  }

  /** A uniform float in [0, 1). */
  next(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** A uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    if (!Number.isFinite(min) || !Number.isFinite(max)) throw new RangeError(`Rng#int: bounds must be finite, got ${min}..${max}`);
    const lo = Math.ceil(Math.min(min, max));
    const hi = Math.floor(Math.max(min, max));
    if (hi < lo) return lo;
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** A normal deviate (Box–Muller transform, Box & Muller 1958). */
  normal(mean = 0, sd = 1): number {
    if (!Number.isNaN(this.spare)) {
      const z = this.spare;
      this.spare = NaN;
      return mean + sd * z;
    }
    let u = this.next();
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return mean + sd * r * Math.cos(2 * Math.PI * v);
  }
}
