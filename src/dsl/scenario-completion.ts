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
 *
 * What keeps the list short and useful (issue 16):
 * - a parameter already set in the same cluster block, node block or
 *   scenario (`set`) is not offered again;
 * - bug switches (`bug_*`, documented "BUG: …") sort after the real
 *   parameters;
 * - every action and statement keyword carries a one-line doc
 *   (`KEYWORD_DOCS`), so the list after `at 2s` explains itself;
 * - the whole-file templates (snippets/scenario.json) are offered only
 *   where a `cluster` may start — at the top level of a file — and not as
 *   editor-wide snippets.
 */
import { AstUtils, GrammarAST, type AstNodeDescription, type MaybePromise, type ReferenceInfo } from 'langium';
import { DefaultCompletionProvider, type CompletionAcceptor, type CompletionContext, type CompletionValueItem, type NextFeature } from 'langium/lsp';
import { CompletionItemKind, InsertTextFormat, MarkupKind } from 'vscode-languageserver-types';
import type { Protocol } from '../engine/protocol.js';
import type { OpSpec, QuerySpec } from '../engine/vocabulary.js';
import type { Cluster, NodeBlock } from './generated/ast.js';
import { isNodeBlock, isParamSetting, isScenario, isSetParam } from './generated/ast.js';
import { grammarKeywords, writtenNodeName } from './_lsp-names.js';
import templates from '../../snippets/scenario.json';
import { clusterNear, paramDetail, protocolOf, templateSnippet } from './_lsp-vocab.js';
import type { ScenarioServices } from './scenario-module.js';

/** Data-type rules whose keywords stand for names, not for the language's words. */
const NAME_RULES = new Set(['Name', 'OpName', 'ArgWord']);
const FAULT_WORDS = new Set(['crash', 'restart', 'pause', 'resume']);

/** One-line docs of the language's own words, shown by completion (detail: how it is written). */
const KEYWORD_DOCS: Readonly<Record<string, readonly [detail: string, doc: string]>> = {
  client: ['client [on NODE] OPERATION ARGS…', 'A client operation of the protocol (put, get, place, add …), sent to a node (by default the protocol picks one).'],
  crash: ['crash TARGET', 'Stop the nodes: they lose volatile state and drop what they receive until restarted. TARGET: nodes (`n1`, `n1..n3`) or a role query (`leader`).'],
  restart: ['restart TARGET', 'Bring crashed nodes back: they rebuild from what they persisted (Raft: term, vote, log).'],
  pause: ['pause TARGET', 'Freeze the nodes (a long GC pause): their timers and messages wait; nothing is lost.'],
  resume: ['resume TARGET', 'Unfreeze paused nodes: their pending timers and messages run.'],
  partition: ['partition {A B} | {C D E}', 'Split the network into groups that cannot reach each other; nodes not listed keep all their links.'],
  cut: ['cut A -> B', 'A one-way cut: messages from A to B are lost, B to A still arrive.'],
  heal: ['heal', 'Undo every partition and cut: all links work again.'],
  note: ['note "TEXT"', 'A note in the trace at this time, shown in the viewer.'],
  drift: ['drift NODE… RATE', 'Clock drift: the nodes\' timers take RATE times as long (1.5 = 50% slow).'],
  at: ['at TIME ACTION', 'Do ACTION at this simulated time (`at 1.5s crash leader`).'],
  after: ['after DURATION ACTION', 'Do ACTION this long after the previous timed line.'],
  every: ['every PERIOD [from T] [until T] ACTION', 'Repeat ACTION every PERIOD.'],
  use: ['use CLUSTER', 'The cluster this scenario runs (exactly once).'],
  seed: ['seed N', 'The seed of every random choice (latency, loss, timeouts): the same seed gives the same trace. Default 1.'],
  set: ['set PARAMETER VALUE', 'Override one of the cluster\'s parameters for this scenario.'],
  network: ['network { latency … loss … }', 'Message latency (a range or a distribution), loss, duplication, reordering, per-link overrides.'],
  storage: ['storage { latency … }', 'How long a persist takes (fsync): sends that depend on it wait.'],
  on: ['on [next|every] EVENT PATTERN { … }', 'A message rule: drop, delay, duplicate or hold matching messages, or run actions when they happen.'],
  run: ['run until TIME | CONDITION [max T]', 'When the run ends: a time, or a condition with a time limit.'],
  expect: ['expect always|eventually|at end|violated|linearizable …', 'A check of the run: the scenario passes when every expect line holds.'],
  max: ['max events N', 'Stop the run after this many events.'],
  always: ['expect always INVARIANT, …', 'The invariants hold after every step.'],
  eventually: ['expect eventually CONDITION [within D] [after T]', 'The condition becomes true (within D of T).'],
  violated: ['expect violated INVARIANT', 'The run must break the invariant (to demonstrate a bug).'],
  linearizable: ['expect linearizable', 'The clients\' history is linearizable (Wing & Gong search).'],
  import: ['import "FILE"', 'Use the clusters of another scenario file.'],
};

