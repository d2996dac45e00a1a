/**
 * Side by side: two traces stepped together, and where they part.
 * The first divergence is the first index whose events differ in what
 * happened (kind, time, node, message, cause, and the details of each kind);
 * the scenario `source` range is left out, since two variants of a scenario
 * put the same action on different lines. When one trace is a prefix of the
 * other, it is the shorter length. Stepping maps the left index to the right one either by index or
 * by time (the last right event at or before the left event's time).
 */
import type { TraceEvent } from '../src/trace/format.js';
import type { TraceModel } from '../src/trace/spacetime.js';

export type SyncMode = 'index' | 'time';

/** A canonical text of an event (key order fixed), for comparison. */
export function eventSignature(e: TraceEvent): string {
  return JSON.stringify(e, (key, value: unknown) => {
    if (key === 'source') return undefined;
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const sorted: Record<string, unknown> = {};
      for (const k of Object.keys(value).sort()) sorted[k] = (value as Record<string, unknown>)[k];
      return sorted;
    }
    return value;
  });
}

/** The first index where the two traces' events differ, or -1 when they are identical. */
export function firstDivergence(a: TraceModel, b: TraceModel): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (eventSignature(a.event(i)!) !== eventSignature(b.event(i)!)) return i;
  return a.length === b.length ? -1 : n;
}

/** The right trace's index that goes with the left trace's index `i`. */
export function mapIndex(i: number, left: TraceModel, right: TraceModel, mode: SyncMode): number {
  if (i < 0) return -1;
  if (mode === 'index') return Math.min(i, right.length - 1);
  return right.lastAtOrBefore(left.times[Math.min(i, left.length - 1)] ?? 0);
}
