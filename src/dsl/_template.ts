/**
 * Operation and query templates (src/engine/vocabulary.ts, OpSpec.template).
 *
 * A template such as `add <node:node> [weight <weight:int>]` is a sequence of
 * literal words, typed `<name:type>` slots and optional `[ … ]` groups; its
 * first word is the operation's name. The grammar keeps arguments generic
 * (a token list), and `matchTemplate` matches them here by backtracking, so
 * every protocol's surface syntax lives in its own vocabulary. Omitted
 * optional groups leave their slots out of the result.
 */
import type { Json } from '../engine/protocol.js';
import type { ArgSpec, ArgType } from '../engine/vocabulary.js';
import { parseDuration, parsePercent } from './_units.js';

export type TemplatePart =
  | { readonly kind: 'word'; readonly text: string }
  | { readonly kind: 'slot'; readonly name: string; readonly type: ArgType }
  | { readonly kind: 'opt'; readonly parts: readonly TemplatePart[] };

/** One argument token as written in the scenario. */
export interface ArgToken {
  readonly kind: 'eq' | 'id' | 'string' | 'number' | 'duration' | 'percent' | 'bool';
  /** The text as written (`x`, `"x"`, `1.5s`). */
  readonly text: string;
  /** The literal's value: the string without quotes, the number, the boolean. */
  readonly value: string | number | boolean;
}

export interface MatchEnv {
  /** Whether a name is a node of the cluster (for `node` slots). */
  isNode(name: string): boolean;
}

export type MatchResult =
  | { readonly ok: true; readonly args: Record<string, Json> }
  /** `at`: the index of the token where matching failed (tokens.length = at the end). */
  | { readonly ok: false; readonly at: number; readonly message: string };

const cache = new Map<string, readonly TemplatePart[]>();

/** Parse a template (without its leading name word). Unknown slot types read as `value`. */
export function parseTemplate(template: string): readonly TemplatePart[] {
  const hit = cache.get(template);
  if (hit) return hit;
  const tokens = template.match(/\[|\]|<[^>]*>|[^\s[\]<]+/g) ?? [];
  let i = 0;
  const parseSeq = (inGroup: boolean): TemplatePart[] => {
    const out: TemplatePart[] = [];
    while (i < tokens.length) {
      const t = tokens[i++]!;
      if (t === '[') out.push({ kind: 'opt', parts: parseSeq(true) });
      else if (t === ']') {
        if (inGroup) return out;
      } else if (t.startsWith('<')) {
        const [name = '', type = 'value'] = t.slice(1, -1).split(':').map((s) => s.trim());
        out.push({ kind: 'slot', name, type: type as ArgType });
      } else out.push({ kind: 'word', text: t });
    }
    return out;
  };
  const parts = parseSeq(false);
  const rest = parts[0]?.kind === 'word' ? parts.slice(1) : parts;
  cache.set(template, rest);
  return rest;
}

