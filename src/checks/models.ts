/**
 * Sequential specifications for the linearizability checker, in Porcupine's
 * shape: an initial state, a step function that says whether an operation
 * with a given output is legal in a state (and the next state), a hash of a
 * state for the search's memo, and an optional partition into independent
 * sub-histories (P-compositionality: a history is linearizable iff each
 * key's sub-history is; Herlihy & Wing 1990, Porcupine's `Partition`).
 */
import type { Json } from '../engine/protocol.js';
import type { KvInput, Operation } from './history.js';
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

/**
 * One register (the value of one key; null = absent). put → null;
 * get → the value; cas → true and replace when the value equals `expected`,
 * else false and unchanged.
 */
export const registerModel: Model<Json, KvInput, Json> = {
  name: 'register',
  init: () => null,
  step(state, input, output, known) {
    switch (input.op) {
      case 'put':
        return input.value;
      case 'get':
        return !known || jsonEqual(output ?? null, state) ? state : undefined;
      case 'cas': {
        const swapped = jsonEqual(state, input.expected);
        if (known && output !== swapped) return undefined;
        return swapped ? input.value : state;
      }
      default: {
        const never: never = input;
        return never;
      }
    }
  },
  hash: (state) => JSON.stringify(state),
};

/** A map of registers, checked key by key. */
export const kvModel: Model<Json, KvInput, Json> = {
  ...registerModel,
  name: 'kv',
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
