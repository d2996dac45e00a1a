/**
 * XXH64 (Yann Collet, "xxHash fast digest algorithm", doc/xxhash_spec.md,
 * §"XXH64 Algorithm Description"): four 64-bit lanes over 32-byte stripes,
 * a convergence step, the 8/4/1-byte tail, then the avalanche.
 *
 * 64-bit words are kept as two unsigned 32-bit halves (hi, lo) in plain
 * numbers rather than BigInt, which is an order of magnitude faster. The
 * helpers below write their result into the scratch register `R` ([hi, lo]);
 * a typed array rather than module-level `let`s, which V8 guards with
 * temporal-dead-zone checks on every access.
 */

// Primes from the spec, §"Prime constants", split into 32-bit halves.
const P1H = 0x9e3779b1, P1L = 0x85ebca87;
const P2H = 0xc2b2ae3d, P2L = 0x27d4eb4f;
const P3H = 0x165667b1, P3L = 0x9e3779f9;
const P4H = 0x85ebca77, P4L = 0xc2b2ae63;
const P5H = 0x27d4eb2f, P5L = 0x165667c5;

const R = new Uint32Array(2);

/** (ah,al) * (bh,bl) mod 2^64 → R = [hi, lo]. */
function mul(ah: number, al: number, bh: number, bl: number): void {
  const a0 = al & 0xffff, a1 = al >>> 16;
  const b0 = bl & 0xffff, b1 = bl >>> 16;
  const p = a0 * b0;
  const mid = a1 * b0 + a0 * b1;
  const low = p + (mid & 0xffff) * 65536;
  R[1] = low >>> 0;
  const carry = low > 0xffffffff ? 1 : 0;
  R[0] = (a1 * b1 + (mid - (mid & 0xffff)) / 65536 + carry + Math.imul(ah, bl) + Math.imul(al, bh)) >>> 0;
}

/** (ah,al) + (bh,bl) mod 2^64 → R = [hi, lo]. */
function add(ah: number, al: number, bh: number, bl: number): void {
  const low = al + bl;
  R[1] = low >>> 0;
  R[0] = (ah + bh + (low > 0xffffffff ? 1 : 0)) >>> 0;
}

/** Rotate left by r in 1..31 → R = [hi, lo]. */
function rotl(h: number, l: number, r: number): void {
  R[0] = ((h << r) | (l >>> (32 - r))) >>> 0;
  R[1] = ((l << r) | (h >>> (32 - r))) >>> 0;
}

/** round(acc, input) = rotl(acc + input * P2, 31) * P1 → R = [hi, lo]. */
function round(ah: number, al: number, ih: number, il: number): void {
  mul(ih, il, P2H, P2L);
  add(ah, al, R[0]!, R[1]!);
  rotl(R[0]!, R[1]!, 31);
  mul(R[0]!, R[1]!, P1H, P1L);
}

function read32(d: Uint8Array, i: number): number {
  return (d[i]! | (d[i + 1]! << 8) | (d[i + 2]! << 16) | (d[i + 3]! << 24)) >>> 0;
}

const P1L0 = P1L & 0xffff, P1L1 = P1L >>> 16;
const P2L0 = P2L & 0xffff, P2L1 = P2L >>> 16;

/**
 * The stripe loop's round on lane `k` of `V` (hi at k, lo at k+1) with the
 * 8 little-endian bytes at `off`, both multiplications written out: this is
 * where almost all the time goes for long inputs.
 */
function laneRound(V: Uint32Array, k: number, d: Uint8Array, off: number): void {
  const il = read32(d, off);
  const ih = read32(d, off + 4);
  // m = input * P2
  let a0 = il & 0xffff, a1 = il >>> 16;
  let mid = a1 * P2L0 + a0 * P2L1;
  let low = a0 * P2L0 + (mid & 0xffff) * 65536;
  const ml = low >>> 0;
  const mh = (a1 * P2L1 + (mid - (mid & 0xffff)) / 65536 + (low > 0xffffffff ? 1 : 0) + Math.imul(ih, P2L) + Math.imul(il, P2H)) >>> 0;
  // acc += m
  low = V[k + 1]! + ml;
  const al = low >>> 0;
  const ah = (V[k]! + mh + (low > 0xffffffff ? 1 : 0)) >>> 0;
  // rotl 31
  const rh = ((ah << 31) | (al >>> 1)) >>> 0;
  const rl = ((al << 31) | (ah >>> 1)) >>> 0;
  // acc = r * P1
  a0 = rl & 0xffff; a1 = rl >>> 16;
  mid = a1 * P1L0 + a0 * P1L1;
  low = a0 * P1L0 + (mid & 0xffff) * 65536;
  V[k + 1] = low >>> 0;
  V[k] = (a1 * P1L1 + (mid - (mid & 0xffff)) / 65536 + (low > 0xffffffff ? 1 : 0) + Math.imul(rh, P1L) + Math.imul(rl, P1H)) >>> 0;
}

/** The four accumulator lanes, [hi, lo] each. */
const V = new Uint32Array(8);

