/**
 * Langium's parser, with its per-token and per-node hot paths made cheap.
 *
 * Langium 4.2.1's LangiumParser builds the CST and AST as it goes; on a
 * large file its bookkeeping costs more than the recognition itself (see
 * bench/dsl.bench.ts and a `node --cpu-prof` of it). Four changes, none of
 * which changes the trees it builds:
 *
 * - `CstNodeBuilder.addHiddenNodes` runs before every consumed token with the
 *   comments found just before it. With none (the usual case) it still
 *   searched the enclosing CST nodes (`indexOf`) and spliced nothing: skipped.
 * - Adding a CST node to its parent went through `CstNodeContainer.push(...items)`
 *   (a rest-parameter call and a loop per node): now one `container`
 *   assignment and a plain array push.
 * - A leaf's range (three objects per token) is computed when first asked
 *   for, from the token, instead of for every token up front.
 * - After parsing, `linkContentToContainer(result, { deep: true })` set every
 *   node's `$container`, `$containerProperty` and `$containerIndex` through
 *   `Object.entries` and closures; `linkTree` does the same with a plain
 *   loop (the rest of `parse` is Langium's, step for step).
 */
import { CompositeCstNodeImpl, createLangiumParser, LeafCstNodeImpl, type AstNode, type CstNode, type LangiumCoreServices, type LangiumParser, type ParseResult } from 'langium';
type Range = LeafCstNodeImpl['range'];
import type { IToken, TokenType } from 'chevrotain';

/** The parts of Langium's parser and CST builder this module reaches into (private in its typings). */
interface BuilderInternals {
  readonly current: CstNode & { content: CstNode[] };
  readonly rootNode: CstNode['root'];
  readonly nodeStack: CstNode[];
  addHiddenNodes(tokens: IToken[]): void;
  buildCompositeNode(feature: unknown): CstNode;
  buildLeafNode(token: IToken, feature?: unknown): CstNode;
  buildRootNode(input: string): unknown;
}

interface ParserInternals {
  nodeBuilder: BuilderInternals;
  lexer: { tokenize(text: string): { tokens: IToken[]; hidden: IToken[]; errors: ParseResult['lexerErrors']; report?: ParseResult['lexerReport'] } };
  wrapper: { input: IToken[]; errors: ParseResult['parserErrors'] };
  allRules: Map<string, unknown>;
  mainRule: unknown;
  unorderedGroups: Map<string, boolean[]>;
  lexerResult: unknown;
  doParse(rule: unknown): AstNode;
}

const arrayPush = Array.prototype.push;

/** A leaf whose range is built on first use from its token. */
class LazyRangeLeaf extends LeafCstNodeImpl {
  private cachedRange: Range | undefined;
  private readonly token: IToken;

  constructor(token: IToken, tokenType: TokenType, hidden: boolean) {
    super(token.startOffset, token.image.length, undefined as never, tokenType, hidden);
    this.token = token;
  }

  override get range(): Range {
    if (this.cachedRange === undefined) {
      const t = this.token;
      // Chevrotain's lines and columns are 1-based, the LSP's 0-based; endColumn is inclusive.
      this.cachedRange = { start: { line: t.startLine! - 1, character: t.startColumn! - 1 }, end: { line: t.endLine! - 1, character: t.endColumn! } };
    }
    return this.cachedRange;
  }
}

function appendChild(parent: CstNode & { content: CstNode[] }, child: CstNode): void {
  (child as { container?: CstNode }).container = parent as CstNode;
  arrayPush.call(parent.content, child);
}

function isAstLike(value: unknown): value is AstNode {
  return typeof value === 'object' && value !== null && typeof (value as { $type?: unknown }).$type === 'string';
}

/** `$container`, `$containerProperty` and `$containerIndex` of every node under `node`, as Langium's `linkContentToContainer(node, { deep: true })` sets them. */
function linkTree(node: AstNode): void {
  const record = node as unknown as Record<string, unknown>;
  for (const name in record) {
    if (name.charCodeAt(0) === 36 /* $ */) continue;
    const value = record[name];
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (!isAstLike(item)) continue;
        const child = item as { -readonly [K in '$container' | '$containerProperty' | '$containerIndex']: AstNode[K] };
        child.$container = node;
        child.$containerProperty = name;
        child.$containerIndex = i;
        linkTree(item);
      }
    } else if (isAstLike(value)) {
      const child = value as { -readonly [K in '$container' | '$containerProperty']: AstNode[K] };
      child.$container = node;
      child.$containerProperty = name;
      linkTree(value);
    }
  }
}

export function createScenarioParser(services: LangiumCoreServices): LangiumParser {
  const parser = createLangiumParser(services);
  const internals = parser as unknown as ParserInternals;
  const builder = internals.nodeBuilder;
  if (!builder || typeof builder.addHiddenNodes !== 'function' || typeof internals.doParse !== 'function') return parser;

  const addHiddenNodes = builder.addHiddenNodes;
  builder.addHiddenNodes = function (tokens) {
    if (tokens.length > 0) addHiddenNodes.call(this, tokens);
  };
  builder.buildCompositeNode = function (feature) {
    const node = new CompositeCstNodeImpl();
    node.grammarSource = feature as CompositeCstNodeImpl['grammarSource'];
    node.root = this.rootNode;
    appendChild(this.current, node);
    this.nodeStack.push(node);
    return node;
  };
  builder.buildLeafNode = function (token, feature) {
    const leaf = new LazyRangeLeaf(token, token.tokenType, !feature);
    (leaf as { grammarSource?: unknown }).grammarSource = feature;
    leaf.root = this.rootNode;
    appendChild(this.current, leaf);
    return leaf;
  };

  parser.parse = function <T extends AstNode>(input: string, options: { rule?: string } = {}): ParseResult<T> {
    builder.buildRootNode(input);
    const lexerResult = internals.lexer.tokenize(input);
    internals.lexerResult = lexerResult;
    internals.wrapper.input = lexerResult.tokens;
    const ruleMethod = options.rule ? internals.allRules.get(options.rule) : internals.mainRule;
    if (!ruleMethod) throw new Error(options.rule ? `No rule found with name '${options.rule}'` : 'No main rule available.');
    const result = internals.doParse(ruleMethod);
    addHiddenNodes.call(builder, lexerResult.hidden);
    internals.unorderedGroups.clear();
    internals.lexerResult = undefined;
    linkTree(result);
    return { value: result as T, lexerErrors: lexerResult.errors, lexerReport: lexerResult.report, parserErrors: internals.wrapper.errors };
  };
  return parser;
}
