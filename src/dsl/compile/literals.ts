/**
 * Literals of operation and query arguments and of comparisons, as the
 * tokens templates match (../_template.ts) and as JSON values.
 */
import type { AstNode } from 'langium';
import type { Json } from '../../engine/protocol.js';
import type { ArgToken } from '../_template.js';
import { literalText, parseDuration, parsePercent, stringValue, type LiteralLike } from '../_units.js';
import type { CompileContext } from './context.js';

/** A literal as one token of an op/query argument list. */
export function literalToken(lit: LiteralLike | undefined): ArgToken | undefined {
  if (!lit) return undefined;
  if (lit.duration !== undefined) return { kind: 'duration', text: lit.duration, value: lit.duration };
  if (lit.percent !== undefined) return { kind: 'percent', text: lit.percent, value: lit.percent };
  if (lit.number !== undefined) return { kind: 'number', text: String(lit.number), value: lit.number };
  if (lit.string !== undefined) return { kind: 'string', text: literalText(lit), value: stringValue(lit)! };
  if (lit.bool !== undefined) return { kind: 'bool', text: lit.bool, value: lit.bool === 'true' };
  if (lit.id !== undefined) return { kind: 'id', text: lit.id, value: lit.id };
  return undefined;
}

/** A literal of the scenario as a token, its repetition (`"a" * N`) validated. */
export function argToken(cx: CompileContext, lit: LiteralLike & AstNode): ArgToken {
  cx.reportRepetition(lit);
  return literalToken(lit) ?? { kind: 'id', text: '?', value: '?' };
}

/** A literal as a JSON value (conditions compare with it). */
export function literalJson(lit: LiteralLike | undefined): Json {
  const t = literalToken(lit);
  if (!t) return null;
  if (t.kind === 'duration') return parseDuration(t.text) ?? t.text;
  if (t.kind === 'percent') return parsePercent(t.text) ?? t.text;
  return t.value as Json;
}
