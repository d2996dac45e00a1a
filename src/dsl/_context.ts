/**
 * What a scenario line means depends on its cluster: the nodes it declares
 * and its protocol's vocabulary. These helpers find them from any AST node;
 * scoping, validation and compilation share them. Expanded node lists are
 * cached per cluster object (a re-parse creates new objects, so the cache
 * never goes stale).
 */
import { AstUtils, type AstNode } from 'langium';
import type { ParamValue, Protocol } from '../engine/protocol.js';
import { Cluster as ClusterMeta, Scenario as ScenarioMeta, type Cluster, type NodeDecl, type Scenario } from './generated/ast.js';
import { isNodesDecl, isParamSetting, isScenario, isUse } from './generated/ast.js';
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
