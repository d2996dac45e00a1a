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
 * tracking; the leaf fields are set when the parser consumes the token.
 */
import { DefaultLexer, LeafCstNodeImpl, type CstNode, type LangiumCoreServices } from 'langium';
import type { IToken, TokenType } from 'chevrotain';

type Range = LeafCstNodeImpl['range'];

/**
 * A token (Chevrotain's IToken fields) that is also a CST leaf once the
 * parser consumes it. Its prototype chain is LeafCstNodeImpl's (see below),
 * so `instanceof` and Langium's getters work; offset, length, range and
 * hidden are read from the token's own fields.
 */
export class TokenLeaf implements IToken {
  image: string;
  startOffset: number;
  endOffset: number;
  startLine: number;
  endLine: number;
  startColumn: number;
  endColumn: number;
  tokenTypeIdx: number;
  tokenType: TokenType;
  // CST leaf fields, set by the parser (undefined `root`: not a leaf yet). A leaf is hidden when it has no grammar element.
  grammarSource: unknown = undefined;
  root: unknown = undefined;
  container: CstNode | undefined = undefined;

  constructor(image: string, startOffset: number, tokenTypeIdx: number, tokenType: TokenType, startLine: number, startColumn: number, imageLength: number) {
    this.image = image;
    this.startOffset = startOffset;
    this.endOffset = startOffset + imageLength - 1;
    this.startLine = startLine;
    this.endLine = startLine;
    this.startColumn = startColumn;
    this.endColumn = startColumn + imageLength - 1;
    this.tokenTypeIdx = tokenTypeIdx;
    this.tokenType = tokenType;
  }

  /** A copy of a token made elsewhere (not by this lexer), to serve as a leaf. */
  static of(token: IToken): TokenLeaf {
    const t = new TokenLeaf(token.image, token.startOffset, token.tokenTypeIdx, token.tokenType, token.startLine ?? NaN, token.startColumn ?? NaN, token.image.length);
    t.endOffset = token.endOffset ?? NaN;
    t.endLine = token.endLine ?? NaN;
    t.endColumn = token.endColumn ?? NaN;
    return t;
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

/** Chevrotain's `createFullToken`, as a TokenLeaf, with a keyword's own string as its image. */
function createTokenLeaf(image: string, startOffset: number, tokenTypeIdx: number, tokenType: TokenType, startLine: number, startColumn: number, imageLength: number): TokenLeaf {
  const pattern = tokenType.PATTERN;
  return new TokenLeaf(typeof pattern === 'string' && pattern === image ? pattern : image, startOffset, tokenTypeIdx, tokenType, startLine, startColumn, imageLength);
}

/** The part of Chevrotain's lexer (private in its typings) patched here. */
interface ChevrotainInternals {
  config?: { positionTracking?: string };
  createTokenInstance?: unknown;
}

export class ScenarioLexer extends DefaultLexer {
  constructor(services: LangiumCoreServices) {
    super(services);
    const lexer = this.chevrotainLexer as unknown as ChevrotainInternals;
    // Only where Chevrotain would make full tokens (Langium's setting): otherwise its own tokens.
    if (lexer.config?.positionTracking === 'full' && typeof lexer.createTokenInstance === 'function') lexer.createTokenInstance = createTokenLeaf;
  }
}
