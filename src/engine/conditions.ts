/**
 * Conditions of `expect` and `run until` lines, evaluated over a World.
 *
 * A condition is a query from the protocol's vocabulary (or the built-in
 * `metric NAME`) with its arguments, optionally compared with a literal.
 * Without a comparison the result must be truthy: a non-empty node list,
 * `true`, a non-zero number, a non-empty string. `=` and `!=` compare JSON
 * values structurally; `<`, `<=`, `>`, `>=` and `in a..b` need numbers (or,
 * for the orderings, two strings). A query that throws or is unknown makes
 * the condition false with an explanation, never an exception.
 */
import type { Json, World } from './protocol.js';
import type { Condition } from './spec.js';
import type { Vocabulary } from './vocabulary.js';
import { jsonEqual } from '../trace/json-equal.js';
export { jsonEqual };

export interface ConditionResult {
  readonly holds: boolean;
  /** The query's value (undefined when it could not be computed). */
  readonly value: Json | undefined;
  /** Why it could not be evaluated, if so. */
  readonly error?: string;
}

/** Reads a metric by name: protocol metrics and the simulator's built-ins. */
export type MetricReader = (name: string) => number | undefined;

export function evaluateCondition(cond: Condition, world: World, vocabulary: Vocabulary<any>, metric: MetricReader): ConditionResult {
  let value: Json | undefined;
  if (cond.query === 'metric') {
    const name = metricName(cond);
    value = metric(name);
    if (value === undefined) return { holds: false, value, error: `metric ${name} has not been set` };
  } else {
    const query = vocabulary.queries.find((q) => q.name === cond.query);
    if (query === undefined) return { holds: false, value: undefined, error: `unknown query ${cond.query}` };
    try {
      value = query.evaluate(world, cond.args) as Json;
    } catch (e) {
      return { holds: false, value: undefined, error: `query ${cond.query} threw: ${errorText(e)}` };
    }
  }
  return { holds: compare(value, cond), value };
}

function metricName(cond: Condition): string {
  const named = cond.args['name'];
  if (typeof named === 'string') return named;
  const first = Object.values(cond.args).find((v) => typeof v === 'string');
  return typeof first === 'string' ? first : '';
}

export function truthy(v: Json | undefined): boolean {
  if (v === undefined || v === null || v === false) return false;
  if (typeof v === 'number') return v !== 0 && !Number.isNaN(v);
  if (typeof v === 'string') return v.length > 0;
  if (Array.isArray(v)) return v.length > 0;
  return true;
}

/** A role query's nodes (`leader` → ["s1"]) equal a node name when they are exactly that node: `leader = s1`. */
function namesOne(v: Json, name: Json): boolean {
  return Array.isArray(v) && v.length === 1 && typeof name === 'string' && v[0] === name;
}

function compare(v: Json | undefined, cond: Condition): boolean {
  const c = cond.compare;
  if (c === undefined) return truthy(v);
  if (v === undefined) return false;
  switch (c.op) {
    case '=': return jsonEqual(v, c.value) || namesOne(v, c.value);
    case '!=': return !jsonEqual(v, c.value) && !namesOne(v, c.value);
    case 'in': return typeof v === 'number' && v >= c.min && v <= c.max;
    default: {
      const w = c.value;
      const ordered = (typeof v === 'number' && typeof w === 'number') || (typeof v === 'string' && typeof w === 'string');
      if (!ordered) return false;
      const a = v as number | string;
      const b = w as number | string;
      switch (c.op) {
        case '<': return a < b;
        case '<=': return a <= b;
        case '>': return a > b;
        case '>=': return a >= b;
      }
    }
  }
  return false;
}

/** The condition as a scenario would write it: `committed x = 1`, `metric moved_fraction in 0.15..0.25`. */
export function describeCondition(cond: Condition): string {
  const args = Object.values(cond.args).map(literal);
  const head = [cond.query, ...args].join(' ');
  const c = cond.compare;
  if (c === undefined) return head;
  if (c.op === 'in') return `${head} in ${c.min}..${c.max}`;
  return `${head} ${c.op} ${literal(c.value)}`;
}

function literal(v: Json): string {
  if (typeof v === 'string') return /^[A-Za-z_][A-Za-z0-9_]*$/.test(v) ? v : JSON.stringify(v);
  return JSON.stringify(v);
}

export function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  try {
    return String(e);
  } catch {
    return 'unprintable error';
  }
}

/** A duration in µs as a person reads it: `1.5s`, `150ms`, `200us`. */
export function formatTime(us: number): string {
  if (us >= 60_000_000 && us % 60_000_000 === 0) return `${us / 60_000_000}min`;
  if (us >= 1_000_000) return `${trim(us / 1_000_000)}s`;
  if (us >= 1000) return `${trim(us / 1000)}ms`;
  return `${us}us`;
}

function trim(x: number): string {
  return String(Math.round(x * 1000) / 1000);
}
