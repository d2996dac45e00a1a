/**
 * Validation of scenario files: the validators of each node type, given to
 * Langium as its `ValidationChecks` table.
 *
 * Issue codes are kebab-case (`unknown-node`, `wrong-unit`, …) so code
 * actions can look them up. Clusters, imports and names are validated here;
 * everything inside a scenario or a sweep is validated by compiling it
 * (compile/), so what is accepted and what is compiled never disagree.
 */
import { AstUtils, URI, diagnosticData, type AstNode, type LangiumDocuments, type ValidationAcceptor, type ValidationChecks } from 'langium';
import type { Protocol } from '../engine/protocol.js';
import type { Cluster, Compare, Model, NodeBlock, Scenario, ScenarioAstType, Sweep, Value } from './generated/ast.js';
import { isCluster, isCompare, isNodesDecl, isParamSetting, isScenario } from './generated/ast.js';
import { compileScenario } from './compile/scenario.js';
import { measureNames } from './compile/expectations.js';
import { sweepAxes } from './compile/sweeps.js';
import { quotedRange, quotedRangeMessage, usedCluster } from './_cluster.js';
import { didYouMean, expandRange, listNames, suggest } from './_names.js';
import { convertParam } from './_units.js';
import type { ScenarioServices } from './scenario-module.js';
import { resolveImport } from './scenario-scope.js';

export function registerValidators(services: ScenarioServices): void {
  const registry = services.validation.ValidationRegistry;
  const validator = services.validation.ScenarioValidator;
  const validators: ValidationChecks<ScenarioAstType> = {
    Model: [validator.validateDuplicateNames, validator.validateImports],
    Cluster: validator.validateCluster,
    NodeBlock: validator.validateNodeBlock,
    Scenario: validator.validateScenario,
    Compare: validator.validateCompare,
    Sweep: validator.validateSweep,
  };
  registry.register(validators, validator);
}

/** `suggestion` (a "did you mean" name) travels in the diagnostic's data for the quick fix (scenario-code-actions.ts). */
function report(accept: ValidationAcceptor, severity: 'error' | 'warning', node: AstNode, message: string, code: string, property?: string, index?: number, suggestion?: string): void {
  accept(severity, message, { node, property: property as never, index, code, data: suggestion ? { ...diagnosticData(code), suggestion } : diagnosticData(code) });
}

export class ScenarioValidator {
  private readonly protocols: ReadonlyMap<string, Protocol>;
  private readonly documents: LangiumDocuments;

  constructor(services: ScenarioServices) {
    this.protocols = services.protocols.registry;
    this.documents = services.shared.workspace.LangiumDocuments;
  }

  validateDuplicateNames = (model: Model, accept: ValidationAcceptor): void => {
    const seen = new Map<string, AstNode>();
    for (const el of model.elements) {
      if (typeof el.name !== 'string') continue;
      const kind = isCluster(el) ? 'cluster' : isScenario(el) ? 'scenario' : isCompare(el) ? 'compare' : 'sweep';
      // Scenarios, compares and sweeps share a namespace (the CLI's --scenario picks among them).
      const key = `${kind === 'cluster' ? 'cluster' : 'run'}:${el.name}`;
      if (seen.has(key)) report(accept, 'error', el, `duplicate ${kind} name ${kind === 'cluster' ? el.name : `"${el.name}"`}; names must be unique in a file`, 'duplicate-name', 'name');
      else seen.set(key, el);
    }
  };

  validateImports = (model: Model, accept: ValidationAcceptor): void => {
    const doc = AstUtils.getDocument(model);
    model.imports.forEach((imp) => {
      if (typeof imp.path !== 'string') return;
      if (!imp.path.endsWith('.scenario')) {
        report(accept, 'error', imp, `imports name .scenario files, got "${imp.path}"`, 'unresolved-import', 'path');
        return;
      }
      const uri = resolveImport(doc, imp.path);
      if (uri === doc.uri.toString()) report(accept, 'warning', imp, 'this file imports itself', 'self-import', 'path');
      else if (!this.documents.hasDocument(URI.parse(uri))) report(accept, 'error', imp, `cannot find "${imp.path}" (looked for ${uri})`, 'unresolved-import', 'path');
    });
  };

