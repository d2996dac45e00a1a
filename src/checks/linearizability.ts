/**
 * A linearizability checker (Herlihy & Wing 1990): is there a total order of
 * the operations, consistent with real time (A before B whenever A responded
 * before B was invoked), in which every output is what the sequential model
 * gives?
 *
 * The search is Wing & Gong's (1993) with Lowe's memoization (2017), as
 * Porcupine implements it: the history becomes a doubly linked list of call
 * and return entries in time order; the search repeatedly linearizes the
 * earliest call it can, lifting the call and its return out of the list,
 * and backtracks when it reaches a return whose call it could not linearize.
 * A cache of (set of linearized operations, model state) prunes configurations
 * already explored. The model partitions the history (per key for the KV
 * model) and each part is searched alone.
 *
 * Ties: an operation that responds at the same instant another is invoked
 * counts as concurrent with it. Operations with no response (`ret: null`) may
 * be linearized anywhere after their invocation, with any output.
 *
 * When a part is not linearizable, the result names a small window: the
 * shortest prefix of the history (cut at a response time; later responses
 * become unknown, later invocations are dropped) that is already not
 * linearizable, with reads removed one by one while that stays so. Both
 * reductions are sound: a violation in the window is a violation of the
 * whole history.
 */
import type { Json } from '../engine/protocol.js';
import { describeOp, type KvInput, type ModelInput, type Operation } from './history.js';
import { kvModel, type Model } from './models.js';

export type LinearizabilityResult<I = KvInput, O = Json> =
  | { readonly ok: true }
  | { readonly ok: false; readonly key: string; readonly window: Operation<I, O>[]; readonly message: string };

interface Node {
  prev: Node | null;
  next: Node | null;
  /** Index of the operation in the part; -1 for the head sentinel. */
  op: number;
  /** For a call entry: its return entry. */
  match: Node | null;
}

/** Whether `ops` (one partition) is linearizable with respect to `model`. */
export function isLinearizable<S, I, O>(model: Model<S, I, O>, ops: readonly Operation<I, O>[]): boolean {
  const n = ops.length;
  if (n === 0) return true;
  type Point = { t: number; call: boolean; op: number };
  const points: Point[] = [];
  for (let i = 0; i < n; i++) {
    const op = ops[i]!;
    points.push({ t: op.call, call: true, op: i });
    points.push({ t: op.ret === null ? Infinity : op.ret, call: false, op: i });
  }
  // Time order; at equal times calls first (touching operations are concurrent); then by position.
  points.sort((a, b) => a.t - b.t || (a.call === b.call ? a.op - b.op : a.call ? -1 : 1));
  const head: Node = { prev: null, next: null, op: -1, match: null };
  const calls: Node[] = new Array(n);
  const returns: Node[] = new Array(n);
  let tail = head;
  for (const p of points) {
    const node: Node = { prev: tail, next: null, op: p.op, match: null };
    tail.next = node;
    tail = node;
    if (p.call) calls[p.op] = node;
    else returns[p.op] = node;
  }
  for (let i = 0; i < n; i++) calls[i]!.match = returns[i]!;

  const words = new Uint32Array(Math.ceil(n / 32));
  const cache = new Set<string>();
  const stack: { node: Node; state: S }[] = [];
  let state = model.init();
  let entry: Node | null = head.next;
  while (head.next !== null) {
    const e: Node = entry!;
    if (e.match !== null) {
      const op = ops[e.op]!;
      const next = model.step(state, op.input, op.output, op.ret !== null);
      if (next !== undefined) {
        words[e.op >>> 5]! |= 1 << (e.op & 31);
        const key = `${words.join(',')}|${model.hash(next)}`;
        if (!cache.has(key)) {
          cache.add(key);
          stack.push({ node: e, state });
          state = next;
          lift(e);
          entry = head.next;
          continue;
        }
        words[e.op >>> 5]! &= ~(1 << (e.op & 31));
      }
      entry = e.next;
    } else {
      const top = stack.pop();
      if (!top) return false;
      state = top.state;
      words[top.node.op >>> 5]! &= ~(1 << (top.node.op & 31));
      unlift(top.node);
      entry = top.node.next;
    }
  }
  return true;
}

