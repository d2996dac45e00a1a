/**
 * Client histories for the linearizability checker.
 *
 * An operation has an invocation time and, when the client heard back, a
 * response time and an output. A definite failure (`ok: false`) did not take
 * effect and is left out of the history; an operation with no response
 * (timeout, crash, run ended) has `ret: null`: it may or may not have taken
 * effect, at any time after its invocation (Porcupine's "unknown" outputs).
 *
 * A protocol's vocabulary says which model its client operations follow and
 * how their names map onto the model's (`history: { model, ops }`); the
 * arguments are read by the model's names (`key`, `value`, `expected`).
 */
import type { HistorySpec, Json, ModelName } from '../engine/index.js';
import type { TraceEvent } from '../trace/format.js';

/** Operations of the `register` model. */
export type RegisterInput =
  | { readonly op: 'read' }
  | { readonly op: 'write'; readonly value: Json }
  | { readonly op: 'cas'; readonly expected: Json; readonly value: Json };

/** Operations of the `kv` model. */
export type KvInput =
  | { readonly op: 'put'; readonly key: string; readonly value: Json }
  | { readonly op: 'get'; readonly key: string }
  | { readonly op: 'append'; readonly key: string; readonly value: Json }
  | { readonly op: 'cas'; readonly key: string; readonly expected: Json; readonly value: Json };

export type ModelInput = RegisterInput | KvInput;

export interface Operation<I = KvInput, O = Json> {
  readonly id: string;
  /** Invocation time (µs). */
  readonly call: number;
  /** Response time (µs); null when no response came (outcome unknown). */
  readonly ret: number | null;
  readonly input: I;
  /** The response's output; ignored when `ret` is null. Outputs: writes → null, reads → value or null, cas → boolean. */
  readonly output?: O;
  /** Who invoked it (a Jepsen process, the node a scenario sent it to): one lane per client in pictures. */
  readonly client?: string;
  /** The line of the history file it was invoked on, when read from one. */
  readonly line?: number;
}

export type KvOperation = Operation<KvInput, Json>;

/** The model's input for operation `op` of the model, or undefined when the args do not fit it. */
export function modelInput(model: ModelName, op: string, args: Readonly<Record<string, Json>>): ModelInput | undefined {
  const { key, value, expected } = args;
  if (model === 'register') {
    switch (op) {
      case 'read': return { op: 'read' };
      case 'write': return value === undefined ? undefined : { op: 'write', value };
      case 'cas': return expected === undefined || value === undefined ? undefined : { op: 'cas', expected, value };
      default: return undefined;
    }
  }
  if (typeof key !== 'string') return undefined;
  switch (op) {
    case 'put':
    case 'append':
      return value === undefined ? undefined : { op, key, value };
    case 'get':
      return { op: 'get', key };
    case 'cas':
      return expected === undefined || value === undefined ? undefined : { op: 'cas', key, expected, value };
    default:
      return undefined;
  }
}

/** Turns a client op as a protocol sees it (`{ name, args }`) into a kv model input; undefined if it is not a KV op. */
export function kvInput(name: string, args: Readonly<Record<string, Json>>): KvInput | undefined {
  return modelInput('kv', name, args) as KvInput | undefined;
}

/**
 * The client history recorded in a trace: each `client` event is an
 * invocation, the first `reply` with the same op id its response.
 * Operations the spec does not map onto its model, and definite failures,
 * are skipped. Default spec: the key-value model with its own op names.
 */
export function historyFromTrace(events: readonly TraceEvent[], spec: HistorySpec = { model: 'kv' }): Operation<any, Json>[] {
  const calls = new Map<string, { call: number; input: ModelInput; client: string }>();
  const order: string[] = [];
  const replies = new Map<string, { t: number; ok: boolean; result: Json | undefined }>();
  for (const e of events) {
    if (e.kind === 'client') {
      const name = spec.ops === undefined ? e.op.name : spec.ops[e.op.name];
      const input = name === undefined ? undefined : modelInput(spec.model, name, e.op.args);
      if (input && !calls.has(e.op.id)) {
        calls.set(e.op.id, { call: e.t, input, client: e.node });
        order.push(e.op.id);
      }
    } else if (e.kind === 'reply' && !replies.has(e.op)) {
      replies.set(e.op, { t: e.t, ok: e.ok, result: e.result });
    }
  }
  const out: Operation<ModelInput, Json>[] = [];
  for (const id of order) {
    const c = calls.get(id)!;
    const r = replies.get(id);
    if (r && !r.ok) continue;
    out.push(r ? { id, call: c.call, ret: r.t, input: c.input, output: r.result ?? null, client: c.client } : { id, call: c.call, ret: null, input: c.input, client: c.client });
  }
  return out;
}

export function describeOp(op: Operation<ModelInput, Json>): string {
  const i = op.input;
  const key = 'key' in i ? ` ${i.key}` : '';
  const what = i.op === 'put' || i.op === 'write' || i.op === 'append' ? `${i.op}${key} = ${JSON.stringify(i.value)}`
    : i.op === 'get' || i.op === 'read' ? `${i.op}${key}`
      : `cas${key} ${JSON.stringify(i.expected)} → ${JSON.stringify(i.value)}`;
  const reads = i.op === 'get' || i.op === 'read' || i.op === 'cas';
  const out = op.ret === null ? '→ ?' : reads ? `→ ${JSON.stringify(op.output ?? null)}` : '';
  return `${op.id} ${what} ${out} [${op.call}, ${op.ret === null ? '∞' : op.ret}]`.replace('  ', ' ');
}
