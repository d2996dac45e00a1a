/**
 * The parser's rule methods, built from the grammar with nothing allocated
 * per call.
 *
 * Langium's builder (createParser in parser-builder-base.js) turns each
 * grammar element into a closure taking the rule's arguments. For a choice
 * it passes Chevrotain's OR a fresh array of fresh `{ ALT }` objects and
 * closures on every call, and a fresh `{ DEF }` object to each MANY, OPTION
 * and AT_LEAST_ONE: about 40% of what a parse allocates. A grammar without
 * rule parameters or guards has no use for the arguments, so here the
 * alternatives and option objects are made once per grammar element. The
 * elements get the same Chevrotain indices, in the same order, as
 * Langium's builder gives them, so the recognizer is the same.
 *
 * A grammar with anything this builder does not know (parameters, guards,
 * unordered groups, infix rules, EOF) gets Langium's parser unchanged.
 *
 * Each rule's AST node starts as an instance of a constructor of its own
 * type (see `nodeMaker`), not as Langium's `{ $type }` literal.
 */
import { GrammarAST, GrammarUtils, LangiumParser, createLangiumParser, type AstNode, type LangiumCoreServices } from 'langium';
import type { TokenType } from 'chevrotain';

type Element = GrammarAST.AbstractElement;
type Method = () => void;

/** Per-rule counters of Chevrotain's method indices, as in Langium's builder. */
interface RuleContext {
  readonly parser: LangiumParser;
  readonly tokens: Record<string, TokenType>;
  consume: number;
  optional: number;
  subrule: number;
  many: number;
  or: number;
}

class Unsupported extends Error {}

/** The parts of LangiumParser (private in its typings) that `startImplementation` uses. */
interface ParserInternals {
  stack: AstNode[];
  isRecording(): boolean;
  construct(): AstNode | undefined;
  startImplementation(type: string | symbol | undefined, infixName: string | undefined, impl: (args: unknown) => void): (args: unknown) => unknown;
}

/**
 * A constructor of new AST nodes of one type: `{ $type }` with Object's
 * prototype, as Langium's literal. A literal like that keeps one property
 * in the object itself and every property added later (features,
 * `$cstNode`, `$container`...) in a separate array, regrown (and left as
 * garbage) every few properties. V8 gives objects made by a constructor
 * room for the properties its instances get (in-object slack tracking), so
 * a node is one allocation. One constructor per type: the room is fitted to
 * the first few instances, which must look like the rest.
 */
function nodeMaker(): new (type: string) => AstNode {
  const Node = function (this: { $type: string }, type: string): void {
    this.$type = type;
  } as unknown as { new (type: string): AstNode; prototype: object };
  Node.prototype = Object.prototype;
  return Node;
}

/** Langium's `startImplementation`, making the node of a rule with a named type with that type's constructor. */
function typedStartImplementation(): ParserInternals['startImplementation'] {
  const langiums = (LangiumParser.prototype as unknown as ParserInternals).startImplementation;
  const makers = new Map<string, new (type: string) => AstNode>();
  return function (this: ParserInternals, type, infixName, impl) {
    // Data-type rules (a symbol as type), fragments (none) and infix rules: Langium's.
    if (typeof type !== 'string' || infixName !== undefined) return langiums.call(this, type, infixName, impl);
    let Node = makers.get(type);
    if (!Node) makers.set(type, (Node = nodeMaker()));
    const NodeOfType = Node;
    return (args) => {
      const createNode = !this.isRecording();
      if (createNode) this.stack.push(new NodeOfType(type));
      impl(args);
      return createNode ? this.construct() : undefined;
    };
  };
}

/** The part of Langium's Chevrotain wrapper (private in its typings) patched here. */
interface Wrapper {
  subrule(idx: number, rule: unknown, options: { ARGS: unknown[] }): unknown;
  wrapSubrule(this: Wrapper, idx: number, rule: unknown, args: unknown): unknown;
}

function token(ctx: RuleContext, name: string): TokenType {
  const t = ctx.tokens[name];
  if (!t) throw new Unsupported(`no token ${name}`);
  return t;
}

function ruleCall(ctx: RuleContext, rule: GrammarAST.AbstractParserRule, feature: Element): Method {
  if (!GrammarAST.isParserRule(rule)) throw new Unsupported('infix rule');
  const idx = ctx.subrule++;
  const fragment = rule.fragment;
  const parser = ctx.parser;
  let called: ReturnType<LangiumParser['getRule']>;
  return () => {
    called ??= parser.getRule(rule.name);
    if (!called) throw new Error(`Rule "${rule.name}" not found.`);
    parser.subrule(idx, called, fragment, feature as GrammarAST.AbstractElement, EMPTY_ARGS);
  };
}

/** Rules take no arguments in a grammar this builder accepts (Langium passes a fresh `{}`). */
const EMPTY_ARGS = Object.freeze({});

