/**
 * Operation and query templates (src/engine/vocabulary.ts, OpSpec.template).
 *
 * A template such as `add <node:node> [weight <weight:int>]` is a sequence of
 * literal words, typed `<name:type>` slots and optional `[ … ]` groups; its
 * first word is the operation's name. The grammar keeps arguments generic
 * (a token list), and `matchTemplate` matches them here by backtracking, so
 * every protocol's surface syntax lives in its own vocabulary. Omitted
 * optional groups leave their slots out of the result. A `nodes` slot takes
 * one or more node names in a row (`with <parts:nodes> put …` matches
 * `with p1 p2 p3 put …`): the longest run is tried first, then shorter ones.
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

function badSlot(tok: ArgToken, spec: ArgSpec, what: string): { ok: false; message: string } {
  return { ok: false, message: `<${spec.name}> expects ${what}, got ${tok.text}` };
}

function boundedSlot(tok: ArgToken, spec: ArgSpec, n: number, what: string): { ok: true; value: Json } | { ok: false; message: string } {
  if (spec.min !== undefined && n < spec.min) return { ok: false, message: `<${spec.name}> must be at least ${spec.min}, got ${tok.text}` };
  if (spec.max !== undefined && n > spec.max) return { ok: false, message: `<${spec.name}> must be at most ${spec.max}, got ${tok.text}` };
  return n === n ? { ok: true, value: n } : badSlot(tok, spec, what);
}

/** Convert one token for a slot, or explain why it does not fit. */
export function convertSlot(tok: ArgToken, spec: ArgSpec, env: MatchEnv): { ok: true; value: Json } | { ok: false; message: string } {
  switch (spec.type) {
    case 'int':
      return tok.kind === 'number' && Number.isInteger(tok.value) ? boundedSlot(tok, spec, tok.value as number, 'an integer') : badSlot(tok, spec, 'an integer');
    case 'number':
      return tok.kind === 'number' ? boundedSlot(tok, spec, tok.value as number, 'a number') : badSlot(tok, spec, 'a number');
    case 'string':
      return tok.kind === 'string' ? { ok: true, value: tok.value as string } : badSlot(tok, spec, 'a string like "text"');
    case 'duration': {
      const us = tok.kind === 'duration' ? parseDuration(tok.text) : undefined;
      return us !== undefined ? boundedSlot(tok, spec, us, 'a duration') : badSlot(tok, spec, 'a duration like 50ms');
    }
    case 'percent': {
      const p = tok.kind === 'percent' ? parsePercent(tok.text) : undefined;
      return p !== undefined ? boundedSlot(tok, spec, p, 'a percentage') : badSlot(tok, spec, 'a percentage like 1%');
    }
    case 'key':
      if (tok.kind === 'id' || tok.kind === 'string') return { ok: true, value: String(tok.value) };
      if (tok.kind === 'number') return { ok: true, value: tok.text };
      return badSlot(tok, spec, 'a key (an identifier or a string)');
    case 'value':
      if (tok.kind === 'number' || tok.kind === 'string' || tok.kind === 'bool') return { ok: true, value: tok.value };
      if (tok.kind === 'id') return { ok: true, value: tok.text };
      if (tok.kind === 'duration' || tok.kind === 'percent') return { ok: true, value: tok.text };
      return badSlot(tok, spec, 'a value');
    case 'node': {
      // A node name as written: `n1`, or quoted for names that are not identifiers (`"10.0.0.1:11211"`).
      if (tok.kind !== 'id' && tok.kind !== 'string') return badSlot(tok, spec, 'a node name');
      const name = String(tok.value);
      return env.isNode(name) ? { ok: true, value: name } : { ok: false, message: `<${spec.name}>: unknown node '${name}'` };
    }
    case 'nodes': {
      const one = convertSlot(tok, { ...spec, type: 'node' }, env);
      return one.ok ? { ok: true, value: [one.value] } : one;
    }
    case 'name':
      return tok.kind === 'id' ? { ok: true, value: tok.text } : badSlot(tok, spec, 'a name');
    case 'algorithm':
      if (tok.kind !== 'id' && tok.kind !== 'string') return badSlot(tok, spec, 'an algorithm name');
      if (spec.choices && !spec.choices.includes(String(tok.value))) {
        return { ok: false, message: `<${spec.name}>: unknown choice '${String(tok.value)}', expected one of ${spec.choices.join(', ')}` };
      }
      return { ok: true, value: String(tok.value) };
    default:
      return { ok: true, value: typeof tok.value === 'boolean' || typeof tok.value === 'number' ? tok.value : String(tok.value) };
  }
}

type Args = Record<string, Json>;
/** What must match after the parts being matched (continuation-passing backtracking). */
type Continuation = (ti: number, args: Args) => Args | undefined;

const specMaps = new WeakMap<readonly ArgSpec[], ReadonlyMap<string, ArgSpec>>();

function specsByName(argSpecs: readonly ArgSpec[]): ReadonlyMap<string, ArgSpec> {
  let m = specMaps.get(argSpecs);
  if (!m) {
    m = new Map(argSpecs.map((a) => [a.name, a]));
    specMaps.set(argSpecs, m);
  }
  return m;
}

/** One matching of tokens against a template; methods rather than per-call closures. */
class Matcher {
  private best: { at: number; message: string } = { at: -1, message: '' };
  private steps = 0;

  constructor(
    private readonly tokens: readonly ArgToken[],
    private readonly specs: ReadonlyMap<string, ArgSpec>,
    private readonly env: MatchEnv,
  ) {}

