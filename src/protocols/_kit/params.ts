/**
 * Reading parameters defensively: a protocol reads its `Params` once per
 * params object into a typed record, falling back to the documented default
 * for anything absent or malformed, so a handler never throws on a bad
 * parameter (the validator reports bad scenario values; hand-built specs
 * and tests may still pass anything).
 */
import type { NumberRange } from '../../engine/protocol.js';

/** `v` when it is a finite number above 0, else `fallback`. */
export function positive(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : fallback;
}

/** A range `{ min, max }` (or a single number, meaning `n..n`) whose bounds are at least `least`, else `fallback`. */
export function range(v: unknown, fallback: NumberRange, least = 1): NumberRange {
  if (typeof v === 'number' && Number.isFinite(v) && v >= least) return { min: v, max: v };
  if (v !== null && typeof v === 'object' && 'min' in v && 'max' in v) {
    const { min, max } = v as NumberRange;
    if (Number.isFinite(min) && Number.isFinite(max) && min >= least && max >= min) return { min, max };
  }
  return fallback;
}
