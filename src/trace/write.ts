/**
 * Turns a SimulationResult into a TraceDocument and the document into text.
 *
 * `toTraceDocument` materializes every event from the columnar recorder and
 * adds key frames: the initial states (`i = -1`) and the full states after
 * every `keyframeEvery`-th event (i = k·keyframeEvery − 1), so a reader
 * rebuilds any step from the nearest key frame plus at most that many
 * events.
 *
 * `stringifyTrace` is deterministic: the document's own records are written
 * with a fixed key order, metric and parameter names sorted, one event (and
 * one key frame) per line so that two traces diff line by line. JSON values
 * from the protocol (states, bodies, results) keep their own key order,
 * which a deterministic protocol reproduces exactly. Same spec and seed ⇒
 * byte-identical text.
 */
import type { Json } from '../engine/protocol.js';
import type { SimulationResult } from '../engine/simulate.js';
import { TRACE_FORMAT, TRACE_VERSION, type Keyframe, type TraceDocument, type TraceEvent, type TraceScenario } from './format.js';

export const GENERATOR = 'protocol-playground 0.1.0';

export function toTraceDocument(result: SimulationResult, scenario: TraceScenario, options: { keyframeEvery?: number } = {}): TraceDocument {
  const every = options.keyframeEvery ?? 1000;
  if (!Number.isInteger(every) || every < 1) throw new RangeError(`toTraceDocument: keyframeEvery must be a positive integer, got ${every}`);
  const rec = result.trace;
  const events: TraceEvent[] = new Array(rec.length);
  for (let i = 0; i < rec.length; i++) events[i] = rec.event(i);
  const keyframes: Keyframe[] = [{ i: -1, states: rec.stateAt(-1) }];
  for (let i = every - 1; i < rec.length; i += every) keyframes.push({ i, states: rec.stateAt(i) });
  return {
    format: TRACE_FORMAT,
    version: TRACE_VERSION,
    generator: GENERATOR,
    scenario,
    nodes: result.nodes,
    events,
    keyframes,
    checks: result.checks,
    metrics: result.metrics,
    end: result.end,
  };
}

const EVENT_KEYS = ['i', 't', 'kind', 'node', 'cause', 'msg', 'dup', 'reason', 'name', 'op', 'ok', 'result', 'groups', 'cut', 'changes', 'role', 'invariant', 'message', 'text', 'source'] as const;
const SCENARIO_KEYS = ['name', 'file', 'protocol', 'seed', 'params', 'source', 'text'] as const;
const CHECK_KEYS = ['name', 'kind', 'status', 'event', 'message', 'source'] as const;
const SOURCE_KEYS = ['line', 'col', 'endLine', 'endCol'] as const;
const MSG_KEYS = ['id', 'type', 'from', 'to', 'body'] as const;
const OP_KEYS = ['id', 'name', 'args'] as const;
const END_KEYS = ['reason', 'time', 'events', 'message'] as const;

function ordered(obj: object, keys: readonly string[], special: Record<string, (v: any) => string> = {}): string {
  const o = obj as Record<string, unknown>;
  const parts: string[] = [];
  for (const k of keys) {
    const v = o[k];
    if (v === undefined) continue;
    const write = special[k];
    parts.push(`${JSON.stringify(k)}:${write !== undefined ? write(v) : json(v)}`);
  }
  return `{${parts.join(',')}}`;
}

function json(v: unknown): string {
  return JSON.stringify(v) ?? 'null';
}

function sorted(rec: Readonly<Record<string, unknown>>): string {
  return `{${Object.keys(rec).sort().map((k) => `${JSON.stringify(k)}:${json(rec[k])}`).join(',')}}`;
}

const source = (v: object): string => ordered(v, SOURCE_KEYS);

function eventText(e: TraceEvent): string {
  return ordered(e, EVENT_KEYS, {
    source,
    msg: (m) => (typeof m === 'number' ? String(m) : ordered(m, MSG_KEYS)),
    op: (op) => (typeof op === 'string' ? json(op) : ordered(op, OP_KEYS)),
  });
}

export function stringifyTrace(doc: TraceDocument): string {
  const states = (s: Readonly<Record<string, Json>>): string =>
    `{${doc.nodes.filter((n) => Object.prototype.hasOwnProperty.call(s, n.id)).map((n) => `${JSON.stringify(n.id)}:${json(s[n.id])}`).join(',')}}`;
  const lines: string[] = [];
  lines.push(`{"format":${json(doc.format)},"version":${json(doc.version)},${doc.generator !== undefined ? `"generator":${json(doc.generator)},` : ''}`);
  lines.push(`"scenario":${ordered(doc.scenario, SCENARIO_KEYS, { params: sorted, source })},`);
  lines.push(`"nodes":[${doc.nodes.map((n) => ordered(n, ['id', 'role'])).join(',')}],`);
  lines.push(listText('events', doc.events.map(eventText)));
  lines.push(listText('keyframes', doc.keyframes.map((k) => `{"i":${k.i},"states":${states(k.states)}}`)));
  lines.push(`"checks":[${doc.checks.map((c) => ordered(c, CHECK_KEYS, { source })).join(',\n')}],`);
  lines.push(`"metrics":${sorted(doc.metrics)},`);
  lines.push(`"end":${ordered(doc.end, END_KEYS)}}`);
  return lines.join('\n') + '\n';
}

function listText(name: string, items: string[]): string {
  if (items.length === 0) return `"${name}":[],`;
  return `"${name}":[\n${items.join(',\n')}\n],`;
}
