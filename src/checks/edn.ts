/**
 * A reader for EDN (extensible data notation, https://github.com/edn-format/edn),
 * the format Jepsen and Knossos write histories in, to plain JS values:
 *
 * | EDN | JS |
 * |---|---|
 * | `nil`, `true`, `false` | `null`, `true`, `false` |
 * | `42`, `-7`, `42N` | number (a number text when past 2^53: `"12345678901234567890"`) |
 * | `1.5`, `1.5M`, `1e3`, `22/7` | number |
 * | `"text"` (escapes `\n \t \r \" \\ \uXXXX`) | string |
 * | `\a`, `\newline`, `\space`, `\tab`, `\uXXXX` | one-character string |
 * | `:keyword`, `:ns/name` | `{ keyword: 'keyword' }` (an `EdnKeyword`) |
 * | `symbol` | `{ symbol: 'symbol' }` |
 * | `[…]`, `(…)` | array |
 * | `#{…}` | `{ set: [...] }` |
 * | `{k v …}` | `EdnMap`: its entries in order (keys may be any value) |
 * | `#tag value` | `{ tag: 'tag', value }` (`#jepsen.history.Op{…}`, `#inst "…"`) |
 * | `#_ form` | skipped |
 *
 * Commas are whitespace; `;` starts a comment to the end of the line. The
 * reader is pure and never throws on bad input: `readEdn` returns the
 * values or the first error with its line and column.
 *
 * Why not a library: edn-data (the common one on npm) returns a partial
 * value for truncated input (`{:a 1 :b` reads as `{a: 1}`) and null for an
 * unterminated string, and jsedn throws errors without messages; a history
 * checker must say where a file is broken.
 */

export interface EdnKeyword { readonly keyword: string }
export interface EdnSymbol { readonly symbol: string }
export interface EdnSet { readonly set: readonly EdnValue[] }
export interface EdnTagged { readonly tag: string; readonly value: EdnValue }
export class EdnMap {
  /** `line`: where the map's `{` is (1-based), so an operation in a vector still knows its own line. */
  constructor(readonly entries: readonly (readonly [EdnValue, EdnValue])[], readonly line = 0) {}
  /** The value under keyword `:name`, or undefined. */
  get(name: string): EdnValue | undefined {
    for (const [k, v] of this.entries) if (isKeyword(k, name)) return v;
    return undefined;
  }
}
export type EdnValue = null | boolean | number | string | EdnKeyword | EdnSymbol | EdnSet | EdnTagged | EdnMap | readonly EdnValue[];

export function isKeyword(v: EdnValue | undefined, name?: string): v is EdnKeyword {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'keyword' in v && (name === undefined || (v as EdnKeyword).keyword === name);
}

/** Each top-level form with the line it starts on. */
export interface EdnForm {
  readonly value: EdnValue;
  readonly line: number;
}

export type EdnResult = { readonly ok: true; readonly forms: EdnForm[] } | { readonly ok: false; readonly error: string; readonly line: number; readonly col: number };

class EdnError extends Error {
  constructor(message: string, readonly at: number) {
    super(message);
  }
}

const DELIMITERS = new Set(['(', ')', '[', ']', '{', '}', '"', ';', ' ', '\t', '\n', '\r', ',', '\f']);
const NAMED_CHARS: Record<string, string> = { newline: '\n', space: ' ', tab: '\t', return: '\r', backspace: '\b', formfeed: '\f' };
/** Nesting deeper than this is an error, not a stack overflow. */
const MAX_DEPTH = 500;

export function readEdn(text: string): EdnResult {
  const r = new Reader(text);
  try {
    const forms: EdnForm[] = [];
    for (;;) {
      r.skip();
      if (r.i >= text.length) return { ok: true, forms };
      const line = r.lineAt(r.i);
      const value = r.form(0);
      if (value !== SKIP) forms.push({ value, line });
    }
  } catch (e) {
    if (!(e instanceof EdnError)) throw e;
    const { line, col } = r.position(e.at);
    return { ok: false, error: e.message, line, col };
  }
}

const SKIP = Symbol('discarded');

class Reader {
  i = 0;
  private lineStarts: number[] | null = null;

  constructor(private readonly s: string) {}

  lineAt(at: number): number {
    return this.position(at).line;
  }

