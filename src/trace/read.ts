/**
 * Reads a trace file: parse, then validate by hand, never throw.
 *
 * The checks are those of trace.schema.json (JSON Schema draft 2020-12),
 * written out as plain code — the reader runs in a webview under a strict
 * Content-Security-Policy, where a schema compiler that generates code
 * (ajv) cannot run — plus the cross-references a schema cannot express:
 * every event's `i` is its position, causes point backwards, deliveries and
 * drops name a message sent earlier, node ids are declared, key frames are
 * ascending and in range. The first problem is reported with its JSON path
 * (`events[17].t: expected a non-negative integer, got "x"`). Sizes are
 * capped so that a hostile file cannot make the viewer allocate without
 * bound.
 */
import { jsonErrorOffset } from './_json-error.js';
import { EVENT_KINDS, TRACE_FORMAT, TRACE_VERSION, type TraceDocument } from './format.js';

export type ReadResult = { ok: true; trace: TraceDocument } | { ok: false; error: string };

/** Hostile-input caps. */
export const MAX_TRACE_CHARS = 512 * 1024 * 1024;
export const MAX_EVENTS = 50_000_000;
export const MAX_NODES = 100_000;

class Invalid extends Error {}

type Obj = Record<string, unknown>;

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

function fail(path: string, expected: string, got: unknown): never {
  throw new Invalid(`${path || 'the document'}: expected ${expected}, got ${show(got)}`);
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function obj(v: unknown, path: string, required: readonly string[], allowed: readonly string[] | ReadonlySet<string>): Obj {
  if (!isObj(v)) fail(path, 'an object', v);
  for (const k of required) if (!Object.prototype.hasOwnProperty.call(v, k)) throw new Invalid(`${path ? `${path}.` : ''}${k}: missing`);
  const ok = Array.isArray(allowed) ? (k: string) => allowed.includes(k) : (k: string) => (allowed as ReadonlySet<string>).has(k);
  for (const k in v) if (!ok(k)) throw new Invalid(`${path || 'the document'}: unknown property ${JSON.stringify(k)}`);
  return v;
}

function str(v: unknown, path: string, nonEmpty = false): string {
  if (typeof v !== 'string' || (nonEmpty && v.length === 0)) fail(path, nonEmpty ? 'a non-empty string' : 'a string', v);
  return v;
}

function int(v: unknown, path: string, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    fail(path, min === 0 ? 'a non-negative integer' : min === 1 ? 'a positive integer' : `an integer ≥ ${min}`, v);
  }
  return v;
}

function bool(v: unknown, path: string): boolean {
  if (typeof v !== 'boolean') fail(path, 'true or false', v);
  return v;
}

function arr(v: unknown, path: string, max = Infinity): unknown[] {
  if (!Array.isArray(v)) fail(path, 'an array', v);
  if (v.length > max) throw new Invalid(`${path}: too many items (${v.length}; at most ${max})`);
  return v;
}

function oneOf(v: unknown, path: string, choices: readonly string[]): string {
  if (typeof v !== 'string' || !choices.includes(v)) fail(path, `one of ${choices.join(', ')}`, v);
  return v;
}

function source(v: unknown, path: string): void {
  const o = obj(v, path, ['line', 'col', 'endLine', 'endCol'], ['line', 'col', 'endLine', 'endCol']);
  for (const k of ['line', 'col', 'endLine', 'endCol']) int(o[k], `${path}.${k}`, 1);
}

function paramValue(v: unknown, path: string): void {
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return;
  if (Array.isArray(v)) {
    v.forEach((x, k) => str(x, `${path}[${k}]`));
    return;
  }
  if (isObj(v) && Object.keys(v).length === 2 && typeof v.min === 'number' && typeof v.max === 'number') return;
  fail(path, 'a number, string, boolean, list of strings or {min, max}', v);
}

