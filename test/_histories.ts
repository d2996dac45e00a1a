/**
 * Generated register histories for the linearizability checker's tests and
 * benchmarks, shaped like Jepsen's etcd test: a few clients, each doing one
 * operation at a time (read, write of a fresh value, cas), every operation
 * taking effect at one instant inside its interval on a real register — so
 * the history is linearizable by construction — and a share of operations
 * whose response is lost (`:info`: the client crashed or timed out; the
 * operation took effect or not, at random, and that client's process is
 * replaced by a new one, as Jepsen does).
 *
 * `corrupt` makes it not linearizable: one read late in the history returns
 * a value that had been overwritten before the read began (a stale read).
 */
import type { Json } from '../src/engine/protocol.js';
import type { Operation, RegisterInput } from '../src/checks/history.js';
import { mulberry32 } from './_random.js';

export interface RegisterHistoryOptions {
  readonly clients: number;
  readonly ops: number;
  /** Share of operations with an unknown outcome. */
  readonly unknown: number;
  readonly seed: number;
  /** Make one late read stale (the history is then not linearizable). */
  readonly corrupt?: boolean;
  /** Values written are 0..values-1 (small: cas often succeeds); default: every write a fresh value. */
  readonly values?: number;
}

export type RegisterOp = Operation<RegisterInput, Json> & { readonly client: string };

export function registerHistory(o: RegisterHistoryOptions): RegisterOp[] {
  const rnd = mulberry32(o.seed);
  const clock = new Array<number>(o.clients).fill(0);
  const process = Array.from({ length: o.clients }, (_, i) => i);
  let nextProcess = o.clients;
  type Draft = { -readonly [K in keyof RegisterOp]: RegisterOp[K] } & { at: number; effect: boolean };
  const drafts: Draft[] = [];
  let fresh = 1;
  for (let n = 0; n < o.ops; n++) {
    const c = Math.floor(rnd() * o.clients);
    const call = clock[c]! + 1 + Math.floor(rnd() * 5);
    const ret = call + 1 + Math.floor(rnd() * o.clients * 4);
    clock[c] = ret;
    const unknown = rnd() < o.unknown;
    const r = rnd();
    const value = o.values === undefined ? fresh++ : Math.floor(rnd() * o.values);
    const input: RegisterInput = r < 0.45 ? { op: 'read' } : r < 0.8 ? { op: 'write', value } : { op: 'cas', expected: o.values === undefined ? Math.max(0, fresh - 1 - Math.floor(rnd() * 3)) : Math.floor(rnd() * o.values), value };
    drafts.push({
      id: `o${n}`, client: `p${process[c]}`, call, ret: unknown ? null : ret, input,
      at: call + Math.floor(rnd() * (ret - call)), effect: !unknown || rnd() < 0.5,
    });
    if (unknown) process[c] = nextProcess++;
  }
  // Apply the effects in the order of their instants.
  let reg: Json = null;
  for (const d of [...drafts].sort((a, b) => a.at - b.at)) {
    const i = d.input;
    if (!d.effect) continue;
    if (i.op === 'read') d.output = reg;
    else if (i.op === 'write') {
      reg = i.value;
      d.output = null;
    } else {
      const ok = reg === i.expected;
      if (ok) reg = i.value;
      d.output = ok;
    }
  }
  if (o.corrupt) corruptOneRead(drafts);
  return drafts.map(({ at: _at, effect: _effect, ...op }) => (op.ret === null ? { ...op, output: undefined } : op));
}

/** Makes a read late in the history (the last tenth, or the last half of a short one) return a value overwritten by a write that completed before the read began. */
function corruptOneRead(ops: (RegisterOp & { output?: Json })[]): void {
  const start = Math.floor(ops.length * (ops.length >= 1000 ? 0.9 : 0.5));
  for (let k = start; k < ops.length; k++) {
    const read = ops[k]!;
    if (read.input.op !== 'read' || read.ret === null) continue;
    // Two writes that both completed before the read was invoked, the first completing before the second began.
    const done = ops.filter((w) => w.input.op === 'write' && w.ret !== null && w.ret < read.call);
    for (let j = done.length - 1; j > 0; j--) {
      const later = done[j]!;
      const earlier = done.slice(0, j).reverse().find((w) => w.ret! < later.call);
      if (earlier && (earlier.input as { value: Json }).value !== read.output) {
        read.output = (earlier.input as { value: Json }).value;
        return;
      }
    }
  }
  throw new Error('corruptOneRead: no read to corrupt');
}

/** A history as Jepsen writes it: one EDN map per event, invocations and completions in time order. */
export function toJepsenEdn(ops: readonly RegisterOp[]): string {
  type Ev = { t: number; text: string };
  const events: Ev[] = [];
  const edn = (v: Json): string => (v === null ? 'nil' : Array.isArray(v) ? `[${v.map(edn).join(' ')}]` : JSON.stringify(v));
  for (const op of ops) {
    const i = op.input;
    const f = i.op;
    const invokeValue = i.op === 'read' ? 'nil' : i.op === 'write' ? edn(i.value) : `[${edn(i.expected)} ${edn(i.value)}]`;
    const p = op.client.replace(/^p/, '');
    events.push({ t: op.call, text: `{:process ${p}, :type :invoke, :f :${f}, :value ${invokeValue}}` });
    if (op.ret === null) {
      events.push({ t: Number.MAX_SAFE_INTEGER, text: `{:process ${p}, :type :info, :f :${f}, :value ${invokeValue}}` });
      continue;
    }
    const ok = i.op === 'cas' && op.output === false ? 'fail' : 'ok';
    const value = i.op === 'read' ? edn(op.output ?? null) : invokeValue;
    events.push({ t: op.ret, text: `{:process ${p}, :type :${ok}, :f :${f}, :value ${value}}` });
  }
  // Calls before returns at equal times (the checker's convention: touching operations are concurrent).
  return events.map((e, k) => ({ ...e, k })).sort((a, b) => a.t - b.t || a.k - b.k).map((e) => e.text).join('\n') + '\n';
}
