/**
 * Structural diff of two JSON values into the trace's change lists.
 *
 * `diffJson(old, new)` walks both values together and emits the smallest
 * list of `[path, value]` (set) and `[path]` (delete) changes that turn the
 * old value into the new one, skipping identical references — protocol
 * states share structure, so unchanged sub-trees cost nothing. Objects are
 * compared key by key (deletions first, then sets in the new value's key
 * order); arrays element by element, with a shorter new array expressed as
 * deletions of the tail from the last index down (a delete on an array
 * index removes that element). A change of type replaces the whole value.
 * `applyChange` in states.ts is the inverse.
 */
import type { Json } from '../engine/protocol.js';
import type { StateChange } from './format.js';

export function diffJson(before: Json | undefined, after: Json | undefined): StateChange[] {
  const out: StateChange[] = [];
  walk(before, after, [], out);
  return out;
}

function isObject(v: unknown): v is { [key: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function walk(a: Json | undefined, b: Json | undefined, path: (string | number)[], out: StateChange[]): void {
  if (a === b) return;
  if (b === undefined) {
    out.push([path.slice()]);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const common = Math.min(a.length, b.length);
    for (let i = 0; i < common; i++) {
      if (a[i] !== b[i]) {
        path.push(i);
        walk(a[i], b[i], path, out);
        path.pop();
      }
    }
    for (let i = a.length - 1; i >= b.length; i--) out.push([[...path, i]]);
    for (let i = a.length; i < b.length; i++) out.push([[...path, i], b[i]]);
    return;
  }
  if (isObject(a) && isObject(b)) {
    for (const key of Object.keys(a)) {
      if (!Object.prototype.hasOwnProperty.call(b, key)) out.push([[...path, key]]);
    }
    for (const key of Object.keys(b)) {
      const had = Object.prototype.hasOwnProperty.call(a, key);
      if (had && a[key] === b[key]) continue;
      if (!had && b[key] === undefined) continue;
      path.push(key);
      if (had) walk(a[key], b[key], path, out);
      else out.push([path.slice(), b[key]]);
      path.pop();
    }
    return;
  }
  if (typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b)) return;
  out.push([path.slice(), b]);
}
