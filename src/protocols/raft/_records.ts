/**
 * Copy-on-write helpers for the small string-keyed records in a Raft state
 * (`pending`, `nextIndex`, `matchIndex`, `ackedAt`). States are immutable
 * values kept by the trace, so each change builds a new record.
 *
 * Why not `{ ...r, [k]: v }` and `delete`: the pending table's keys are op
 * ids, new on every client operation, so V8 sees an ever-changing shape;
 * a spread with a computed key and a `delete` (which turns the copy into a
 * slow dictionary-mode object) were the two costliest lines on the client
 * path of the Raft benchmark. A plain copy loop and a store run faster, and
 * both keep the keys in insertion order, so the trace's diffs do not change.
 */

/** `{ ...r, [key]: value }`. */
export function withKey<T>(r: Readonly<Record<string, T>>, key: string, value: T): Record<string, T> {
  const out = copyExcept(r, undefined);
  store(out, key, value);
  return out;
}

/** `r` without `key` (a fresh object, never a `delete`). */
export function withoutKey<T>(r: Readonly<Record<string, T>>, key: string): Record<string, T> {
  return copyExcept(r, key);
}

function copyExcept<T>(r: Readonly<Record<string, T>>, skip: string | undefined): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k in r) if (k !== skip) store(out, k, r[k]!);
  return out;
}

/** `out[key] = value` as an own property, even for the key `__proto__` (a plain store would set the prototype). */
function store<T>(out: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, writable: true, enumerable: true, configurable: true });
  else out[key] = value;
}
