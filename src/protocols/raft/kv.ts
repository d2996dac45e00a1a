/**
 * The replicated key-value state machine: `put`, `get` and `cas` applied in
 * log order (§5, "replicated state machines"). Applying is a pure function of
 * the committed log, so every server that applies the same prefix holds the
 * same map and computes the same results.
 *
 * Results: `put` → null, `get` → the value or null when absent, `cas` →
 * true when the value equalled `expected` and was replaced, else false.
 */
import type { Json } from '../../engine/protocol.js';
import type { Command, Entry } from './types.js';

export type KvMap = Record<string, Json>;

/** Applies one command to `kv` in place and returns the operation's result. */
export function applyCommand(kv: KvMap, cmd: Command): Json {
  switch (cmd.op) {
    case 'noop':
      return null;
    case 'put':
      kv[cmd.key] = cmd.value;
      return null;
    case 'get':
      return Object.hasOwn(kv, cmd.key) ? kv[cmd.key]! : null;
    case 'cas': {
      const current = Object.hasOwn(kv, cmd.key) ? kv[cmd.key]! : null;
      if (!jsonEqual(current, cmd.expected)) return false;
      kv[cmd.key] = cmd.value;
      return true;
    }
    default: {
      const never: never = cmd;
      return never;
    }
  }
}

/** The state machine after applying entries 1..upTo of `log`, with duplicate op ids applied once. */
export function replay(log: readonly Entry[], upTo: number): KvMap {
  const kv: KvMap = {};
  const seen = new Set<string>();
  for (let i = 0; i < Math.min(upTo, log.length); i++) {
    const cmd = log[i]!.cmd;
    if (cmd.op !== 'noop') {
      if (seen.has(cmd.id)) continue;
      seen.add(cmd.id);
    }
    applyCommand(kv, cmd);
  }
  return kv;
}

/** Structural equality of JSON values (object key order ignored). */
export function jsonEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => jsonEqual(x, b[i]!));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k]!, b[k]!));
}
