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
 * A memo of explored configurations (the set of linearized operations and
 * the model state) prunes configurations already explored; it holds 96-bit
 * fingerprints (_fingerprints.ts), so its memory stays bounded and
 * predictable. The model partitions the history (per key for the KV model)
 * and each part is searched alone (P-compositionality).
 *
 * Two prunings beyond Porcupine's:
 * - An operation the model calls read-only (a read, a failed cas) is
 *   linearized as soon as it is legal and never tried later (models.ts
 *   `readOnly` says why that loses no linearization). Concurrent reads no
 *   longer multiply the configurations by every subset of them.
 * - The search notes the furthest return entry at which it got stuck.
 *   Every prefix cut before that response is linearizable (the branch that
 *   got there explains it), so the search for the shortest failing prefix
 *   starts there instead of bisecting the whole history.
 *
 * A budget (time, memory) turns a search that would take too long or too
 * much memory into a third verdict, "unknown", instead of a crash.
 *
 * Ties: an operation that responds at the same instant another is invoked
 * counts as concurrent with it. Operations with no response (`ret: null`)
 * may be linearized anywhere after their invocation, with any output.
 *
 * The window reported for a failure is the shortest failing prefix (later
 * responses become unknown, later invocations are dropped), then with
 * read-only operations removed (in halves, then one by one) while it stays
 * non-linearizable. Both reductions are sound: a violation in the window is
 * a violation of the whole history.
 */
import type { Json } from '../engine/protocol.js';
import { BudgetExceeded, FingerprintSet, hashString, zobristWords } from './_fingerprints.js';
import { describeOp, type KvInput, type ModelInput, type Operation } from './history.js';
import { kvModel, type Model } from './models.js';

/** Limits on one check. Absent: no time limit, and `DEFAULT_MEMORY` for each search's memo. */
export interface CheckBudget {
  /** Give up after this many milliseconds (measured with `now`). */
  readonly timeMs?: number;
  /** The most bytes one search's memo may take. */
  readonly memoryBytes?: number;
  /** A clock in milliseconds, required with `timeMs` (the pure core reads no clock of its own). */
  readonly now?: () => number;
}

/** 1 GiB of memo: about 44 million configurations. */
export const DEFAULT_MEMORY = 1 << 30;

/** What one search of one part found. */
export type SearchVerdict<I, O> =
  | { readonly verdict: 'linearizable'; readonly configurations: number }
  | {
    readonly verdict: 'not linearizable';
    readonly configurations: number;
    /** The operation whose response no order explains (the furthest the search got). */
    readonly stuck: Operation<I, O>;
  }
  | { readonly verdict: 'unknown'; readonly configurations: number; readonly reason: 'time' | 'memory' };

export type LinearizabilityResult<I = KvInput, O = Json> =
  | { readonly ok: true }
  | { readonly ok: false; readonly unknown?: undefined; readonly key: string; readonly window: Operation<I, O>[]; readonly message: string }
  /** The budget ran out before a verdict: nothing is claimed either way. */
  | { readonly ok: false; readonly unknown: true; readonly key: string; readonly window: Operation<I, O>[]; readonly message: string };

interface Entry {
  prev: Entry | null;
  next: Entry | null;
  /** Index of the operation in the part; -1 for the head sentinel. */
  op: number;
  /** For a call entry: its return entry. */
  match: Entry | null;
  /** Position in time order (for "the furthest return reached"). */
  pos: number;
}

/** An absolute deadline and a clock, resolved once per check. */
interface Limits {
  readonly deadline: number;
  readonly now: () => number;
  readonly memoryBytes: number;
}

function limitsOf(budget: CheckBudget | undefined): Limits {
  if (budget?.timeMs !== undefined && budget.now === undefined) throw new TypeError('checkLinearizable: a time budget needs a clock (budget.now)');
  const now = budget?.now ?? (() => 0);
  const deadline = budget?.timeMs === undefined ? Infinity : now() + budget.timeMs;
  return { deadline, now, memoryBytes: budget?.memoryBytes ?? DEFAULT_MEMORY };
}

/** Whether `ops` (one partition) is linearizable with respect to `model`. Throws a RangeError if the memo outgrows `DEFAULT_MEMORY`. */
export function isLinearizable<S, I, O>(model: Model<S, I, O>, ops: readonly Operation<I, O>[]): boolean {
  const r = searchLinearization(model, ops);
  if (r.verdict === 'unknown') throw new RangeError(`isLinearizable: the search needed more than ${DEFAULT_MEMORY} bytes of memo`);
  return r.verdict === 'linearizable';
}

