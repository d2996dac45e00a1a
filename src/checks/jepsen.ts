/**
 * Jepsen / Knossos histories → the checker's operations.
 *
 * A Jepsen history is a list of events, each a map like
 * `{:process 0, :type :invoke, :f :write, :value 3}`: a client process
 * invokes an operation (`:invoke`) and later completes it — `:ok` (it took
 * effect; a read's value is what it read), `:fail` (it certainly did not take
 * effect: left out of the history) or `:info` (unknown: it may have taken
 * effect at any time after its invocation, Jepsen's indeterminate outcome).
 * An invocation that never completes is unknown too. Events of processes
 * that are not numbers (`:nemesis`) are not client operations and are
 * skipped. Time is the event's position in the file, which Jepsen writes
 * in real-time order.
 *
 * Operations, per model:
 * - `register`: `:read` (`:value` nil at invoke, the value read at `:ok`),
 *   `:write` v, `:cas` `[old new]`.
 * - `kv` (Knossos' "independent" keys): the value is a tuple `[key v]` —
 *   `:read [k nil]` → `:ok [k v]`, `:write [k v]`, `:append [k v]`,
 *   `:cas [k [old new]]` — or, in JSON, a separate `key` field. `get`/`put`
 *   are accepted for read/write. Keys are compared as text (`:x`, `"x"` and
 *   `x` are one key; `1` is "1").
 *
 * EDN values become JSON: keywords their name, vectors, lists and sets
 * arrays, maps objects with text keys.
 */
import type { Json } from '../engine/protocol.js';
import type { ModelName } from '../engine/vocabulary.js';
import { EdnMap, isKeyword, type EdnTagged, type EdnValue } from './edn.js';
import type { ModelInput, Operation } from './history.js';

/** One event of a history file, before pairing. */
export interface JepsenEvent {
  readonly process: string | number | null;
  readonly type: string;
  readonly f: string;
  readonly value: Json;
  /** A `key` field (JSON histories), when the value is not a `[key v]` tuple. */
  readonly key?: Json;
  readonly line: number;
}

export type JepsenHistory =
  | { readonly ok: true; readonly ops: Operation<ModelInput, Json>[]; readonly warnings: string[]; readonly events: number }
  | { readonly ok: false; readonly error: string; readonly line?: number };

/** An EDN value as JSON (see the module header). */
export function ednToJson(v: EdnValue): Json {
  if (v === null || typeof v !== 'object') return v;
  if (isList(v)) return v.map(ednToJson);
  if (v instanceof EdnMap) {
    const out: Record<string, Json> = {};
    for (const [k, x] of v.entries) out[keyText(ednToJson(k))] = ednToJson(x);
    return out;
  }
  if ('keyword' in v) return v.keyword;
  if ('symbol' in v) return v.symbol;
  if ('set' in v) return v.set.map(ednToJson);
  return ednToJson((v as EdnTagged).value);
}

function isList(v: EdnValue): v is readonly EdnValue[] {
  return Array.isArray(v);
}

/** A key's text: strings as they are, everything else as its JSON. */
export function keyText(k: Json): string {
  return typeof k === 'string' ? k : JSON.stringify(k);
}

/** An EDN form as an event, or a message saying why it is not one. */
export function eventFromEdn(form: EdnValue, line: number): JepsenEvent | string {
  let map = form;
  // `#jepsen.history.Op{…}` and other tagged maps.
  if (map !== null && typeof map === 'object' && !Array.isArray(map) && 'tag' in map) map = map.value;
  if (!(map instanceof EdnMap)) return `expected an operation map like {:process 0, :type :invoke, :f :read, :value nil}`;
  const process = map.get('process');
  const type = map.get('type');
  const f = map.get('f');
  if (!isKeyword(type)) return `:type must be :invoke, :ok, :fail or :info`;
  const fName = isKeyword(f) ? f.keyword : typeof f === 'string' ? f : undefined;
  if (fName === undefined) return `:f must name the operation (e.g. :read)`;
  const p = process === undefined ? null : typeof process === 'number' || typeof process === 'string' ? process : isKeyword(process) ? `:${process.keyword}` : null;
  return { process: p, type: type.keyword, f: fName, value: ednToJson(map.get('value') ?? null), line: map.line > 0 ? map.line : line };
}

/** A JSON object as an event (the same fields as Jepsen's, `:` optional in front of names). */
export function eventFromJson(v: unknown, line: number): JepsenEvent | string {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return 'expected an object like {"process": 0, "type": "invoke", "f": "read", "value": null}';
  const o = v as Record<string, unknown>;
  const name = (x: unknown) => (typeof x === 'string' ? x.replace(/^:/, '') : undefined);
  const type = name(o.type);
  const f = name(o.f);
  if (type === undefined) return '"type" must be "invoke", "ok", "fail" or "info"';
  if (f === undefined) return '"f" must name the operation (e.g. "read")';
  const process = typeof o.process === 'number' ? o.process : typeof o.process === 'string' ? (/^\d+$/.test(o.process) ? Number(o.process) : `:${o.process.replace(/^:/, '')}`) : null;
  return { process, type, f, value: (o.value ?? null) as Json, ...(o.key !== undefined ? { key: o.key as Json } : {}), line };
}

