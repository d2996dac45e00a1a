/**
 * Test helpers: a marked-range notation for diagnostics. In `«text»` the
 * guillemets mark the range a diagnostic must cover; `marked` strips them
 * and returns the 1-based range (end exclusive), as compile.ts reports it.
 */
import assert from 'node:assert/strict';
import { validateText, type Diagnostic, type ParseOptions } from '../../src/dsl/compile.js';
import { toyProtocols } from './fixtures/toy.js';

export interface Marked {
  readonly text: string;
  readonly range: { line: number; col: number; endLine: number; endCol: number };
}

export function marked(source: string): Marked {
  const start = source.indexOf('«');
  const end = source.indexOf('»');
  assert.ok(start >= 0 && end > start, 'marked(): needs «…»');
  const text = source.slice(0, start) + source.slice(start + 1, end) + source.slice(end + 1);
  const pos = (offset: number) => {
    const before = text.slice(0, offset).split('\n');
    return { line: before.length, col: before[before.length - 1]!.length + 1 };
  };
  const a = pos(start);
  const b = pos(end - 1);
  return { text, range: { line: a.line, col: a.col, endLine: b.line, endCol: b.col } };
}

export const CLUSTER = `cluster five: toy {
  nodes n1..n5
  heartbeat 50ms
}
`;

/** The diagnostics of a text (toy protocols unless `options` say otherwise). */
export function diagnose(text: string, options: ParseOptions = {}): Promise<Diagnostic[]> {
  return validateText(text, { protocols: toyProtocols, ...options });
}

/** Assert exactly one diagnostic with this code, message and range (and no other errors). */
export async function expectOnly(source: string, code: string, message: string | RegExp, options: ParseOptions = {}): Promise<Diagnostic> {
  const m = marked(source);
  const diags = await diagnose(m.text, options);
  const hits = diags.filter((d) => d.code === code);
  assert.equal(hits.length, 1, `expected one '${code}' diagnostic, got:\n${JSON.stringify(diags, null, 1)}`);
  const d = hits[0]!;
  if (typeof message === 'string') assert.equal(d.message, message);
  else assert.match(d.message, message);
  assert.deepEqual({ line: d.line, col: d.col, endLine: d.endLine, endCol: d.endCol }, m.range, `range of: ${d.message}`);
  const others = diags.filter((x) => x !== d && x.severity === 'error');
  assert.deepEqual(others, [], 'no other errors');
  return d;
}
