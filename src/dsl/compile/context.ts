/**
 * What compiling one scenario knows, and where its mistakes go.
 *
 * The compiler (this folder) turns a scenario's syntax tree into a
 * ScenarioSpec (src/engine/spec.ts) and reports every mistake on the way.
 * The validator runs it with Langium's acceptor and keeps the diagnostics;
 * `compile` (../compile.ts) runs it and keeps the spec, so what is accepted
 * and what is compiled can never disagree. Each file of the folder compiles
 * one kind of thing (nodes and targets, actions, network and storage, rules,
 * expectations, sweeps, the scenario as a whole) through this context.
 */
import { diagnosticData, type AstNode, type ValidationAcceptor } from 'langium';
import type { Json, Protocol } from '../../engine/protocol.js';
import type { ArgSpec } from '../../engine/vocabulary.js';
import type { SourceRange } from '../../engine/spec.js';
import type { Cluster } from '../generated/ast.js';
import type { ClusterFacts } from '../_cluster.js';
import { matchTemplate, type ArgToken, type MatchEnv } from '../_template.js';
import { repetitionProblem } from '../_strings.js';
import type { LiteralLike, Result } from '../_units.js';

/** An object of T under construction: every field optional and writable. */
export type Mutable<T> = { -readonly [K in keyof T]?: T[K] };
/** T with writable fields. */
export type Writable<T> = { -readonly [K in keyof T]: T[K] };

/** Seeds are unsigned 32-bit integers (the PRNG's state words). */
export const MAX_SEED = 0xffff_ffff;

/** A 1-based, end-exclusive source range of an AST node. */
export function rangeOf(node: AstNode | undefined): SourceRange | undefined {
  const cst = node?.$cstNode;
  if (!cst) return undefined;
  const r = cst.range;
  return { line: r.start.line + 1, col: r.start.character + 1, endLine: r.end.line + 1, endCol: r.end.character + 1 };
}

/** Report an error through a Langium acceptor, with the code quick fixes look up. */
export function reportError(report: ValidationAcceptor, node: AstNode, message: string, code: string, property?: string, index?: number): void {
  report('error', message, { node, property: property as never, index, code, data: diagnosticData(code) });
}

export class CompileContext {
  private errors = 0;
  /** Metrics the scenario being compiled measures itself (`expect eventually … as NAME`). */
  measures: ReadonlySet<string> = new Set();
  /** For `node` slots of templates. */
  readonly matchEnv: MatchEnv = { isNode: (n) => this.isNode(n) };

  constructor(
    readonly cluster: Cluster,
    readonly protocol: Protocol,
    readonly facts: ClusterFacts,
    private readonly report: ValidationAcceptor,
    /** All registered protocols: the `expect linearizable` message lists those that support it. */
    readonly protocols: ReadonlyMap<string, Protocol>,
  ) {}

  get errorCount(): number {
    return this.errors;
  }

  error(node: AstNode, message: string, code: string, property?: string, index?: number): void {
    this.errors++;
    reportError(this.report, node, message, code, property, index);
  }

  warning(node: AstNode, message: string, code: string, property?: string, index?: number): void {
    this.report('warning', message, { node, property: property as never, index, code, data: diagnosticData(code) });
  }

  /** Report a failed Result on a node and return undefined, or return the value. */
  take<T>(r: Result<T>, node: AstNode, property?: string): T | undefined {
    if (r.ok) return r.value;
    this.error(node, r.message, r.code, property);
    return undefined;
  }

  /** Report a repetition that cannot be made (`"a" * 1.5`, or longer than MAX_REPEATED_LENGTH). */
  reportRepetition(lit: LiteralLike & AstNode): void {
    const problem = lit.string !== undefined && lit.repeat !== undefined ? repetitionProblem(lit.string, lit.repeat) : undefined;
    if (problem !== undefined) this.error(lit, problem, 'out-of-range', 'repeat');
  }

  isNode(name: string): boolean {
    return this.facts.nodes.has(name);
  }

  /** The protocol's role queries (queries that return nodes). */
  roleQueries(): string[] {
    return this.protocol.vocabulary.queries.filter((q) => q.returns === 'nodes').map((q) => q.name);
  }

  /** Match argument tokens against a template; errors land on the offending token. */
  matchArgs(name: string, template: string, specs: readonly ArgSpec[], tokens: readonly ArgToken[], nodeAt: (i: number) => AstNode | undefined, whole: AstNode, property?: string): Record<string, Json> | undefined {
    const m = matchTemplate(template, specs, tokens, this.matchEnv);
    if (m.ok) return m.args;
    const at = nodeAt(m.at);
    const message = `${name} expects \`${template}\`: ${m.message}`;
    if (at) this.error(at, message, 'bad-arguments');
    else this.error(whole, message, 'bad-arguments', property);
    return undefined;
  }
}