const BASE = ['i', 't', 'kind', 'cause', 'source'];
const KIND_FIELDS: Record<string, { required: string[]; optional: string[] }> = {
  send: { required: ['node', 'msg'], optional: [] },
  deliver: { required: ['node', 'msg'], optional: ['dup'] },
  drop: { required: ['node', 'msg', 'reason'], optional: [] },
  timer: { required: ['node', 'name'], optional: [] },
  client: { required: ['node', 'op'], optional: [] },
  reply: { required: ['node', 'op', 'ok'], optional: ['result'] },
  crash: { required: ['node'], optional: [] },
  restart: { required: ['node'], optional: [] },
  pause: { required: ['node'], optional: [] },
  resume: { required: ['node'], optional: [] },
  partition: { required: [], optional: ['groups', 'cut'] },
  heal: { required: [], optional: [] },
  state: { required: ['node', 'changes'], optional: ['role'] },
  violation: { required: ['invariant', 'message'], optional: ['node'] },
  note: { required: ['text'], optional: ['node'] },
  durable: { required: ['node'], optional: [] },
};
const DROP_REASONS = ['loss', 'partition', 'rule', 'crashed', 'paused', 'persist-lost'];
/** Per kind, built once: the properties an event must have, and those it may have (a 100 000-event trace is read per event). */
const EVENT_SHAPE = new Map(Object.entries(KIND_FIELDS).map(([kind, f]) => [kind, {
  required: ['i', 't', 'kind', 'cause', ...f.required],
  allowed: new Set([...BASE, ...f.required, ...f.optional]),
}]));
const MSG_FIELDS = ['id', 'type', 'from', 'to'];
const MSG_ALLOWED = new Set([...MSG_FIELDS, 'body']);

class Checker {
  private readonly nodes = new Set<string>();
  /** Message ids sent so far. */
  private readonly sent = new Set<number>();

  document(v: unknown): TraceDocument {
    if (!isObj(v)) fail('', 'a JSON object', v);
    if (v.format !== TRACE_FORMAT) {
      throw new Invalid(`format: expected ${JSON.stringify(TRACE_FORMAT)}, got ${show(v.format)} — this is not a Protocol Playground trace`);
    }
    if (typeof v.version === 'number' && Number.isInteger(v.version) && v.version > TRACE_VERSION) {
      throw new Invalid(`written by a newer Protocol Playground (trace version ${v.version}); this one reads version ${TRACE_VERSION}`);
    }
    if (v.version !== TRACE_VERSION) fail('version', String(TRACE_VERSION), v.version);
    const d = obj(v, '', ['format', 'version', 'scenario', 'nodes', 'events', 'keyframes', 'checks', 'metrics', 'end'],
      ['format', 'version', 'generator', 'scenario', 'nodes', 'events', 'keyframes', 'checks', 'metrics', 'end']);
    if (d.generator !== undefined) str(d.generator, 'generator');
    this.scenario(d.scenario);
    arr(d.nodes, 'nodes', MAX_NODES).forEach((n, k) => {
      const o = obj(n, `nodes[${k}]`, ['id', 'role'], ['id', 'role']);
      const id = str(o.id, `nodes[${k}].id`, true);
      str(o.role, `nodes[${k}].role`);
      if (this.nodes.has(id)) throw new Invalid(`nodes[${k}].id: duplicate node id ${JSON.stringify(id)}`);
      this.nodes.add(id);
    });
    const events = arr(d.events, 'events', MAX_EVENTS);
    for (let k = 0; k < events.length; k++) this.event(events[k], k);
    let last = -2;
    arr(d.keyframes, 'keyframes').forEach((f, k) => {
      const path = `keyframes[${k}]`;
      const o = obj(f, path, ['i', 'states'], ['i', 'states']);
      const i = int(o.i, `${path}.i`, -1);
      if (i <= last) throw new Invalid(`${path}.i: key frames must be in ascending order (${i} after ${last})`);
      if (i >= events.length) throw new Invalid(`${path}.i: ${i} is past the last event (${events.length - 1})`);
      last = i;
      if (!isObj(o.states)) fail(`${path}.states`, 'an object', o.states);
      for (const id of Object.keys(o.states)) this.node(id, `${path}.states`);
    });
    arr(d.checks, 'checks').forEach((c, k) => {
      const path = `checks[${k}]`;
      const o = obj(c, path, ['name', 'kind', 'status'], ['name', 'kind', 'status', 'event', 'message', 'source']);
      str(o.name, `${path}.name`);
      oneOf(o.kind, `${path}.kind`, ['always', 'violated', 'eventually', 'atEnd', 'linearizable']);
      oneOf(o.status, `${path}.status`, ['held', 'failed']);
      if (o.event !== undefined && int(o.event, `${path}.event`, 0) >= events.length) {
        throw new Invalid(`${path}.event: ${String(o.event)} is not an event index (the trace has ${events.length} events)`);
      }
      if (o.message !== undefined) str(o.message, `${path}.message`);
      if (o.source !== undefined) source(o.source, `${path}.source`);
    });
    if (!isObj(d.metrics)) fail('metrics', 'an object', d.metrics);
    for (const [name, value] of Object.entries(d.metrics)) if (typeof value !== 'number') fail(`metrics.${name}`, 'a number', value);
    const end = obj(d.end, 'end', ['reason', 'time', 'events', 'message'], ['reason', 'time', 'events', 'message']);
    oneOf(end.reason, 'end.reason', ['until', 'condition', 'quiescent', 'maxTime', 'maxEvents', 'cancelled']);
    int(end.time, 'end.time', 0);
    int(end.events, 'end.events', 0);
    str(end.message, 'end.message');
    return v as unknown as TraceDocument;
  }

