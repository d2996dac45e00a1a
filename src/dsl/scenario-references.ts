/**
 * Find references and rename for clusters, scenarios and nodes, across
 * imported files (Langium's index does the cross-file part). Two things
 * differ from Langium's defaults: a node declared by a range (`n1..n5`) is
 * one declaration for five names, so references to `n3` are only those
 * spelled `n3`, and such a node cannot be renamed on its own; scenario names
 * are strings, so a rename keeps their quotes.
 */
import { CstUtils, type AstNode, type LangiumDocument, type LangiumDocuments, type LeafCstNode, type References } from 'langium';
import { DefaultReferencesProvider, DefaultRenameProvider } from 'langium/lsp';
import { ResponseError } from 'vscode-languageserver-protocol';
import type { ReferenceParams, RenameParams, TextDocumentPositionParams } from 'vscode-languageserver-protocol';
import { Location, type Position, type Range, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver-types';
import { isNodeDecl, isScenario } from './generated/ast.js';
import type { ScenarioServices } from './scenario-module.js';

const ID = /^[A-Za-z_][A-Za-z0-9_]*$/;
const INVALID_PARAMS = -32602;

function leafAt(document: LangiumDocument, position: Position): LeafCstNode | undefined {
  const root = document.parseResult.value.$cstNode;
  return root ? CstUtils.findDeclarationNodeAtOffset(root, document.textDocument.offsetAt(position), /^\w$/) : undefined;
}

/** References to `target`; for a node range, only those spelled `name`. */
function referencesTo(references: References, documents: LangiumDocuments, target: AstNode, name: string, includeDeclaration: boolean): { uri: string; range: Range }[] {
  const out: { uri: string; range: Range }[] = [];
  const ranged = isNodeDecl(target) && target.last !== undefined;
  references.findReferences(target, { includeDeclaration }).forEach((r) => {
    if (ranged) {
      const doc = documents.getDocument(r.sourceUri);
      if (doc && doc.textDocument.getText(r.segment.range) !== name) return;
    }
    out.push({ uri: r.sourceUri.toString(), range: r.segment.range });
  });
  return out;
}

export class ScenarioReferencesProvider extends DefaultReferencesProvider {
  private readonly documents: LangiumDocuments;

  constructor(services: ScenarioServices) {
    super(services);
    this.documents = services.shared.workspace.LangiumDocuments;
  }

  protected override getReferences(selected: LeafCstNode, params: ReferenceParams): Location[] {
    return this.references.findDeclarations(selected).flatMap((target) =>
      referencesTo(this.references, this.documents, target, selected.text, params.context.includeDeclaration).map((r) => Location.create(r.uri, r.range)),
    );
  }
}

export class ScenarioRenameProvider extends DefaultRenameProvider {
  private readonly documents: LangiumDocuments;

  constructor(services: ScenarioServices) {
    super(services);
    this.documents = services.shared.workspace.LangiumDocuments;
  }

  override async rename(document: LangiumDocument, params: RenameParams): Promise<WorkspaceEdit | undefined> {
    const leaf = leafAt(document, params.position);
    const target = leaf ? this.references.findDeclarations(leaf)[0] : undefined;
    if (!leaf || !target) return undefined;
    if (isNodeDecl(target) && target.last !== undefined) {
      throw new ResponseError(INVALID_PARAMS, `${leaf.text} is declared by the range ${target.name}..${target.last}; rename the range's ends instead`);
    }
    const quoted = isScenario(target);
    const bare = quoted ? params.newName.replace(/^"(.*)"$/, '$1') : params.newName;
    if (quoted ? /["\\\r\n]/.test(bare) || bare.length === 0 : !ID.test(bare)) {
      throw new ResponseError(INVALID_PARAMS, quoted ? `"${bare}" is not a valid scenario name` : `'${bare}' is not a valid name: use letters, digits and _`);
    }
    const newText = quoted ? `"${bare}"` : bare;
    const changes: Record<string, TextEdit[]> = {};
    for (const r of referencesTo(this.references, this.documents, target, leaf.text, true)) (changes[r.uri] ??= []).push({ range: r.range, newText });
    return { changes };
  }

  override prepareRename(document: LangiumDocument, params: TextDocumentPositionParams): Range | undefined {
    const leaf = leafAt(document, params.position);
    const target = leaf ? this.references.findDeclarations(leaf)[0] : undefined;
    if (isNodeDecl(target) && target.last !== undefined) return undefined;
    return super.prepareRename(document, params) as Range | undefined;
  }
}
