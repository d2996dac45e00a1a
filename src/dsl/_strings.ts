/**
 * String literals: what their escapes mean, what is wrong with a bad one,
 * and how to write any value back as a literal.
 *
 * Escapes (the STRING terminal of scenario.langium lets `\` take any next
 * character; this module decides what it means):
 *   \"  \\  \n (LF)  \r (CR)  \t (tab)  \0 (NUL)
 *   \xNN      a character from U+0000 to U+007F, two hex digits. Above \x7F
 *             it is refused, as in Rust: is \xFF a byte or U+00FF? The hash
 *             protocol encodes strings as UTF-8, so the two differ; write
 *             \u{FF} for the character.
 *   \u{H…}    any Unicode scalar value, 1 to 6 hex digits (not a surrogate,
 *             at most 10FFFF), e.g. \u{1F600}.
 * Anything else after `\` is a bad escape: decoding keeps it as written and
 * lists the problem, so the lexer (scenario-lexer.ts) can report it where it
 * stands while the rest of the file still parses.
 */

/** A bad escape: its offset and length in the literal's text (quotes included). */
export interface EscapeProblem {
  readonly offset: number;
  readonly length: number;
  readonly message: string;
}

const SIMPLE: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', n: '\n', r: '\r', t: '\t', '0': '\0' };

const HEX = /^[0-9A-Fa-f]+$/;

/** The escapes a message lists as the valid ones. */
const VALID = '\\n, \\r, \\t, \\0, \\xNN (up to \\x7F), \\u{…}, \\" or \\\\';

/** Whether the text holds a backslash (then it has escapes to decode). */
export function hasEscapes(text: string): boolean {
  return text.includes('\\');
}

/**
 * The value of a STRING token's text (with its quotes), and what is wrong
 * with its escapes. A bad escape stands for itself in the value.
 */
export function decodeString(text: string): { value: string; problems: EscapeProblem[] } {
  const end = text.length > 1 && text.endsWith('"') ? text.length - 1 : text.length;
  const problems: EscapeProblem[] = [];
  let value = '';
  let i = 1;
  while (i < end) {
    const next = text.indexOf('\\', i);
    if (next < 0 || next >= end) {
      value += text.slice(i, end);
      break;
    }
    value += text.slice(i, next);
    const escape = readEscape(text, next, end);
    if ('problem' in escape) {
      problems.push({ offset: next, length: escape.length, message: escape.problem });
      value += text.slice(next, next + escape.length);
    } else value += escape.value;
    i = next + escape.length;
  }
  return { value, problems };
}

/** The escape starting with the backslash at `at`. */
function readEscape(text: string, at: number, end: number): { value: string; length: number } | { problem: string; length: number } {
  const c = text.charAt(at + 1);
  if (at + 1 >= end) return { problem: 'a string cannot end with a lone \\: write \\\\ for a backslash', length: 1 };
  if (c in SIMPLE) return { value: SIMPLE[c]!, length: 2 };
  if (c === 'x') {
    const hex = text.slice(at + 2, Math.min(at + 4, end));
    if (hex.length < 2 || !HEX.test(hex)) return { problem: `\\x needs two hex digits, like \\x0A`, length: 2 + (HEX.test(hex.charAt(0)) ? 1 : 0) };
    const code = parseInt(hex, 16);
    if (code > 0x7f) return { problem: `\\x${hex} is not ASCII: write \\u{${hex.toUpperCase()}} for the character U+00${hex.toUpperCase()} (strings are hashed and sent as UTF-8)`, length: 4 };
    return { value: String.fromCharCode(code), length: 4 };
  }
  if (c === 'u') {
    if (text.charAt(at + 2) !== '{') return { problem: '\\u needs its code point in braces, like \\u{41} or \\u{1F600}', length: 2 };
    const close = text.indexOf('}', at + 3);
    if (close < 0 || close >= end) return { problem: '\\u{ is not closed: write \\u{41} or \\u{1F600}', length: end - at };
    const hex = text.slice(at + 3, close);
    const length = close + 1 - at;
    if (!HEX.test(hex) || hex.length > 6) return { problem: `\\u{${hex}} needs 1 to 6 hex digits, like \\u{41} or \\u{1F600}`, length };
    const code = parseInt(hex, 16);
    if (code > 0x10ffff) return { problem: `\\u{${hex}} is beyond the last code point, U+10FFFF`, length };
    if (code >= 0xd800 && code <= 0xdfff) return { problem: `\\u{${hex}} is a surrogate, not a character: write the character's own code point`, length };
    return { value: String.fromCodePoint(code), length };
  }
  return { problem: `unknown escape \\${c} in a string; the escapes are ${VALID}`, length: 2 };
}

/** A literal that decodes to `value`: escapes for `"`, `\` and control characters, the rest as is. */
export function quoteString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\0') out += '\\0';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0').toUpperCase()}`;
    else out += ch;
  }
  return `${out}"`;
}

/** The longest string a repetition (`"a" * 1000000`) may make: 2^24 characters, 16 times the longest published test vector. */
export const MAX_REPEATED_LENGTH = 1 << 24;

/** What is wrong with repeating `value` `times` times (`"ab" * 3`), if anything. */
export function repetitionProblem(value: string, times: number): string | undefined {
  if (!Number.isInteger(times) || times < 0) return `a string is repeated a whole number of times, like "a" * 1000, got * ${times}`;
  const length = value.length * times;
  if (length > MAX_REPEATED_LENGTH) return `${quoteString(value.length > 20 ? `${value.slice(0, 20)}…` : value)} * ${times} would be ${length} characters long; a repeated string may have at most ${MAX_REPEATED_LENGTH} (2^24)`;
  return undefined;
}

/** `value` repeated `times` times; `value` itself when the repetition is not valid (the validator reports it). */
export function repeatString(value: string, times: number | undefined): string {
  return times === undefined || repetitionProblem(value, times) !== undefined ? value : value.repeat(times);
}