  private scenario(v: unknown): void {
    const s = obj(v, 'scenario', ['name', 'protocol', 'seed', 'params'], ['name', 'file', 'protocol', 'seed', 'params', 'source', 'text']);
    str(s.name, 'scenario.name');
    str(s.protocol, 'scenario.protocol');
    if (typeof s.seed !== 'number' || !Number.isInteger(s.seed)) fail('scenario.seed', 'an integer', s.seed);
    if (s.file !== undefined) str(s.file, 'scenario.file');
    if (s.text !== undefined) str(s.text, 'scenario.text');
    if (s.source !== undefined) source(s.source, 'scenario.source');
    if (!isObj(s.params)) fail('scenario.params', 'an object', s.params);
    for (const [k, p] of Object.entries(s.params)) paramValue(p, `scenario.params.${k}`);
  }

  private node(v: unknown, path: string): string {
    const id = str(v, path, true);
    if (!this.nodes.has(id)) throw new Invalid(`${path}: unknown node ${JSON.stringify(id)} (not in nodes)`);
    return id;
  }

  private event(v: unknown, k: number): void {
    const path = `events[${k}]`;
    if (!isObj(v)) fail(path, 'an event object', v);
    const kind = v.kind;
    const shape = typeof kind === 'string' ? EVENT_SHAPE.get(kind) : undefined;
    if (!shape) fail(`${path}.kind`, `an event kind (${EVENT_KINDS.join(', ')})`, kind);
    const e = obj(v, path, shape.required, shape.allowed);
    if (int(e.i, `${path}.i`, 0) !== k) throw new Invalid(`${path}.i: expected ${k} (its position), got ${show(e.i)}`);
    int(e.t, `${path}.t`, 0);
    if (e.cause !== null) {
      const c = int(e.cause, `${path}.cause`, 0);
      if (c >= k) throw new Invalid(`${path}.cause: ${c} does not come before this event (causes point backwards)`);
    }
    if (e.source !== undefined) source(e.source, `${path}.source`);
    if (e.node !== undefined) this.node(e.node, `${path}.node`);
    switch (kind) {
      case 'send': {
        const m = obj(e.msg, `${path}.msg`, MSG_FIELDS, MSG_ALLOWED);
        const id = int(m.id, `${path}.msg.id`, 1);
        str(m.type, `${path}.msg.type`);
        this.node(m.from, `${path}.msg.from`);
        this.node(m.to, `${path}.msg.to`);
        if (this.sent.has(id)) throw new Invalid(`${path}.msg.id: message ${id} was already sent`);
        this.sent.add(id);
        break;
      }
      case 'deliver':
      case 'drop': {
        const id = int(e.msg, `${path}.msg`, 1);
        if (kind === 'deliver' && e.dup !== undefined) bool(e.dup, `${path}.dup`);
        if (kind === 'drop') oneOf(e.reason, `${path}.reason`, DROP_REASONS);
        if (!this.sent.has(id)) throw new Invalid(`${path}.msg: unknown message ${id} (no earlier send)`);
        break;
      }
      case 'timer': str(e.name, `${path}.name`); break;
      case 'client': {
        const op = obj(e.op, `${path}.op`, ['id', 'name', 'args'], ['id', 'name', 'args']);
        str(op.id, `${path}.op.id`);
        str(op.name, `${path}.op.name`);
        if (!isObj(op.args)) fail(`${path}.op.args`, 'an object', op.args);
        break;
      }
      case 'reply':
        str(e.op, `${path}.op`);
        bool(e.ok, `${path}.ok`);
        break;
      case 'partition':
        if (e.groups !== undefined) arr(e.groups, `${path}.groups`).forEach((g, gi) => arr(g, `${path}.groups[${gi}]`).forEach((n, ni) => this.node(n, `${path}.groups[${gi}][${ni}]`)));
        if (e.cut !== undefined) {
          const c = arr(e.cut, `${path}.cut`);
          if (c.length !== 2) fail(`${path}.cut`, 'a pair of node ids', c);
          this.node(c[0], `${path}.cut[0]`);
          this.node(c[1], `${path}.cut[1]`);
        }
        break;
      case 'state':
        arr(e.changes, `${path}.changes`).forEach((c, ci) => {
          const cp = `${path}.changes[${ci}]`;
          const ch = arr(c, cp);
          if (ch.length < 1 || ch.length > 2) fail(cp, '[path] or [path, value]', ch);
          arr(ch[0], `${cp}[0]`).forEach((p, pi) => {
            if (typeof p !== 'string' && !(typeof p === 'number' && Number.isInteger(p) && p >= 0)) fail(`${cp}[0][${pi}]`, 'a key or a non-negative index', p);
          });
        });
        if (e.role !== undefined) str(e.role, `${path}.role`);
        break;
      case 'violation':
        str(e.invariant, `${path}.invariant`);
        str(e.message, `${path}.message`);
        break;
      case 'note': str(e.text, `${path}.text`); break;
    }
  }
}