/** Convert one token for a slot, or explain why it does not fit. */
export function convertSlot(tok: ArgToken, spec: ArgSpec, env: MatchEnv): { ok: true; value: Json } | { ok: false; message: string } {
  const bad = (what: string) => ({ ok: false as const, message: `<${spec.name}> expects ${what}, got ${tok.text}` });
  const bounded = (n: number, what: string) => {
    if (spec.min !== undefined && n < spec.min) return { ok: false as const, message: `<${spec.name}> must be at least ${spec.min}, got ${tok.text}` };
    if (spec.max !== undefined && n > spec.max) return { ok: false as const, message: `<${spec.name}> must be at most ${spec.max}, got ${tok.text}` };
    return n === n ? { ok: true as const, value: n } : bad(what);
  };
  switch (spec.type) {
    case 'int':
      return tok.kind === 'number' && Number.isInteger(tok.value) ? bounded(tok.value as number, 'an integer') : bad('an integer');
    case 'number':
      return tok.kind === 'number' ? bounded(tok.value as number, 'a number') : bad('a number');
    case 'string':
      return tok.kind === 'string' ? { ok: true, value: tok.value as string } : bad('a string like "text"');
    case 'duration': {
      const us = tok.kind === 'duration' ? parseDuration(tok.text) : undefined;
      return us !== undefined ? bounded(us, 'a duration') : bad('a duration like 50ms');
    }
    case 'percent': {
      const p = tok.kind === 'percent' ? parsePercent(tok.text) : undefined;
      return p !== undefined ? bounded(p, 'a percentage') : bad('a percentage like 1%');
    }
    case 'key':
      if (tok.kind === 'id' || tok.kind === 'string') return { ok: true, value: String(tok.value) };
      if (tok.kind === 'number') return { ok: true, value: tok.text };
      return bad('a key (an identifier or a string)');
    case 'value':
      if (tok.kind === 'number' || tok.kind === 'string' || tok.kind === 'bool') return { ok: true, value: tok.value };
      if (tok.kind === 'id') return { ok: true, value: tok.text };
      if (tok.kind === 'duration' || tok.kind === 'percent') return { ok: true, value: tok.text };
      return bad('a value');
    case 'node':
      if (tok.kind !== 'id') return bad('a node name');
      return env.isNode(tok.text) ? { ok: true, value: tok.text } : { ok: false, message: `<${spec.name}>: unknown node '${tok.text}'` };
    case 'name':
      return tok.kind === 'id' ? { ok: true, value: tok.text } : bad('a name');
    case 'algorithm':
      if (tok.kind !== 'id' && tok.kind !== 'string') return bad('an algorithm name');
      if (spec.choices && !spec.choices.includes(String(tok.value))) {
        return { ok: false, message: `<${spec.name}>: unknown choice '${String(tok.value)}', expected one of ${spec.choices.join(', ')}` };
      }
      return { ok: true, value: String(tok.value) };
    default:
      return { ok: true, value: typeof tok.value === 'boolean' || typeof tok.value === 'number' ? tok.value : String(tok.value) };
  }
}

/**
 * Match tokens against a template's parts (after its name word). Optional
 * groups are tried with, then without; the failure reported is the one
 * that got furthest into the tokens.
 */
export function matchTemplate(template: string, argSpecs: readonly ArgSpec[], tokens: readonly ArgToken[], env: MatchEnv): MatchResult {
  const parts = parseTemplate(template);
  const specs = new Map(argSpecs.map((a) => [a.name, a]));
  let best: { at: number; message: string } = { at: -1, message: '' };
  const note = (at: number, message: string) => {
    if (at > best.at) best = { at, message };
  };
  let steps = 0;
  // Continuation-passing backtracking: `k` is what must match after `parts`.
  const go = (ps: readonly TemplatePart[], pi: number, ti: number, args: Record<string, Json>, k: (ti: number, args: Record<string, Json>) => Record<string, Json> | undefined): Record<string, Json> | undefined => {
    if (++steps > 10_000) return undefined;
    if (pi === ps.length) return k(ti, args);
    const part = ps[pi]!;
    if (part.kind === 'opt') {
      const withGroup = go(part.parts, 0, ti, args, (t2, a2) => go(ps, pi + 1, t2, a2, k));
      return withGroup ?? go(ps, pi + 1, ti, args, k);
    }
    const tok = tokens[ti];
    if (part.kind === 'word') {
      const matches = tok !== undefined && (part.text === '=' ? tok.kind === 'eq' : tok.kind !== 'eq' && tok.text === part.text);
      if (!matches) {
        note(ti, `expected '${part.text}'${tok ? `, got ${tok.text}` : ''}`);
        return undefined;
      }
      return go(ps, pi + 1, ti + 1, args, k);
    }
    if (tok === undefined) {
      note(ti, `missing <${part.name}>`);
      return undefined;
    }
    const spec: ArgSpec = specs.get(part.name) ?? { name: part.name, type: part.type };
    const conv = tok.kind === 'eq' ? { ok: false as const, message: `<${part.name}> expected, got =` } : convertSlot(tok, spec, env);
    if (!conv.ok) {
      note(ti, conv.message);
      return undefined;
    }
    return go(ps, pi + 1, ti + 1, { ...args, [part.name]: conv.value }, k);
  };
  const result = go(parts, 0, 0, {}, (ti, args) => {
    if (ti === tokens.length) return args;
    note(ti, `unexpected ${tokens[ti]!.text}`);
    return undefined;
  });
  if (result) return { ok: true, args: result };
  return { ok: false, at: Math.max(0, best.at), message: best.message || 'arguments do not match' };
}