  validateCluster = (cluster: Cluster, accept: ValidationAcceptor): void => {
    const protocol = this.protocols.get(cluster.protocol);
    if (!protocol && cluster.protocol) {
      const names = [...this.protocols.keys()];
      report(accept, 'error', cluster, `unknown protocol '${cluster.protocol}'${didYouMean(cluster.protocol, names)}; known protocols: ${listNames(names)}`, 'unknown-protocol', 'protocol', undefined, suggest(cluster.protocol, names));
    }
    const seen = new Set<string>();
    for (const m of cluster.members) {
      if (!isNodesDecl(m)) continue;
      for (const item of m.items) {
        if (!item.name) {
          if (item.name === '') report(accept, 'error', item, 'a node name cannot be empty', 'invalid-node-name', 'name');
          continue;
        }
        if (quotedRange(item) && item.last !== undefined) {
          report(accept, 'error', item, quotedRangeMessage(item.name, item.last), 'invalid-node-range');
          continue;
        }
        const r = item.last ? expandRange(item.name, item.last) : { ok: true as const, value: [item.name] };
        if (!r.ok) {
          report(accept, 'error', item, r.message, r.code);
          continue;
        }
        const dup = r.value.find((n) => seen.has(n));
        if (dup) report(accept, 'error', item, `duplicate node name ${dup} in cluster ${cluster.name}`, 'duplicate-node');
        for (const n of r.value) seen.add(n);
      }
    }
    if (!protocol) return;
    const setOnce = new Set<string>();
    for (const m of cluster.members) {
      if (!isParamSetting(m)) continue;
      this.validateParam(protocol, m, 'cluster', accept);
      if (setOnce.has(m.name)) report(accept, 'warning', m, `${m.name} is set twice; the last value wins`, 'repeated-parameter', 'name');
      setOnce.add(m.name);
    }
  };

  validateNodeBlock = (block: NodeBlock, accept: ValidationAcceptor): void => {
    const cluster = block.$container;
    const protocol = isCluster(cluster) ? this.protocols.get(cluster.protocol) : undefined;
    if (!protocol) return;
    for (const p of block.params) this.validateParam(protocol, p, 'node', accept);
  };

  private validateParam(protocol: Protocol, setting: { name: string; value?: unknown } & AstNode, where: 'cluster' | 'node', accept: ValidationAcceptor): void {
    if (typeof setting.name !== 'string') return;
    const specs = protocol.vocabulary.params.filter((p) => (p.scope ?? 'cluster') === where);
    const spec = protocol.vocabulary.params.find((p) => p.name === setting.name);
    if (!spec) {
      report(accept, 'error', setting, `unknown parameter '${setting.name}'${didYouMean(setting.name, specs.map((p) => p.name))} for ${protocol.name}; ${where} parameters: ${listNames(specs.map((p) => p.name))}`, 'unknown-parameter', 'name', undefined, suggest(setting.name, specs.map((p) => p.name)));
      return;
    }
    const scope = spec.scope ?? 'cluster';
    if (scope !== where) {
      if (scope === 'node') report(accept, 'error', setting, `${spec.name} is a per-node parameter: set it in \`node NAME { ${spec.name} … }\``, 'node-parameter', 'name');
      else report(accept, 'error', setting, `${spec.name} is a cluster parameter: set it directly in the cluster block`, 'cluster-parameter', 'name');
      return;
    }
    const value = (setting as { value?: Value }).value;
    if (!value) return;
    const r = convertParam(spec, value);
    if (!r.ok) report(accept, 'error', value, r.message, r.code);
  }

  validateScenario = (scenario: Scenario, accept: ValidationAcceptor): void => {
    compileScenario(scenario, { protocols: this.protocols }, accept);
  };

  validateCompare = (compare: Compare, accept: ValidationAcceptor): void => {
    if (compare.left?.ref && compare.left.ref === compare.right?.ref) report(accept, 'warning', compare, 'left and right are the same scenario', 'same-scenario', 'right');
  };

  validateSweep = (sweep: Sweep, accept: ValidationAcceptor): void => {
    const base = sweep.base?.ref;
    const cluster = base ? usedCluster(base) : undefined;
    const protocol = cluster ? this.protocols.get(cluster.protocol) : undefined;
    // Only the axes and their mistakes: validation needs no variants, nor the base scenario compiled again.
    sweepAxes(sweep, base && { measures: measureNames(base) }, protocol, accept);
  };
}
