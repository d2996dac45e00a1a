/**
 * Literal conversion: scenario literals to the values the engine uses.
 *
 * Durations (`150ms`, `1.5s`, `200us`, `2min`) become integer microseconds,
 * percentages (`1%`) fractions, plain numbers stay numbers. Every function
 * returns a result instead of throwing, so the validator can turn a mistake
 * into a diagnostic ("heartbeat expects a duration like 50ms, got 50%") and
 * the compiler can reuse the same conversion.
 */
import type { ParamValue } from '../engine/protocol.js';
import type { ParamSpec, ParamType } from '../engine/vocabulary.js';
import type { Literal, Quantity, Value } from './generated/ast.js';
import { quoteString, repeatString, repetitionProblem } from './_strings.js';

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string; readonly code: string };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
/** A failure with a kebab-case issue code (default `wrong-unit`). */
export const fail = <T = never>(message: string, code = 'wrong-unit'): Result<T> => ({ ok: false, message, code });

/**
 * The end of the `-?[0-9]+(\.[0-9]+)?` number that starts `text`, or -1.
 * Durations and percentages are scanned by hand rather than by a regular
 * expression: a build converts every time value of the file, and the match
 * arrays and substrings were a megabyte and more of garbage per build.
 */
function numberEnd(text: string): number {
  let i = text.charCodeAt(0) === 45 /* - */ ? 1 : 0;
  const digits = (from: number): number => {
    let j = from;
    while (j < text.length && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) j++;
    return j > from ? j : -1;
  };
  i = digits(i);
  if (i < 0 || text.charCodeAt(i) !== 46 /* . */) return i;
  return digits(i + 1);
}

/** The value of the number `text.slice(0, end)`: small integers exactly without a substring, the rest as `Number` reads them. */
function numberValue(text: string, end: number): number {
  const negative = text.charCodeAt(0) === 45;
  const from = negative ? 1 : 0;
  if (end - from > 15 || text.indexOf('.') >= 0) return Number(text.slice(0, end));
  let n = 0;
  for (let i = from; i < end; i++) n = n * 10 + (text.charCodeAt(i) - 48);
  return negative ? -n : n;
}

/** Microseconds per unit of the suffix `text.slice(at)` (`us`, `ms`, `min`, `s`), or undefined. */
function unitScale(text: string, at: number): number | undefined {
  const rest = text.length - at;
  const c = text.charCodeAt(at);
  if (rest === 1) return c === 115 /* s */ ? 1_000_000 : undefined;
  if (rest === 2 && text.charCodeAt(at + 1) === 115 /* s */) return c === 117 /* u */ ? 1 : c === 109 /* m */ ? 1_000 : undefined;
  if (rest === 3 && c === 109 && text.charCodeAt(at + 1) === 105 /* i */ && text.charCodeAt(at + 2) === 110 /* n */) return 60_000_000;
  return undefined;
}

/** `150ms` → 150000; undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const end = numberEnd(text);
  const scale = end < 0 ? undefined : unitScale(text, end);
  return scale === undefined ? undefined : Math.round(numberValue(text, end) * scale);
}

/** `1.5%` → 0.015; undefined when the text is not a percentage. */
export function parsePercent(text: string): number | undefined {
  const end = numberEnd(text);
  if (end < 0 || end !== text.length - 1 || text.charCodeAt(end) !== 37 /* % */) return undefined;
  return numberValue(text, end) / 100;
}

/** Anything literal-shaped: Literal, ArgLiteral, OpArg, TargetArg (and a Quantity through asLiteral). */
export interface LiteralLike {
  readonly duration?: string;
  readonly percent?: string;
  readonly number?: number;
  readonly string?: string;
  /** `"a" * 3`: how many times the string is repeated. */
  readonly repeat?: number;
  readonly bool?: string;
  readonly id?: string;
}

/** A string literal's value, its repetition applied (`"ab" * 2` → `abab`). */
export function stringValue(lit: LiteralLike): string | undefined {
  return lit.string === undefined ? undefined : repeatString(lit.string, lit.repeat);
}

/**
 * A Quantity (the text of a DURATION, PERCENT or NUMBER token, see
 * scenario.langium) as a literal; other literals pass through.
 */
export function asLiteral(q: number | string | LiteralLike | undefined): LiteralLike | undefined {
  if (typeof q === 'number') return { number: q };
  if (typeof q !== 'string') return q;
  if (q.endsWith('%')) return { percent: q };
  const last = q.charCodeAt(q.length - 1);
  return last >= 48 && last <= 57 ? { number: Number(q) } : { duration: q };
}

/** How a literal is written, for messages: `50%`, `"x"`, `"a" * 1000`, `abc`. */
export function literalText(lit: number | string | LiteralLike | undefined): string {
  if (typeof lit === 'string' || typeof lit === 'number') return String(lit);
  if (!lit) return '?';
  if (lit.duration !== undefined) return lit.duration;
  if (lit.percent !== undefined) return lit.percent;
  if (lit.number !== undefined) return String(lit.number);
  if (lit.string !== undefined) return lit.repeat === undefined ? quoteString(lit.string) : `${quoteString(lit.string)} * ${lit.repeat}`;
  if (lit.bool !== undefined) return lit.bool;
  if (lit.id !== undefined) return lit.id;
  return '?';
}

const EXAMPLE: Record<ParamType, string> = {
  int: 'an integer like 3',
  number: 'a number like 0.5',
  duration: 'a duration like 50ms',
  durationRange: 'a duration or a range like 150ms..300ms',
  percent: 'a percentage like 1%',
  bool: 'true or false',
  enum: 'one of',
  string: 'a string like "text"',
};

