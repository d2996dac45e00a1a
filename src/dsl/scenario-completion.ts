/**
 * Completion for scenario files: Langium's grammar-driven completion
 * (keywords, and cross-references: clusters after `use`, nodes, scenarios
 * in compare/sweep) plus every name the grammar leaves to the protocol's
 * vocabulary — protocol names after `cluster x:`, parameters (type and
 * default in `detail`, the doc in `documentation`), client operations with
 * their template as a snippet, queries and metrics in conditions, role
 * queries as targets, invariants after `expect always`, message types in
 * rules. Where a name may be a keyword (`window`, `send`), the grammar's
 * data-type rules (Name, OpName, ArgWord) would offer every keyword they
 * allow; those are left out, the vocabulary's names are offered instead.
 */
import { AstUtils, GrammarAST, type AstNodeDescription, type MaybePromise, type ReferenceInfo } from 'langium';
import { DefaultCompletionProvider, type CompletionAcceptor, type CompletionContext, type CompletionValueItem, type NextFeature } from 'langium/lsp';
import { CompletionItemKind, InsertTextFormat, MarkupKind } from 'vscode-languageserver-types';
import type { Protocol } from '../engine/protocol.js';
import type { OpSpec, QuerySpec } from '../engine/vocabulary.js';
import type { Cluster } from './generated/ast.js';
import { isNodeBlock } from './generated/ast.js';
import { grammarKeywords, writtenNodeName } from './_lsp-names.js';
import { clusterNear, paramDetail, protocolOf, templateSnippet } from './_lsp-vocab.js';
import type { ScenarioServices } from './scenario-module.js';

/** Data-type rules whose keywords stand for names, not for the language's words. */
const NAME_RULES = new Set(['Name', 'OpName', 'ArgWord']);
const FAULT_WORDS = new Set(['crash', 'restart', 'pause', 'resume']);

export class ScenarioCompletionProvider extends DefaultCompletionProvider {
  private readonly protocols: ReadonlyMap<string, Protocol>;
  private readonly keywords: ReadonlySet<string>;

  constructor(services: ScenarioServices) {
    super(services);
    this.protocols = services.protocols.registry;
    this.keywords = grammarKeywords(services.Grammar);
  }

  protected override filterKeyword(context: CompletionContext, keyword: GrammarAST.Keyword): boolean {
    const rule = AstUtils.getContainerOfType(keyword, GrammarAST.isParserRule);
    if (rule && NAME_RULES.has(rule.name)) return false;
    return super.filterKeyword(context, keyword);
  }

  protected override completionFor(context: CompletionContext, next: NextFeature, acceptor: CompletionAcceptor): MaybePromise<void> {
    const feature = next.feature;
    if (GrammarAST.isCrossReference(feature) && this.targetType(feature) === 'NodeDecl') {
      const words = this.wordsBefore(context);
      if (FAULT_WORDS.has(words[0] ?? '') || (words[0] === 'on' && words[1] === 'client')) this.roleQueries(context, acceptor);
    }
    if (!GrammarAST.isRuleCall(feature) || feature.rule.ref?.name !== 'ID') return super.completionFor(context, next, acceptor);
    const rule = AstUtils.getContainerOfType(feature, GrammarAST.isParserRule)?.name;
    const property = AstUtils.getContainerOfType(feature, GrammarAST.isAssignment)?.feature;
    const where = `${rule}.${property ?? ''}`;
    switch (where) {
      case 'Cluster.protocol':
        for (const [name, p] of this.protocols) acceptor(context, { label: name, kind: CompletionItemKind.Module, detail: 'protocol', documentation: p.vocabulary.doc, sortText: '0' });
        return;
      case 'InvariantRef.name':
        for (const inv of this.protocol(context)?.vocabulary.invariants ?? []) acceptor(context, { label: inv.name, kind: CompletionItemKind.EnumMember, detail: 'invariant', documentation: inv.doc, sortText: '0' });
        return;
      case 'RuleEvent.type':
        for (const m of this.protocol(context)?.vocabulary.messages ?? []) acceptor(context, { label: m.type, kind: CompletionItemKind.Event, detail: 'message type', documentation: m.doc, sortText: '0' });
        return;
      case 'RuleEvent.name':
        for (const op of this.protocol(context)?.vocabulary.ops ?? []) acceptor(context, { label: op.name, kind: CompletionItemKind.Function, detail: op.template, documentation: op.doc, sortText: '0' });
        return;
      case 'Condition.query':
        for (const q of this.protocol(context)?.vocabulary.queries ?? []) this.template(context, acceptor, q, CompletionItemKind.Function);
        return;
      case 'Name.':
        return this.nameCompletion(context, acceptor);
      case 'OpName.':
        for (const op of this.protocol(context)?.vocabulary.ops ?? []) this.template(context, acceptor, op, CompletionItemKind.Method);
        return;
      default:
        return;
    }
  }

