/**
 * The outline of a scenario file (LSP document symbols): clusters with their
 * protocol and their nodes (a range `n1..n5` is one entry), scenarios with
 * the cluster they use, sweeps and compares. Parameters and statements are
 * left out: the outline is for finding things, not for reading the file.
 */
import { DocumentState, type LangiumDocument, type NameProvider } from 'langium';
import type { DocumentSymbolProvider } from 'langium/lsp';
import { SymbolKind, type DocumentSymbol, type Range } from 'vscode-languageserver-types';
import type { Model } from './generated/ast.js';
import { isCluster, isCompare, isNodesDecl, isScenario, isSweep } from './generated/ast.js';
import { usedCluster } from './_cluster.js';
import type { ScenarioServices } from './scenario-module.js';

function symbol(name: string, detail: string, kind: SymbolKind, range: Range | undefined, selection: Range | undefined, children?: DocumentSymbol[]): DocumentSymbol | undefined {
  if (!range || !name) return undefined;
  return { name, detail, kind, range, selectionRange: selection ?? range, children };
}

export class ScenarioDocumentSymbolProvider implements DocumentSymbolProvider {
  private readonly names: NameProvider;

  constructor(services: ScenarioServices) {
    this.names = services.references.NameProvider;
  }

  getSymbols(document: LangiumDocument): DocumentSymbol[] {
    const model = document.parseResult.value as Model;
    const out: DocumentSymbol[] = [];
    // A request that races a rebuild must not resolve references before the scopes are computed (it fails and Langium logs a warning).
    const resolvable = document.state >= DocumentState.ComputedScopes;
    for (const el of model.elements ?? []) {
      const range = el.$cstNode?.range;
      const selection = this.names.getNameNode(el)?.range;
      let s: DocumentSymbol | undefined;
      if (isCluster(el)) {
        const nodes: DocumentSymbol[] = [];
        for (const m of el.members) {
          if (!isNodesDecl(m)) continue;
          for (const item of m.items) {
            const n = symbol(item.last ? `${item.name}..${item.last}` : item.name, 'node', SymbolKind.Variable, item.$cstNode?.range, undefined);
            if (n) nodes.push(n);
          }
        }
        s = symbol(el.name, el.protocol ?? '', SymbolKind.Class, range, selection, nodes);
      } else if (isScenario(el)) {
        const cluster = resolvable ? usedCluster(el) : undefined;
        s = symbol(el.name, cluster ? `use ${cluster.name}` : 'scenario', SymbolKind.Function, range, selection);
      } else if (isSweep(el)) {
        s = symbol(el.name, `sweep of "${el.base?.$refText ?? '?'}"`, SymbolKind.Event, range, selection);
      } else if (isCompare(el)) {
        s = symbol(el.name, `compare "${el.left?.$refText ?? '?'}" / "${el.right?.$refText ?? '?'}"`, SymbolKind.Struct, range, selection);
      }
      if (s) out.push(s);
    }
    return out;
  }
}
