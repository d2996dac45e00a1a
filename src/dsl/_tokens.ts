/**
 * The scenario lexer: Langium's, with tokens that are their own CST leaves.
 *
 * Chevrotain makes each token an object literal with the same keys, in the
 * same order, as its END_OF_FILE token, whose positions are NaN. V8 gives
 * literals with the same keys one hidden class, so the NaN turns every
 * position field of every token into a boxed double: seven heap numbers per
 * token, more memory than the tokens themselves, all of it copied by the
 * garbage collector while the tree is being built. Tokens here are instances
 * of one class (positions stay small integers), and the parser (_parser.ts)
 * makes each consumed token the CST leaf itself instead of allocating a leaf
 * that points at it. A keyword's image is the keyword's own string, not a
 * fresh copy of the same characters.
 *
 * Same tokens, same fields and values as Chevrotain's "full" position
 * tracking; the leaf fields are set when the parser consumes the token. Only
 * offsets are stored: lines and columns are getters over a table of the
 * text's line starts, and the lexer tracks no lines (see `TokenLeaf`).
 */
import { DefaultLexer, LeafCstNodeImpl, type CstNode, type LangiumCoreServices, type LexerResult, type TokenizeOptions } from 'langium';
import type { IToken, TokenType } from 'chevrotain';

type Range = LeafCstNodeImpl['range'];

/**
 * The line starts of a lexed text, found when a token's line or column is
 * first asked for (most never are: the parser reads offsets only). Lines end
 * where Chevrotain's lexer counts a line terminator: "\n", "\r\n", "\r".
 */
export class LineStarts {
  private starts: Int32Array | undefined = undefined;

  constructor(private readonly text: string) {}

  /** The 0-based line of `offset`. */
  line(offset: number): number {
    let starts = this.starts;
    if (starts === undefined) starts = this.starts = lineStartsOf(this.text);
    // The last line starting at or before `offset`.
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The first offset of a line `line` returned (the table exists by then). */
  start(line: number): number {
    return this.starts![line]!;
  }
}

function lineStartsOf(text: string): Int32Array {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 /* \n */) starts.push(i + 1);
    else if (c === 13 /* \r */) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    }
  }
  return Int32Array.from(starts);
}

/** A token's own value of a position field, shadowing the getter (see `TokenLeaf`). */
function own(token: TokenLeaf, name: 'endOffset' | 'startLine' | 'endLine' | 'startColumn' | 'endColumn', value: number): void {
  Object.defineProperty(token, name, { value, writable: true, enumerable: true, configurable: true });
}

/**
 * A token (Chevrotain's IToken fields) that is also a CST leaf once the
 * parser consumes it. Its prototype chain is LeafCstNodeImpl's (see below),
 * so `instanceof` and Langium's getters work; offset, length, range and
 * hidden are read from the token's own fields.
 *
 * Only the start offset is stored: the end offset, lines and columns are
 * getters, worked out from the offsets and the text's line starts (shared by
 * all tokens of one lexed text). Storing them cost 20 bytes per token, a
 * fifth of a token's size, for fields that only error messages, diagnostics
 * and LSP features read. Where something else sets one (Chevrotain, for the
 * end of a token spanning lines; a token copied by `of`), the set value
 * becomes the token's own property, as a stored field would be.
 */
export class TokenLeaf implements IToken {
  image: string;
  startOffset: number;
  tokenTypeIdx: number;
  tokenType: TokenType;
  lines: LineStarts | undefined;
  // CST leaf fields, set by the parser (undefined `root`: not a leaf yet). A leaf is hidden when it has no grammar element.
  grammarSource: unknown = undefined;
  root: unknown = undefined;
  container: CstNode | undefined = undefined;

  constructor(image: string, startOffset: number, tokenTypeIdx: number, tokenType: TokenType, lines: LineStarts | undefined) {
    this.image = image;
    this.startOffset = startOffset;
    this.tokenTypeIdx = tokenTypeIdx;
    this.tokenType = tokenType;
    this.lines = lines;
  }

  /** A copy of a token made elsewhere (not by this lexer), to serve as a leaf. */
  static of(token: IToken): TokenLeaf {
    const t = new TokenLeaf(token.image, token.startOffset, token.tokenTypeIdx, token.tokenType, undefined);
    own(t, 'endOffset', token.endOffset ?? NaN);
    own(t, 'startLine', token.startLine ?? NaN);
    own(t, 'endLine', token.endLine ?? NaN);
    own(t, 'startColumn', token.startColumn ?? NaN);
    own(t, 'endColumn', token.endColumn ?? NaN);
    return t;
  }

