/**
 * Linking errors with the language's own words.
 *
 * Langium reports an unresolved reference as "Could not resolve reference to
 * NodeDecl named 'x'". This replaces those messages ("unknown node 'n9' (did
 * you mean 'n1'?); cluster five declares n1, …") and gives them kebab-case
 * codes. It also accepts names that are not declared nodes yet are valid
 * where they stand: a role query as a target (`crash leader`), its
 * arguments, and nodes a protocol adds by itself (the ring's `router`).

 */
import {
  DefaultDocumentValidator, diagnosticData,
  type AstNode, type IndexManager, type LangiumDocument, type LangiumDocuments, type ValidationOptions,
} from 'langium';
import type { Diagnostic } from 'vscode-languageserver-types';
import type { Protocol } from '../engine/protocol.js';
import { isClientAction, isNodeItem, isTarget, isUse, type Cluster } from './generated/ast.js';
import { clusterAt, clusterParams, declaredNodes, implicitNodes, scenarioOf } from './_cluster.js';
import { didYouMean, listNames } from './_names.js';
import type { ScenarioServices } from './scenario-module.js';
import { visibleUris } from './scenario-scope.js';

export class ScenarioDocumentValidator extends DefaultDocumentValidator {
  private readonly protocols: ReadonlyMap<string, Protocol>;
  private readonly index: IndexManager;
  private readonly documents: LangiumDocuments;

  constructor(services: ScenarioServices) {
    super(services);
    this.protocols = services.protocols.registry;
    this.index = services.shared.workspace.IndexManager;
    this.documents = services.shared.workspace.LangiumDocuments;
  }

  protected override processLinkingErrors(document: LangiumDocument, diagnostics: Diagnostic[], _options: ValidationOptions): void {
    for (const reference of document.references) {
      const error = reference.error;
      if (!error) continue;
      const container = error.info.container;
      const refText = reference.$refText;
      const range = reference.$refNode?.range;
      const push = (message: string, code: string) => {
        diagnostics.push(this.toDiagnostic('error', message, { node: container, range, property: error.info.property as never, data: diagnosticData(code), code }));
      };
      if (isUse(container)) {
        const names = this.visible(document, 'Cluster');
        push(`unknown cluster '${refText}'${didYouMean(refText, names)}; known clusters: ${listNames(names)}`, 'unknown-cluster');
        continue;
      }
      if (error.info.property === 'left' || error.info.property === 'right' || error.info.property === 'base') {
        const names = this.visible(document, 'Scenario');
        push(`unknown scenario "${refText}"${didYouMean(refText, names)}; known scenarios: ${listNames(names.map((n) => `"${n}"`))}`, 'unknown-scenario');
        continue;
      }
      // Node references.
      const cluster = clusterAt(container);
      if (!cluster) {
        // A scenario without a (resolvable) `use` line: reported once, by the validator.
        if (scenarioOf(container)) continue;
        push(`unknown node '${refText}'`, 'unknown-node');
        continue;
      }
      const protocol = this.protocols.get(cluster.protocol);
      if (protocol && this.acceptedName(container, refText, cluster, protocol)) continue;
      const names = declaredNodes(cluster).names;
      const queries = protocol?.vocabulary.queries.filter((q) => q.returns === 'nodes').map((q) => q.name) ?? [];
      const roleHint = isNodeItem(container) && isTarget(container.$container) && queries.length > 0 ? ` or role query (${queries.join(', ')})` : '';
      push(`unknown node${roleHint ? ' or role' : ''} '${refText}'${didYouMean(refText, [...names, ...queries])}; cluster ${cluster.name} declares ${listNames(names)}${roleHint}`, 'unknown-node');
    }
  }

  /** Implicit nodes anywhere; in a target, a role query and its arguments. */
  private acceptedName(container: AstNode, refText: string, cluster: Cluster, protocol: Protocol): boolean {
    if (implicitNodes(protocol, clusterParams(cluster, protocol)).some((n) => n.id === refText)) return true;
    if (isNodeItem(container) && isTarget(container.$container)) {
      const first = container.$container.items[0];
      const firstName = isNodeItem(first) ? first.node?.$refText : undefined;
      const query = protocol.vocabulary.queries.find((q) => q.name === firstName);
      if (query) return true;
    }
    if (isNodeItem(container) && isClientAction(container.$container)) {
      if (protocol.vocabulary.queries.some((q) => q.name === refText && q.returns === 'nodes')) return true;
    }
    return false;
  }

  private visible(document: LangiumDocument, type: 'Cluster' | 'Scenario'): string[] {
    return [...new Set(this.index.allElements(type, visibleUris(document, this.documents)).map((d) => d.name))];
  }
}

