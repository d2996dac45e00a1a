/**
 * Sequential specifications for the linearizability checker, in Porcupine's
 * shape: an initial state, a step function that says whether an operation
 * with a given output is legal in a state (and the next state), a hash of a
 * state for the search's memo, and an optional partition into independent
 * sub-histories (P-compositionality: a history is linearizable iff each
 * key's sub-history is; Herlihy & Wing 1990, Porcupine's `Partition`).
 *
 * Two models, named by protocols' vocabularies (`history: { model }`):
 * - `register`: one value; `read` → the value, `write` → null, `cas` → true
 *   and replace when the value equals `expected`, else false.
 * - `kv`: a map of such registers, checked key by key; `get`, `put`, `cas`
 *   as read, write and cas, and `append` (the string value grows by the
 *   argument's text, an absent value counting as ""; → null).
 * Absent values are null.
 */
import type { Json, ModelName } from '../engine/index.js';
import type { KvInput, Operation, RegisterInput } from './history.js';
import { jsonEqual } from '../trace/json-equal.js';
import { refuteRegister, type Refutation } from './_refute.js';
export { jsonEqual };

export interface Model<S, I, O> {
  readonly name: string;
  init(): S;
  /** The next state, or undefined when `output` is impossible from `state`. `known` false: the output is unknown, any is legal. */
  step(state: S, input: I, output: O | undefined, known: boolean): S | undefined;
  hash(state: S): string;
  /**
   * True when the operation, with this output, never changes the state
   * wherever it is legal (a read, a failed cas). The search may then
   * linearize it as soon as it is legal and never try it later: any
   * linearization that places it later, at a state where it is legal, stays
   * one when it moves forward to here. Optional: without it every operation
   * is searched both ways.
   */
  readOnly?(input: I, output: O | undefined, known: boolean): boolean;
  /**
   * A quick proof that one part is not linearizable (a few operations that
   * contradict each other whatever the order of the rest), tried before the
   * search; undefined when it finds none. Optional.
   */
  refute?(ops: readonly Operation<I, O>[]): Refutation<Operation<I, O>> | undefined;
  /** Independent sub-histories, each with a label (e.g. the key). Default: the whole history. */
  partition?(ops: readonly Operation<I, O>[]): { label: string; ops: Operation<I, O>[] }[];
}

/** The text `append` works on: a string as is, null as "", anything else as its JSON. */
export function appendText(v: Json): string {
  return v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v);
}

/** One register's step: `read` (legal when the output is the state, or unknown), `write`, `cas`. */
function registerStep(state: Json, op: 'read' | 'write' | 'cas', input: { value?: Json; expected?: Json }, output: Json | undefined, known: boolean): Json | undefined {
  switch (op) {
    case 'read':
      return !known || jsonEqual(output ?? null, state) ? state : undefined;
    case 'write':
      return input.value!;
    case 'cas': {
      const swapped = jsonEqual(state, input.expected!);
      if (known && output !== swapped) return undefined;
      return swapped ? input.value! : state;
    }
  }
}

/** Reads never change the state; a cas does not when it is known to have failed, or when it swaps a value for itself. */
function registerReadOnly(op: 'read' | 'write' | 'cas', input: { value?: Json; expected?: Json }, output: Json | undefined, known: boolean): boolean {
  if (op === 'read') return true;
  if (op !== 'cas' || !known) return false;
  return output === false || (output === true && jsonEqual(input.expected!, input.value!));
}

/** One register (null = never written). */
export const registerModel: Model<Json, RegisterInput, Json> = {
  name: 'register',
  init: () => null,
  step: (state, input, output, known) => registerStep(state, input.op, input as { value?: Json; expected?: Json }, output, known),
  hash: (state) => JSON.stringify(state),
  readOnly: (input, output, known) => registerReadOnly(input.op, input as { value?: Json; expected?: Json }, output, known),
  refute(ops) {
    return refuteRegister(ops, this.init(), (i) => i);
  },
};

/** A map of registers, checked key by key: the state of one part is the value of its key. */
export const kvModel: Model<Json, KvInput, Json> = {
  name: 'kv',
  init: () => null,
  step(state, input, output, known) {
    if (input.op === 'append') return appendText(state) + appendText(input.value);
    const op = input.op === 'get' ? 'read' : input.op === 'put' ? 'write' : 'cas';
    return registerStep(state, op, input as { value?: Json; expected?: Json }, output, known);
  },
  hash: (state) => JSON.stringify(state),
  readOnly(input, output, known) {
    if (input.op === 'append') return false;
    const op = input.op === 'get' ? 'read' : input.op === 'put' ? 'write' : 'cas';
    return registerReadOnly(op, input as { value?: Json; expected?: Json }, output, known);
  },
  refute(ops) {
    // One key's operations as a register's; a key with appends is left to the search.
    return refuteRegister(ops, this.init(), (i): RegisterInput | undefined =>
      i.op === 'get' ? { op: 'read' } : i.op === 'put' ? { op: 'write', value: i.value } : i.op === 'cas' ? i : undefined);
  },
  partition(ops) {
    const byKey = new Map<string, Operation<KvInput, Json>[]>();
    for (const op of ops) {
      const list = byKey.get(op.input.key);
      if (list) list.push(op);
      else byKey.set(op.input.key, [op]);
    }
    return [...byKey.keys()].sort().map((label) => ({ label, ops: byKey.get(label)! }));
  },
};

export const MODELS: { readonly register: typeof registerModel; readonly kv: typeof kvModel } = { register: registerModel, kv: kvModel };

/** The model a name stands for. */
export function modelNamed(name: ModelName): Model<Json, any, Json> {
  return MODELS[name];
}

/** `model` starting from `initial` instead of null (every key of the kv model starts there). */
export function withInitial<I, O>(model: Model<Json, I, O>, initial: Json): Model<Json, I, O> {
  if (initial === null) return model;
  return { ...model, init: () => initial };
}
