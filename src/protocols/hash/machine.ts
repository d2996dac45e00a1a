/**
 * The `hash` state machine. The `hasher` node answers three client
 * operations and keeps the results in its state, so the viewer can show them
 * step by step:
 * - `hash V`: reply with the hex digest and record it in a dedupe table
 *   (digest → first value, count), the classic "have I seen this content?"
 *   use of a cryptographic hash.
 * - `hash_keys N [into B]`: hash the generated keys `key-0` … `key-(N-1)`
 *   into B buckets (the first 32 digest bits, big-endian, modulo B) and report
 *   Pearson's χ² against uniform, its p-value, and the bucket extremes.
 * - `avalanche N`: for each of N keys and each bit of its UTF-8 input, flip
 *   that bit and count output bits that change; a good hash flips half
 *   (Webster & Tavares' strict avalanche criterion, 1985). Also reported:
 *   the worst output bit's deviation from 1/2.
 * Nothing is persisted: a crash empties the table (shown, not hidden).
 */
import type { ClientOp, Context } from '../../engine/protocol.js';
import { DIGEST_BITS, digest, digestHex, digestPrefix32 } from './algorithms.js';
import { uniformity } from './stats.js';
import { asText, bucketsOf, dedupeKeyText, textBytes, type HashState } from './state.js';
import { utf8 } from './_utf8.js';
import { generatedKey } from '../_keys.js';


export const MAX_KEYS = 1_000_000;
export const MAX_BUCKETS = 65_536;
export const MAX_AVALANCHE = 10_000;

function intArg(op: ClientOp, name: string, min: number, max: number): number | string {
  const v = op.args[name];
  if (typeof v !== 'number' || !Number.isInteger(v)) return `${op.name}: ${name} must be an integer`;
  if (v < min || v > max) return `${op.name}: ${name} must be in ${min}..${max}, got ${v}`;
  return v;
}

/** `hash V`: digest, dedupe, reply. */
export function hashValue(state: HashState, op: ClientOp, ctx: Context): HashState {
  const value = asText(op.args['value']);
  const hex = digestHex(state.algorithm, textBytes(dedupeKeyText(value, ctx.params), ctx.params), state.seed);
  const entry = state.seen[hex];
  if (entry) {
    const collision = entry.value !== value;
    if (collision) ctx.note(`collision: "${value}" and "${entry.value}" share ${hex}`);
    else ctx.note(`duplicate of "${value}"`);
    const next: HashState = {
      ...state,
      seen: { ...state.seen, [hex]: { value: entry.value, count: entry.count + 1 } },
      hashed: state.hashed + 1,
      duplicates: state.duplicates + 1,
      collisions: state.collisions + (collision ? 1 : 0),
    };
    ctx.metric('duplicates', next.duplicates);
    ctx.reply(op.id, true, { digest: hex, duplicate: true });
    return next;
  }
  const next: HashState = {
    ...state,
    seen: { ...state.seen, [hex]: { value, count: 1 } },
    hashed: state.hashed + 1,
    unique: state.unique + 1,
  };
  ctx.metric('unique', next.unique);
  ctx.metric('duplicates', next.duplicates);
  ctx.reply(op.id, true, { digest: hex, duplicate: false });
  return next;
}

/** `hash_keys N [into B]`: bucket histogram and χ² uniformity. */
export function hashKeys(state: HashState, op: ClientOp, ctx: Context): HashState {
  const count = intArg(op, 'count', 1, MAX_KEYS);
  if (typeof count === 'string') return fail(state, op, ctx, count);
  const buckets = op.args['buckets'] === undefined ? Math.min(bucketsOf(ctx.params), MAX_BUCKETS) : intArg(op, 'buckets', 1, MAX_BUCKETS);
  if (typeof buckets === 'string') return fail(state, op, ctx, buckets);
  const hist = new Array<number>(buckets).fill(0);
  for (let i = 0; i < count; i++) {
    const b = digestPrefix32(state.algorithm, textBytes(generatedKey(i), ctx.params), state.seed) % buckets;
    hist[b]!++;
  }
  const u = uniformity(hist);
  const uniform = u.pValue >= 0.01 ? 1 : 0;
  ctx.metric('chi_square', round6(u.chiSquare));
  ctx.metric('chi_square_p', round6(u.pValue));
  ctx.metric('uniform', uniform);
  ctx.metric('bucket_max', u.max);
  ctx.metric('bucket_min', u.min);
  ctx.metric('bucket_mean', round6(u.mean));
  ctx.metric('bucket_max_over_mean', round6(u.max / u.mean));
  ctx.reply(op.id, true, { chiSquare: round6(u.chiSquare), pValue: round6(u.pValue), uniform: uniform === 1 });
  return { ...state, buckets: hist };
}

const POPCOUNT = new Uint8Array(256).map((_, i) => {
  let c = 0;
  for (let v = i; v; v >>= 1) c += v & 1;
  return c;
});

/** Mean fraction of output bits changed by single-bit input flips, and the worst bit's bias. */
export function measureAvalanche(state: Pick<HashState, 'algorithm' | 'seed'>, count: number): { mean: number; bias: number; trials: number } {
  const outBits = DIGEST_BITS[state.algorithm];
  const perBit = new Float64Array(outBits);
  let changed = 0;
  let trials = 0;
  for (let i = 0; i < count; i++) {
    const input = utf8(generatedKey(i));
    const base = digest(state.algorithm, input, state.seed);
    for (let bit = 0; bit < input.length * 8; bit++) {
      input[bit >> 3]! ^= 1 << (bit & 7);
      const d = digest(state.algorithm, input, state.seed);
      input[bit >> 3]! ^= 1 << (bit & 7);
      for (let j = 0; j < d.length; j++) {
        const x = d[j]! ^ base[j]!;
        if (x === 0) continue;
        changed += POPCOUNT[x]!;
        for (let k = 0; k < 8; k++) if (x & (0x80 >> k)) perBit[j * 8 + k]!++;
      }
      trials++;
    }
  }
  let bias = 0;
  for (let j = 0; j < outBits; j++) bias = Math.max(bias, Math.abs(perBit[j]! / trials - 0.5));
  return { mean: changed / (trials * outBits), bias, trials };
}

/** `avalanche N`. */
export function avalanche(state: HashState, op: ClientOp, ctx: Context): HashState {
  const count = intArg(op, 'count', 1, MAX_AVALANCHE);
  if (typeof count === 'string') return fail(state, op, ctx, count);
  const r = measureAvalanche(state, count);
  const mean = round6(r.mean);
  ctx.metric('avalanche', mean);
  ctx.metric('avalanche_bias', round6(r.bias));
  ctx.reply(op.id, true, { avalanche: mean, bias: round6(r.bias), trials: r.trials });
  return mean === state.avalanche ? state : { ...state, avalanche: mean };
}

function fail(state: HashState, op: ClientOp, ctx: Context, why: string): HashState {
  ctx.reply(op.id, false, why);
  return state;
}

/** Six significant decimals keep traces byte-stable and readable. */
function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

export function onClient(state: HashState, op: ClientOp, ctx: Context): HashState {
  if (state.role !== 'hasher') return fail(state, op, ctx, `${ctx.id} does not hash; send operations to the hasher`);
  switch (op.name) {
    case 'hash': return hashValue(state, op, ctx);
    case 'hash_keys': return hashKeys(state, op, ctx);
    case 'avalanche': return avalanche(state, op, ctx);
    default: return fail(state, op, ctx, `hash: unknown operation ${op.name}`);
  }
}