const READ = new Set(['read', 'r', 'get']);
const WRITE = new Set(['write', 'w', 'put']);

/** The model input an invocation stands for, or a message. */
function inputOf(model: ModelName, e: JepsenEvent): { input: ModelInput } | string {
  const f = e.f;
  if (model === 'register') {
    if (READ.has(f)) return { input: { op: 'read' } };
    if (WRITE.has(f)) return { input: { op: 'write', value: e.value } };
    if (f === 'cas') {
      const v = e.value;
      if (!Array.isArray(v) || v.length !== 2) return `a cas value is [old new], got ${JSON.stringify(v)}`;
      return { input: { op: 'cas', expected: v[0]!, value: v[1]! } };
    }
    return `:${f} is not an operation of the register model (:read, :write, :cas)`;
  }
  if (f === 'txn') return 'transactions (:f :txn, Elle histories) are not supported: lincheck checks single-object operations';
  let key: string;
  let value: Json;
  if (e.key !== undefined) {
    key = keyText(e.key);
    value = e.value;
  } else {
    if (!Array.isArray(e.value) || e.value.length !== 2) return `a kv operation's value is a [key value] tuple (or give a "key" field), got ${JSON.stringify(e.value)}`;
    key = keyText(e.value[0]!);
    value = e.value[1]!;
  }
  if (READ.has(f)) return { input: { op: 'get', key } };
  if (WRITE.has(f)) return { input: { op: 'put', key, value } };
  if (f === 'append') return { input: { op: 'append', key, value } };
  if (f === 'cas') {
    if (!Array.isArray(value) || value.length !== 2) return `a cas value is [key [old new]], got ${JSON.stringify(e.value)}`;
    return { input: { op: 'cas', key, expected: value[0]!, value: value[1]! } };
  }
  return `:${f} is not an operation of the kv model (:read/:get, :write/:put, :append, :cas)`;
}

/** A completion's output: what a read returned, true for a cas, null for a write. */
function outputOf(input: ModelInput, e: JepsenEvent): Json {
  if (input.op === 'read') return e.value;
  if (input.op === 'get') return e.key !== undefined ? e.value : Array.isArray(e.value) && e.value.length === 2 ? e.value[1]! : e.value;
  if (input.op === 'cas') return true;
  return null;
}

/** Pairs invocations with completions per process (see the module header). */
export function historyFromEvents(events: readonly JepsenEvent[], model: ModelName): JepsenHistory {
  try {
    return pair(events, model);
  } catch (e) {
    if (e instanceof HistoryError) return { ok: false, error: e.message, ...(e.line !== undefined ? { line: e.line } : {}) };
    throw e;
  }
}

function pair(events: readonly JepsenEvent[], model: ModelName): Extract<JepsenHistory, { ok: true }> {
  const open = new Map<string | number, { event: JepsenEvent; input: ModelInput; time: number }>();
  const out: (Operation<ModelInput, Json> & { order: number })[] = [];
  const warnings: string[] = [];
  const finish = (o: { event: JepsenEvent; input: ModelInput; time: number }, ret: number | null, output?: Json) => {
    const p = o.event.process!;
    const base = { id: `${o.event.line}`, call: o.time, input: o.input, client: String(p), line: o.event.line, order: o.time };
    out.push(ret === null ? { ...base, ret: null } : { ...base, ret, output: output ?? null });
  };
  events.forEach((e, time) => {
    if (e.process === null || typeof e.process === 'string') return; // the nemesis and other non-clients
    const p = e.process;
    switch (e.type) {
      case 'invoke': {
        const r = inputOf(model, e);
        if (typeof r === 'string') throw new HistoryError(r, e.line);
        const previous = open.get(p);
        if (previous !== undefined) {
          warnings.push(`line ${e.line}: process ${p} invokes again while its operation from line ${previous.event.line} is open; that one counts as unknown`);
          finish(previous, null);
        }
        open.set(p, { event: e, input: r.input, time });
        return;
      }
      case 'ok':
      case 'fail':
      case 'info': {
        const o = open.get(p);
        if (o === undefined) throw new HistoryError(`process ${p} completes (:${e.type}) an operation it never invoked`, e.line);
        if (o.event.f !== e.f) throw new HistoryError(`process ${p} completes :${e.f} but invoked :${o.event.f} (line ${o.event.line})`, e.line);
        open.delete(p);
        if (e.type === 'ok') finish(o, time, outputOf(o.input, e));
        else if (e.type === 'info') finish(o, null);
        return;
      }
      default:
        throw new HistoryError(`:type :${e.type} is not one of :invoke, :ok, :fail, :info`, e.line);
    }
  });
  for (const o of open.values()) finish(o, null);
  out.sort((a, b) => a.order - b.order);
  return { ok: true, ops: out.map(({ order: _order, ...op }) => op), warnings, events: events.length };
}

/** A history that cannot be read: the message and the line it is about. */
export class HistoryError extends Error {
  constructor(message: string, readonly line?: number) {
    super(message);
  }
}
