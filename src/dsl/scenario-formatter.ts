/**
 * The canonical layout of a scenario file, as a Langium AbstractFormatter:
 * one element, member or statement per line, indented by one level per
 * block (`cluster`, `scenario`, `network`, `storage`, `explore`, `on …`,
 * `compare`, `sweep`), a blank line between top-level elements, one space between
 * tokens, none around `..` or before `:` and `,`; small blocks stay inline
 * (`node n1 { weight 2 }`, `link a -> b { loss 1% }`, `partition {n1 n2}`).
 * Comments are kept where they are (Langium's hidden-node handling).
 */
import { AstUtils, CstUtils, isLeafCstNode, type AstNode, type CstNode } from 'langium';
import { AbstractFormatter, Formatting } from 'langium/lsp';
import type { Model } from './generated/ast.js';
import { isCluster, isCompare, isExplore, isGroup, isLink, isModel, isNetwork, isNodeBlock, isRule, isScenario, isStorage, isSweep } from './generated/ast.js';

/** Nodes whose `{ … }` holds one item per line. */
function isBlock(node: AstNode): boolean {
  return isCluster(node) || isScenario(node) || isNetwork(node) || isStorage(node) || isExplore(node) || isRule(node) || isCompare(node) || isSweep(node);
}

function leaves(cst: CstNode | undefined): CstNode[] {
  if (!cst) return [];
  return CstUtils.streamCst(cst).filter((n) => isLeafCstNode(n) && !n.hidden).toArray();
}

export class ScenarioFormatter extends AbstractFormatter {
  protected format(node: AstNode): void {
    if (isModel(node)) return this.formatModel(node);
    const f = this.getNodeFormatter(node);
    if (isBlock(node)) {
      const open = f.keyword('{');
      const close = f.keyword('}');
      if (isCompare(node)) f.keywords('left', 'right').prepend(Formatting.indent({ priority: 2 }));
      else f.interior(open, close).prepend(Formatting.indent({ priority: 2 }));
      close.prepend(Formatting.newLine({ priority: 2 }));
    } else if (isNodeBlock(node) || isLink(node)) {
      f.keyword('}').prepend(Formatting.oneSpace({ priority: 1 }));
    }
  }

  /** Spacing between every pair of tokens, then the top-level layout. */
  private formatModel(model: Model): void {
    const f = this.getNodeFormatter(model);
    const all = leaves(model.$cstNode);
    const lineStarts = this.lineStarts(model);
    all.forEach((leaf, i) => {
      if (i === 0 || lineStarts.has(leaf.offset)) return;
      const prev = all[i - 1]!;
      const inGroup = (prev.text === '{' && isGroup(prev.astNode)) || (leaf.text === '}' && isGroup(leaf.astNode));
      const tight = inGroup || leaf.text === ':' || leaf.text === ',' || leaf.text === '..' || prev.text === '..';
      const space = tight ? Formatting.noSpace() : Formatting.oneSpace();
      f.cst([leaf]).prepend(space);
    });
    const top: AstNode[] = [...model.imports, ...model.elements].sort((a, b) => (a.$cstNode?.offset ?? 0) - (b.$cstNode?.offset ?? 0));
    top.forEach((el, i) => {
      const first = leaves(el.$cstNode)[0];
      if (!first || i === 0) return;
      const blank = !(i > 0 && el.$type === 'Import' && top[i - 1]!.$type === 'Import');
      f.cst([first]).prepend(blank ? Formatting.newLines(2, { priority: 2 }) : Formatting.newLine({ priority: 2 }));
    });
  }

  /** Offsets of the tokens the block layout puts at the start of a line (left to the block rules). */
  private lineStarts(model: Model): Set<number> {
    const out = new Set<number>();
    for (const el of [...model.imports, ...model.elements]) {
      const first = leaves(el.$cstNode)[0];
      if (first) out.add(first.offset);
    }
    for (const node of AstUtils.streamAllContents(model)) {
      const container = node.$container;
      if (container && isBlock(container)) {
        const first = leaves(node.$cstNode)[0];
        if (first) out.add(first.offset);
      }
      if (isBlock(node)) {
        for (const leaf of leaves(node.$cstNode)) {
          if (leaf.astNode !== node) continue;
          if (leaf.text === '}' || (isCompare(node) && (leaf.text === 'left' || leaf.text === 'right'))) out.add(leaf.offset);
        }
      }
    }
    return out;
  }
}