/** One Wing & Gong search of one part, within `budget`. */
export function searchLinearization<S, I, O>(model: Model<S, I, O>, ops: readonly Operation<I, O>[], budget?: CheckBudget): SearchVerdict<I, O> {
  return search(model, ops, limitsOf(budget));
}

function search<S, I, O>(model: Model<S, I, O>, ops: readonly Operation<I, O>[], limits: Limits): SearchVerdict<I, O> {
  const n = ops.length;
  if (n === 0) return { verdict: 'linearizable', configurations: 0 };
  const head = entryList(ops);
  const readOnly = new Uint8Array(n);
  if (model.readOnly) for (let i = 0; i < n; i++) readOnly[i] = model.readOnly(ops[i]!.input, ops[i]!.output, ops[i]!.ret !== null) ? 1 : 0;

  const zob = zobristWords(n);
  let z0 = 0;
  let z1 = 0;
  let z2 = 0;
  // The model state's hash, recomputed only when the state object changes.
  const sh = new Uint32Array(3);
  const hashState = (s: S) => hashString(model.hash(s), sh);
  let memo: FingerprintSet;
  try {
    memo = new FingerprintSet(limits.memoryBytes);
  } catch {
    return { verdict: 'unknown', configurations: 0, reason: 'memory' };
  }
  const stack: { entry: Entry; state: S; forced: boolean; h0: number; h1: number; h2: number }[] = [];
  let state = model.init();
  hashState(state);
  let entry: Entry | null = head.next;
  let furthest: Entry | null = null;
  let steps = 0;
  const timed = limits.deadline !== Infinity;

  const flip = (op: number) => {
    z0 ^= zob[op * 3]!;
    z1 ^= zob[op * 3 + 1]!;
    z2 ^= zob[op * 3 + 2]!;
  };
  /** Pops the last linearized operation (and every forced one below it); false when nothing is left. */
  const backtrack = (): boolean => {
    for (;;) {
      const top = stack.pop();
      if (top === undefined) return false;
      state = top.state;
      sh[0] = top.h0;
      sh[1] = top.h1;
      sh[2] = top.h2;
      flip(top.entry.op);
      unlift(top.entry);
      if (!top.forced) {
        entry = top.entry.next;
        return true;
      }
    }
  };

  try {
    while (head.next !== null) {
      if (timed && (++steps & 1023) === 0 && limits.now() > limits.deadline) return { verdict: 'unknown', configurations: memo.size, reason: 'time' };
      const e: Entry = entry!;
      if (e.match !== null) {
        const op = ops[e.op]!;
        const next = model.step(state, op.input, op.output, op.ret !== null);
        if (next !== undefined) {
          const h0 = sh[0]!;
          const h1 = sh[1]!;
          const h2 = sh[2]!;
          flip(e.op);
          if (next !== state) hashState(next);
          if (memo.add(z0 ^ sh[0]!, z1 ^ sh[1]!, z2 ^ sh[2]!)) {
            stack.push({ entry: e, state, forced: readOnly[e.op] === 1, h0, h1, h2 });
            state = next;
            lift(e);
            entry = head.next;
            continue;
          }
          flip(e.op);
          sh[0] = h0;
          sh[1] = h1;
          sh[2] = h2;
          // A legal read-only operation whose configuration was explored already: no other choice here can succeed either.
          if (readOnly[e.op] === 1) {
            if (!backtrack()) return { verdict: 'not linearizable', configurations: memo.size, stuck: ops[furthest!.op]! };
            continue;
          }
        }
        entry = e.next;
      } else {
        if (furthest === null || e.pos > furthest.pos) furthest = e;
        if (!backtrack()) return { verdict: 'not linearizable', configurations: memo.size, stuck: ops[furthest.op]! };
      }
    }
  } catch (err) {
    if (err instanceof BudgetExceeded) return { verdict: 'unknown', configurations: memo.size, reason: 'memory' };
    throw err;
  }
  return { verdict: 'linearizable', configurations: memo.size };
}

