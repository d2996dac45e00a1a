/**
 * What a scenario line means depends on its cluster: the nodes it declares
 * and its protocol's vocabulary. These helpers find them from any AST node;
 * scoping, validation and compilation share them. Expanded node lists are
 * cached per cluster object (a re-parse creates new objects, so the cache
 * never goes stale). So are the facts every scenario on a cluster shares
 * (clusterFacts): a file of a hundred scenarios on one cluster computes them
 * once, not a hundred times.
 */
import { AstUtils, GrammarUtils, type AstNode, type CstNode } from 'langium';
import type { NodeId, ParamValue, Params, Protocol } from '../engine/protocol.js';
import type { ParamSpec } from '../engine/vocabulary.js';
import { Cluster as ClusterMeta, Scenario as ScenarioMeta, type Cluster, type NodeDecl, type NodeItem, type Scenario } from './generated/ast.js';
import { isNodeBlock, isNodesDecl, isParamSetting, isScenario, isUse } from './generated/ast.js';
import { expandRange } from './_names.js';
import { convertParam } from './_units.js';

export interface DeclaredNodes {
  /** Node names in declaration order (ranges expanded, duplicates kept once). */
  readonly names: readonly string[];
  /** Each name's declaring item (a range's names all point at the range). */
  readonly byName: ReadonlyMap<string, NodeDecl>;
}

const ClusterType = ClusterMeta.$type;
const ScenarioType = ScenarioMeta.$type;

const nodesCache = new WeakMap<Cluster, DeclaredNodes>();

export function declaredNodes(cluster: Cluster): DeclaredNodes {
  const hit = nodesCache.get(cluster);
  if (hit) return hit;
  const names: string[] = [];
  const byName = new Map<string, NodeDecl>();
  for (const member of cluster.members) {
    if (!isNodesDecl(member)) continue;
    for (const item of member.items) {
      if (!item.name) continue;
      const expanded = item.last ? expandRange(item.name, item.last) : { ok: true as const, value: [item.name] };
      if (!expanded.ok) continue;
      for (const n of expanded.value) {
        if (byName.has(n)) continue;
        byName.set(n, item);
        names.push(n);
      }
    }
  }
  const result = { names, byName };
  nodesCache.set(cluster, result);
  return result;
}

/** Whether a node name was written as a string (`"10.0.0.1:11211"`) rather than as an identifier. */
function quoted(cst: CstNode | undefined): boolean {
  return cst !== undefined && cst.text.startsWith('"');
}

/**
 * Whether a node range has a quoted end (`"n1".."n5"`): ranges take
 * identifiers only, a quoted name is one name. Undefined when it is no range.
 */
export function quotedRange(item: NodeDecl | NodeItem): boolean | undefined {
  if (item.last === undefined) return undefined;
  if (item.$type === 'NodeDecl') return quoted(GrammarUtils.findNodeForProperty(item.$cstNode, 'name')) || quoted(GrammarUtils.findNodeForProperty(item.$cstNode, 'last'));
  return quoted(item.node?.$refNode) || quoted(item.last.$refNode);
}

/** The message for a quoted range end. */
export function quotedRangeMessage(first: string, last: string): string {
  return `a node range takes names without quotes, like n1..n5; got "${first}".."${last}" (declare quoted names one by one: nodes "a", "b")`;
}

/** Whether a node reference was written as a string: `crash "10.0.0.1:11211"` (and, in a role query's arguments, a string argument). */
export function quotedReference(item: NodeItem): boolean {
  return quoted(item.node?.$refNode);
}

/** The scenario a node sits in, if any. */
export function scenarioOf(node: AstNode): Scenario | undefined {
  return AstUtils.getContainerOfType(node, isScenario);
}

