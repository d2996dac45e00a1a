/**
 * `expect` lines and the conditions they test: `expect always INV, …`,
 * `expect violated INV`, `expect eventually COND [within D] [after T] [as
 * NAME]`, `expect at end COND`, `expect [violated] linearizable`. A condition is a
 * query of the protocol (`leader`, `committed x`) or `metric NAME`,
 * optionally compared with a literal or a range (`run until` takes one too).
 */
import type { AstNode } from 'langium';
import type { Json } from '../../engine/protocol.js';
import { RUN_METRICS, type Condition as SpecCondition, type Expectation } from '../../engine/spec.js';
import type { Condition, Expect, Quantity, Scenario } from '../generated/ast.js';
import { didYouMean, listNames } from '../_names.js';
import { asLiteral, literalText, parseDuration, parsePercent, quantityTime } from '../_units.js';
import { rangeOf, type CompileContext, type Writable } from './context.js';
import { argToken, literalJson } from './literals.js';

/** The metrics a scenario's `expect eventually … as NAME` lines measure, as written. */
export function measureNames(sc: Scenario): string[] {
  return sc.statements.flatMap((st) => (st.$type === 'Expect' && st.measure !== undefined ? [st.measure] : []));
}

/**
 * The metrics a scenario measures itself (`expect eventually … as NAME`):
 * each defines metric NAME for the whole scenario, before or after its use.
 */
export function measuredMetrics(cx: CompileContext, sc: Scenario): Set<string> {
  const measures = new Set<string>();
  for (const st of sc.statements) {
    if (st.$type !== 'Expect' || st.measure === undefined) continue;
    if (measures.has(st.measure)) cx.error(st, `metric '${st.measure}' is already measured by another expect line in this scenario`, 'duplicate-name', 'measure');
    measures.add(st.measure);
  }
  return measures;
}

export function compileCondition(cx: CompileContext, c: Condition | undefined): SpecCondition | undefined {
  if (!c || !c.query) return undefined;
  const vocabulary = cx.protocol.vocabulary;
  let args: Record<string, Json> = {};
  let query = c.query;
  if (c.metric) {
    query = 'metric';
    args = { name: c.query };
    if (!vocabulary.metrics.some((m) => m.name === c.query) && !RUN_METRICS.includes(c.query) && !cx.measures.has(c.query)) {
      const names = vocabulary.metrics.map((m) => m.name);
      cx.warning(c, `metric '${c.query}' is not declared by ${cx.protocol.name}${didYouMean(c.query, names)}; declared: ${listNames(names)}`, 'unknown-metric', 'query');
    }
  } else {
    const spec = vocabulary.queries.find((q) => q.name === c.query);
    if (!spec) {
      const names = vocabulary.queries.map((q) => q.name);
      cx.error(c, `unknown query '${c.query}'${didYouMean(c.query, names)}; ${cx.protocol.name} has ${listNames(names)}, or metric NAME`, 'unknown-query', 'query');
      return undefined;
    }
    const tokens = c.args.map((a) => argToken(cx, a));
    const matched = cx.matchArgs(spec.name, spec.template, spec.args, tokens, (i) => c.args[i], c, 'query');
    if (!matched) return undefined;
    args = matched;
  }
  if (!c.op) return { query, args };
  if (c.op === 'in') {
    const lo = quantityValue(c.lo);
    const hi = quantityValue(c.hi);
    if (lo === undefined || hi === undefined) return undefined;
    if (hi < lo) {
      cx.error(c, `the range ${literalText(c.lo)}..${literalText(c.hi)} ends before it starts`, 'invalid-range', 'lo');
      return undefined;
    }
    return { query, args, compare: { op: 'in', min: lo, max: hi } };
  }
  if (c.value) cx.reportRepetition(c.value);
  return { query, args, compare: { op: c.op as '=' | '!=' | '<' | '<=' | '>' | '>=', value: literalJson(c.value) } };
}

/** A quantity as a plain number: durations in µs, percentages as fractions. */
function quantityValue(quantity: Quantity | undefined): number | undefined {
  const q = asLiteral(quantity);
  if (!q) return undefined;
  if (q.number !== undefined) return q.number;
  if (q.duration !== undefined) return parseDuration(q.duration);
  if (q.percent !== undefined) return parsePercent(q.percent);
  return undefined;
}

function invariant(cx: CompileContext, ref: { name: string } & AstNode): string | undefined {
  const names = cx.protocol.vocabulary.invariants.map((i) => i.name);
  if (names.includes(ref.name)) return ref.name;
  if (ref.name) cx.error(ref, `unknown invariant '${ref.name}'${didYouMean(ref.name, names)}; ${cx.protocol.name} has the invariants ${listNames(names)}`, 'unknown-invariant', 'name');
  return undefined;
}

/** Whether `expect [violated] linearizable` applies: the protocol names a client model; else an error on the keyword. */
function linearizable(cx: CompileContext, st: Expect): boolean {
  if (cx.protocol.vocabulary.history) return true;
  const able = [...cx.protocols.values()].filter((p) => p.vocabulary.history).map((p) => `${p.name}: ${p.vocabulary.history!.model}`);
  const line = st.kind === 'violated' ? 'expect violated linearizable' : 'expect linearizable';
  cx.error(st, `${line} needs a protocol whose client operations follow a sequential model (${able.join(', ') || 'none is registered'}); ${cx.protocol.name} declares none`,
    'not-linearizable', st.kind === 'violated' ? 'linearizable' : 'kind');
  return false;
}

/** One `expect` line, or undefined when it has a mistake. */
export function compileExpect(cx: CompileContext, st: Expect): Expectation | undefined {
  const source = rangeOf(st);
  switch (st.kind) {
    case 'always': {
      const invariants = st.invariants.map((i) => invariant(cx, i)).filter((n): n is string => n !== undefined);
      return invariants.length === st.invariants.length ? { kind: 'always', invariants, source } : undefined;
    }
    case 'violated': {
      if (st.linearizable) return linearizable(cx, st) ? { kind: 'linearizable', violated: true, source } : undefined;
      const inv = st.invariants[0] ? invariant(cx, st.invariants[0]) : undefined;
      return inv ? { kind: 'violated', invariant: inv, source } : undefined;
    }
    case 'eventually': {
      const condition = compileCondition(cx, st.condition);
      const within = st.within ? cx.take(quantityTime(st.within, 'within'), st, 'within') : undefined;
      const after = st.after ? cx.take(quantityTime(st.after, 'after'), st, 'after') : undefined;
      if (!condition) return undefined;
      const e: Writable<Extract<Expectation, { kind: 'eventually' }>> = { kind: 'eventually', condition, source };
      if (after !== undefined) e.after = after;
      if (within !== undefined) e.within = within;
      if (st.measure !== undefined) e.measure = st.measure;
      return e;
    }
    case 'at': {
      const condition = compileCondition(cx, st.condition);
      return condition ? { kind: 'atEnd', condition, source } : undefined;
    }
    case 'linearizable':
      return linearizable(cx, st) ? { kind: 'linearizable', source } : undefined;
    default:
      return undefined;
  }
}
