/**
 * Langium's parser, with its per-token and per-node hot paths made cheap.
 *
 * Langium 4.2.1's LangiumParser builds the CST and AST as it goes; on a
 * large file its bookkeeping costs more than the recognition itself (see
 * bench/dsl.bench.ts and a `node --cpu-prof` of it). None of these changes
 * changes the trees it builds:
 *
 * - `CstNodeBuilder.addHiddenNodes` runs before every consumed token with the
 *   comments found just before it. With none (the usual case) it still
 *   searched the enclosing CST nodes (`indexOf`) and spliced nothing: skipped.
 * - CST leaves are the tokens themselves (`TokenLeaf`, made by the lexer of
 *   _tokens.ts), composites are `PlainComposite`: one object shape each,
 *   with Langium's classes as prototypes. A composite's children live in a
 *   plain array, not Langium's `CstNodeContainer` (an Array subclass with its
 *   own prototype, slow to create, push to and iterate); children get their
 *   `container` when added. A leaf reads offset, length and token type from
 *   its token fields and builds its range (three objects) only when asked for.
 * - `construct` takes each AST type's default values from a per-type cache
 *   (Langium ran `Object.values` over the type's metadata per node) and sets
 *   the new node's children's `$container`, `$containerProperty` and
 *   `$containerIndex`, so no pass over the whole tree after parsing
 *   (Langium's `linkContentToContainer(result, { deep: true })`) is needed.
 * - A constructed node's child arrays (CST and AST) are replaced by exact
 *   copies: an array grown by `push` keeps room for at least 16 items, and
 *   most nodes have a few, so the trees kept after parsing are about a
 *   quarter smaller (less for the garbage collector to copy and mark).
 * - `consume` looks up what it needs of a grammar element (its assignment,
 *   whether it is a keyword) once per element, and makes no empty array of
 *   comments for every token of a file without comments.
 * - `assignWithoutOverride` (unassigned subrule calls) loops without
 *   `Object.entries`, and the value converter looks each grammar element's
 *   rule and conversion up once instead of per token.
 * - The rule methods are built by _rules.ts, which allocates nothing per
 *   call (Langium's builder allocates arrays and closures for every choice).
 */
import {
  CompositeCstNodeImpl, DatatypeSymbol, DefaultValueConverter, GrammarAST, GrammarUtils, LeafCstNodeImpl, ValueConverter,
  type AstNode, type CstNode, type LangiumCoreServices, type LangiumParser, type ParseResult, type ValueType,
} from 'langium';
type Range = LeafCstNodeImpl['range'];
import type { IToken } from 'chevrotain';
import { createRuleParser } from './_rules.js';
import { TokenLeaf } from './_tokens.js';

/** The parts of Langium's parser and CST builder this module reaches into (private in its typings). */
interface BuilderInternals {
  readonly current: CstNode & { content: CstNode[] };
  readonly rootNode: CstNode['root'];
  readonly nodeStack: CstNode[];
  addHiddenNodes(tokens: IToken[]): void;
  buildCompositeNode(feature: unknown): CstNode;
  buildLeafNode(token: IToken, feature?: unknown): CstNode;
  buildRootNode(input: string): unknown;
  construct(item: AstNode): void;
  removeNode(node: CstNode): void;
}

interface ParserInternals {
  nodeBuilder: BuilderInternals;
  lexer: { tokenize(text: string): { tokens: IToken[]; hidden: IToken[]; errors: ParseResult['lexerErrors']; report?: ParseResult['lexerReport'] } };
  wrapper: { input: IToken[]; errors: ParseResult['parserErrors']; IS_RECORDING: boolean };
  stack: AstNode[];
  assignWithoutOverride(target: AstNode, source: AstNode): AstNode;
  construct(this: ParserInternals): AstNode | undefined;
  allRules: Map<string, unknown>;
  mainRule: unknown;
  unorderedGroups: Map<string, boolean[]>;
  lexerResult: { hidden: IToken[] } | undefined;
  doParse(rule: unknown): AstNode;
  current: AstNode & Record<string, unknown>;
  converter: { convert(input: string, cstNode: CstNode): ValueType };
  isRecording(): boolean;
  isValidToken(token: IToken): boolean;
  extractHiddenTokens(token: IToken): IToken[];
  getAssignment(feature: unknown): { assignment?: GrammarAST.Assignment; crossRef?: 'single' | 'multi' };
  assign(operator: string, feature: string, value: unknown, cstNode: CstNode, crossRef: 'single' | 'multi' | undefined): void;
  consume(idx: number, tokenType: unknown, feature: unknown): void;
}

