/**
 * Local-symbol collection, linking and reference indexing over the fast AST
 * walk of _walk.ts: the same work as Langium's DefaultScopeComputation,
 * DefaultLinker.link and DefaultReferenceDescriptionProvider, without their
 * per-node stream and cancellation overhead (see _walk.ts).
 */
import {
  Cancellation, DefaultLinker, DefaultReferenceDescriptionProvider, DefaultScopeComputation, MultiMap,
  type AstNode, type AstNodeDescription, type LangiumDocument, type LocalSymbols, type ReferenceDescription,
} from 'langium';
import { referencesOf, walkAst } from './_walk.js';

export class ScenarioLinker extends DefaultLinker {
  override async link(document: LangiumDocument, cancelToken: Cancellation.CancellationToken = Cancellation.CancellationToken.None): Promise<void> {
    await walkAst(document.parseResult.value, cancelToken, (node) => {
      for (const ref of referencesOf(node)) this.doLink(ref, document);
    });
  }
}

export class ScenarioReferenceDescriptionProvider extends DefaultReferenceDescriptionProvider {
  override async createDescriptions(document: LangiumDocument, cancelToken: Cancellation.CancellationToken = Cancellation.CancellationToken.None): Promise<ReferenceDescription[]> {
    const out: ReferenceDescription[] = [];
    await walkAst(document.parseResult.value, cancelToken, (node) => {
      for (const ref of referencesOf(node)) if (!ref.reference.error) out.push(...this.createInfoDescriptions(ref));
    });
    return out;
  }
}

export class ScenarioScopeComputation extends DefaultScopeComputation {
  override async collectLocalSymbols(document: LangiumDocument, cancelToken: Cancellation.CancellationToken = Cancellation.CancellationToken.None): Promise<LocalSymbols> {
    const symbols = new MultiMap<AstNode, AstNodeDescription>();
    await walkAst(document.parseResult.value, cancelToken, (node) => this.addLocalSymbol(node, document, symbols));
    return symbols;
  }
}