function lift(call: Node): void {
  call.prev!.next = call.next;
  if (call.next) call.next.prev = call.prev;
  const ret = call.match!;
  ret.prev!.next = ret.next;
  if (ret.next) ret.next.prev = ret.prev;
}

function unlift(call: Node): void {
  const ret = call.match!;
  ret.prev!.next = ret;
  if (ret.next) ret.next.prev = ret;
  call.prev!.next = call;
  if (call.next) call.next.prev = call;
}

/** The history cut at time `t`: invocations after `t` dropped, responses after `t` made unknown. */
function truncate<I, O>(ops: readonly Operation<I, O>[], t: number): Operation<I, O>[] {
  const out: Operation<I, O>[] = [];
  for (const op of ops) {
    if (op.call > t) continue;
    out.push(op.ret !== null && op.ret > t ? { id: op.id, call: op.call, ret: null, input: op.input } : op);
  }
  return out;
}

/** Reads never change state, so dropping one keeps any violation that remains genuine. */
function isRead(input: unknown): boolean {
  const op = typeof input === 'object' && input !== null ? (input as { op?: unknown }).op : undefined;
  return op === 'get' || op === 'read';
}

const MAX_READ_REMOVALS = 200;

function minimalWindow<S, I, O>(model: Model<S, I, O>, ops: readonly Operation<I, O>[]): { window: Operation<I, O>[]; culprit: Operation<I, O> | undefined } {
  const times = [...new Set(ops.flatMap((o) => (o.ret === null ? [] : [o.ret])))].sort((a, b) => a - b);
  // Smallest cut that fails (monotone: a linearizable cut stays so when cut earlier).
  let lo = 0;
  let hi = times.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (isLinearizable(model, truncate(ops, times[mid]!))) lo = mid + 1;
    else hi = mid;
  }
  const cut = times[lo];
  let window = cut === undefined ? [...ops] : truncate(ops, cut);
  if (cut !== undefined && isLinearizable(model, window)) window = [...ops];
  const culprit = window.find((o) => o.ret === cut && cut !== undefined);
  let removals = 0;
  for (let i = window.length - 1; i >= 0 && removals < MAX_READ_REMOVALS; i--) {
    const op = window[i]!;
    if (op === culprit || !isRead(op.input)) continue;
    removals++;
    const without = window.filter((_, j) => j !== i);
    if (!isLinearizable(model, without)) window = without;
  }
  return { window, culprit };
}

/**
 * Checks a history against a model (default: the key-value model, per key).
 * Never throws on a malformed history: operations with a response before
 * their invocation are treated as responding at their invocation.
 */
export function checkLinearizable<S, I, O>(ops: readonly Operation<I, O>[], model?: Model<S, I, O>): LinearizabilityResult<I, O>;
export function checkLinearizable(ops: readonly Operation<KvInput, Json>[], model: Model<Json, KvInput, Json> = kvModel): LinearizabilityResult {
  const clean = ops.map((o) => (o.ret !== null && o.ret < o.call ? { ...o, ret: o.call } : o));
  const parts = model.partition ? model.partition(clean) : [{ label: '', ops: clean }];
  for (const part of parts) {
    if (isLinearizable(model, part.ops)) continue;
    const { window, culprit } = minimalWindow(model, part.ops);
    const where = part.label === '' ? '' : ` on key ${JSON.stringify(part.label)}`;
    const why = culprit && (culprit.input as ModelInput).op !== undefined ? `: ${describeOp(culprit as Operation<ModelInput, Json>)} has no valid place` : '';
    return {
      ok: false, key: part.label, window,
      message: `not linearizable${where}${why}; window of ${window.length} operation(s): ${window.map((o) => describeOp(o as Operation<ModelInput, Json>)).join('; ')}`,
    };
  }
  return { ok: true };
}