  // As Chevrotain's full tokens: endOffset inclusive, lines and columns 1-based, the end the position of the last character.
  get endOffset(): number {
    return this.startOffset + this.image.length - 1;
  }

  set endOffset(value: number) {
    own(this, 'endOffset', value);
  }

  get startLine(): number {
    return this.lines === undefined ? NaN : this.lines.line(this.startOffset) + 1;
  }

  set startLine(value: number) {
    own(this, 'startLine', value);
  }

  get startColumn(): number {
    const lines = this.lines;
    return lines === undefined ? NaN : this.startOffset - lines.start(lines.line(this.startOffset)) + 1;
  }

  set startColumn(value: number) {
    own(this, 'startColumn', value);
  }

  // An empty token ends where it starts, one column before its start column (Chevrotain's start + length - 1).
  get endLine(): number {
    return this.image.length === 0 ? this.startLine : this.lines === undefined ? NaN : this.lines.line(this.endOffset) + 1;
  }

  set endLine(value: number) {
    own(this, 'endLine', value);
  }

  get endColumn(): number {
    if (this.image.length === 0) return this.startColumn - 1;
    const lines = this.lines;
    if (lines === undefined) return NaN;
    const end = this.endOffset;
    const line = lines.line(end);
    // Chevrotain's quirk: a token ending in a line terminator, with another before it, ends in column 1.
    const last = this.image.charCodeAt(this.image.length - 1);
    if ((last === 10 || last === 13) && line !== lines.line(this.startOffset)) return 1;
    return end - lines.start(line) + 1;
  }

  set endColumn(value: number) {
    own(this, 'endColumn', value);
  }

  /** The leaf's token: itself. */
  get token(): IToken {
    return this;
  }

  get offset(): number {
    return this.startOffset;
  }

  get length(): number {
    return this.image.length;
  }

  get end(): number {
    return this.startOffset + this.image.length;
  }

  get hidden(): boolean {
    return this.grammarSource === undefined;
  }

  /** Built when asked for, not kept: few leaves' ranges are ever read, and each kept range is three objects for the collector to copy. */
  get range(): Range {
    // Chevrotain's lines and columns are 1-based, the LSP's 0-based; endColumn is inclusive.
    return { start: { line: this.startLine - 1, character: this.startColumn - 1 }, end: { line: this.endLine - 1, character: this.endColumn } };
  }
}
Object.setPrototypeOf(TokenLeaf.prototype, LeafCstNodeImpl.prototype);


/** The part of Chevrotain's lexer (private in its typings) patched here. */
interface ChevrotainInternals {
  config?: { positionTracking?: string };
  createTokenInstance?: unknown;
  trackStartLines?: boolean;
  trackEndLines?: boolean;
  computeNewColumn?: (column: number, length: number) => number;
}

export class ScenarioLexer extends DefaultLexer {
  constructor(services: LangiumCoreServices) {
    super(services);
    const lexer = this.chevrotainLexer as unknown as ChevrotainInternals;
    // Only where Chevrotain would make full tokens (Langium's setting): otherwise its own tokens.
    if (lexer.config?.positionTracking === 'full' && typeof lexer.createTokenInstance === 'function') {
      // Chevrotain's `createFullToken`, as a TokenLeaf, with a keyword's own string as its image.
      lexer.createTokenInstance = (image: string, startOffset: number, tokenTypeIdx: number, tokenType: TokenType): TokenLeaf => {
        const pattern = tokenType.PATTERN;
        return new TokenLeaf(typeof pattern === 'string' && pattern === image ? pattern : image, startOffset, tokenTypeIdx, tokenType, this.lines);
      };
      // Tokens work their lines out from offsets: the lexer need not track lines. Tracking them searched every
      // whitespace match for line breaks, on a copy of its text made for that alone. Lexer errors get theirs below.
      if (lexer.trackStartLines === true && lexer.trackEndLines === true) {
        lexer.trackStartLines = false;
        lexer.trackEndLines = false;
        // Its column count, without lines, would start from `undefined`: a NaN, a fresh heap number per token. Kept 0.
        lexer.computeNewColumn = () => 0;
        this.linesOfErrors = true;
      }
    }
  }

  private linesOfErrors = false;

  /** The line starts of the text being lexed, for its tokens' positions. */
  private lines: LineStarts | undefined = undefined;

  override tokenize(text: string, options?: TokenizeOptions): LexerResult {
    const lines = (this.lines = new LineStarts(text));
    try {
      const result = super.tokenize(text, options);
      if (this.linesOfErrors) {
        for (const error of result.errors) {
          const line = lines.line(error.offset);
          error.line = line + 1;
          error.column = error.offset - lines.start(line) + 1;
        }
      }
      return result;
    } finally {
      this.lines = undefined;
    }
  }
}
