/**
 * 96-bit fingerprints and a set of them, for the linearizability search's
 * memo of explored configurations (and the exhaustive explorer's seen set).
 *
 * Why fingerprints: the search used to key its memo on the text of the
 * linearized set's bitset plus the model state; on a 10 000-operation
 * history each key was kilobytes long, and JavaScript's Set stopped at 2^24
 * entries after growing to gigabytes. A configuration is now three 32-bit
 * words — the XOR of per-operation random words (Zobrist hashing: linearizing
 * or un-linearizing an operation is one XOR) combined with a hash of the
 * model state — kept in an open-addressing table of typed arrays: 12 bytes
 * per entry at most 50 % full, growing by doubling while the memory budget
 * allows.
 *
 * Two different configurations share a fingerprint with probability about
 * 2^-96 per pair, so a table of m entries is wrong somewhere with
 * probability below m² / 2^97 (under 10^-13 for 10^8 entries); a wrong
 * "seen" would prune a configuration not actually explored.
 */

/** A fingerprint: three 32-bit words. */
export type Fingerprint = readonly [number, number, number];

/** splitmix32 step: a well-mixed 32-bit word from a 32-bit counter (Steele, Lea & Flood 2014, 32-bit variant). */
export function mix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x21f0aaad);
  x = Math.imul(x ^ (x >>> 15), 0x735a2d97);
  return (x ^ (x >>> 15)) >>> 0;
}

/** Random words for Zobrist hashing, three per item, fixed (the same on every run and machine). */
export function zobristWords(n: number): Uint32Array {
  const out = new Uint32Array(n * 3);
  for (let i = 0; i < out.length; i++) out[i] = mix32(mix32(i) ^ 0x5bd1e995);
  return out;
}

/** Three independent-looking 32-bit hashes of a string (FNV-1a with three offset bases, each finished by an avalanche). */
export function hashString(s: string, out: Uint32Array | number[], at = 0): void {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ s.length;
  let c = 0x9e3779b9;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    a = Math.imul(a ^ ch, 0x01000193);
    b = Math.imul(b ^ ch, 0x5bd1e995);
    c = Math.imul(c ^ ch, 0x27d4eb2f);
  }
  out[at] = mix32(a);
  out[at + 1] = mix32(b ^ 0x68e31da4);
  out[at + 2] = mix32(c ^ 0x1b873593);
}

/** What a set does when adding would take it past its memory budget. */
export class BudgetExceeded extends Error {
  constructor(readonly bytes: number) {
    super(`the memo would need more than ${bytes >= 1048576 ? `${Math.round(bytes / 1048576)} MB` : `${Math.ceil(bytes / 1024)} KB`}`);
  }
}

/**
 * A set of fingerprints in typed arrays (linear probing). `add` says whether
 * the fingerprint is new; it throws `BudgetExceeded` instead of growing past
 * `maxBytes`.
 */
export class FingerprintSet {
  private words: Uint32Array;
  private mask: number;
  size = 0;

  constructor(readonly maxBytes = Infinity, initialCapacity = 1 << 12) {
    let cap = 16;
    while (cap < initialCapacity) cap *= 2;
    this.words = new Uint32Array(cap * 3);
    this.mask = cap - 1;
  }

  /** Bytes the table holds now. */
  get bytes(): number {
    return this.words.byteLength;
  }

  /** Adds (a, b, c); true when it was not there. */
  add(a: number, b: number, c: number): boolean {
    if ((this.size + 1) * 2 > this.mask + 1) this.grow();
    const k = this.slot(a, b, c);
    const w = this.words;
    if ((w[k]! | w[k + 1]! | w[k + 2]!) !== 0) return false;
    w[k] = a;
    w[k + 1] = b;
    w[k + 2] = ((a | b | c) === 0 ? 1 : c);
    this.size++;
    return true;
  }

  has(a: number, b: number, c: number): boolean {
    const k = this.slot(a, b, c);
    return (this.words[k]! | this.words[k + 1]! | this.words[k + 2]!) !== 0;
  }

  /** The word offset of (a, b, c)'s slot, or of the empty slot where it would go (linear probing). */
  private slot(a: number, b: number, c: number): number {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    // (0, 0, 0) marks an empty slot; a real all-zero fingerprint is stored as (0, 0, 1).
    if ((a | b | c) === 0) c = 1;
    const w = this.words;
    let i = (a ^ Math.imul(b, 0x9e3779b1)) & this.mask;
    for (;;) {
      const k = i * 3;
      const x = w[k]!;
      const y = w[k + 1]!;
      const z = w[k + 2]!;
      if ((x | y | z) === 0 || (x === a && y === b && z === c)) return k;
      i = (i + 1) & this.mask;
    }
  }

  private grow(): void {
    const old = this.words;
    const cap = (this.mask + 1) * 2;
    if (cap * 12 > this.maxBytes) throw new BudgetExceeded(this.maxBytes);
    this.words = new Uint32Array(cap * 3);
    this.mask = cap - 1;
    this.size = 0;
    for (let k = 0; k < old.length; k += 3) {
      if ((old[k]! | old[k + 1]! | old[k + 2]!) !== 0) this.add(old[k]!, old[k + 1]!, old[k + 2]!);
    }
  }
}