/** Parses and validates a trace; never throws. */
export function readTrace(text: string): ReadResult {
  if (typeof text !== 'string') return { ok: false, error: 'the trace must be text' };
  if (text.length > MAX_TRACE_CHARS) return { ok: false, error: `the file is too large (${text.length} characters; at most ${MAX_TRACE_CHARS})` };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: parseError(text, e) };
  }
  try {
    return { ok: true, trace: new Checker().document(value) };
  } catch (e) {
    if (e instanceof Invalid) return { ok: false, error: e.message };
    return { ok: false, error: `the trace could not be checked: ${e instanceof Error ? e.message : String(e)}` };
  }
}

function parseError(text: string, e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  if (text.trim().length === 0) return 'not JSON: the file is empty';
  const pos = jsonErrorOffset(text);
  if (pos < 0 || /end of JSON input/i.test(message) || pos >= text.length) {
    return pos < 0 ? `not JSON: ${message}` : 'not JSON: the file ends early: truncated?';
  }
  let line = 1;
  let col = 1;
  for (let k = 0; k < pos; k++) {
    if (text.charCodeAt(k) === 10) { line++; col = 1; } else col++;
  }
  return `not JSON at line ${line}, column ${col}: unexpected ${JSON.stringify(text.slice(pos, pos + 12))}`;
}