/** What a parameter of this type looks like, for messages. */
export function expectedText(type: ParamType, choices?: readonly string[]): string {
  return type === 'enum' ? `one of ${(choices ?? []).join(', ')}` : EXAMPLE[type];
}

/** A duration-typed quantity (`at 1s`, `latency 5ms`) in µs. */
export function quantityDuration(quantity: Quantity | Literal | undefined, what: string): Result<number> {
  const q = asLiteral(quantity);
  if (q?.duration !== undefined) {
    const us = parseDuration(q.duration);
    if (us !== undefined) return ok(us);
  }
  if (q?.number === 0) return ok(0);
  return fail(`${what} expects a duration like 50ms, got ${literalText(q)}`);
}

/** A time that must not be negative. */
export function quantityTime(q: Quantity | undefined, what: string): Result<number> {
  const r = quantityDuration(q, what);
  if (r.ok && r.value < 0) return fail(`${what} must not be negative, got ${literalText(q)}`, 'negative-time');
  return r;
}

/** A probability written as a percentage (`1%`) → fraction in [0, 1]. */
export function quantityPercent(quantity: Quantity | Literal | undefined, what: string): Result<number> {
  const q = asLiteral(quantity);
  const p = q?.percent !== undefined ? parsePercent(q.percent) : undefined;
  if (p === undefined) return fail(`${what} expects a percentage like 1%, got ${literalText(q)}`);
  if (p < 0 || p > 1) return fail(`${what} must be between 0% and 100%, got ${literalText(q)}`, 'out-of-range');
  return ok(p);
}

/** A plain number. */
export function quantityNumber(quantity: Quantity | Literal | undefined, what: string): Result<number> {
  const q = asLiteral(quantity);
  if (q?.number !== undefined) return ok(q.number);
  return fail(`${what} expects a number like 0.5, got ${literalText(q)}`);
}

function withinBounds(spec: ParamSpec, n: number, shown: string): Result<number> {
  if (spec.min !== undefined && n < spec.min) return fail(`${spec.name} must be at least ${bound(spec, spec.min)}, got ${shown}`, 'out-of-range');
  if (spec.max !== undefined && n > spec.max) return fail(`${spec.name} must be at most ${bound(spec, spec.max)}, got ${shown}`, 'out-of-range');
  return ok(n);
}

function bound(spec: ParamSpec, n: number): string {
  if (spec.type === 'duration' || spec.type === 'durationRange') return formatDuration(n);
  if (spec.type === 'percent') return `${n * 100}%`;
  return String(n);
}

/** 150000 → `150ms`, for messages and sweep labels. */
export function formatDuration(us: number): string {
  if (us !== 0 && us % 60_000_000 === 0) return `${us / 60_000_000}min`;
  if (us !== 0 && us % 1_000_000 === 0) return `${us / 1_000_000}s`;
  if (us % 1_000 === 0) return `${us / 1_000}ms`;
  return `${us}us`;
}

/** Convert a `PARAM VALUE` to the parameter's type, with its bounds and choices checked. */
export function convertParam(spec: ParamSpec, value: Value): Result<ParamValue> {
  const lo = value.lo;
  // Langium's error recovery can leave a value without its literal (`vary x 1, " {`); the parse error says what is wrong.
  if (lo === undefined) return fail(`${spec.name} expects ${expectedText(spec.type, spec.choices)}`);
  const shown = value.hi ? `${literalText(lo)}..${literalText(value.hi)}` : literalText(lo);
  const wrong = (): Result<ParamValue> => fail(`${spec.name} expects ${expectedText(spec.type, spec.choices)}, got ${shown}`);
  if (value.hi && spec.type !== 'durationRange') return wrong();
  const repetition = lo.string !== undefined && lo.repeat !== undefined ? repetitionProblem(lo.string, lo.repeat) : undefined;
  if (repetition !== undefined) return fail(repetition, 'out-of-range');
  switch (spec.type) {
    case 'int':
      if (lo.number === undefined || !Number.isInteger(lo.number)) return wrong();
      return withinBounds(spec, lo.number, shown);
    case 'number':
      if (lo.number === undefined) return wrong();
      return withinBounds(spec, lo.number, shown);
    case 'duration': {
      const r = quantityDuration(lo, spec.name);
      if (!r.ok) return wrong();
      return withinBounds(spec, r.value, shown);
    }
    case 'durationRange': {
      const a = quantityDuration(lo, spec.name);
      const b = value.hi ? quantityDuration(value.hi, spec.name) : a;
      if (!a.ok || !b.ok) return wrong();
      if (b.value < a.value) return fail(`${spec.name}: the range ${shown} ends before it starts`, 'invalid-range');
      const lower = withinBounds(spec, a.value, shown);
      if (!lower.ok) return lower;
      const upper = withinBounds(spec, b.value, shown);
      if (!upper.ok) return upper;
      return ok({ min: a.value, max: b.value });
    }
    case 'percent': {
      const p = lo.percent !== undefined ? parsePercent(lo.percent) : undefined;
      if (p === undefined) return wrong();
      return withinBounds(spec, p, shown);
    }
    case 'bool':
      if (lo.bool === undefined) return wrong();
      return ok(lo.bool === 'true');
    case 'enum': {
      const word = lo.id ?? stringValue(lo);
      if (word === undefined) return wrong();
      if (!(spec.choices ?? []).includes(word)) return fail(`${spec.name}: unknown choice '${word}', expected one of ${(spec.choices ?? []).join(', ')}`, 'unknown-choice');
      return ok(word);
    }
    case 'string':
      if (lo.string !== undefined) return ok(stringValue(lo)!);
      if (lo.id !== undefined) return ok(lo.id);
      return wrong();
    default: {
      const never: never = spec.type;
      return fail(`${spec.name}: unsupported parameter type ${String(never)}`);
    }
  }
}