/** Langium's linker as the parser calls it (the parser's `linker` is private in its typings). */
interface LinkerInternals {
  buildReference(node: AstNode, property: string, refNode: CstNode, refText: string): unknown;
  buildMultiReference(node: AstNode, property: string, refNode: CstNode, refText: string): unknown;
}

/** What `consume` needs to know of a grammar element, worked out once per element. */
interface ConsumeFacts {
  readonly assignment: GrammarAST.Assignment | undefined;
  readonly crossRef: 'single' | 'multi' | undefined;
  readonly keyword: boolean;
}

const arrayPush = Array.prototype.push;

/**
 * The token of the leaf where a CST node's range starts (`first`) or ends,
 * found the way a composite node's `range` finds it (first or last
 * non-hidden child, down to a leaf); undefined for a node not built here.
 */
export function edgeToken(node: CstNode, first: boolean): IToken | undefined {
  let n: CstNode | undefined = node;
  while (n !== undefined && !(n instanceof TokenLeaf) && 'content' in n) {
    n = first ? (n as unknown as PlainComposite).firstNonHiddenNode : (n as unknown as PlainComposite).lastNonHiddenNode;
  }
  return n instanceof TokenLeaf ? n : undefined;
}

const NO_CHILDREN: CstNode[] = Object.freeze([]) as unknown as CstNode[];

/**
 * A composite node whose children live in a plain array: Langium's
 * `CstNodeContainer` is an Array subclass with its own prototype, which makes
 * every push, iteration and allocation of it slow. Children get their
 * `container` from `appendChild` and `addHidden` instead.
 */
class PlainComposite {
  // Children arrive through `withItem`, which makes a new array for the first: until then the node shares one empty
  // array (frozen: any push onto it throws) instead of allocating one per node that `withItem` drops at once.
  content: CstNode[] = NO_CHILDREN;
  grammarSource: unknown;
  root: unknown;
  container: CstNode | undefined = undefined;
  _astNode: AstNode | undefined = undefined;
  _rangeCache: Range | undefined = undefined;

  constructor(feature: unknown, root: unknown) {
    this.grammarSource = feature;
    this.root = root;
  }

  // Langium's getters, with index loops instead of iterators, and the range's cache read before the search for its ends.
  get firstNonHiddenNode(): CstNode | undefined {
    const content = this.content;
    for (let i = 0; i < content.length; i++) if (!content[i]!.hidden) return content[i];
    return content[0];
  }

  get lastNonHiddenNode(): CstNode | undefined {
    const content = this.content;
    for (let i = content.length - 1; i >= 0; i--) if (!content[i]!.hidden) return content[i];
    return content[content.length - 1];
  }

  get offset(): number {
    return this.firstNonHiddenNode?.offset ?? 0;
  }

  get end(): number {
    return this.lastNonHiddenNode?.end ?? 0;
  }

  get length(): number {
    return this.end - this.offset;
  }

  get range(): Range {
    if (this._rangeCache !== undefined) return this._rangeCache;
    const first = this.firstNonHiddenNode;
    const last = this.lastNonHiddenNode;
    if (!first || !last) return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    const { range: firstRange } = first;
    const { range: lastRange } = last;
    this._rangeCache = { start: firstRange.start, end: lastRange.end.line < firstRange.start.line ? firstRange.start : lastRange.end };
    return this._rangeCache;
  }
}
Object.setPrototypeOf(PlainComposite.prototype, CompositeCstNodeImpl.prototype);

/**
 * The CST leaf of a consumed token: the token itself when the scenario lexer
 * made it (_tokens.ts) and no leaf uses it yet, else a copy.
 */
function leafOf(token: IToken, feature: unknown, root: unknown): TokenLeaf {
  const leaf = token instanceof TokenLeaf && token.root === undefined ? token : TokenLeaf.of(token);
  // Hidden (a comment) exactly when there is no grammar element, as in Langium's builder.
  leaf.grammarSource = feature;
  leaf.root = root;
  return leaf;
}

