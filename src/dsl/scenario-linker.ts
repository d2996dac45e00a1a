/**
 * Local-symbol collection, linking and reference indexing over the fast AST
 * walk of _walk.ts: the same work as Langium's DefaultScopeComputation,
 * DefaultLinker.link and DefaultReferenceDescriptionProvider, without their
 * per-node stream and cancellation overhead (see _walk.ts). References are
 * objects of one class (Langium's object literal made three getter closures
 * each); the reference index reuses the references the linker just walked,
 * and computes each entry's source path and segment only when read.
 */
import {
  AstUtils, Cancellation, CstUtils, DefaultLinker, DefaultNameProvider, DefaultReferenceDescriptionProvider, DefaultScopeComputation, DocumentState, interruptAndCheck,
  isAstNode, isAstNodeDescription, isLinkingError, isReference, MultiMap, RefResolving, UriUtils,
  type AstNode, type AstNodeDescription, type AstNodeLocator, type CstNode, type DocumentSegment, type LangiumDocument, type LinkingError,
  type LangiumCoreServices, type LocalSymbols, type Reference, type ReferenceDescription, type ReferenceInfo, type URI,
} from 'langium';
import { planFor, walkTargets, type WalkPlan } from './_typed-walk.js';
import { forEachReference, walkAst } from './_walk.js';

/** A pass over the nodes of the types with a property `has` accepts (all nodes if the grammar cannot be analysed). */
function propertyWalk(services: LangiumCoreServices, has: (property: { name: string; referenceType?: string }) => boolean) {
  let plan: WalkPlan | undefined | null = null;
  return (root: AstNode, cancelToken: Cancellation.CancellationToken, visit: (node: AstNode) => unknown): Promise<void> => {
    if (plan === null) {
      const reflection = services.shared.AstReflection;
      plan = planFor(services.Grammar, (type) => Object.values(reflection.getTypeMetaData(type).properties).some(has));
    }
    return plan ? walkTargets(root, plan, cancelToken, visit) : walkAst(root, cancelToken, visit);
  };
}

/** Walks the nodes that can hold a cross-reference. */
const referenceWalk = (services: LangiumCoreServices) => propertyWalk(services, (p) => p.referenceType !== undefined);

/** The references the linker found, per document root, in walk order: the reference index reuses them. */
const linkedReferences = new WeakMap<AstNode, ReferenceInfo[]>();

/**
 * A cross-reference as Langium's `DefaultLinker.buildReference` makes it,
 * step for step, but as a class: Langium's object literal creates three
 * getter closures per reference.
 */
class ScenarioReference implements Reference {
  _ref: AstNode | LinkingError | typeof RefResolving | undefined = undefined;
  _nodeDescription?: AstNodeDescription;

  constructor(
    private readonly linker: ScenarioLinker,
    private readonly container: AstNode,
    private readonly property: string,
    readonly $refNode: CstNode | undefined,
    readonly $refText: string,
  ) {}

  get ref(): AstNode | undefined {
    if (isAstNode(this._ref)) return this._ref;
    if (isAstNodeDescription(this._nodeDescription)) {
      // A candidate was found before, but not loaded yet.
      const linked = this.linker.load(this._nodeDescription);
      this._ref = linked ?? this.linker.linkingError({ reference: this, container: this.container, property: this.property }, this._nodeDescription);
    } else if (this._ref === undefined) {
      // Not linked yet: link now.
      this._ref = RefResolving;
      const document = AstUtils.findRootNode(this.container).$document;
      const refData = this.linker.linkedNode({ reference: this, container: this.container, property: this.property });
      if (refData.error && document && document.state < DocumentState.ComputedScopes) {
        // The document's scopes are not ready: the linker retries later.
        return (this._ref = undefined);
      }
      this._ref = refData.node ?? refData.error;
      this._nodeDescription = refData.descr;
      document?.references.push(this);
    } else if (this._ref === RefResolving) {
      this.linker.cyclic(this.container, this.property, this.$refText);
    }
    return isAstNode(this._ref) ? this._ref : undefined;
  }

  get $nodeDescription(): AstNodeDescription | undefined {
    return this._nodeDescription;
  }

  get error(): LinkingError | undefined {
    return isLinkingError(this._ref) ? this._ref : undefined;
  }
}

export class ScenarioLinker extends DefaultLinker {
  private readonly walk: ReturnType<typeof referenceWalk>;

  constructor(services: LangiumCoreServices) {
    super(services);
    this.walk = referenceWalk(services);
  }