  position(at: number): { line: number; col: number } {
    if (this.lineStarts === null) {
      this.lineStarts = [0];
      for (let k = 0; k < this.s.length; k++) if (this.s.charCodeAt(k) === 10) this.lineStarts.push(k + 1);
    }
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.lineStarts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: at - this.lineStarts[lo]! + 1 };
  }

  /** Skips whitespace, commas and comments. */
  skip(): void {
    const s = this.s;
    while (this.i < s.length) {
      const c = s[this.i]!;
      if (c === ';') {
        while (this.i < s.length && s[this.i] !== '\n') this.i++;
      } else if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === ',' || c === '\f') this.i++;
      else return;
    }
  }

  form(depth: number): EdnValue | typeof SKIP {
    if (depth > MAX_DEPTH) throw new EdnError(`nested more than ${MAX_DEPTH} levels deep`, this.i);
    const s = this.s;
    const start = this.i;
    const c = s[this.i]!;
    switch (c) {
      case '(': case '[': {
        this.i++;
        return this.seq(c === '(' ? ')' : ']', start, depth);
      }
      case '{': {
        this.i++;
        const items = this.seq('}', start, depth);
        if (items.length % 2 !== 0) throw new EdnError(`a map needs a value for every key (this one has ${items.length} forms)`, start);
        const entries: [EdnValue, EdnValue][] = [];
        for (let k = 0; k < items.length; k += 2) entries.push([items[k]!, items[k + 1]!]);
        return new EdnMap(entries, this.lineAt(start));
      }
      case ')': case ']': case '}':
        throw new EdnError(`unexpected "${c}" with nothing open`, start);
      case '"':
        return this.string();
      case '\\':
        return this.char();
      case '#':
        return this.dispatch(depth);
      default:
        return this.atom();
    }
  }

  private seq(close: string, start: number, depth: number): EdnValue[] {
    const out: EdnValue[] = [];
    for (;;) {
      this.skip();
      if (this.i >= this.s.length) throw new EdnError(`"${this.s[start]}" is never closed (expected "${close}")`, start);
      const c = this.s[this.i]!;
      if (c === close) {
        this.i++;
        return out;
      }
      if (c === ')' || c === ']' || c === '}') throw new EdnError(`expected "${close}" to close the "${this.s[start]}" opened at line ${this.lineAt(start)}, found "${c}"`, this.i);
      const v = this.form(depth + 1);
      if (v !== SKIP) out.push(v);
    }
  }

  private string(): string {
    const s = this.s;
    const start = this.i++;
    let out = '';
    for (;;) {
      if (this.i >= s.length) throw new EdnError('the string is never closed', start);
      const c = s[this.i++]!;
      if (c === '"') return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = s[this.i++];
      switch (e) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case 'u': {
          const hex = s.slice(this.i, this.i + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new EdnError(`bad unicode escape "\\u${hex}"`, this.i - 2);
          out += String.fromCharCode(parseInt(hex, 16));
          this.i += 4;
          break;
        }
        default:
          throw new EdnError(`unknown escape "\\${e ?? ''}" in a string`, this.i - 2);
      }
    }
  }

  private token(): string {
    const start = this.i;
    while (this.i < this.s.length && !DELIMITERS.has(this.s[this.i]!)) this.i++;
    return this.s.slice(start, this.i);
  }

  private char(): string {
    const start = this.i++;
    // The first character after the backslash is taken whatever it is (`\(`, `\ `); a name may follow.
    const first = this.s[this.i];
    if (first === undefined) throw new EdnError('a character literal needs a character after "\\"', start);
    this.i++;
    const rest = this.token();
    const name = first + rest;
    if (rest === '') return first;
    if (NAMED_CHARS[name] !== undefined) return NAMED_CHARS[name];
    if (/^u[0-9a-fA-F]{4}$/.test(name)) return String.fromCharCode(parseInt(name.slice(1), 16));
    throw new EdnError(`unknown character literal "\\${name}"`, start);
  }

  private dispatch(depth: number): EdnValue | typeof SKIP {
    const start = this.i++;
    const c = this.s[this.i];
    if (c === '{') {
      this.i++;
      return { set: this.seq('}', start, depth) };
    }
    if (c === '_') {
      this.i++;
      this.skip();
      if (this.i >= this.s.length) throw new EdnError('"#_" discards nothing: the file ends', start);
      this.form(depth + 1);
      return SKIP;
    }
    const tag = this.token();
    if (!/^[A-Za-z]/.test(tag)) throw new EdnError(`"#${tag}" is not a tag (a tag is # followed by a symbol, e.g. #inst)`, start);
    this.skip();
    if (this.i >= this.s.length) throw new EdnError(`the tag #${tag} has no value`, start);
    const value = this.form(depth + 1);
    if (value === SKIP) throw new EdnError(`the tag #${tag} has no value`, start);
    return { tag, value };
  }

  private atom(): EdnValue {
    const start = this.i;
    const t = this.token();
    if (t === '') throw new EdnError(`unexpected "${this.s[start]}"`, start);
    if (t === 'nil') return null;
    if (t === 'true') return true;
    if (t === 'false') return false;
    if (t[0] === ':') {
      if (t.length === 1 || t === '::') throw new EdnError('a keyword needs a name after ":"', start);
      return { keyword: t.slice(1) };
    }
    const num = number(t);
    if (num !== undefined) return num;
    if (/^[+-]?\d/.test(t)) throw new EdnError(`"${t}" is not a number`, start);
    return { symbol: t };
  }
}

/** An EDN number token as a JS number (an integer text past 2^53 stays text, unrounded). */
function number(t: string): number | string | undefined {
  let m = /^([+-]?\d+)N?$/.exec(t);
  if (m) {
    const n = Number(m[1]);
    return Number.isSafeInteger(n) ? n : m[1]!.replace(/^\+/, '');
  }
  m = /^([+-]?\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)M?$/.exec(t);
  if (m) return Number(m[1]);
  m = /^([+-]?\d+)\/(\d+)$/.exec(t);
  if (m && Number(m[2]) !== 0) return Number(m[1]) / Number(m[2]);
  return undefined;
}