/**
 * `items` with `item` appended. Up to `EXACT` items the result is a new
 * array literal of exactly that size: the first `push` onto an array makes
 * room for 17 items, and most CST nodes (two in three have a single child)
 * and AST lists are that short. Beyond, a push onto `items` itself.
 */
function withItem<T>(items: T[], item: T): T[] {
  switch (items.length) {
    case 0: return [item];
    case 1: return [items[0]!, item];
    case 2: return [items[0]!, items[1]!, item];
    case 3: return [items[0]!, items[1]!, items[2]!, item];
    default:
      arrayPush.call(items, item);
      return items;
  }
}

/** The longest array `withItem` makes exactly; longer ones are copied when their node is complete. */
const EXACT = 4;

function appendChild(parent: CstNode & { content: CstNode[] }, child: CstNode): void {
  (child as { container?: CstNode }).container = parent as CstNode;
  // The root's content is Langium's own container class: pushed to.
  if (parent instanceof PlainComposite) parent.content = withItem(parent.content, child);
  else arrayPush.call(parent.content, child);
}

/** Langium's default values (empty arrays, `false`) per AST type, looked up once per type. */
type Defaults = readonly (readonly [string, unknown])[];

function copyDefault(value: unknown): unknown {
  return Array.isArray(value) ? value.map(copyDefault) : value;
}

function isAstLike(value: unknown): value is AstNode {
  return typeof value === 'object' && value !== null && typeof (value as { $type?: unknown }).$type === 'string';
}

/**
 * `$container`, `$containerProperty` and `$containerIndex` of the direct
 * children of `node`, as Langium's `linkContentToContainer(node, { deep: true })`
 * sets them after parsing. Called as each node is constructed, when all its
 * children are in place, so no pass over the whole tree is needed.
 */
function linkChildren(node: AstNode): void {
  const record = node as unknown as Record<string, unknown>;
  for (const name in record) {
    if (name.charCodeAt(0) === 36 /* $ */) continue;
    const value = record[name];
    if (typeof value !== 'object' || value === null) continue;
    if (Array.isArray(value)) {
      // As for CST children: an exact copy instead of a pushed-to array with room to spare.
      if (value.length > EXACT) record[name] = value.slice();
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (!isAstLike(item)) continue;
        const child = item as { -readonly [K in '$container' | '$containerProperty' | '$containerIndex']: AstNode[K] };
        child.$container = node;
        child.$containerProperty = name;
        child.$containerIndex = i;
      }
    } else if (isAstLike(value)) {
      const child = value as { -readonly [K in '$container' | '$containerProperty']: AstNode[K] };
      child.$container = node;
      child.$containerProperty = name;
    }
  }
}