  /** A `Name` slot: a parameter (cluster, node block, `set`, `vary`) or a metric after `metric`. */
  private nameCompletion(context: CompletionContext, acceptor: CompletionAcceptor): void {
    const protocol = this.protocol(context);
    if (!protocol) return;
    const before = this.wordsBefore(context)[0];
    if (before === 'metric') {
      for (const m of protocol.vocabulary.metrics) acceptor(context, { label: m.name, kind: CompletionItemKind.Value, detail: 'metric', documentation: m.doc, sortText: '0' });
      return;
    }
    const scope = before !== 'set' && before !== 'vary' && this.inNodeBlock(context) ? 'node' : 'cluster';
    for (const p of protocol.vocabulary.params) {
      if ((p.scope ?? 'cluster') !== scope) continue;
      acceptor(context, {
        label: p.name,
        kind: CompletionItemKind.Property,
        detail: paramDetail(p),
        documentation: { kind: MarkupKind.Markdown, value: p.doc },
        sortText: '0',
      });
    }
  }

  private template(context: CompletionContext, acceptor: CompletionAcceptor, spec: OpSpec | QuerySpec, kind: CompletionItemKind): void {
    acceptor(context, {
      label: spec.name,
      kind,
      detail: spec.template,
      documentation: { kind: MarkupKind.Markdown, value: spec.doc },
      insertText: templateSnippet(spec),
      insertTextFormat: InsertTextFormat.Snippet,
      sortText: '0',
    });
  }

  private roleQueries(context: CompletionContext, acceptor: CompletionAcceptor): void {
    for (const q of this.protocol(context)?.vocabulary.queries ?? []) {
      if (q.returns === 'nodes') acceptor(context, { label: q.name, kind: CompletionItemKind.Function, detail: `role query: ${q.template}`, documentation: q.doc, sortText: '1' });
    }
  }

  protected override createReferenceCompletionItem(description: AstNodeDescription, refInfo: ReferenceInfo, context: CompletionContext): CompletionValueItem {
    const item = super.createReferenceCompletionItem(description, refInfo, context);
    if (description.type === 'Scenario') {
      const quoted = JSON.stringify(description.name);
      return { ...item, label: quoted, filterText: quoted, detail: 'scenario' };
    }
    if (description.type === 'NodeDecl') {
      // A name that is no identifier is offered (and inserted) as a string: `"10.0.0.1:11211"`.
      const written = writtenNodeName(description.name, this.keywords);
      return { ...item, label: written, filterText: written, detail: `node of cluster ${this.cluster(context)?.name ?? '?'}` };
    }
    if (description.type === 'Cluster') return { ...item, detail: 'cluster' };
    return item;
  }

  private targetType(ref: GrammarAST.CrossReference): string | undefined {
    return ref.type.ref?.name;
  }

  /** The words before the token being completed, nearest first (up to three, same line or not). */
  private wordsBefore(context: CompletionContext): string[] {
    const text = context.textDocument.getText().slice(Math.max(0, context.tokenOffset - 200), context.tokenOffset);
    return text.split(/[^A-Za-z0-9_]+/).filter((w) => w.length > 0).reverse().slice(0, 3);
  }

  private inNodeBlock(context: CompletionContext): boolean {
    const cluster = this.cluster(context);
    for (const m of cluster?.members ?? []) {
      if (!isNodeBlock(m) || !m.$cstNode) continue;
      const closed = m.$cstNode.text.trimEnd().endsWith('}');
      if (m.$cstNode.offset < context.offset && (!closed || context.offset < m.$cstNode.end)) return true;
    }
    return false;
  }

  private cluster(context: CompletionContext): Cluster | undefined {
    return clusterNear(context.document, context.node, context.offset);
  }

  private protocol(context: CompletionContext): Protocol | undefined {
    return protocolOf(this.protocols, this.cluster(context));
  }
}
