/**
 * Structural equality of JSON values: arrays element by element, objects by
 * their own keys in any order. One definition for the engine's conditions,
 * the protocols, the checkers and the viewer, so "equal" means the same
 * everywhere a trace is read.
 */
import type { Json } from '../engine/protocol.js';

export function jsonEqual(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  }
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
}