export function createScenarioParser(services: LangiumCoreServices): LangiumParser {
  const parser = createRuleParser(services);
  const internals = parser as unknown as ParserInternals;
  const builder = internals.nodeBuilder;
  if (!builder || typeof builder.addHiddenNodes !== 'function' || typeof internals.doParse !== 'function') return parser;

  const reflection = services.shared.AstReflection;
  const defaultsByType = new Map<string, Defaults>();
  const defaultsOf = (type: string): Defaults => {
    let d = defaultsByType.get(type);
    if (!d) {
      d = Object.values(reflection.getTypeMetaData(type).properties)
        .filter((p) => p.defaultValue !== undefined)
        .map((p) => [p.name, p.defaultValue] as const);
      defaultsByType.set(type, d);
    }
    return d;
  };

  // Comments before a token: as Langium's, with containers set explicitly (content arrays are plain).
  const addHidden = function (this: BuilderInternals, tokens: IToken[]): void {
    const nodes: CstNode[] = tokens.map((t) => leafOf(t, undefined, this.rootNode) as unknown as CstNode);
    let current = this.current;
    if (current.content.length > 0) {
      for (const n of nodes) appendChild(current, n);
      return;
    }
    while (current.container) {
      const parent = current.container as CstNode & { content: CstNode[] };
      const index = parent.content.indexOf(current);
      if (index > 0) {
        for (const n of nodes) (n as { container?: CstNode }).container = parent;
        parent.content.splice(index, 0, ...nodes);
        return;
      }
      current = parent;
    }
    const root = this.rootNode as unknown as CstNode & { content: CstNode[] };
    for (const n of nodes) (n as { container?: CstNode }).container = root;
    root.content.unshift(...nodes);
  };
  builder.addHiddenNodes = function (tokens) {
    if (tokens.length > 0) addHidden.call(this, tokens);
  };
  builder.buildCompositeNode = function (feature) {
    const node = new PlainComposite(feature, this.rootNode) as unknown as CstNode;
    appendChild(this.current, node);
    this.nodeStack.push(node);
    return node;
  };
  builder.buildLeafNode = function (token, feature) {
    const leaf = leafOf(token, feature ?? undefined, this.rootNode) as unknown as CstNode;
    appendChild(this.current, leaf);
    return leaf;
  };
  builder.construct = function (item) {
    const stack = this.nodeStack;
    const current = (stack.length > 0 ? stack[stack.length - 1] : this.rootNode) as unknown as { _astNode?: AstNode };
    if (typeof item.$type === 'string' && !(item as { $infixName?: string }).$infixName) current._astNode = item;
    (item as { $cstNode?: CstNode }).$cstNode = current as unknown as CstNode;
    const node = stack.pop() as (CstNode & { content: CstNode[] }) | undefined;
    // An empty composite node is not valid: removed, as Langium does.
    if (node && node.content.length === 0) this.removeNode(node);
    // A pushed-to array keeps room for 16 or more items; most nodes have a few children: keep an exact copy.
    else if (node instanceof PlainComposite && node.content.length > EXACT) node.content = node.content.slice();
  };
  // Langium's, without the `Object.entries` array per unassigned subrule call.
  internals.assignWithoutOverride = function (target, source) {
    const to = target as unknown as Record<string, unknown>;
    const from = source as unknown as Record<string, unknown>;
    for (const name in from) {
      const existingValue = from[name];
      const newValue = to[name];
      if (newValue === undefined) to[name] = existingValue;
      else if (Array.isArray(newValue) && Array.isArray(existingValue)) {
        for (let i = 0; i < newValue.length; i++) existingValue.push(newValue[i]);
        to[name] = existingValue;
      }
    }
    // As Langium: the target's CST node is replaced by the caller's, so it must not keep pointing at the target.
    const targetCstNode = target.$cstNode as { astNode?: AstNode } | undefined;
    if (targetCstNode) {
      targetCstNode.astNode = undefined;
      (target as { $cstNode?: CstNode }).$cstNode = undefined;
    }
    return target;
  };
  // Langium's `construct`, reading the default values from the per-type cache instead of `Object.values` of the metadata per node.
  const construct = internals.construct;
  internals.construct = function () {
    const stack = this.stack;
    const obj = stack[stack.length - 1];
    if (this.wrapper.IS_RECORDING || obj === undefined || typeof obj.$type !== 'string' || '$infixName' in obj) return construct.call(this);
    stack.pop();
    this.nodeBuilder.construct(obj);
    const record = obj as unknown as Record<string, unknown>;
    for (const [name, value] of defaultsOf(obj.$type)) if (record[name] === undefined) record[name] = copyDefault(value);
    // A node whose rule was an unassigned subrule call is constructed again by its caller, with the merged properties: linked again then.
    linkChildren(obj);
    return obj;
  };

  // Langium's `assign`, with a list feature's array grown by `withItem` (exact for short lists) instead of `push`.
  const linker = (parser as unknown as { linker: LinkerInternals }).linker;
  internals.assign = function (operator, feature, value, cstNode, crossRef) {
    const obj = this.current;
    let item: unknown = value;
    if (crossRef === 'single' && typeof value === 'string') item = linker.buildReference(obj, feature, cstNode, value);
    else if (crossRef === 'multi' && typeof value === 'string') item = linker.buildMultiReference(obj, feature, cstNode, value);
    if (operator === '=') obj[feature] = item;
    else if (operator === '?=') obj[feature] = true;
    else if (operator === '+=') {
      const items = obj[feature];
      obj[feature] = Array.isArray(items) ? withItem(items, item) : [item];
    }
  };

  // Langium's `consume`, with the grammar element's assignment and keyword test looked up once per element (one
  // map lookup per token instead of two lookups and a type test) and no empty hidden-token array per token.
  const facts = new Map<unknown, ConsumeFacts>();
  internals.consume = function (idx, tokenType, feature) {
    const token = (this.wrapper as unknown as { wrapConsume(idx: number, tokenType: unknown): IToken }).wrapConsume(idx, tokenType);
    if (this.isRecording() || !this.isValidToken(token)) return;
    if (this.lexerResult !== undefined && this.lexerResult.hidden.length > 0) this.nodeBuilder.addHiddenNodes(this.extractHiddenTokens(token));
    const leaf = this.nodeBuilder.buildLeafNode(token, feature);
    let f = facts.get(feature);
    if (f === undefined) {
      const { assignment, crossRef } = this.getAssignment(feature);
      f = { assignment, crossRef, keyword: GrammarAST.isKeyword(feature) };
      facts.set(feature, f);
    }
    if (f.assignment) {
      const value = f.keyword ? token.image : this.converter.convert(token.image, leaf);
      this.assign(f.assignment.operator, f.assignment.feature, value, leaf, f.crossRef);
    } else {
      const current = this.current;
      // A data-type rule's node (Langium's isDataTypeNode): its text grows token by token.
      if ((current.$type as unknown) === DatatypeSymbol) (current.value as string) += f.keyword ? token.image : this.converter.convert(token.image, leaf).toString();
    }
  };

  parser.parse = function <T extends AstNode>(input: string, options: { rule?: string } = {}): ParseResult<T> {
    builder.buildRootNode(input);
    const lexerResult = internals.lexer.tokenize(input);
    internals.lexerResult = lexerResult;
    internals.wrapper.input = lexerResult.tokens;
    const ruleMethod = options.rule ? internals.allRules.get(options.rule) : internals.mainRule;
    if (!ruleMethod) throw new Error(options.rule ? `No rule found with name '${options.rule}'` : 'No main rule available.');
    const result = internals.doParse(ruleMethod);
    if (lexerResult.hidden.length > 0) addHidden.call(builder, lexerResult.hidden);
    internals.unorderedGroups.clear();
    internals.lexerResult = undefined;
    return { value: result as T, lexerErrors: lexerResult.errors, lexerReport: lexerResult.report, parserErrors: internals.wrapper.errors };
  };
  return parser;
}

