/**
 * Find references and rename for clusters, scenarios and nodes, across
 * imported files (Langium's index does the cross-file part). Two things
 * differ from Langium's defaults: a node declared by a range (`n1..n5`) is
 * one declaration for five names, so references to `n3` are only those
 * spelled `n3`, and such a node cannot be renamed on its own; scenario names
 * are strings, so a rename keeps their quotes; a node's new name is written
 * bare when it is an identifier and quoted when not (`"10.0.0.1:11211"`).
 * The new name may be typed with or without quotes: quoted, it is read as a
 * string literal (escapes and all).
 */
import { CstUtils, type AstNode, type LangiumDocument, type LangiumDocuments, type LeafCstNode, type References } from 'langium';
import { DefaultReferencesProvider, DefaultRenameProvider } from 'langium/lsp';
import { ResponseError } from 'vscode-languageserver-protocol';
import type { ReferenceParams, RenameParams, TextDocumentPositionParams } from 'vscode-languageserver-protocol';
import { Location, type Position, type Range, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver-types';
import { isNodeDecl, isScenario, type NodeDecl } from './generated/ast.js';
import { grammarKeywords, isBareName, writtenNodeName } from './_lsp-names.js';
import { decodeString, quoteString } from './_strings.js';
import type { ScenarioServices } from './scenario-module.js';

const INVALID_PARAMS = -32602;

/** The name a user typed in the rename box: a string literal (`"a b"`) is read as one, anything else as is. */
function typedName(text: string): string {
  const literal = /^"(?:\\.|[^"\\\r\n])*"$/.test(text) ? decodeString(text) : undefined;
  if (literal && literal.problems.length > 0) throw new ResponseError(INVALID_PARAMS, literal.problems[0]!.message);
  return literal ? literal.value : text;
}

function leafAt(document: LangiumDocument, position: Position): LeafCstNode | undefined {
  const root = document.parseResult.value.$cstNode;
  return root ? CstUtils.findDeclarationNodeAtOffset(root, document.textDocument.offsetAt(position), /^\w$/) : undefined;
}

/** A node declared by a range (`n1..n5`): one declaration for several names. */
function isRanged(target: AstNode | undefined): target is NodeDecl & { last: string } {
  return isNodeDecl(target) && target.last !== undefined;
}

/** References to `target`; for a node range, only those spelled `name`. */
function referencesTo(references: References, documents: LangiumDocuments, target: AstNode, name: string, includeDeclaration: boolean): { uri: string; range: Range }[] {
  const out: { uri: string; range: Range }[] = [];
  const ranged = isRanged(target);
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
  private readonly keywords: ReadonlySet<string>;

  constructor(services: ScenarioServices) {
    super(services);
    this.documents = services.shared.workspace.LangiumDocuments;
    this.keywords = grammarKeywords(services.Grammar);
  }

  /** How the new name is written at every site, or why it cannot be the target's name. */
  private newText(target: AstNode, typed: string): string {
    const name = typedName(typed);
    if (isScenario(target)) {
      if (name.length === 0) throw new ResponseError(INVALID_PARAMS, 'a scenario name cannot be empty');
      return quoteString(name);
    }
    if (isNodeDecl(target)) {
      if (name.length === 0) throw new ResponseError(INVALID_PARAMS, 'a node name cannot be empty');
      return writtenNodeName(name, this.keywords);
    }
    if (!isBareName(name, this.keywords)) {
      throw new ResponseError(INVALID_PARAMS, this.keywords.has(name) ? `'${name}' is a keyword of the language: choose another name` : `'${name}' is not a valid name: use letters, digits and _`);
    }
    return name;
  }

  override async rename(document: LangiumDocument, params: RenameParams): Promise<WorkspaceEdit | undefined> {
    const leaf = leafAt(document, params.position);
    const target = leaf ? this.references.findDeclarations(leaf)[0] : undefined;
    if (!leaf || !target) return undefined;
    if (isRanged(target)) {
      throw new ResponseError(INVALID_PARAMS, `${leaf.text} is declared by the range ${target.name}..${target.last}; rename the range's ends instead`);
    }
    const newText = this.newText(target, params.newName);
    const changes: Record<string, TextEdit[]> = {};
    for (const r of referencesTo(this.references, this.documents, target, leaf.text, true)) (changes[r.uri] ??= []).push({ range: r.range, newText });
    return { changes };
  }

  override prepareRename(document: LangiumDocument, params: TextDocumentPositionParams): Range | undefined {
    const leaf = leafAt(document, params.position);
    const target = leaf ? this.references.findDeclarations(leaf)[0] : undefined;
    if (isRanged(target)) return undefined;
    return super.prepareRename(document, params) as Range | undefined;
  }
}
