/**
 * Reads trace JSON text for the viewer; never throws. The engine's reader
 * (src/trace/read.ts) validates the schema and the cross-references (node
 * ids, message ids, causes, key frames); this adds what only the viewer's
 * layout relies on — event times never decrease (the diagram and the
 * time-synced side by side binary-search them) — and keeps only finite
 * numeric metrics for the chart.
 */
import { readTrace } from '../src/trace/read.js';
import type { TraceDocument } from '../src/trace/format.js';

export type ReadResult = { ok: true; trace: TraceDocument } | { ok: false; error: string };

export function readTraceText(text: unknown): ReadResult {
  if (typeof text !== 'string') return { ok: false, error: 'the trace must be text' };
  const read = readTrace(text);
  if (!read.ok) return read;
  return checkForViewer(read.trace);
}

export function checkForViewer(trace: TraceDocument): ReadResult {
  let last = -Infinity;
  for (const e of trace.events) {
    if (!(e.t >= last) || !Number.isFinite(e.t)) return { ok: false, error: `events[${e.i}].t: times must not decrease (${e.t} after ${last})` };
    last = e.t;
  }
  const metrics: Record<string, number> = {};
  for (const [k, v] of Object.entries(trace.metrics ?? {})) if (typeof v === 'number' && Number.isFinite(v)) metrics[k] = v;
  return { ok: true, trace: { ...trace, metrics } };
}
