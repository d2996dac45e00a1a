/**
 * Fast refutations for register histories: two patterns that make a history
 * non-linearizable whatever the order of everything else, found in
 * O(n log n) before the search runs. Each returns a small witness window
 * (one to three operations) that is itself not linearizable; together with
 * the condition checked on the whole history ("nothing else writes that
 * value") it proves the whole history is not.
 *
 * - A read of a value that no operation writes (and that is not the initial
 *   value), or that is only written after the read returned.
 * - A stale read (Gibbons & Korach's "overwritten value", 1997): value v has
 *   one producer P; another write W2 that surely took effect (a write with a
 *   response, or a cas that succeeded) began after P responded and responded
 *   before read R of v began. Then P < W2 < R in every linearization, and
 *   nothing writes v again in between.
 *
 * Histories with many concurrent clients are where the search is slowest
 * and where these anomalies show up most; finding them first turns minutes
 * of search into a verdict at once. When neither pattern applies the search
 * decides as before.
 */
import type { Json } from '../engine/protocol.js';
import type { Operation, RegisterInput } from './history.js';

/** JSON text with object keys sorted, so equal values (jsonEqual) get equal keys. */
export function canonicalJson(v: Json | undefined): string {
  if (v === undefined) return 'undefined';
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(',')}}`;
}

type RegisterOp<I> = Operation<I, Json>;

/** A small window that is not linearizable, and the read no order explains. */
export interface Refutation<Op> {
  readonly window: Op[];
  readonly culprit: Op;
}

/**
 * A witness that `ops` (one register; `view` gives each op's register
 * operation) is not linearizable from `initial`, or undefined when these
 * patterns find none.
 */
export function refuteRegister<I>(ops: readonly RegisterOp<I>[], initial: Json, view: (input: I) => RegisterInput | undefined): Refutation<RegisterOp<I>> | undefined {
  const producers = new Map<string, RegisterOp<I>[]>();
  const overwriters: { op: RegisterOp<I>; value: string }[] = [];
  const reads: { op: RegisterOp<I>; value: string }[] = [];
  for (const op of ops) {
    const i = view(op.input);
    if (i === undefined) return undefined;
    if (i.op === 'read') {
      if (op.ret !== null) reads.push({ op, value: canonicalJson(op.output ?? null) });
      continue;
    }
    // A known-failed cas writes nothing.
    if (i.op === 'cas' && op.ret !== null && op.output !== true) continue;
    const value = canonicalJson(i.value);
    const list = producers.get(value);
    if (list) list.push(op);
    else producers.set(value, [op]);
    // Surely took effect before its response: a write that responded, a cas that responded true.
    if (op.ret !== null) overwriters.push({ op, value });
  }
  const init = canonicalJson(initial);
  // Overwriters by response time, with the latest-invoked one among each prefix.
  overwriters.sort((a, b) => a.op.ret! - b.op.ret!);
  const latest: number[] = [];
  overwriters.forEach((w, k) => {
    latest.push(k === 0 || w.op.call > overwriters[latest[k - 1]!]!.op.call ? k : latest[k - 1]!);
  });
  /** The overwriter invoked latest among those that responded before `t`, if any. */
  const latestBefore = (t: number): { op: RegisterOp<I>; value: string } | undefined => {
    let lo = 0;
    let hi = overwriters.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (overwriters[mid]!.op.ret! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? undefined : overwriters[latest[lo - 1]!];
  };
  for (const r of reads) {
    const ps = producers.get(r.value) ?? [];
    const isInit = r.value === init;
    if (!isInit && ps.every((p) => p.call > r.op.ret!)) return { window: [r.op, ...ps.slice(0, 1)], culprit: r.op };
    // Exactly one way to hold this value: one producer, or the initial value and none.
    if (ps.length + (isInit ? 1 : 0) !== 1) continue;
    const p = ps[0];
    const effectBy = p === undefined ? -Infinity : p.ret === null ? Infinity : p.ret;
    const w = latestBefore(r.op.call);
    if (w !== undefined && w.op.call > effectBy && w.value !== r.value) return { window: [...(p ? [p] : []), w.op, r.op], culprit: r.op };
  }
  return undefined;
}