function crossReference(ctx: RuleContext, crossRef: GrammarAST.CrossReference, terminal = crossRef.terminal): Method {
  if (!terminal) {
    const type = crossRef.type.ref;
    const assigned = type ? GrammarUtils.findNameAssignment(type)?.terminal : undefined;
    if (!assigned) throw new Unsupported('cross-reference without a name assignment');
    return crossReference(ctx, crossRef, assigned);
  }
  const parser = ctx.parser;
  if (GrammarAST.isRuleCall(terminal) && GrammarAST.isParserRule(terminal.rule.ref)) return ruleCall(ctx, terminal.rule.ref, crossRef);
  if (GrammarAST.isRuleCall(terminal) && GrammarAST.isTerminalRule(terminal.rule.ref)) {
    const idx = ctx.consume++;
    const t = token(ctx, terminal.rule.ref.name);
    return () => parser.consume(idx, t, crossRef);
  }
  if (GrammarAST.isKeyword(terminal)) {
    const idx = ctx.consume++;
    const t = token(ctx, terminal.value);
    return () => parser.consume(idx, t, crossRef);
  }
  throw new Unsupported('cross-reference terminal');
}

function element(ctx: RuleContext, el: Element): Method {
  const parser = ctx.parser;
  let method: Method;
  if (GrammarAST.isKeyword(el)) {
    const idx = ctx.consume++;
    const t = token(ctx, el.value);
    method = () => parser.consume(idx, t, el);
  } else if (GrammarAST.isAction(el)) {
    const type = GrammarUtils.getTypeName(el);
    method = () => parser.action(type, el);
  } else if (GrammarAST.isAssignment(el)) {
    method = element(ctx, el.terminal);
  } else if (GrammarAST.isCrossReference(el)) {
    method = crossReference(ctx, el);
  } else if (GrammarAST.isRuleCall(el)) {
    const rule = el.rule.ref;
    if (el.arguments.length > 0) throw new Unsupported('rule arguments');
    if (GrammarAST.isAbstractParserRule(rule)) method = ruleCall(ctx, rule, el);
    else if (GrammarAST.isTerminalRule(rule)) {
      const idx = ctx.consume++;
      const t = token(ctx, rule.name);
      method = () => parser.consume(idx, t, el);
    } else throw new Unsupported('unresolved rule');
  } else if (GrammarAST.isAlternatives(el)) {
    if (el.elements.length === 1) method = element(ctx, el.elements[0]!);
    else {
      const alts = el.elements.map((e) => {
        if (GrammarAST.isGroup(e) && e.guardCondition) throw new Unsupported('guard');
        return { ALT: element(ctx, e) };
      });
      const idx = ctx.or++;
      method = () => parser.alternatives(idx, alts);
    }
  } else if (GrammarAST.isUnorderedGroup(el)) {
    throw new Unsupported('unordered group');
  } else if (GrammarAST.isGroup(el)) {
    if (el.guardCondition) throw new Unsupported('guard');
    const methods = el.elements.map((e) => element(ctx, e));
    method = () => {
      for (let i = 0; i < methods.length; i++) methods[i]!();
    };
  } else {
    throw new Unsupported(`element ${el.$type}`);
  }
  const cardinality = el.cardinality;
  if (cardinality === '*') {
    const idx = ctx.many++;
    const def = { DEF: method };
    return () => parser.many(idx, def);
  }
  if (cardinality === '+') {
    const idx = ctx.many++;
    const def = { DEF: method };
    return () => parser.atLeastOne(idx, def);
  }
  if (cardinality === '?') {
    const idx = ctx.optional++;
    const def = { DEF: method };
    return () => parser.optional(idx, def);
  }
  return method;
}

/**
 * A finalized LangiumParser for the services' grammar, with rule methods
 * built here; Langium's own parser if the grammar uses a construct this
 * builder does not handle.
 */
export function createRuleParser(services: LangiumCoreServices): LangiumParser {
  const grammar = services.Grammar;
  const tokens = services.parser.Lexer.definition as Record<string, TokenType>;
  const reachable = GrammarUtils.getAllReachableRules(grammar, false);
  if (grammar.rules.some((r) => reachable.has(r) && (GrammarAST.isInfixRule(r) || (GrammarAST.isParserRule(r) && r.parameters.length > 0)))) {
    return createLangiumParser(services);
  }
  const parser = new LangiumParser(services);
  const built: [GrammarAST.ParserRule, Method][] = [];
  try {
    for (const rule of grammar.rules) {
      if (!GrammarAST.isParserRule(rule) || !reachable.has(rule)) continue;
      const ctx: RuleContext = { parser, tokens, consume: 1, optional: 1, subrule: 1, many: 1, or: 1 };
      built.push([rule, element(ctx, rule.definition)]);
    }
  } catch (e) {
    if (e instanceof Unsupported) return createLangiumParser(services);
    throw e;
  }
  (parser as unknown as ParserInternals).startImplementation = typedStartImplementation();
  for (const [rule, method] of built) parser.rule(rule, method);
  // Langium's wrapper wraps a subrule call's arguments in a fresh `{ ARGS: [args] }`: the same one for the shared empty arguments.
  const wrapper = (parser as unknown as { wrapper?: Wrapper }).wrapper;
  if (wrapper && typeof wrapper.subrule === 'function') {
    const noArgs = { ARGS: [EMPTY_ARGS] };
    wrapper.wrapSubrule = function (idx, rule, args) {
      return this.subrule(idx, rule, args === EMPTY_ARGS ? noArgs : { ARGS: [args] });
    };
  }
  parser.finalize();
  return parser;
}
