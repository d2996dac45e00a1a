/**
 * Hover for scenario files. Every text comes from the protocol's vocabulary
 * (src/engine/vocabulary.ts): a parameter's one-line doc with its type and
 * default, an operation's or query's template and doc, an invariant's,
 * message type's or metric's doc, the protocol's own doc; and for clusters,
 * nodes and scenarios (declarations and references alike) what they are;
 * in an `explore` block, each line's doc (the flag it stands for) and each
 * fault kind's.
 */
import { AstUtils, GrammarAST, type AstNode, type LangiumDocument } from 'langium';
import type { HoverProvider } from 'langium/lsp';
import type { HoverParams } from 'vscode-languageserver-protocol';
import { MarkupKind, type Hover } from 'vscode-languageserver-types';
import type { Protocol } from '../engine/protocol.js';
import type { Cluster, Compare, NodeDecl, Scenario, Sweep } from './generated/ast.js';
import { isCluster, isCompare, isCondition, isExploreSetting, isNodeDecl, isScenario, isSweep } from './generated/ast.js';
import { EXPLORE_CHOICES, exploreSettingHover, faultKindDoc } from './_explore-docs.js';
import { measureNames } from './compile/expectations.js';
import { CHART_DOCS, keywordDoc } from './scenario-completion.js';
import { declaredNodes, usedCluster } from './_cluster.js';
import { leafAt, propertyOf, propertyValue, referenceTarget } from './_lsp-names.js';
import { clusterNear, paramHover, protocolOf, templateHover } from './_lsp-vocab.js';
import { listNames } from './_names.js';
import type { ScenarioServices } from './scenario-module.js';

export class ScenarioHoverProvider implements HoverProvider {
  private readonly protocols: ReadonlyMap<string, Protocol>;

  constructor(services: ScenarioServices) {
    this.protocols = services.protocols.registry;
  }

  getHoverContent(document: LangiumDocument, params: HoverParams): Hover | undefined {
    const offset = document.textDocument.offsetAt(params.position);
    const leaf = leafAt(document, offset);
    if (!leaf) return undefined;
    const text = this.describe(document, leaf.astNode, propertyOf(leaf) ?? '', leaf, offset);
    return text ? { contents: { kind: MarkupKind.Markdown, value: text }, range: leaf.range } : undefined;
  }

  private describe(document: LangiumDocument, node: AstNode, property: string, leaf: Parameters<typeof referenceTarget>[0], offset: number): string | undefined {
    const ref = property ? referenceTarget(leaf, property) : undefined;
    if (ref) {
      if (ref.target) return this.declaration(ref.target, ref.text);
      const query = this.protocolAt(document, node, offset)?.vocabulary.queries.find((q) => q.name === ref.text);
      return query ? templateHover('query', query) : undefined;
    }
    const protocol = this.protocolAt(document, node, offset);
    const value = propertyValue(node, property);
    const name = typeof value === 'string' ? value : leaf.text;
    switch (`${node.$type}.${property}`) {
      case 'Cluster.protocol': {
        const p = this.protocols.get(name);
        return p ? `protocol **${name}**\n\n${p.vocabulary.doc}` : undefined;
      }
      case 'Cluster.name': case 'Scenario.name': case 'Compare.name': case 'Sweep.name':
        return this.declaration(node, name);
      case 'NodeDecl.name': case 'NodeDecl.last':
        // A range's end as written (`n5` of `n1..n5`); a single name's value (quotes off).
        return this.declaration(node, isNodeDecl(node) && node.last === undefined ? node.name : leaf.text);
      case 'ParamSetting.name': case 'SetParam.name': case 'Vary.param': case 'Vary.params': case 'Chart.by': {
        const spec = protocol?.vocabulary.params.find((p) => p.name === name);
        return spec ? paramHover(spec) : undefined;
      }
      case 'ClientAction.op': case 'RuleEvent.name': {
        const op = protocol?.vocabulary.ops.find((o) => o.name === name);
        return op ? templateHover('operation', op) : undefined;
      }
      case 'RuleEvent.type': {
        const m = protocol?.vocabulary.messages.find((x) => x.type === name);
        return m ? `message **${m.type}**\n\n${m.doc}` : undefined;
      }
      case 'InvariantRef.name': {
        const inv = protocol?.vocabulary.invariants.find((x) => x.name === name);
        return inv ? `invariant **${inv.name}**\n\n${inv.doc}` : undefined;
      }
      case 'Condition.query': {
        if (isCondition(node) && node.metric) {
          const m = protocol?.vocabulary.metrics.find((x) => x.name === name);
          return m ? `metric **${m.name}**\n\n${m.doc}` : undefined;
        }
        const q = protocol?.vocabulary.queries.find((x) => x.name === name);
        return q ? templateHover('query', q) : undefined;
      }
      case 'Chart.kind':
        return CHART_DOCS[name] ? `chart **${name}**\n\n${CHART_DOCS[name]}` : undefined;
      case 'Chart.metric': case 'Report.metrics':
        return this.metricText(protocol, name, AstUtils.getContainerOfType(node, isSweep)?.base?.ref);
      case 'Measure.name':
        return `metric **${name}**, measured by this line in ms (a sweep summarises it per group and can chart it)`;
      case 'FaultAllowance.kind': {
        const doc = faultKindDoc(name);
        return doc ? `fault **${name}**\n\n${doc}` : undefined;
      }
      case 'ExploreSetting.mode': {
        const line = isExploreSetting(node) && (node.kind === 'network' || node.kind === 'storage') ? node.kind : 'expect';
        const doc = EXPLORE_CHOICES[line][name];
        return doc ? `${line} **${name}**\n\n${doc}` : undefined;
      }
      default:
        // The words of an explore block's lines (`runs`, `max faults`): the line's doc, which names its flag.
        if (isExploreSetting(node) && leaf.grammarSource && GrammarAST.isKeyword(leaf.grammarSource)) return exploreSettingHover(node.max ? `max ${node.kind}` : node.kind);
        // The language's own words (`measure`, `chart`, `vary` …): how they are written and what they do.
        return leaf.grammarSource && GrammarAST.isKeyword(leaf.grammarSource) ? keywordDoc(leaf.text) : undefined;
    }
  }

