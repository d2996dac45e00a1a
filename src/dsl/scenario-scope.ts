/**
 * Scoping for the scenario language.
 *
 * - Node references resolve among the nodes of the cluster that applies at
 *   the reference: the enclosing cluster, or the scenario's `use`d cluster
 *   (which may live in an imported file). A range `n1..n5` contributes one
 *   description per expanded name, each pointing at the range. The
 *   arguments of a role query used as a target (`crash owner "apple"`) are
 *   keys, not nodes: they resolve to nothing (and are no error).
 * - Cluster and scenario references resolve in the referencing file and the
 *   files it imports, transitively (`import "x.scenario"` is relative to the
 *   importing document).
 */
import { AstUtils, DefaultScopeProvider, EMPTY_SCOPE, MapScope, URI, UriUtils, type AstNodeDescription, type LangiumDocument, type LangiumDocuments, type ReferenceInfo, type Scope } from 'langium';
import type { Protocol } from '../engine/protocol.js';
import type { Cluster, Model } from './generated/ast.js';
import { isNodeItem, isTarget, NodeDecl } from './generated/ast.js';
import { clusterAt, declaredNodes } from './_cluster.js';
import type { ScenarioServices } from './scenario-module.js';

/** The URI an import path denotes, relative to the importing document. */
export function resolveImport(doc: LangiumDocument, path: string): string {
  return UriUtils.resolvePath(UriUtils.dirname(doc.uri), path).toString();
}

/** The document's own URI and those of every file it imports, transitively (loaded ones only). */
export function visibleUris(doc: LangiumDocument, documents: LangiumDocuments): Set<string> {
  const seen = new Set<string>([doc.uri.toString()]);
  const queue: LangiumDocument[] = [doc];
  while (queue.length > 0) {
    const d = queue.shift()!;
    const model = d.parseResult?.value as Model | undefined;
    for (const imp of model?.imports ?? []) {
      if (typeof imp.path !== 'string') continue;
      const uri = resolveImport(d, imp.path);
      if (seen.has(uri)) continue;
      seen.add(uri);
      const target = documents.getDocument(URI.parse(uri));
      if (target) queue.push(target);
    }
  }
  return seen;
}

export class ScenarioScopeProvider extends DefaultScopeProvider {
  private readonly documents: LangiumDocuments;
  private readonly nodeScopes = new WeakMap<Cluster, Scope>();
  private readonly protocols: ReadonlyMap<string, Protocol>;

  constructor(services: ScenarioServices) {
    super(services);
    this.documents = services.shared.workspace.LangiumDocuments;
    this.protocols = services.protocols.registry;
  }

  override getScope(context: ReferenceInfo): Scope {
    if (this.reflection.getReferenceType(context) === NodeDecl.$type) {
      const cluster = clusterAt(context.container);
      return cluster && !this.isRoleQueryArgument(context, cluster) ? this.nodeScope(cluster) : EMPTY_SCOPE;
    }
    return super.getScope(context);
  }

  /** `"apple"` in `crash owner "apple"`: a target's item after a first item that names a role query, not a node. */
  private isRoleQueryArgument(context: ReferenceInfo, cluster: Cluster): boolean {
    const item = context.container;
    const target = item.$container;
    if (!isNodeItem(item) || !isTarget(target) || target.items[0] === item) return false;
    const first = target.items[0];
    const name = isNodeItem(first) && first.last === undefined ? first.node?.$refText : undefined;
    if (name === undefined || declaredNodes(cluster).byName.has(name)) return false;
    return this.protocols.get(cluster.protocol)?.vocabulary.queries.some((q) => q.name === name) ?? false;
  }

  private nodeScope(cluster: Cluster): Scope {
    const hit = this.nodeScopes.get(cluster);
    if (hit) return hit;
    const doc = AstUtils.getDocument(cluster);
    const descriptions: AstNodeDescription[] = [];
    for (const [name, decl] of declaredNodes(cluster).byName) descriptions.push(this.descriptions.createDescription(decl, name, doc));
    const scope = new MapScope(descriptions);
    this.nodeScopes.set(cluster, scope);
    return scope;
  }

  protected override getGlobalScope(referenceType: string, context: ReferenceInfo): Scope {
    const doc = AstUtils.getDocument(context.container);
    return new MapScope(this.indexManager.allElements(referenceType, visibleUris(doc, this.documents)));
  }
}
