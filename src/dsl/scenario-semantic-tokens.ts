/**
 * Semantic tokens for scenario files (LSP 3.16 semantic highlighting), as a
 * Langium AbstractSemanticTokenProvider: the language's keywords, protocol
 * names, cluster names, parameters, nodes, operations, queries, invariants,
 * message types, numbers/durations/percentages, and the names of
 * scenarios, compares and sweeps. Names the grammar lets be keywords (a
 * parameter `window`, an operation `send`) are coloured as what they name,
 * not as keywords; a quoted node name as a node. Other strings are left to
 * the TextMate grammar, which colours their escapes (a semantic token would
 * paint the whole string over them).
 */
import { GrammarAST, AstUtils, DocumentState, isCompositeCstNode, isReference, type AstNode, type CstNode } from 'langium';
import { AbstractSemanticTokenProvider, type SemanticTokenAcceptor } from 'langium/lsp';
import { SemanticTokenModifiers, SemanticTokenTypes } from 'vscode-languageserver-types';
import { propertyValue } from './_lsp-names.js';

/** Data-type rules whose keywords are names (a fault kind of an `explore` block is a name of the kind, like an invariant). */
const NAME_RULES = new Set(['Name', 'OpName', 'ArgWord', 'ExploreWord', 'FaultKind']);

/** `Type.property` → token type. */
const PROPERTY_TOKENS: Record<string, string> = {
  'Cluster.name': SemanticTokenTypes.class,
  'Cluster.protocol': SemanticTokenTypes.namespace,
  'Use.cluster': SemanticTokenTypes.class,
  'NodeDecl.name': SemanticTokenTypes.variable,
  'NodeDecl.last': SemanticTokenTypes.variable,
  'NodeItem.node': SemanticTokenTypes.variable,
  'NodeItem.last': SemanticTokenTypes.variable,
  'NodeBlock.node': SemanticTokenTypes.variable,
  'ParamSetting.name': SemanticTokenTypes.property,
  'SetParam.name': SemanticTokenTypes.property,
  'Vary.param': SemanticTokenTypes.property,
  'ClientAction.op': SemanticTokenTypes.method,
  'RuleEvent.name': SemanticTokenTypes.method,
  'RuleEvent.type': SemanticTokenTypes.type,
  'InvariantRef.name': SemanticTokenTypes.enumMember,
  'FaultAllowance.kind': SemanticTokenTypes.enumMember,
  'ExploreSetting.mode': SemanticTokenTypes.enumMember,
  'Condition.query': SemanticTokenTypes.function,
  'Scenario.name': SemanticTokenTypes.string,
  'Compare.name': SemanticTokenTypes.string,
  'Sweep.name': SemanticTokenTypes.string,
  'Compare.left': SemanticTokenTypes.string,
  'Compare.right': SemanticTokenTypes.string,
  'Sweep.base': SemanticTokenTypes.string,
};

/** Literal-like properties, on any node. */
const LITERAL_TOKENS: Record<string, string> = {
  duration: SemanticTokenTypes.number,
  percent: SemanticTokenTypes.number,
  number: SemanticTokenTypes.number,
  repeat: SemanticTokenTypes.number,
  id: SemanticTokenTypes.enumMember,
};
const NUMBER_PROPERTIES: Record<string, readonly string[]> = {
  Seed: ['value'], MaxEvents: ['value'], DriftAction: ['rate'], Trials: ['count'], Vary: ['from', 'to'], Disposition: ['copies'],
  ExploreSetting: ['value'], FaultAllowance: ['count'],
};
const DECLARATIONS = new Set(['Cluster.name', 'NodeDecl.name', 'NodeDecl.last', 'Scenario.name', 'Compare.name', 'Sweep.name']);

export class ScenarioSemanticTokenProvider extends AbstractSemanticTokenProvider {
  protected highlightElement(node: AstNode, acceptor: SemanticTokenAcceptor): void {
    this.keywordsOf(node, node.$cstNode, acceptor);
    // Resolving a reference before the document is linked only logs a warning
    // and fails: a request that races a rebuild colours such names plainly.
    const linked = AstUtils.getDocument(node).state >= DocumentState.Linked;
    for (const [property, type] of Object.entries(PROPERTY_TOKENS)) {
      const [t, p] = property.split('.') as [string, string];
      if (node.$type !== t) continue;
      const value = propertyValue(node, p);
      if (value === undefined) continue;
      // A name that resolves to no node is a role query (`leader`) or, quoted, a query's argument (`owner "apple"`: a plain string).
      const unresolvedNode = linked && isReference(value) && t === 'NodeItem' && !value.ref && value.error !== undefined;
      if (unresolvedNode && value.$refNode?.text.startsWith('"')) continue;
      acceptor({
        node, property: p as never, type: unresolvedNode ? SemanticTokenTypes.function : type,
        modifier: DECLARATIONS.has(property) ? SemanticTokenModifiers.declaration : undefined,
      });
    }
    for (const [p, type] of Object.entries(LITERAL_TOKENS)) {
      const value = propertyValue(node, p);
      if (value !== undefined && typeof value !== 'object') acceptor({ node, property: p as never, type });
    }
    for (const p of NUMBER_PROPERTIES[node.$type] ?? []) if (propertyValue(node, p) !== undefined) acceptor({ node, property: p as never, type: SemanticTokenTypes.number });
  }

  /** Keyword tokens that belong to `node` itself (not to its children, not names spelled like keywords). */
  private keywordsOf(node: AstNode, cst: CstNode | undefined, acceptor: SemanticTokenAcceptor): void {
    if (!cst) return;
    if (isCompositeCstNode(cst)) {
      for (const child of cst.content) if (child.astNode === node) this.keywordsOf(node, child, acceptor);
      return;
    }
    if (cst.hidden || !GrammarAST.isKeyword(cst.grammarSource)) return;
    const rule = AstUtils.getContainerOfType(cst.grammarSource, GrammarAST.isParserRule)?.name;
    if (rule && NAME_RULES.has(rule)) return;
    if (!/[A-Za-z]/.test(cst.text)) {
      if (rule === 'CompareOp' || cst.text === '->' || cst.text === '|' || cst.text === '=' || cst.text === '*') acceptor({ cst, type: SemanticTokenTypes.operator });
      return;
    }
    acceptor({ cst, type: SemanticTokenTypes.keyword });
  }
}
