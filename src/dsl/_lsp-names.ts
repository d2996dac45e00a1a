/**
 * Finding what a position of a scenario file names: the CST leaf at an
 * offset, the AST property it fills (through data-type rules such as Name,
 * whose leaves carry no assignment of their own), and the declaration it
 * resolves to when it is a cross-reference, and how a name must be written
 * back (quoted or not). Hover, completion, rename and the semantic token
 * provider share these.
 */
import { AstUtils, CstUtils, GrammarAST, isReference, type AstNode, type CstNode, type Grammar, type LangiumDocument, type LeafCstNode } from 'langium';
import { quoteString } from './_strings.js';

/** The leaf at `offset`, or the one just before it when the offset sits right after a word. */
export function leafAt(document: LangiumDocument, offset: number): LeafCstNode | undefined {
  const root = document.parseResult.value.$cstNode;
  return root ? CstUtils.findDeclarationNodeAtOffset(root, offset, /^[\w]$/) : undefined;
}

/** The property of `cst.astNode` that this CST node (or the data-type rule call around it) assigns. */
export function propertyOf(cst: CstNode): string | undefined {
  const owner = cst.astNode;
  for (let n: CstNode | undefined = cst; n && n.astNode === owner; n = n.container) {
    const assignment = AstUtils.getContainerOfType(n.grammarSource, GrammarAST.isAssignment);
    if (assignment) return assignment.feature;
  }
  return undefined;
}

/** The value of `node[property]` (the indexed item of a list when `index` is given). */
export function propertyValue(node: AstNode, property: string): unknown {
  return Reflect.get(node, property) as unknown;
}

/** The declaration a cross-reference leaf resolves to, if the property holds a reference. */
export function referenceTarget(leaf: CstNode, property: string): { target?: AstNode; text: string } | undefined {
  const value = propertyValue(leaf.astNode, property);
  const refs = Array.isArray(value) ? value : [value];
  for (const r of refs) {
    if (isReference(r) && r.$refNode && r.$refNode.offset <= leaf.offset && leaf.end <= r.$refNode.end) return { target: r.ref, text: r.$refText };
  }
  return undefined;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Whether a name can be written bare: an identifier that is no keyword of the grammar. */
export function isBareName(name: string, keywords: ReadonlySet<string>): boolean {
  return IDENTIFIER.test(name) && !keywords.has(name);
}

/** The keywords of a grammar (a word spelled like one lexes as the keyword). */
export function grammarKeywords(grammar: Grammar): ReadonlySet<string> {
  return new Set(AstUtils.streamAllContents(grammar).filter(GrammarAST.isKeyword).map((k) => k.value));
}

/** A node name as a scenario writes it: bare when it can be, else a string (`"10.0.0.1:11211"`). */
export function writtenNodeName(name: string, keywords: ReadonlySet<string>): string {
  return isBareName(name, keywords) ? name : quoteString(name);
}