type AbstractRule = GrammarAST.AbstractRule;
type ConverterKind = 'INT' | 'STRING' | 'ID' | 'number' | 'boolean' | 'bigint' | 'date' | 'none';

/**
 * Langium's value converter, with each rule's conversion looked up once:
 * the default upper-cases the rule's name and works out its type for every
 * token. Same conversions, in the same order of precedence.
 */
export class ScenarioValueConverter extends DefaultValueConverter {
  private readonly kinds = new Map<AbstractRule, ConverterKind>();
  /** The rule that converts each grammar element's tokens (null: none, the text is the value). */
  private readonly rules = new Map<unknown, AbstractRule | null>();

  override convert(input: string, cstNode: CstNode): ValueType {
    const feature = cstNode.grammarSource;
    let rule = this.rules.get(feature);
    if (rule === undefined) {
      let element: unknown = feature;
      if (GrammarAST.isCrossReference(element)) element = GrammarUtils.getCrossReferenceTerminal(element);
      // An unresolved rule: Langium's own path (and error).
      if (GrammarAST.isRuleCall(element) && !element.rule.ref) return super.convert(input, cstNode);
      rule = GrammarAST.isRuleCall(element) ? element.rule.ref! : null;
      this.rules.set(feature, rule);
    }
    return rule === null ? input : this.runConverter(rule, input, cstNode);
  }

  protected override runConverter(rule: AbstractRule, input: string, cstNode: CstNode): ValueType {
    let kind = this.kinds.get(rule);
    if (kind === undefined) {
      const name = rule.name.toUpperCase();
      const type = GrammarUtils.getRuleType(rule)?.toLowerCase();
      kind = name === 'INT' || name === 'STRING' || name === 'ID' ? name
        : type === 'number' || type === 'boolean' || type === 'bigint' || type === 'date' ? type : 'none';
      this.kinds.set(rule, kind);
    }
    switch (kind) {
      case 'INT': return ValueConverter.convertInt(input);
      case 'STRING': return ValueConverter.convertString(input);
      case 'ID': return ValueConverter.convertID(input);
      case 'number': return ValueConverter.convertNumber(input);
      case 'boolean': return ValueConverter.convertBoolean(input);
      case 'bigint': return ValueConverter.convertBigint(input);
      case 'date': return ValueConverter.convertDate(input);
      default: return super.runConverter(rule, input, cstNode);
    }
  }
}
