/**
 * Copy-on-write helpers for the small string-keyed records in a protocol state.
 * States are immutable values kept by the trace, so each change builds a new
 * record; these build it with a copy loop and a store (both keep insertion
 * order, so the trace's diffs are those of `{ ...r, [k]: v }`).
 *
 * Two kinds of record, for V8's sake:
 * - records keyed by node id (`nextIndex`, `matchIndex`, `ackedAt`): a few
 *   keys that recur, so plain objects share one hidden class (`withKey`);
 * - tables keyed by client op id (`pending`): every operation brings a key
 *   never seen before, and adding one to a plain object creates a new hidden
 *   class each time (the costliest step of a client operation in the Raft
 *   benchmark, with the spread + `delete` used before). These are
 *   prototype-less dictionaries instead (`opTable`, `tableWith`,
 *   `tableWithout`): no hidden classes, ~3× cheaper per add and remove. JSON,
 *   the trace and `Object.hasOwn` see the same keys and values.
 */

/** `{ ...r, [key]: value }` for a record keyed by node id. */
export function withKey<T>(r: Readonly<Record<string, T>>, key: string, value: T): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k in r) setOwn(out, k, r[k]!);
  setOwn(out, key, value);
  return out;
}

/** `out[key] = value` as an own property, even for the key `__proto__` (a plain store would set the prototype). */
export function setOwn<T>(out: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, writable: true, enumerable: true, configurable: true });
  else out[key] = value;
}

/** An empty table keyed by op id (a prototype-less dictionary). */
export function opTable<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** `{ ...r, [key]: value }` for a table keyed by op id. */
export function tableWith<T>(r: Readonly<Record<string, T>>, key: string, value: T): Record<string, T> {
  const out = tableWithout(r, undefined);
  out[key] = value; // an existing key keeps its place; with no prototype, even `__proto__` is an ordinary key
  return out;
}

/** `r` without `key`, for a table keyed by op id (a fresh table, never a `delete`). */
export function tableWithout<T>(r: Readonly<Record<string, T>>, key: string | undefined): Record<string, T> {
  const out = opTable<T>();
  for (const k in r) if (k !== key) out[k] = r[k]!;
  return out;
}