  override buildReference(node: AstNode, property: string, refNode: CstNode | undefined, refText: string): Reference {
    return new ScenarioReference(this, node, property, refNode, refText);
  }

  /** DefaultLinker's protected helpers, for ScenarioReference. */
  load(description: AstNodeDescription): AstNode | undefined {
    return this.loadAstNode(description);
  }

  linkingError(info: ReferenceInfo, description?: AstNodeDescription): LinkingError {
    return this.createLinkingError(info, description);
  }

  linkedNode(info: ReferenceInfo): ReturnType<DefaultLinker['getLinkedNode']> {
    return this.getLinkedNode(info);
  }

  cyclic(node: AstNode, property: string, refText: string): never {
    return this.throwCyclicReferenceError(node, property, refText);
  }

  override async link(document: LangiumDocument, cancelToken: Cancellation.CancellationToken = Cancellation.CancellationToken.None): Promise<void> {
    const root = document.parseResult.value;
    const infos: ReferenceInfo[] = [];
    const link = (ref: ReferenceInfo) => {
      infos.push(ref);
      this.doLink(ref, document);
    };
    linkedReferences.delete(root);
    await this.walk(root, cancelToken, (node) => forEachReference(node, link));
    linkedReferences.set(root, infos);
  }
}

/**
 * An entry of the reference index. Langium computes every entry's source
 * path (a string built from the root) and segment (a range) up front; few
 * are ever read (find references, rename), so these two are computed on
 * first use, from the same inputs, to the same values.
 */
class LazyReferenceDescription implements ReferenceDescription {
  private path: string | undefined;
  private seg: DocumentSegment | undefined;

  constructor(
    readonly sourceUri: URI,
    readonly targetUri: URI,
    readonly targetPath: string,
    readonly local: boolean,
    private readonly locator: AstNodeLocator,
    private readonly container: AstNode,
    private readonly refNode: CstNode,
  ) {}

  get sourcePath(): string {
    return (this.path ??= this.locator.getAstNodePath(this.container));
  }

  get segment(): DocumentSegment {
    return (this.seg ??= CstUtils.toDocumentSegment(this.refNode));
  }
}

export class ScenarioReferenceDescriptionProvider extends DefaultReferenceDescriptionProvider {
  private readonly walk: ReturnType<typeof referenceWalk>;

  constructor(services: LangiumCoreServices) {
    super(services);
    this.walk = referenceWalk(services);
  }

  override async createDescriptions(document: LangiumDocument, cancelToken: Cancellation.CancellationToken = Cancellation.CancellationToken.None): Promise<ReferenceDescription[]> {
    const out: ReferenceDescription[] = [];
    const sourceUri = document.uri;
    const describe = (info: ReferenceInfo): void => {
      const reference = info.reference;
      if (reference.error) return;
      const target = isReference(reference) ? reference.$nodeDescription : undefined;
      if (!target || !reference.$refNode) {
        out.push(...this.createInfoDescriptions(info));
        return;
      }
      out.push(new LazyReferenceDescription(sourceUri, target.documentUri, target.path, UriUtils.equals(target.documentUri, sourceUri), this.nodeLocator, info.container, reference.$refNode));
    };
    const root = document.parseResult.value;
    const linked = linkedReferences.get(root);
    if (linked) {
      // The linking pass saw these references, in this order, a moment ago: no second walk.
      linkedReferences.delete(root);
      for (let i = 0; i < linked.length; i++) {
        if (i % 1000 === 999) await interruptAndCheck(cancelToken);
        describe(linked[i]!);
      }
    } else await this.walk(root, cancelToken, (node) => forEachReference(node, describe));
    return out;
  }
}

export class ScenarioScopeComputation extends DefaultScopeComputation {
  /** Only a node with a `name` property can be a local symbol (Langium's DefaultNameProvider reads `name`). */
  private readonly walk: ReturnType<typeof referenceWalk>;

  constructor(services: LangiumCoreServices) {
    super(services);
    // A replaced name provider may name other nodes: then walk them all.
    this.walk = this.nameProvider.constructor === DefaultNameProvider ? propertyWalk(services, (p) => p.name === 'name') : walkAst;
  }

  override async collectLocalSymbols(document: LangiumDocument, cancelToken: Cancellation.CancellationToken = Cancellation.CancellationToken.None): Promise<LocalSymbols> {
    const symbols = new MultiMap<AstNode, AstNodeDescription>();
    await this.walk(document.parseResult.value, cancelToken, (node) => this.addLocalSymbol(node, document, symbols));
    return symbols;
  }
}
