/**
 * Reading a history file for `protocol-playground lincheck`: Jepsen/Knossos
 * EDN, JSON (one operation per line, or one array), or a trace this project
 * wrote. Pure (no file system): the CLI reads the text and passes it here.
 *
 * The format is the one named, or guessed: a trace is a JSON document with
 * `"format": "protocol-playground-trace"`; text whose first character is
 * `{` or `[` and that parses as JSON (whole, or line by line) is JSON;
 * anything else is EDN. A trace's history is its client operations under
 * the model the trace's protocol declares (`history` in its vocabulary).
 */
import type { Json } from '../engine/protocol.js';
import type { HistorySpec, ModelName } from '../engine/vocabulary.js';
import { protocols } from '../protocols/registry.js';
import { readTrace } from '../trace/read.js';
import { readEdn, type EdnValue } from './edn.js';
import { historyFromTrace, type ModelInput, type Operation } from './history.js';
import { eventFromEdn, eventFromJson, historyFromEvents, type JepsenEvent } from './jepsen.js';

export type HistoryFormat = 'edn' | 'json' | 'trace';

export interface LoadedHistory {
  readonly format: HistoryFormat;
  readonly model: ModelName;
  readonly ops: Operation<ModelInput, Json>[];
  /** Events read (for Jepsen histories: every line, including the nemesis's). */
  readonly events: number;
  readonly warnings: string[];
}

export type LoadResult = { readonly ok: true; readonly history: LoadedHistory } | { readonly ok: false; readonly error: string };

export interface LoadOptions {
  /** Absent: guessed (see the module header). */
  readonly format?: HistoryFormat;
  /** Required for EDN and JSON; for a trace, absent means the protocol's own model (and given, must agree). */
  readonly model?: ModelName;
}

const TRACE_MARK = /^\s*\{[\s\S]{0,400}"format"\s*:\s*"protocol-playground-trace"/;

export function guessFormat(text: string): HistoryFormat {
  if (TRACE_MARK.test(text)) return 'trace';
  const first = /\S/.exec(text)?.[0];
  if (first === '{' || first === '[') {
    try {
      JSON.parse(text);
      return 'json';
    } catch {
      const lines = text.split('\n').filter((l) => l.trim() !== '');
      try {
        JSON.parse(lines[0]!);
        return 'json';
      } catch {
        return 'edn';
      }
    }
  }
  return 'edn';
}

export function loadHistory(text: string, options: LoadOptions = {}): LoadResult {
  const format = options.format ?? guessFormat(text);
  if (format === 'trace') return loadTrace(text, options.model);
  const model = options.model;
  if (model === undefined) return { ok: false, error: `a ${format === 'edn' ? 'Jepsen EDN' : 'JSON'} history needs --model register or --model kv` };
  const events = format === 'edn' ? ednEvents(text) : jsonEvents(text);
  if (typeof events === 'string') return { ok: false, error: events };
  const h = historyFromEvents(events, model);
  if (!h.ok) return { ok: false, error: h.line !== undefined ? `line ${h.line}: ${h.error}` : h.error };
  return { ok: true, history: { format, model, ops: h.ops, events: h.events, warnings: h.warnings } };
}

function ednEvents(text: string): JepsenEvent[] | string {
  const r = readEdn(text);
  if (!r.ok) return `line ${r.line}, column ${r.col}: ${r.error}`;
  let forms = r.forms;
  // Knossos test files hold one vector (or list) of operations; Jepsen's history.edn one map per line.
  if (forms.length === 1 && Array.isArray(forms[0]!.value)) {
    const line = forms[0]!.line;
    forms = (forms[0]!.value as readonly EdnValue[]).map((value) => ({ value, line }));
  }
  const out: JepsenEvent[] = [];
  for (const f of forms) {
    const e = eventFromEdn(f.value, f.line);
    if (typeof e === 'string') return `line ${f.line}: ${e}`;
    out.push(e);
  }
  return out;
}

function jsonEvents(text: string): JepsenEvent[] | string {
  let whole: unknown;
  let isWhole = true;
  try {
    whole = JSON.parse(text);
  } catch {
    isWhole = false;
  }
  const out: JepsenEvent[] = [];
  if (isWhole && Array.isArray(whole)) {
    for (const [k, v] of whole.entries()) {
      const e = eventFromJson(v, k + 1);
      if (typeof e === 'string') return `operation ${k + 1}: ${e}`;
      out.push(e);
    }
    return out;
  }
  const lines = text.split('\n');
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k]!.trim();
    if (line === '') continue;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (err) {
      return `line ${k + 1}: not JSON (${err instanceof Error ? err.message : String(err)})`;
    }
    const e = eventFromJson(v, k + 1);
    if (typeof e === 'string') return `line ${k + 1}: ${e}`;
    out.push(e);
  }
  return out;
}

function loadTrace(text: string, model: ModelName | undefined): LoadResult {
  const read = readTrace(text);
  if (!read.ok) return { ok: false, error: `not a readable trace: ${read.error}` };
  const trace = read.trace;
  const protocol = protocols.get(trace.scenario.protocol);
  const declared: HistorySpec | undefined = protocol?.vocabulary.history;
  if (declared === undefined && model === undefined) {
    return { ok: false, error: `the trace's protocol ${JSON.stringify(trace.scenario.protocol)} declares no client model; name one with --model register|kv` };
  }
  if (declared !== undefined && model !== undefined && declared.model !== model) {
    return { ok: false, error: `the trace's protocol ${trace.scenario.protocol} follows the ${declared.model} model, not ${model}` };
  }
  const spec: HistorySpec = declared ?? { model: model! };
  const ops = historyFromTrace(trace.events, spec);
  return { ok: true, history: { format: 'trace', model: spec.model, ops, events: trace.events.length, warnings: [] } };
}