/** The cluster whose names apply at `node`: the enclosing cluster, or the scenario's `use`d one. */
export function clusterAt(node: AstNode): Cluster | undefined {
  // One walk up: clusters and scenarios are top-level elements, never nested in one another (no subtypes either).
  for (let n: AstNode | undefined = node; n; n = n.$container) {
    if (n.$type === ClusterType) return n as Cluster;
    if (n.$type === ScenarioType) return usedCluster(n as Scenario);
  }
  return undefined;
}

/** The cluster of a scenario's first `use` line, once linked. */
export function usedCluster(scenario: Scenario): Cluster | undefined {
  for (const st of scenario.statements) if (isUse(st)) return st.cluster?.ref;
  return undefined;
}

/** The parameters of the protocol visible at cluster level (and in `set` and `vary` lines). */
export function clusterParamSpecs(protocol: Protocol): ParamSpec[] {
  return protocol.vocabulary.params.filter((p) => (p.scope ?? 'cluster') === 'cluster');
}

/** Cluster parameters: defaults, overridden by the cluster's valid settings. */
export function clusterParams(cluster: Cluster, protocol: Protocol): Record<string, ParamValue> {
  const params: Record<string, ParamValue> = {};
  for (const p of protocol.vocabulary.params) if ((p.scope ?? 'cluster') === 'cluster') params[p.name] = p.default;
  for (const m of cluster.members) {
    if (!isParamSetting(m) || !m.value) continue;
    const spec = protocol.vocabulary.params.find((p) => p.name === m.name);
    if (!spec || (spec.scope ?? 'cluster') !== 'cluster') continue;
    const r = convertParam(spec, m.value);
    if (r.ok) params[spec.name] = r.value;
  }
  return params;
}

/** Nodes the protocol adds (the ring's `router`), never throwing out of a protocol bug. */
export function implicitNodes(protocol: Protocol, params: Record<string, ParamValue>): { id: string; role?: string }[] {
  try {
    return [...(protocol.implicitNodes?.(params) ?? [])];
  } catch {
    return [];
  }
}

/** What every scenario on a cluster starts from. Shared between builds: read it, never change it. */
export interface ClusterFacts {
  /** Cluster parameters (clusterParams). */
  readonly params: Readonly<Record<string, ParamValue>>;
  /** Declared nodes and the nodes the protocol adds. */
  readonly nodes: ReadonlySet<string>;
  /** Per-node parameters: node-scoped defaults, overridden by `node N { … }` blocks. */
  readonly nodeParams: Readonly<Record<NodeId, Params>>;
}

const factsCache = new WeakMap<Cluster, { readonly protocol: Protocol; readonly facts: ClusterFacts }>();

export function clusterFacts(cluster: Cluster, protocol: Protocol): ClusterFacts {
  const hit = factsCache.get(cluster);
  if (hit && hit.protocol === protocol) return hit.facts;
  const params = clusterParams(cluster, protocol);
  const names = declaredNodes(cluster).names;
  const facts: ClusterFacts = { params, nodes: new Set([...names, ...implicitNodes(protocol, params).map((n) => n.id)]), nodeParams: nodeParams(cluster, protocol) };
  factsCache.set(cluster, { protocol, facts });
  return facts;
}

function nodeParams(cluster: Cluster, protocol: Protocol): Record<NodeId, Params> {
  const specs = protocol.vocabulary.params.filter((p) => p.scope === 'node');
  const out: Record<NodeId, Record<string, ParamValue>> = {};
  for (const n of declaredNodes(cluster).names) {
    out[n] = {};
    for (const s of specs) out[n][s.name] = s.default;
  }
  for (const m of cluster.members) {
    if (!isNodeBlock(m)) continue;
    const node = m.node?.$refText;
    if (!node || !out[node]) continue;
    for (const p of m.params) {
      const spec = specs.find((s) => s.name === p.name);
      if (!spec || !p.value) continue;
      const r = convertParam(spec, p.value);
      if (r.ok) out[node][spec.name] = r.value;
    }
  }
  return out;
}