/** XXH64 into R = [hi, lo]. */
function compute(data: Uint8Array, seedH: number, seedL: number): void {
  const len = data.length;
  let i = 0;
  let hh: number, hl: number;
  if (len >= 32) {
    add(seedH, seedL, P1H, P1L); add(R[0]!, R[1]!, P2H, P2L);
    V[0] = R[0]!; V[1] = R[1]!;
    add(seedH, seedL, P2H, P2L);
    V[2] = R[0]!; V[3] = R[1]!;
    V[4] = seedH; V[5] = seedL;
    // seed - P1 = seed + (2^64 - P1) = seed + (~P1 + 1); P1's low half is non-zero, so no carry
    add(seedH, seedL, ~P1H >>> 0, (-P1L) >>> 0);
    V[6] = R[0]!; V[7] = R[1]!;
    const limit = len - 32;
    while (i <= limit) {
      laneRound(V, 0, data, i);
      laneRound(V, 2, data, i + 8);
      laneRound(V, 4, data, i + 16);
      laneRound(V, 6, data, i + 24);
      i += 32;
    }
    const v1h = V[0]!, v1l = V[1]!, v2h = V[2]!, v2l = V[3]!, v3h = V[4]!, v3l = V[5]!, v4h = V[6]!, v4l = V[7]!;
    rotl(v1h, v1l, 1); hh = R[0]!; hl = R[1]!;
    rotl(v2h, v2l, 7); add(hh, hl, R[0]!, R[1]!); hh = R[0]!; hl = R[1]!;
    rotl(v3h, v3l, 12); add(hh, hl, R[0]!, R[1]!); hh = R[0]!; hl = R[1]!;
    rotl(v4h, v4l, 18); add(hh, hl, R[0]!, R[1]!); hh = R[0]!; hl = R[1]!;
    const lanes = [v1h, v1l, v2h, v2l, v3h, v3l, v4h, v4l];
    for (let j = 0; j < 8; j += 2) {
      // mergeRound: acc ^= round(0, v); acc = acc * P1 + P4
      round(0, 0, lanes[j]!, lanes[j + 1]!);
      hh = (hh ^ R[0]!) >>> 0; hl = (hl ^ R[1]!) >>> 0;
      mul(hh, hl, P1H, P1L); add(R[0]!, R[1]!, P4H, P4L); hh = R[0]!; hl = R[1]!;
    }
  } else {
    add(seedH, seedL, P5H, P5L); hh = R[0]!; hl = R[1]!;
  }
  // h += len (len < 2^53; its high half is floor(len / 2^32))
  add(hh, hl, Math.floor(len / 4294967296), len >>> 0); hh = R[0]!; hl = R[1]!;
  while (i + 8 <= len) {
    round(0, 0, read32(data, i + 4), read32(data, i));
    hh = (hh ^ R[0]!) >>> 0; hl = (hl ^ R[1]!) >>> 0;
    rotl(hh, hl, 27); mul(R[0]!, R[1]!, P1H, P1L); add(R[0]!, R[1]!, P4H, P4L); hh = R[0]!; hl = R[1]!;
    i += 8;
  }
  if (i + 4 <= len) {
    mul(0, read32(data, i), P1H, P1L);
    hh = (hh ^ R[0]!) >>> 0; hl = (hl ^ R[1]!) >>> 0;
    rotl(hh, hl, 23); mul(R[0]!, R[1]!, P2H, P2L); add(R[0]!, R[1]!, P3H, P3L); hh = R[0]!; hl = R[1]!;
    i += 4;
  }
  while (i < len) {
    mul(0, data[i]!, P5H, P5L);
    hh = (hh ^ R[0]!) >>> 0; hl = (hl ^ R[1]!) >>> 0;
    rotl(hh, hl, 11); mul(R[0]!, R[1]!, P1H, P1L); hh = R[0]!; hl = R[1]!;
    i++;
  }
  // avalanche: h ^= h >> 33; h *= P2; h ^= h >> 29; h *= P3; h ^= h >> 32
  hl = (hl ^ (hh >>> 1)) >>> 0;
  mul(hh, hl, P2H, P2L); hh = R[0]!; hl = R[1]!;
  hl = (hl ^ ((hh << 3) | (hl >>> 29)) ^ 0) >>> 0; // low half gets bits 29..60 of h
  hh = (hh ^ (hh >>> 29)) >>> 0;
  mul(hh, hl, P3H, P3L); hh = R[0]!; hl = R[1]!;
  hl = (hl ^ hh) >>> 0;
  R[0] = hh; R[1] = hl;
}

function seedHalves(seed: number | bigint, where: string): [number, number] {
  if (typeof seed === 'bigint') {
    if (seed < 0n || seed > 0xffffffffffffffffn) throw new RangeError(`${where}: seed must be in [0, 2^64), got ${seed}`);
    return [Number(seed >> 32n), Number(seed & 0xffffffffn)];
  }
  if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`${where}: seed must be a non-negative safe integer, got ${seed}`);
  return [Math.floor(seed / 4294967296), seed >>> 0];
}

/** XXH64 of bytes with a 64-bit seed, as a BigInt. */
export function xxhash64(data: Uint8Array, seed: number | bigint = 0): bigint {
  const [sh, sl] = seedHalves(seed, 'xxhash64');
  compute(data, sh, sl);
  return (BigInt(R[0]!) << 32n) | BigInt(R[1]!);
}

/** XXH64 as its two unsigned 32-bit halves `[hi, lo]` (no BigInt: the fast path). */
export function xxhash64Halves(data: Uint8Array, seed: number | bigint = 0): [number, number] {
  const [sh, sl] = seedHalves(seed, 'xxhash64Halves');
  compute(data, sh, sl);
  return [R[0]!, R[1]!];
}
