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
 * In an `explore { … }` block the settings carry their own docs (each
 * names its command-line flag), fault kinds are offered once per `faults`
 * line with what each draws, and `expect` offers `safety` and `all`.
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
import type { Cluster, Explore, NodeBlock } from './generated/ast.js';
import { isExplore, isExploreSetting, isNodeBlock, isParamSetting, isReport, isScenario, isSetParam, isSweep } from './generated/ast.js';
import { EXPLORE_BLOCK_DOC, EXPLORE_CHOICES, EXPLORE_SETTING_DOCS, faultKindDoc } from './_explore-docs.js';
import { FAULT_KINDS } from '../engine/fault-kinds.js';
import { measureNames } from './compile/expectations.js';
import { grammarKeywords, writtenNodeName } from './_lsp-names.js';
import templates from '../../snippets/scenario.json';
import { clusterNear, paramDetail, protocolOf, templateSnippet } from './_lsp-vocab.js';
import type { ScenarioServices } from './scenario-module.js';

/**
 * Data-type rules whose keywords stand for names, not for the language's
 * words (the fault kinds of an `explore` block are offered with their own
 * docs instead).
 */
const NAME_RULES = new Set(['Name', 'OpName', 'ArgWord', 'ExploreWord', 'FaultKind']);
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
  at: ['at TIME[..TIME] ACTION', 'Do ACTION at this simulated time (`at 1.5s crash leader`), or at a random time in a range, drawn for each run from the seed (`at 1s..1.075s crash leader`).'],
  after: ['after DURATION[..DURATION] ACTION', 'Do ACTION this long (or a random time in the range) after the previous timed line; in a rule, after the event.'],
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
  measure: ['measure NAME from EVENT|TIME until CONDITION [within D]', 'A metric of the run, in ms: from the first event matching EVENT (`crash leader`, `timer election on n1`) or from TIME, until CONDITION first holds. No check: a sweep summarises it and charts it.'],
  vary: ['vary PARAM v1, v2 … | vary (P1, P2) (a1, a2), (b1, b2) … | vary seed A..B', 'The variants of a sweep: one parameter\'s values, several parameters varied together (one tuple per variant), or a range of seeds.'],
  trials: ['trials N', 'Run each variant of the sweep with N seeds, from the base scenario\'s seed on; the table summarises each metric over them.'],
  report: ['report METRIC, …', 'The metrics the sweep\'s table shows (default: every metric that varies).'],
  explore: EXPLORE_BLOCK_DOC,
  chart: ['chart cdf|line|bar METRIC [by PARAM]', 'Draw the sweep: `cdf`, the metric\'s distribution per group of trials; `line` or `bar`, its median against a varied parameter. In the Run sweep panel, in `run --html` pages and as SVG with `run --svg DIR`.'],
};

/** What each kind of sweep chart draws (`chart KIND METRIC`). */
export const CHART_DOCS: Readonly<Record<string, string>> = {
  cdf: 'The cumulative distribution of the metric, one curve per group of trials (the form of the Raft paper\'s Figure 16). Trials with no value keep the curve below 1.',
  line: 'The metric\'s median per group, as a line against a varied parameter (`by PARAM`; default: the first one varied).',
  bar: 'The metric\'s median per group, as bars by a varied parameter (`by PARAM`; default: the first one varied).',
};

