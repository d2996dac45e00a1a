/**
 * What the language server says about a protocol's vocabulary: one-line
 * texts for hover and completion details, built only from the vocabulary
 * (src/engine/vocabulary.ts) so they cannot drift from the engine, and the
 * protocol that applies at a position of a document.
 */
import { AstUtils, type AstNode, type LangiumDocument } from 'langium';
import type { ParamValue, Protocol } from '../engine/protocol.js';
import type { OpSpec, ParamSpec, QuerySpec } from '../engine/vocabulary.js';
import type { Cluster, Model, Scenario, Sweep } from './generated/ast.js';
import { isCluster, isScenario, isSweep } from './generated/ast.js';
import { usedCluster } from './_cluster.js';
import { parseTemplate, type TemplatePart } from './_template.js';
import { formatDuration } from './_units.js';

/** A parameter's default as a scenario would write it. */
export function formatDefault(spec: ParamSpec): string {
  const v: ParamValue = spec.default;
  if (spec.type === 'duration' && typeof v === 'number') return formatDuration(v);
  if (spec.type === 'durationRange' && typeof v === 'object' && v !== null && !Array.isArray(v)) {
    return v.min === v.max ? formatDuration(v.min) : `${formatDuration(v.min)}..${formatDuration(v.max)}`;
  }
  if (spec.type === 'percent' && typeof v === 'number') return `${+(v * 100).toFixed(6)}%`;
  if (spec.type === 'string' && typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return v.join(', ');
  return String(v);
}

/** `duration, default 50ms` (enum: `one of a | b, default a`). */
export function paramDetail(spec: ParamSpec): string {
  const type = spec.type === 'enum' ? `one of ${(spec.choices ?? []).join(' | ')}` : spec.type;
  const scope = spec.scope === 'node' ? ' (per node)' : '';
  return `${type}, default ${formatDefault(spec)}${scope}`;
}

export function paramHover(spec: ParamSpec): string {
  return `**${spec.name}** — ${paramDetail(spec)}\n\n${spec.doc}`;
}

export function templateHover(kind: 'operation' | 'query', spec: OpSpec | QuerySpec): string {
  const returns = 'returns' in spec ? ` → ${spec.returns}` : '';
  return `${kind} \`${spec.template}\`${returns}\n\n${spec.doc}`;
}

/** The template as an LSP snippet: slots become tab stops, optional groups are left out. */
export function templateSnippet(spec: OpSpec | QuerySpec): string {
  let n = 0;
  const render = (parts: readonly TemplatePart[]): string[] =>
    parts.flatMap((p) => (p.kind === 'word' ? [p.text] : p.kind === 'slot' ? [`\${${++n}:${p.name}}`] : []));
  return [spec.name, ...render(parseTemplate(spec.template))].join(' ');
}

/** The top-level element whose text contains `offset` (or ends just before it). */
export function elementAt(document: LangiumDocument, offset: number): AstNode | undefined {
  const model = document.parseResult.value as Model;
  let found: AstNode | undefined;
  for (const el of model.elements ?? []) {
    const cst = el.$cstNode;
    if (cst && cst.offset <= offset) found = el;
  }
  return found;
}

/** The cluster whose names apply at `node`, or at `offset` when the node is the whole file. */
export function clusterNear(document: LangiumDocument, node: AstNode | undefined, offset: number): Cluster | undefined {
  const container = node && (AstUtils.getContainerOfType(node, isCluster) ?? AstUtils.getContainerOfType(node, isScenario) ?? AstUtils.getContainerOfType(node, isSweep));
  const el = container ?? elementAt(document, offset);
  return clusterOfElement(el);
}

export function clusterOfElement(el: AstNode | undefined): Cluster | undefined {
  if (isCluster(el)) return el;
  if (isScenario(el)) return usedCluster(el as Scenario);
  if (isSweep(el)) {
    const base = (el as Sweep).base?.ref;
    return base ? usedCluster(base) : undefined;
  }
  return undefined;
}

export function protocolOf(protocols: ReadonlyMap<string, Protocol>, cluster: Cluster | undefined): Protocol | undefined {
  return cluster ? protocols.get(cluster.protocol) : undefined;
}
