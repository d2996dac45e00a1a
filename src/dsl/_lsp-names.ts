/**
 * Finding what a position of a scenario file names: the CST leaf at an
 * offset, the AST property it fills (through data-type rules such as Name,
 * whose leaves carry no assignment of their own), and the declaration it
 * resolves to when it is a cross-reference. Hover and the semantic token
 * provider share these.
 */
import { AstUtils, CstUtils, GrammarAST, isReference, type AstNode, type CstNode, type LangiumDocument, type LeafCstNode } from 'langium';

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