  note(at: number, message: string): void {
    if (at > this.best.at) this.best = { at, message };
  }

  /** The end of the template: every token must be used. */
  end(ti: number, args: Args): Args | undefined {
    if (ti === this.tokens.length) return args;
    this.note(ti, `unexpected ${this.tokens[ti]!.text}`);
    return undefined;
  }

  /** `k` is what must match after `ps` (undefined: the end of the template). */
  go(ps: readonly TemplatePart[], pi: number, ti: number, args: Args, k: Continuation | undefined): Args | undefined {
    if (++this.steps > 10_000) return undefined;
    if (pi === ps.length) return k ? k(ti, args) : this.end(ti, args);
    const part = ps[pi]!;
    if (part.kind === 'opt') {
      const withGroup = this.go(part.parts, 0, ti, args, (t2, a2) => this.go(ps, pi + 1, t2, a2, k));
      return withGroup ?? this.go(ps, pi + 1, ti, args, k);
    }
    const tok = this.tokens[ti];
    if (part.kind === 'word') {
      const matches = tok !== undefined && (part.text === '=' ? tok.kind === 'eq' : tok.kind !== 'eq' && tok.text === part.text);
      if (!matches) {
        this.note(ti, `expected '${part.text}'${tok ? `, got ${tok.text}` : ''}`);
        return undefined;
      }
      return this.go(ps, pi + 1, ti + 1, args, k);
    }
    if (tok === undefined) {
      this.note(ti, `missing <${part.name}>`);
      return undefined;
    }
    const spec: ArgSpec = this.specs.get(part.name) ?? { name: part.name, type: part.type };
    if (spec.type === 'nodes') return this.nodeRun(ps, pi, ti, args, k, spec);
    const conv = tok.kind === 'eq' ? { ok: false as const, message: `<${part.name}> expected, got =` } : convertSlot(tok, spec, this.env);
    if (!conv.ok) {
      this.note(ti, conv.message);
      return undefined;
    }
    return this.go(ps, pi + 1, ti + 1, { ...args, [part.name]: conv.value }, k);
  }

  /** A `nodes` slot: the longest run of node names at `ti` first, then shorter ones (at least one). */
  private nodeRun(ps: readonly TemplatePart[], pi: number, ti: number, args: Args, k: Continuation | undefined, spec: ArgSpec): Args | undefined {
    const names: string[] = [];
    for (let t = ti; t < this.tokens.length; t++) {
      const tok = this.tokens[t]!;
      if ((tok.kind !== 'id' && tok.kind !== 'string') || !this.env.isNode(String(tok.value))) break;
      names.push(String(tok.value));
    }
    if (names.length === 0) {
      const tok = this.tokens[ti]!;
      const conv = tok.kind === 'eq' ? { ok: false as const, message: `<${spec.name}> expected, got =` } : convertSlot(tok, spec, this.env);
      this.note(ti, conv.ok ? `<${spec.name}> expects node names` : conv.message);
      return undefined;
    }
    for (let n = names.length; n >= 1; n--) {
      const found = this.go(ps, pi + 1, ti + n, { ...args, [spec.name]: names.slice(0, n) }, k);
      if (found) return found;
    }
    return undefined;
  }

  result(args: Args | undefined): MatchResult {
    if (args) return { ok: true, args };
    return { ok: false, at: Math.max(0, this.best.at), message: this.best.message || 'arguments do not match' };
  }
}

/**
 * Match tokens against a template's parts (after its name word). Optional
 * groups are tried with, then without; the failure reported is the one
 * that got furthest into the tokens.
 */
export function matchTemplate(template: string, argSpecs: readonly ArgSpec[], tokens: readonly ArgToken[], env: MatchEnv): MatchResult {
  const parts = parseTemplate(template);
  const specs = specsByName(argSpecs);
  if (parts.every((p) => p.kind !== 'opt' && !(p.kind === 'slot' && (specs.get(p.name)?.type ?? p.type) === 'nodes'))) return matchLinear(parts, specs, tokens, env);
  const m = new Matcher(tokens, specs, env);
  return m.result(m.go(parts, 0, 0, {}, undefined));
}

/**
 * A template without optional groups has one way to match, so its first
 * failure is the furthest one: the same result as the Matcher's, without
 * its continuations and a copy of the arguments per slot (most templates,
 * `put <key:key> = <value:value>`, are of this kind).
 */
function matchLinear(parts: readonly TemplatePart[], specs: ReadonlyMap<string, ArgSpec>, tokens: readonly ArgToken[], env: MatchEnv): MatchResult {
  const args: Args = {};
  let ti = 0;
  for (const part of parts) {
    const tok = tokens[ti];
    if (part.kind === 'word') {
      const matches = tok !== undefined && (part.text === '=' ? tok.kind === 'eq' : tok.kind !== 'eq' && tok.text === part.text);
      if (!matches) return { ok: false, at: ti, message: `expected '${part.text}'${tok ? `, got ${tok.text}` : ''}` };
    } else if (part.kind === 'slot') {
      if (tok === undefined) return { ok: false, at: ti, message: `missing <${part.name}>` };
      if (tok.kind === 'eq') return { ok: false, at: ti, message: `<${part.name}> expected, got =` };
      const conv = convertSlot(tok, specs.get(part.name) ?? { name: part.name, type: part.type }, env);
      if (!conv.ok) return { ok: false, at: ti, message: conv.message };
      args[part.name] = conv.value;
    }
    ti++;
  }
  if (ti < tokens.length) return { ok: false, at: ti, message: `unexpected ${tokens[ti]!.text}` };
  return { ok: true, args };
}