/** The history as a linked list of call and return entries in time order (calls first at equal times, then by position). */
function entryList<I, O>(ops: readonly Operation<I, O>[]): Entry {
  const n = ops.length;
  const points: { t: number; call: boolean; op: number }[] = [];
  for (let i = 0; i < n; i++) {
    const op = ops[i]!;
    points.push({ t: op.call, call: true, op: i });
    points.push({ t: op.ret === null ? Infinity : op.ret, call: false, op: i });
  }
  points.sort((a, b) => a.t - b.t || (a.call === b.call ? a.op - b.op : a.call ? -1 : 1));
  const head: Entry = { prev: null, next: null, op: -1, match: null, pos: -1 };
  const calls: Entry[] = new Array(n);
  const returns: Entry[] = new Array(n);
  let tail = head;
  points.forEach((p, pos) => {
    const e: Entry = { prev: tail, next: null, op: p.op, match: null, pos };
    tail.next = e;
    tail = e;
    if (p.call) calls[p.op] = e;
    else returns[p.op] = e;
  });
  for (let i = 0; i < n; i++) calls[i]!.match = returns[i]!;
  return head;
}

function lift(call: Entry): void {
  call.prev!.next = call.next;
  if (call.next) call.next.prev = call.prev;
  const ret = call.match!;
  ret.prev!.next = ret.next;
  if (ret.next) ret.next.prev = ret.prev;
}

function unlift(call: Entry): void {
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
    out.push(op.ret !== null && op.ret > t ? { ...op, ret: null, output: undefined } : op);
  }
  return out;
}

/**
 * Removes read-only operations (other than `keep`) from a failing window
 * while it keeps failing: all of them at once, then halves, then smaller
 * chunks (Zeller's ddmin on the removable ones), within the time limit.
 * Removing a read-only operation only drops a constraint, so what remains
 * failing makes the whole window fail.
 */
function dropReads<S, I, O>(model: Model<S, I, O>, window: Operation<I, O>[], keep: Operation<I, O>, limits: Limits): { window: Operation<I, O>[]; complete: boolean } {
  const removable = (o: Operation<I, O>) => o !== keep && model.readOnly !== undefined && model.readOnly(o.input, o.output, o.ret !== null);
  let candidates = window.filter(removable);
  let current = window;
  let chunks = 1;
  while (candidates.length > 0) {
    const size = Math.ceil(candidates.length / chunks);
    let removed = false;
    for (let start = 0; start < candidates.length; start += size) {
      if (limits.now() > limits.deadline) return { window: current, complete: false };
      const drop = new Set(candidates.slice(start, start + size));
      const without = current.filter((o) => !drop.has(o));
      const r = search(model, without, limits);
      if (r.verdict === 'unknown') return { window: current, complete: false };
      if (r.verdict === 'not linearizable') {
        current = without;
        candidates = candidates.filter((o) => !drop.has(o));
        removed = true;
        break;
      }
    }
    if (removed) {
      chunks = Math.max(chunks - 1, 1);
      continue;
    }
    if (size === 1) break;
    chunks = Math.min(chunks * 2, candidates.length);
  }
  return { window: current, complete: true };
}

/** The verdict on one part, with a minimal window when it fails. */
export type PartResult<I, O> =
  | { readonly verdict: 'linearizable'; readonly configurations: number }
  | { readonly verdict: 'not linearizable'; readonly configurations: number; readonly window: Operation<I, O>[]; readonly culprit: Operation<I, O>; readonly minimal: boolean }
  | { readonly verdict: 'unknown'; readonly configurations: number; readonly reason: 'time' | 'memory' };

/** Checks one part (one key) and, when it fails, finds its minimal window. */
export function checkPart<S, I, O>(model: Model<S, I, O>, ops: readonly Operation<I, O>[], budget?: CheckBudget): PartResult<I, O> {
  const limits = limitsOf(budget);
  const refuted = model.refute?.(ops);
  if (refuted !== undefined) return { verdict: 'not linearizable', configurations: 0, window: refuted.window, culprit: refuted.culprit, minimal: true };
  const r = search(model, ops, limits);
  if (r.verdict !== 'not linearizable') return r;
  const cut = shortestFailingCut(model, ops, r.stuck.ret!, limits);
  const culprit = cut.window.find((o) => o.ret === cut.at) ?? r.stuck;
  const dropped = cut.minimal ? dropReads(model, cut.window, culprit, limits) : { window: cut.window, complete: false };
  return { verdict: 'not linearizable', configurations: r.configurations, window: dropped.window, culprit, minimal: dropped.complete };
}

/**
 * The shortest prefix of a failing history that fails: cut at a response
 * time (later responses become unknown, later invocations are dropped).
 * Every cut before the response where the search got furthest is
 * linearizable (the branch that got there explains it, with fewer
 * constraints), so the search starts there and gallops forward, then
 * bisects: cutting earlier never turns a linearizable prefix into a failing
 * one.
 */
