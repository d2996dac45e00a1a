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
export { jsonEqual };

export interface Model<S, I, O> {
  readonly name: string;
  init(): S;
  /** The next state, or undefined when `output` is impossible from `state`. `known` false: the output is unknown, any is legal. */
  step(state: S, input: I, output: O | undefined, known: boolean): S | undefined;
  hash(state: S): string;
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

/** One register (null = never written). */
export const registerModel: Model<Json, RegisterInput, Json> = {
  name: 'register',
  init: () => null,
  step: (state, input, output, known) => registerStep(state, input.op, input as { value?: Json; expected?: Json }, output, known),
  hash: (state) => JSON.stringify(state),
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
