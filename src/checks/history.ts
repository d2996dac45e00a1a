/**
 * Client histories for the linearizability checker.
 *
 * An operation has an invocation time and, when the client heard back, a
 * response time and an output. A definite failure (`ok: false`) did not take
 * effect and is left out of the history; an operation with no response
 * (timeout, crash, run ended) has `ret: null`: it may or may not have taken
 * effect, at any time after its invocation (Porcupine's "unknown" outputs).
 */
import type { Json } from '../engine/protocol.js';
import type { TraceEvent } from '../trace/format.js';

/** Key-value (and register) operations: the inputs of the `kv` model. */
export type KvInput =
  | { readonly op: 'put'; readonly key: string; readonly value: Json }
  | { readonly op: 'get'; readonly key: string }
  | { readonly op: 'cas'; readonly key: string; readonly expected: Json; readonly value: Json };

export interface Operation<I = KvInput, O = Json> {
  readonly id: string;
  /** Invocation time (µs). */
  readonly call: number;
  /** Response time (µs); null when no response came (outcome unknown). */
  readonly ret: number | null;
  readonly input: I;
  /** The response's output; ignored when `ret` is null. Outputs: put → null, get → value or null, cas → boolean. */
  readonly output?: O;
}

export type KvOperation = Operation<KvInput, Json>;

/** Turns a client op as a protocol sees it (`{ name, args }`) into a model input; undefined if it is not a KV op. */
export function kvInput(name: string, args: Readonly<Record<string, Json>>): KvInput | undefined {
  const key = args.key;
  if (typeof key !== 'string') return undefined;
  switch (name) {
    case 'put':
      return args.value === undefined ? undefined : { op: 'put', key, value: args.value };
    case 'get':
      return { op: 'get', key };
    case 'cas':
      return args.expected === undefined || args.value === undefined ? undefined : { op: 'cas', key, expected: args.expected, value: args.value };
    default:
      return undefined;
  }
}

/**
 * The KV history recorded in a trace: each `client` event is an invocation,
 * the first `reply` with the same op id its response. Non-KV operations and
 * definite failures are skipped.
 */
export function historyFromTrace(events: readonly TraceEvent[]): KvOperation[] {
  const calls = new Map<string, { call: number; input: KvInput }>();
  const order: string[] = [];
  const replies = new Map<string, { t: number; ok: boolean; result: Json | undefined }>();
  for (const e of events) {
    if (e.kind === 'client') {
      const input = kvInput(e.op.name, e.op.args);
      if (input && !calls.has(e.op.id)) {
        calls.set(e.op.id, { call: e.t, input });
        order.push(e.op.id);
      }
    } else if (e.kind === 'reply' && !replies.has(e.op)) {
      replies.set(e.op, { t: e.t, ok: e.ok, result: e.result });
    }
  }
  const out: KvOperation[] = [];
  for (const id of order) {
    const c = calls.get(id)!;
    const r = replies.get(id);
    if (r && !r.ok) continue;
    out.push(r ? { id, call: c.call, ret: r.t, input: c.input, output: r.result ?? null } : { id, call: c.call, ret: null, input: c.input });
  }
  return out;
}

export function describeOp(op: KvOperation): string {
  const i = op.input;
  const what = i.op === 'put' ? `put ${i.key} = ${JSON.stringify(i.value)}`
    : i.op === 'get' ? `get ${i.key}`
      : `cas ${i.key} ${JSON.stringify(i.expected)} → ${JSON.stringify(i.value)}`;
  const out = op.ret === null ? '→ ?' : i.op === 'put' ? '' : `→ ${JSON.stringify(op.output ?? null)}`;
  return `${op.id} ${what} ${out} [${op.call}, ${op.ret === null ? '∞' : op.ret}]`.replace('  ', ' ');
}