  /** A metric of the protocol, or one the scenario measures itself. */
  private metricText(protocol: Protocol | undefined, name: string, scenario: Scenario | undefined): string | undefined {
    const m = protocol?.vocabulary.metrics.find((x) => x.name === name);
    if (m) return `metric **${m.name}**\n\n${m.doc}`;
    return scenario && measureNames(scenario).includes(name) ? `metric **${name}**, measured by scenario "${scenario.name}"` : undefined;
  }

  /** What a cluster, node or scenario is; `name` is the node name for a node range. */
  private declaration(node: AstNode, name: string): string | undefined {
    if (isCluster(node)) return this.clusterText(node);
    if (isNodeDecl(node)) return this.nodeText(node, name);
    if (isScenario(node)) return this.scenarioText(node);
    if (isCompare(node)) return this.compareText(node);
    if (isSweep(node)) return this.sweepText(node);
    return undefined;
  }

  private clusterText(cluster: Cluster): string {
    const nodes = declaredNodes(cluster).names;
    const doc = this.protocols.get(cluster.protocol)?.vocabulary.doc;
    return `cluster **${cluster.name}**: ${cluster.protocol} — ${nodes.length} node${nodes.length === 1 ? '' : 's'} (${listNames(nodes, 8)})${doc ? `\n\n${doc}` : ''}`;
  }

  private nodeText(decl: NodeDecl, name: string): string {
    const cluster = decl.$container.$container;
    const range = decl.last ? ` (declared by the range ${decl.name}..${decl.last})` : '';
    return `node **${name}** of cluster ${cluster.name}: ${cluster.protocol}${range}`;
  }

  private scenarioText(scenario: Scenario): string {
    const cluster = usedCluster(scenario);
    return `scenario **"${scenario.name}"**${cluster ? ` — runs cluster ${cluster.name}: ${cluster.protocol}` : ''}`;
  }

  private compareText(c: Compare): string {
    return `compare **"${c.name}"**: "${c.left?.$refText ?? '?'}" beside "${c.right?.$refText ?? '?'}"`;
  }

  private sweepText(s: Sweep): string {
    return `sweep **"${s.name}"** of scenario "${s.base?.$refText ?? '?'}"`;
  }

  private protocolAt(document: LangiumDocument, node: AstNode, offset: number): Protocol | undefined {
    return protocolOf(this.protocols, clusterNear(document, node, offset));
  }
}