/** A bug switch: listed after the real parameters. */
const isBugSwitch = (p: { name: string; doc: string }): boolean => p.name.startsWith('bug_') || /^BUG\b/.test(p.doc);

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

  protected override completionForKeyword(context: CompletionContext, keyword: GrammarAST.Keyword, acceptor: CompletionAcceptor): MaybePromise<void> {
    if (!this.filterKeyword(context, keyword)) return;
    const doc = KEYWORD_DOCS[keyword.value];
    acceptor(context, {
      label: keyword.value,
      kind: this.getKeywordCompletionItemKind(keyword),
      detail: doc?.[0] ?? 'Keyword',
      ...(doc ? { documentation: { kind: MarkupKind.Markdown, value: doc[1] } } : {}),
      sortText: '1',
    });
    // `cluster` starts a top-level element: the whole-file templates fit exactly there.
    if (keyword.value === 'cluster') {
      for (const [name, t] of Object.entries(templates)) {
        acceptor(context, {
          label: t.prefix[1] ?? name, kind: CompletionItemKind.Snippet, detail: name, documentation: t.description,
          insertText: t.body.join('\n'), insertTextFormat: InsertTextFormat.Snippet, sortText: '2',
        });
      }
    }
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
    const taken = before === 'vary' ? new Set<string>() : this.alreadySet(context, before === 'set');
    for (const p of protocol.vocabulary.params) {
      if ((p.scope ?? 'cluster') !== scope || taken.has(p.name)) continue;
      acceptor(context, {
        label: p.name,
        kind: CompletionItemKind.Property,
        detail: paramDetail(p),
        documentation: { kind: MarkupKind.Markdown, value: p.doc },
        sortText: isBugSwitch(p) ? '9' : '0',
      });
    }
  }

  /**
   * Parameters already set where the cursor is: in its cluster block, or in
   * its node block, or (`set`) in its scenario — except the one being typed.
   */
  private alreadySet(context: CompletionContext, inScenario: boolean): Set<string> {
    const names = new Set<string>();
    const here = (n: { $cstNode?: { offset: number; end: number } }): boolean => n.$cstNode !== undefined && n.$cstNode.offset <= context.offset && context.offset <= n.$cstNode.end;
    if (inScenario) {
      const scenario = AstUtils.getContainerOfType(context.node, isScenario);
      for (const st of scenario?.statements ?? []) if (isSetParam(st) && !here(st)) names.add(st.name);
      return names;
    }
    const block = this.nodeBlockAt(context);
    const settings = block ? block.params : (this.cluster(context)?.members ?? []).filter(isParamSetting);
    for (const p of settings) if (!here(p)) names.add(p.name);
    return names;
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
    return this.nodeBlockAt(context) !== undefined;
  }

  /** The `node X { … }` block the cursor is in (an unclosed one reaches to the cursor). */
  private nodeBlockAt(context: CompletionContext): NodeBlock | undefined {
    const cluster = this.cluster(context);
    for (const m of cluster?.members ?? []) {
      if (!isNodeBlock(m) || !m.$cstNode) continue;
      const closed = m.$cstNode.text.trimEnd().endsWith('}');
      if (m.$cstNode.offset < context.offset && (!closed || context.offset < m.$cstNode.end)) return m;
    }
    return undefined;
  }

  private cluster(context: CompletionContext): Cluster | undefined {
    return clusterNear(context.document, context.node, context.offset);
  }

  private protocol(context: CompletionContext): Protocol | undefined {
    return protocolOf(this.protocols, this.cluster(context));
  }
}