function shortestFailingCut<S, I, O>(model: Model<S, I, O>, ops: readonly Operation<I, O>[], from: number, limits: Limits): { window: Operation<I, O>[]; at: number | undefined; minimal: boolean } {
  const times = [...new Set(ops.flatMap((o) => (o.ret === null || o.ret < from ? [] : [o.ret])))].sort((a, b) => a - b);
  const fails = (k: number): boolean | undefined => {
    const r = search(model, truncate(ops, times[k]!), limits);
    return r.verdict === 'unknown' ? undefined : r.verdict === 'not linearizable';
  };
  // Gallop: find hi with fails(hi), lo with !fails(lo - 1).
  let lo = 0;
  let hi = -1;
  for (let step = 1, k = 0; k < times.length; k = Math.min(times.length - 1, k + step), step *= 2) {
    const f = fails(k);
    if (f === undefined) return { window: [...ops], at: undefined, minimal: false };
    if (f) {
      hi = k;
      break;
    }
    lo = k + 1;
    if (k === times.length - 1) break;
  }
  if (hi < 0) return { window: [...ops], at: undefined, minimal: true }; // only the unknown outcomes at the end fail it
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const f = fails(mid);
    if (f === undefined) return { window: truncate(ops, times[hi]!), at: times[hi], minimal: false };
    if (f) hi = mid;
    else lo = mid + 1;
  }
  return { window: truncate(ops, times[hi]!), at: times[hi], minimal: true };
}

/** Normalises a history: a response before its invocation counts as responding at the invocation. */
export function cleanHistory<I, O>(ops: readonly Operation<I, O>[]): Operation<I, O>[] {
  return ops.map((o) => (o.ret !== null && o.ret < o.call ? { ...o, ret: o.call } : o));
}

/** The one-line message for a failing part. */
export function failureMessage<I, O>(label: string, result: Extract<PartResult<I, O>, { verdict: 'not linearizable' }>): string {
  const where = label === '' ? '' : ` on key ${JSON.stringify(label)}`;
  const culprit = result.culprit as Operation<ModelInput, Json>;
  const why = culprit.input !== undefined ? `: ${describeOp(culprit)} has no valid place` : '';
  const window = result.window as Operation<ModelInput, Json>[];
  const note = result.minimal ? '' : ' (not minimized: the budget ran out)';
  return `not linearizable${where}${why}; window of ${window.length} operation(s)${note}: ${window.map((o) => describeOp(o)).join('; ')}`;
}

/** The message for a part the budget did not allow to decide. */
export function unknownMessage(label: string, reason: 'time' | 'memory', budget: CheckBudget | undefined, configurations: number): string {
  const where = label === '' ? '' : ` on key ${JSON.stringify(label)}`;
  const limit = reason === 'time'
    ? `the time budget${budget?.timeMs !== undefined ? ` (${budget.timeMs / 1000} s)` : ''}`
    : `the memory budget (${Math.round((budget?.memoryBytes ?? DEFAULT_MEMORY) / 1048576)} MB)`;
  return `unknown: budget exhausted${where} — ${limit} ran out after ${configurations} configurations`;
}

/**
 * Checks a history against a model (default: the key-value model, per key),
 * part by part in label order, stopping at the first part that fails or
 * that the budget cannot decide. Never throws on a malformed history:
 * operations with a response before their invocation are treated as
 * responding at their invocation.
 */
export function checkLinearizable<S, I, O>(ops: readonly Operation<I, O>[], model?: Model<S, I, O>, budget?: CheckBudget): LinearizabilityResult<I, O>;
export function checkLinearizable(ops: readonly Operation<KvInput, Json>[], model: Model<Json, KvInput, Json> = kvModel, budget?: CheckBudget): LinearizabilityResult {
  const clean = cleanHistory(ops);
  const parts = model.partition ? model.partition(clean) : [{ label: '', ops: clean }];
  const limits = limitsOf(budget);
  // One deadline for all parts: each part gets what is left.
  const shared: CheckBudget = { ...budget, now: limits.now, ...(budget?.timeMs !== undefined ? { timeMs: Math.max(0, limits.deadline - limits.now()) } : {}) };
  for (const part of parts) {
    const left: CheckBudget = budget?.timeMs === undefined ? shared : { ...shared, timeMs: Math.max(0, limits.deadline - limits.now()) };
    const r = checkPart(model, part.ops, left);
    if (r.verdict === 'linearizable') continue;
    if (r.verdict === 'unknown') return { ok: false, unknown: true, key: part.label, window: [], message: unknownMessage(part.label, r.reason, budget, r.configurations) };
    return { ok: false, key: part.label, window: r.window, message: failureMessage(part.label, r) };
  }
  return { ok: true };
}
