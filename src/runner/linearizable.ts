/**
 * `expect linearizable`, evaluated after a run: the client history recorded
 * in the trace (each `client` event an invocation, its first `reply` the
 * response; no reply = unknown outcome) is checked against the sequential
 * model the protocol's vocabulary names (`history`), with the Wing & Gong /
 * Porcupine search of `src/checks`. The check
 * holds when some real-time-respecting order explains every output; when
 * it fails, its message names the checker's minimal non-linearizable window.
 * `expect violated linearizable` (a store meant to be weaker: Dynamo's
 * sloppy quorums, a bug switch) holds exactly when that one fails, with the
 * window as its message.
 */
import type { Expectation, HistorySpec } from '../engine/index.js';
import { historyFromTrace } from '../checks/history.js';
import { checkLinearizable } from '../checks/linearizability.js';
import { modelNamed } from '../checks/models.js';
import type { TraceCheck, TraceEvent } from '../trace/format.js';
import { K, type TraceRecorder } from '../trace/recorder.js';

export type LinearizableExpectation = Extract<Expectation, { kind: 'linearizable' }>;

/** The client and reply events of a recorded trace (the only ones a history needs), in order. */
export function clientEvents(trace: TraceRecorder): TraceEvent[] {
  const out: TraceEvent[] = [];
  for (let i = 0; i < trace.length; i++) {
    const k = trace.kindCode(i);
    if (k === K.client || k === K.reply) out.push(trace.event(i));
  }
  return out;
}

/**
 * The TraceCheck for one `expect linearizable` line over a recorded trace —
 * or, for `expect violated linearizable`, its opposite: it holds when the
 * checker finds a non-linearizable window, and its message shows it.
 */
export function linearizableCheck(exp: LinearizableExpectation, trace: TraceRecorder, spec: HistorySpec): TraceCheck {
  const violated = exp.violated === true;
  const base = { name: violated ? 'violated linearizable' : 'linearizable', kind: 'linearizable' as const, ...(exp.source !== undefined ? { source: exp.source } : {}) };
  let history;
  try {
    history = historyFromTrace(clientEvents(trace), spec);
  } catch (e) {
    return { ...base, status: 'failed', message: `could not read the client history: ${e instanceof Error ? e.message : String(e)}` };
  }
  const r = checkLinearizable(history, modelNamed(spec.model));
  if (r.ok) return { ...base, status: violated ? 'failed' : 'held', message: `${history.length} client operations${violated ? ', all linearizable' : ''}` };
  return { ...base, status: violated ? 'held' : 'failed', message: r.message };
}
