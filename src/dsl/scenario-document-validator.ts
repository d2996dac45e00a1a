/**
 * Linking errors with the language's own words.
 *
 * Langium reports an unresolved reference as "Could not resolve reference to
 * NodeDecl named 'x'". This replaces those messages ("unknown node 'n9' (did
 * you mean 'n1'?); cluster five declares n1, …") and gives them kebab-case
 * codes. It also accepts names that are not declared nodes yet are valid
 * where they stand: a role query as a target (`crash leader`), its
 * arguments, and nodes a protocol adds by itself (the ring's `router`).
 *
 * Validation is cheaper through Langium's documented hook
 * (`validateSingleNodeOptions`): every validation of this language is
 * registered on a type at the top of the tree (the file, its clusters and
 * their members, scenarios, compares, sweeps: a scenario is validated by
 * compiling it whole), so the walk goes no deeper than a cluster's members.
 * Should a validation ever be registered on a type deeper down, the walk
 * visits every node again, as Langium's default does.
 */
import {
  Cancellation, DefaultDocumentValidator, diagnosticData, VALIDATE_EACH_NODE,
  type AstNode, type AstReflection, type IndexManager, type LangiumDocument, type LangiumDocuments, type ValidateSingleNodeOptions, type ValidationAcceptor, type ValidationOptions,
} from 'langium';
import type { Diagnostic } from 'vscode-languageserver-types';
import type { Protocol } from '../engine/protocol.js';
import { isClientAction, isNodeItem, isTarget, isUse, type Cluster } from './generated/ast.js';
import { clusterAt, clusterParams, declaredNodes, implicitNodes, scenarioOf } from './_cluster.js';
import { didYouMean, listNames } from './_names.js';
import type { ScenarioServices } from './scenario-module.js';
import { visibleUris } from './scenario-scope.js';

/** Types that occur only as the file's or a cluster's direct children (see scenario.langium). */
const TOP_OF_TREE: ReadonlySet<string> = new Set(['Model', 'Import', 'Cluster', 'Scenario', 'Compare', 'Sweep', 'NodesDecl', 'NodeBlock']);
/** Types whose children may be validated when every validation is on a TOP_OF_TREE type. */
const DESCEND: ReadonlySet<string> = new Set(['Model', 'Cluster']);
const VALIDATE_NODE_ONLY: ValidateSingleNodeOptions = Object.freeze({ validateNode: true, validateChildren: false });

export class ScenarioDocumentValidator extends DefaultDocumentValidator {
  private readonly protocols: ReadonlyMap<string, Protocol>;
  private readonly index: IndexManager;
  private readonly documents: LangiumDocuments;
  private readonly reflection: AstReflection;
  /** Whether this validation may stop at the top of the tree (worked out per validation: checks may be registered at any time). */
  private topOnly = false;

  constructor(services: ScenarioServices) {
    super(services);
    this.protocols = services.protocols.registry;
    this.index = services.shared.workspace.IndexManager;
    this.documents = services.shared.workspace.LangiumDocuments;
    this.reflection = services.shared.AstReflection;
  }

  protected override validateAstNodes(rootNode: AstNode, options: ValidationOptions, acceptor: ValidationAcceptor, cancelToken?: Cancellation.CancellationToken): Promise<void> {
    this.topOnly = this.reflection.getAllTypes().every((type) => TOP_OF_TREE.has(type) || this.validationRegistry.getChecks(type, options.categories).isEmpty());
    return super.validateAstNodes(rootNode, options, acceptor, cancelToken);
  }

  protected override validateSingleNodeOptions(node: AstNode, options: ValidationOptions): ValidateSingleNodeOptions {
    if (!this.topOnly) return super.validateSingleNodeOptions(node, options);
    return DESCEND.has(node.$type) ? VALIDATE_EACH_NODE : VALIDATE_NODE_ONLY;
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