/** The docs of the language's own words, for hover. */
export function keywordDoc(word: string): string | undefined {
  const doc = KEYWORD_DOCS[word];
  return doc ? `\`${doc[0]}\`\n\n${doc[1]}` : undefined;
}

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
    const doc = this.exploreAt(context) ? this.exploreKeywordDoc(context, keyword.value) : KEYWORD_DOCS[keyword.value];
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
      case 'Chart.kind':
        for (const [kind, doc] of Object.entries(CHART_DOCS)) acceptor(context, { label: kind, kind: CompletionItemKind.EnumMember, detail: `chart ${kind} METRIC`, documentation: doc, sortText: '0' });
        return;
      case 'FaultKind.': {
        // Each kind once per line: those already listed are left out.
        const line = AstUtils.getContainerOfType(context.node, isExploreSetting);
        const listed = new Set((line?.faults ?? []).filter((a) => a.$cstNode !== undefined && a.$cstNode.end < context.tokenOffset).map((a) => a.kind));
        for (const kind of FAULT_KINDS) {
          if (!listed.has(kind)) acceptor(context, { label: kind, kind: CompletionItemKind.EnumMember, detail: `fault: ${kind} [N]`, documentation: faultKindDoc(kind), sortText: '0' });
        }
        return;
      }
      case 'ExploreSetting.mode': {
        const line = AstUtils.getContainerOfType(context.node, isExploreSetting)?.kind;
        const which = line === 'network' || line === 'storage' ? line : 'expect';
        for (const [mode, doc] of Object.entries(EXPLORE_CHOICES[which])) acceptor(context, { label: mode, kind: CompletionItemKind.EnumMember, detail: `${which} ${mode}`, documentation: doc, sortText: '0' });
        return;
      }
      case 'Measure.name':
        return;
      default:
        return;
    }
  }

  /** A `Name` slot: a parameter (cluster, node block, `set`, `vary`) or a metric after `metric`. */
  private nameCompletion(context: CompletionContext, acceptor: CompletionAcceptor): void {
    const protocol = this.protocol(context);
    if (!protocol) return;
    const words = this.wordsBefore(context);
    const before = words[0];
    if (before === 'metric' || before === 'report' || words[1] === 'chart' || AstUtils.getContainerOfType(context.node, isReport)) {
      for (const m of protocol.vocabulary.metrics) acceptor(context, { label: m.name, kind: CompletionItemKind.Value, detail: 'metric', documentation: m.doc, sortText: '0' });
      for (const name of this.measuredHere(context)) acceptor(context, { label: name, kind: CompletionItemKind.Value, detail: 'metric measured by the scenario', sortText: '0' });
      return;
    }
    const scope = before !== 'set' && before !== 'vary' && this.inNodeBlock(context) ? 'node' : 'cluster';
    // In a sweep (`vary`, `vary (A, B)`, `chart … by`) any parameter may be named, whatever the cluster sets.
    const taken = before === 'vary' || AstUtils.getContainerOfType(context.node, isSweep) ? new Set<string>() : this.alreadySet(context, before === 'set');
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

  /** The metrics the scenario measures itself (`measure NAME`, `expect eventually … as NAME`): the sweep's base, or the scenario at the cursor. */
  private measuredHere(context: CompletionContext): string[] {
    const sweep = AstUtils.getContainerOfType(context.node, isSweep);
    const scenario = sweep ? sweep.base?.ref : AstUtils.getContainerOfType(context.node, isScenario);
    return scenario ? measureNames(scenario) : [];
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

  /** The `explore { … }` block the cursor is in (an unclosed one reaches to the cursor). */
  private exploreAt(context: CompletionContext): Explore | undefined {
    const near = AstUtils.getContainerOfType(context.node, isExplore);
    if (near) return near;
    const scenario = AstUtils.getContainerOfType(context.node, isScenario);
    return scenario?.statements.filter(isExplore).find((b) => {
      const cst = b.$cstNode;
      return cst !== undefined && cst.offset < context.offset && (!cst.text.trimEnd().endsWith('}') || context.offset < cst.end);
    });
  }

  /** A keyword's doc inside an explore block: its setting's (`max` and the `faults` after it are `max faults`). */
  private exploreKeywordDoc(context: CompletionContext, word: string): readonly [string, string] | undefined {
    if (word === 'max') return ['max faults N | max states N', `${EXPLORE_SETTING_DOCS['max faults']![1]} \`max states N\`: ${EXPLORE_SETTING_DOCS['max states']![1]}`];
    const setting = this.wordsBefore(context)[0] === 'max' ? `max ${word}` : word;
    return EXPLORE_SETTING_DOCS[setting] ?? KEYWORD_DOCS[word];
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
