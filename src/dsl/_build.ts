/**
 * From a scenario's AST to a ScenarioSpec (src/engine/spec.ts), reporting
 * every mistake on the way.
 *
 * One walk does both jobs: the validator runs it with Langium's acceptor and
 * keeps the diagnostics, the compiler runs it and keeps the spec, so what is
 * accepted and what is compiled can never disagree. Units become µs and
 * fractions, node ranges are expanded, `after` lines become absolute times,
 * cluster parameters are overridden by `set` lines over the protocol's
 * defaults, and every action, rule and expectation carries its source range.
 */
import { diagnosticData, type AstNode, type ValidationAcceptor } from 'langium';
import type { Json, NodeId, ParamValue, Protocol } from '../engine/protocol.js';
import type { ArgSpec, ParamSpec, QuerySpec } from '../engine/vocabulary.js';
import {
  DEFAULT_MAX_EVENTS, DEFAULT_MAX_TIME, DEFAULT_NETWORK, DEFAULT_STORAGE, RUN_METRICS,
  type Action, type Condition as SpecCondition, type Disposition as SpecDisposition, type Distribution as SpecDistribution,
  type Expectation, type LinkSpec, type NetworkSpec, type RuleSpec, type ScenarioSpec, type SourceRange, type StorageSpec,
  type Target as SpecTarget, type TimedAction,
} from '../engine/spec.js';
import type {
  Action as AstAction, Cluster, Disposition as AstDisposition, Condition, Distribution, LinkSetting, NodeItem, Quantity, Rule, Scenario, Report, Sweep, Target,
} from './generated/ast.js';
import { isNodeItem } from './generated/ast.js';
import { clusterFacts, declaredNodes, usedCluster, type ClusterFacts } from './_context.js';
import { didYouMean, expandRange, listNames } from './_names.js';
import { edgeToken } from './_parser.js';
import { matchTemplate, parseTemplate, type ArgToken, type MatchEnv } from './_template.js';

const parseTemplateLength = (t: string): number => parseTemplate(t).length;
import { asLiteral, convertParam, formatDuration, literalText, parseDuration, parsePercent, quantityNumber, quantityPercent, quantityTime, type LiteralLike, type Result } from './_units.js';

export interface BuildEnv {
  readonly protocols: ReadonlyMap<string, Protocol>;
  /** The file's workspace-relative path, copied into the spec. */
  readonly file?: string;
  /** Overrides every scenario's seed. */
  readonly seed?: number;
}

/** Seeds are unsigned 32-bit integers (the PRNG's state words). */
const MAX_SEED = 0xffff_ffff;
/** A sweep with more variants than this is surely a mistake. */
export const MAX_VARIANTS = 10_000;

/** A 1-based, end-exclusive source range of an AST node. */
export function rangeOf(node: AstNode | undefined): SourceRange | undefined {
  const cst = node?.$cstNode;
  if (!cst) return undefined;
  // The range's end tokens, read directly: the same positions as `cst.range` without building (and keeping) a range per CST node on the way.
  const first = edgeToken(cst, true);
  const last = first ? edgeToken(cst, false) : undefined;
  if (first && last && last.endLine! >= first.startLine!) return { line: first.startLine!, col: first.startColumn!, endLine: last.endLine!, endCol: last.endColumn! + 1 };
  const r = cst.range;
  return { line: r.start.line + 1, col: r.start.character + 1, endLine: r.end.line + 1, endCol: r.end.character + 1 };
}

/** The parameters of the protocol visible at cluster level. */
function clusterParamSpecs(protocol: Protocol): ParamSpec[] {
  return protocol.vocabulary.params.filter((p) => (p.scope ?? 'cluster') === 'cluster');
}

/** Tokens of an op/query argument list. */
function literalToken(lit: LiteralLike | undefined): ArgToken | undefined {
  if (!lit) return undefined;
  if (lit.duration !== undefined) return { kind: 'duration', text: lit.duration, value: lit.duration };
  if (lit.percent !== undefined) return { kind: 'percent', text: lit.percent, value: lit.percent };
  if (lit.number !== undefined) return { kind: 'number', text: String(lit.number), value: lit.number };
  if (lit.string !== undefined) return { kind: 'string', text: JSON.stringify(lit.string), value: lit.string };
  if (lit.bool !== undefined) return { kind: 'bool', text: lit.bool, value: lit.bool === 'true' };
  if (lit.id !== undefined) return { kind: 'id', text: lit.id, value: lit.id };
  return undefined;
}

/** A literal as a JSON value (conditions compare with it). */
function literalJson(lit: LiteralLike | undefined): Json {
  const t = literalToken(lit);
  if (!t) return null;
  if (t.kind === 'duration') return parseDuration(t.text) ?? t.text;
  if (t.kind === 'percent') return parsePercent(t.text) ?? t.text;
  return t.value as Json;
}

/**
 * The distinct names of a list, in order. Node lists are mostly one to three
 * names: a scan is cheaper than a Set and its spread (a partition line costs
 * one of these per group).
 */
function unique(names: NodeId[]): NodeId[] {
  if (names.length < 2) return names;
  if (names.length > 8) return [...new Set(names)];
  return names.filter((n, i) => names.indexOf(n) === i);
}

/** Walks one scenario; `report` receives every diagnostic. */
class ScenarioBuilder {
  private errors = 0;
  private readonly nodeSet: ReadonlySet<string>;
  /** Metrics the scenario being built measures itself (`expect eventually … as NAME`). */
  private measures: ReadonlySet<string> = new Set();

  constructor(
    private readonly cluster: Cluster,
    private readonly protocol: Protocol,
    private readonly facts: ClusterFacts,
    private readonly report: ValidationAcceptor,
    /** All registered protocols: the `expect linearizable` message lists those that support it. */
    private readonly protocols: ReadonlyMap<string, Protocol>,
  ) {
    this.nodeSet = facts.nodes;
  }

  /** For `node` slots of templates. */
  private readonly matchEnv: MatchEnv = { isNode: (n) => this.isNode(n) };

  get errorCount(): number {
    return this.errors;
  }

  error(node: AstNode, message: string, code: string, property?: string, index?: number): void {
    this.errors++;
    this.report('error', message, { node, property: property as never, index, code, data: diagnosticData(code) });
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

  isNode(name: string): boolean {
    return this.nodeSet.has(name);
  }

  // ── nodes and targets ──────────────────────────────────────────────

  /** Node names of an item (`n1` or `n1..n3`); unknown names were reported by linking. */
  nodeItem(item: NodeItem | undefined): NodeId[] {
    const first = item?.node?.$refText;
    if (!item || !first) return [];
    if (!item.last) return this.isNode(first) ? [first] : [];
    const r = expandRange(first, item.last.$refText);
    if (!r.ok) {
      this.error(item, r.message, r.code);
      return [];
    }
    const missing = r.value.filter((n) => !this.isNode(n));
    if (missing.length > 0) this.error(item, `unknown node '${missing[0]}' in the range ${first}..${item.last.$refText}; cluster ${this.cluster.name} declares ${listNames([...declaredNodes(this.cluster).names])}`, 'unknown-node');
    return r.value.filter((n) => this.isNode(n));
  }

  /** The nodes of several items, each once, in order. */
  nodesOf(items: readonly NodeItem[]): NodeId[] {
    const out: NodeId[] = [];
    for (const it of items) for (const n of this.nodeItem(it)) out.push(n);
    return unique(out);
  }

  /** A single node (a range or nothing is an error). */
  singleNode(item: NodeItem | undefined, what: string): NodeId | undefined {
    if (!item) return undefined;
    if (item.last) {
      this.error(item, `${what} takes one node, not a range`, 'expected-one-node');
      return undefined;
    }
    return this.nodeItem(item)[0];
  }

  roleQuery(name: string | undefined): QuerySpec | undefined {
    if (!name || this.isNode(name)) return undefined;
    return this.protocol.vocabulary.queries.find((q) => q.name === name);
  }

  target(t: Target | undefined): SpecTarget | undefined {
    if (!t || t.items.length === 0) return undefined;
    const first = t.items[0];
    const query = isNodeItem(first) && !first.last ? this.roleQuery(first.node?.$refText) : undefined;
    if (query) {
      if (query.returns !== 'nodes') {
        this.error(first!, `'${query.name}' is a value query; a target needs node names or a role query (${this.roleQueries().join(', ') || 'none in ' + this.protocol.name})`, 'not-a-role-query');
        return undefined;
      }
      const tokens: ArgToken[] = t.items.slice(1).map((it) =>
        isNodeItem(it)
          ? { kind: 'id', text: it.node?.$refText ?? '', value: it.node?.$refText ?? '' }
          : (literalToken(it as LiteralLike) ?? { kind: 'id', text: '?', value: '?' }),
      );
      const args = this.matchArgs(query.name, query.template, query.args, tokens, (i) => t.items[i + 1], first!);
      return args ? { kind: 'query', query: query.name, args } : undefined;
    }
    const nodes: NodeId[] = [];
    for (const it of t.items) {
      if (isNodeItem(it)) nodes.push(...this.nodeItem(it));
      else this.error(it, `unexpected ${literalText(it)}: a target is node names or a role query`, 'unexpected-argument');
    }
    return nodes.length > 0 ? { kind: 'nodes', nodes: unique(nodes) } : undefined;
  }

  /** `client on NODE` or `client on ROLE` (a role query without arguments). */
  clientTarget(item: NodeItem): SpecTarget | undefined {
    const query = item.last ? undefined : this.roleQuery(item.node?.$refText);
    if (query) {
      if (query.returns !== 'nodes' || parseTemplateLength(query.template) > 0) {
        this.error(item, `client on takes a node or a role query without arguments (${this.roleQueries().join(', ') || 'none'})`, 'not-a-role-query');
        return undefined;
      }
      return { kind: 'query', query: query.name, args: {} };
    }
    const node = this.singleNode(item, 'client on');
    return node ? { kind: 'nodes', nodes: [node] } : undefined;
  }

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

  // ── actions ───────────────────────────────────────────────────────

  action(a: AstAction | undefined): Action | undefined {
    if (!a) return undefined;
    // Kinds by `$type`, as in build().
    if (a.$type === 'ClientAction') {
      const op = this.protocol.vocabulary.ops.find((o) => o.name === a.op);
      if (!op) {
        const names = this.protocol.vocabulary.ops.map((o) => o.name);
        if (a.op) this.error(a, `unknown operation '${a.op}'${didYouMean(a.op, names)}; ${this.protocol.name} has ${listNames(names)}`, 'unknown-operation', 'op');
        return undefined;
      }
      const target = a.target ? this.clientTarget(a.target) : undefined;
      if (a.target && !target) return undefined;
      const tokens: ArgToken[] = a.args.map((arg) => (arg.eq ? { kind: 'eq', text: '=', value: '=' } : (literalToken(arg) ?? { kind: 'id', text: '?', value: '?' })));
      const args = this.matchArgs(op.name, op.template, op.args, tokens, (i) => a.args[i], a, 'op');
      if (!args) return undefined;
      return target ? { kind: 'client', target, op: op.name, args } : { kind: 'client', op: op.name, args };
    }
    if (a.$type === 'FaultAction') {
      const target = this.target(a.target);
      return target ? { kind: a.kind, target } : undefined;
    }
    if (a.$type === 'PartitionAction') {
      const groups = a.groups.map((g) => this.nodesOf(g.items));
      const seen = new Map<string, number>();
      groups.forEach((g, gi) => {
        for (const n of g) {
          if (seen.has(n) && seen.get(n) !== gi) this.error(a.groups[gi]!, `node ${n} is in two partition groups`, 'overlapping-partition');
          seen.set(n, gi);
        }
      });
      return { kind: 'partition', groups };
    }
    if (a.$type === 'CutAction') {
      const from = this.singleNode(a.from, 'cut');
      const to = this.singleNode(a.to, 'cut');
      return from && to ? { kind: 'cut', from, to } : undefined;
    }
    if (a.$type === 'HealAction') return { kind: 'heal' };
    if (a.$type === 'NoteAction') return { kind: 'note', text: a.text ?? '' };
    if (a.$type === 'DriftAction') {
      const nodes = this.nodesOf(a.nodes);
      if (!(a.rate > 0)) {
        this.error(a, `drift rate must be a positive number like 1.5, got ${a.rate}`, 'out-of-range', 'rate');
        return undefined;
      }
      return nodes.length > 0 ? { kind: 'drift', target: { kind: 'nodes', nodes }, rate: a.rate } : undefined;
    }
    return undefined;
  }

  // ── network and storage ───────────────────────────────────────────

  distribution(d: Distribution | undefined, what: string): SpecDistribution | undefined {
    if (!d) return undefined;
    if (d.kind === 'normal') {
      const mean = this.take(quantityTime(d.a, `${what} mean`), d, 'a');
      const sd = this.take(quantityTime(d.b, `${what} standard deviation`), d, 'b');
      return mean !== undefined && sd !== undefined ? { kind: 'normal', mean, stddev: sd } : undefined;
    }
    if (d.kind === 'lognormal') {
      const median = this.take(quantityTime(d.a, `${what} median`), d, 'a');
      const sigma = this.take(quantityNumber(d.b, `${what} sigma`), d, 'b');
      if (sigma !== undefined && sigma < 0) this.error(d, `${what} sigma must not be negative`, 'out-of-range', 'b');
      return median !== undefined && sigma !== undefined && sigma >= 0 ? { kind: 'lognormal', median, sigma } : undefined;
    }
    const a = this.take(quantityTime(d.a, what), d, 'a');
    if (!d.b) return a !== undefined ? { kind: 'fixed', value: a } : undefined;
    const b = this.take(quantityTime(d.b, what), d, 'b');
    if (a === undefined || b === undefined) return undefined;
    if (b < a) {
      this.error(d, `${what}: the range ${literalText(d.a)}..${literalText(d.b)} ends before it starts`, 'invalid-range');
      return undefined;
    }
    return { kind: 'uniform', min: a, max: b };
  }

  linkSetting(s: LinkSetting, into: { -readonly [K in keyof NetworkSpec]?: NetworkSpec[K] }): void {
    switch (s.kind) {
      case 'latency': {
        const d = this.distribution(s.dist, 'latency');
        if (d) into.latency = d;
        break;
      }
      case 'loss':
      case 'duplicate':
      case 'reorder': {
        const p = this.take(quantityPercent(s.value, s.kind), s, 'value');
        if (p !== undefined) into[s.kind] = p;
        if (s.window) {
          const w = this.take(quantityTime(s.window, 'window'), s, 'window');
          if (w !== undefined) into.reorderWindow = w;
        }
        break;
      }
    }
  }

  // ── conditions and rules ──────────────────────────────────────────

  condition(c: Condition | undefined): SpecCondition | undefined {
    if (!c || !c.query) return undefined;
    let args: Record<string, Json> = {};
    let query = c.query;
    if (c.metric) {
      query = 'metric';
      args = { name: c.query };
      if (!this.protocol.vocabulary.metrics.some((m) => m.name === c.query) && !RUN_METRICS.includes(c.query) && !this.measures.has(c.query)) {
        const names = this.protocol.vocabulary.metrics.map((m) => m.name);
        this.warning(c, `metric '${c.query}' is not declared by ${this.protocol.name}${didYouMean(c.query, names)}; declared: ${listNames(names)}`, 'unknown-metric', 'query');
      }
    } else {
      const spec = this.protocol.vocabulary.queries.find((q) => q.name === c.query);
      if (!spec) {
        const names = this.protocol.vocabulary.queries.map((q) => q.name);
        this.error(c, `unknown query '${c.query}'${didYouMean(c.query, names)}; ${this.protocol.name} has ${listNames(names)}, or metric NAME`, 'unknown-query', 'query');
        return undefined;
      }
      const tokens = c.args.map((a) => literalToken(a) ?? { kind: 'id' as const, text: '?', value: '?' });
      const matched = this.matchArgs(spec.name, spec.template, spec.args, tokens, (i) => c.args[i], c, 'query');
      if (!matched) return undefined;
      args = matched;
    }
    if (!c.op) return { query, args };
    if (c.op === 'in') {
      const lo = this.quantityValue(c.lo);
      const hi = this.quantityValue(c.hi);
      if (lo === undefined || hi === undefined) return undefined;
      if (hi < lo) {
        this.error(c, `the range ${literalText(c.lo)}..${literalText(c.hi)} ends before it starts`, 'invalid-range', 'lo');
        return undefined;
      }
      return { query, args, compare: { op: 'in', min: lo, max: hi } };
    }
    return { query, args, compare: { op: c.op as '=' | '!=' | '<' | '<=' | '>' | '>=', value: literalJson(c.value) } };
  }

  quantityValue(quantity: Quantity | undefined): number | undefined {
    const q = asLiteral(quantity);
    if (!q) return undefined;
    if (q.number !== undefined) return q.number;
    if (q.duration !== undefined) return parseDuration(q.duration);
    if (q.percent !== undefined) return parsePercent(q.percent);
    return undefined;
  }

  rule(r: Rule): RuleSpec | undefined {
    const ev = r.event;
    if (!ev) return undefined;
    const pattern: { type?: string; from?: NodeId; to?: NodeId; node?: NodeId; name?: string } = {};
    const messaging = ev.kind === 'send' || ev.kind === 'deliver';
    if (messaging) {
      if (ev.type) {
        const types = this.protocol.vocabulary.messages.map((m) => m.type);
        if (!types.includes(ev.type)) this.error(ev, `unknown message type '${ev.type}'${didYouMean(ev.type, types)}; ${this.protocol.name} sends ${listNames(types)}`, 'unknown-message', 'type');
        pattern.type = ev.type;
      }
      const from = this.singleNode(ev.from, 'from');
      const to = this.singleNode(ev.to, 'to');
      if (from) pattern.from = from;
      if (to) pattern.to = to;
    } else {
      if (ev.name) {
        if (ev.kind !== 'timer') {
          const ops = this.protocol.vocabulary.ops.map((o) => o.name);
          if (!ops.includes(ev.name)) this.error(ev, `unknown operation '${ev.name}'${didYouMean(ev.name, ops)}; ${this.protocol.name} has ${listNames(ops)}`, 'unknown-operation', 'name');
        }
        pattern.name = ev.name;
      }
      const node = this.singleNode(ev.node, ev.kind);
      if (node) pattern.node = node;
    }
    let disposition: SpecDisposition | undefined;
    const actions: { delay: number; action: Action; source?: SourceRange }[] = [];
    for (const item of r.body) {
      if (item.$type === 'Disposition') {
        if (!messaging) {
          this.error(item, `'${item.kind}' applies to messages: use it in an 'on send' or 'on deliver' rule`, 'disposition-not-allowed', 'kind');
          continue;
        }
        if (disposition) {
          this.error(item, 'a rule takes one of drop, delay, duplicate, hold', 'repeated-disposition', 'kind');
          continue;
        }
        disposition = this.disposition(item);
      } else {
        const delay = item.delay ? this.take(quantityTime(item.delay, 'after'), item, 'delay') : 0;
        const action = this.action(item.action);
        if (action && delay !== undefined) actions.push({ delay, action, source: rangeOf(item) });
      }
    }
    const spec: { -readonly [K in keyof RuleSpec]: RuleSpec[K] } = { on: ev.kind, pattern, times: r.times ?? 'every', actions, source: rangeOf(r) };
    if (r.from || r.until) {
      const from = this.take(quantityTime(r.from, 'during'), r, 'from');
      const until = this.take(quantityTime(r.until, 'during'), r, 'until');
      if (from !== undefined && until !== undefined && until < from) this.error(r, `the window ${literalText(r.from)}..${literalText(r.until)} ends before it starts`, 'invalid-range', 'from');
      if (from !== undefined) spec.from = from;
      if (until !== undefined) spec.until = until;
    }
    if (disposition) spec.disposition = disposition;
    return spec;
  }

  disposition(d: AstDisposition): SpecDisposition | undefined {
    switch (d.kind) {
      case 'drop':
        return { kind: 'drop' };
      case 'delay': {
        const by = this.take(quantityTime(d.by, 'delay'), d, 'by');
        return by !== undefined ? { kind: 'delay', by } : undefined;
      }
      case 'duplicate': {
        const copies = d.copies ?? 1;
        if (!Number.isInteger(copies) || copies < 1) {
          this.error(d, `duplicate expects a whole number of copies like 2, got ${copies}`, 'out-of-range', 'copies');
          return undefined;
        }
        return { kind: 'duplicate', copies };
      }
      case 'hold': {
        if (!d.until) return { kind: 'hold' };
        const until = this.take(quantityTime(d.until, 'hold until'), d, 'until');
        return until !== undefined ? { kind: 'hold', until } : undefined;
      }
      default:
        return undefined;
    }
  }

  invariant(ref: { name: string } & AstNode): string | undefined {
    const names = this.protocol.vocabulary.invariants.map((i) => i.name);
    if (names.includes(ref.name)) return ref.name;
    if (ref.name) this.error(ref, `unknown invariant '${ref.name}'${didYouMean(ref.name, names)}; ${this.protocol.name} checks ${listNames(names)}`, 'unknown-invariant', 'name');
    return undefined;
  }

  /** Whether `expect [violated] linearizable` applies: the protocol names a client model; else an error on the keyword. */
  linearizable(st: AstNode & { kind: string; linearizable?: boolean }): boolean {
    if (this.protocol.vocabulary.history) return true;
    const able = [...this.protocols.values()].filter((p) => p.vocabulary.history).map((p) => `${p.name}: ${p.vocabulary.history!.model}`);
    const line = st.kind === 'violated' ? 'expect violated linearizable' : 'expect linearizable';
    this.error(st, `${line} needs a protocol whose client operations follow a sequential model (${able.join(', ') || 'none is registered'}); ${this.protocol.name} declares none`,
      'not-linearizable', st.kind === 'violated' ? 'linearizable' : 'kind');
    return false;
  }

  // ── the scenario ──────────────────────────────────────────────────

  build(sc: Scenario, env: BuildEnv): ScenarioSpec {
    const params: Record<string, ParamValue> = { ...this.facts.params };
    let seed = 1;
    let seedNode: AstNode | undefined;
    const network: { -readonly [K in keyof NetworkSpec]?: NetworkSpec[K] } = {};
    const links: { from: NodeId; to: NodeId; spec: LinkSpec }[] = [];
    let storage: StorageSpec = DEFAULT_STORAGE;
    const perNode: Record<NodeId, SpecDistribution> = {};
    const actions: TimedAction[] = [];
    const rules: RuleSpec[] = [];
    const expectations: Expectation[] = [];
    let run: { until?: number; untilCondition?: SpecCondition; maxTime: number; maxEvents: number } = { maxTime: DEFAULT_MAX_TIME, maxEvents: DEFAULT_MAX_EVENTS };
    let runNode: AstNode | undefined;
    let maxEventsNode: AstNode | undefined;
    let previous = 0;
    // `expect eventually … as NAME` defines metric NAME for the whole scenario (before or after its use).
    const measures = new Set<string>();
    this.measures = measures;
    for (const st of sc.statements) {
      if (st.$type !== 'Expect' || st.measure === undefined) continue;
      if (measures.has(st.measure)) this.error(st, `metric '${st.measure}' is already measured by another expect line in this scenario`, 'duplicate-name', 'measure');
      measures.add(st.measure);
    }

    // Statement kinds by `$type` (each is a concrete type with no subtypes): the generated `isX` guards go through the reflection's subtype cache, ten of them per statement.
    for (const st of sc.statements) {
      if (st.$type === 'Use') continue;
      if (st.$type === 'Seed') {
        if (seedNode) this.error(st, 'seed is already set for this scenario', 'repeated-seed');
        seedNode = st;
        if (!Number.isInteger(st.value) || st.value < 0 || st.value > MAX_SEED) this.error(st, `seed expects a whole number from 0 to ${MAX_SEED}, got ${st.value}`, 'out-of-range', 'value');
        else seed = st.value;
      } else if (st.$type === 'SetParam') {
        if (typeof st.name !== 'string') continue;
        const spec = this.protocol.vocabulary.params.find((p) => p.name === st.name);
        if (!spec) {
          const names = clusterParamSpecs(this.protocol).map((p) => p.name);
          this.error(st, `unknown parameter '${st.name}'${didYouMean(st.name, names)} for ${this.protocol.name}; parameters: ${listNames(names)}`, 'unknown-parameter', 'name');
        } else if ((spec.scope ?? 'cluster') === 'node') {
          this.error(st, `${spec.name} is a per-node parameter: set it in the cluster's \`node NAME { ${spec.name} … }\``, 'node-parameter', 'name');
        } else if (st.value) {
          const v = this.take(convertParam(spec, st.value), st.value);
          if (v !== undefined) params[spec.name] = v;
        }
      } else if (st.$type === 'Network') {
        for (const s of st.settings) {
          if (s.$type === 'Link') {
            const from = this.singleNode(s.from, 'link');
            const to = this.singleNode(s.to, 'link');
            const spec: { -readonly [K in keyof NetworkSpec]?: NetworkSpec[K] } = {};
            for (const ls of s.settings) this.linkSetting(ls, spec);
            delete spec.reorderWindow;
            if (from && to) links.push({ from, to, spec: spec as LinkSpec });
          } else this.linkSetting(s, network);
        }
      } else if (st.$type === 'Storage') {
        for (const s of st.settings) {
          const d = this.distribution(s.dist, 'storage latency');
          if (!d) continue;
          if (s.nodes.length === 0) storage = { ...storage, latency: d };
          else for (const n of s.nodes.flatMap((it) => this.nodeItem(it))) perNode[n] = d;
        }
      } else if (st.$type === 'Timed') {
        const t = this.take(quantityTime(st.time, st.when === 'every' ? 'every' : st.when), st, 'time');
        const action = this.action(st.action);
        if (t === undefined) continue;
        let at = st.when === 'after' ? previous + t : t;
        const timed: { -readonly [K in keyof TimedAction]: TimedAction[K] } = { at, action: action as Action, source: rangeOf(st) };
        if (st.when === 'every') {
          if (t <= 0) {
            this.error(st, 'every expects a positive period like 100ms', 'out-of-range', 'time');
            continue;
          }
          const from = st.from ? this.take(quantityTime(st.from, 'from'), st, 'from') : 0;
          const until = st.until ? this.take(quantityTime(st.until, 'until'), st, 'until') : undefined;
          if (from === undefined || (st.until && until === undefined)) continue;
          if (until !== undefined && until < from) this.error(st, `until ${literalText(st.until)} is before from ${literalText(st.from)}`, 'invalid-range', 'until');
          at = from;
          timed.at = from;
          timed.every = t;
          if (until !== undefined) timed.until = until;
        }
        previous = at;
        if (action) actions.push(timed);
      } else if (st.$type === 'Rule') {
        const r = this.rule(st);
        if (r) rules.push(r);
      } else if (st.$type === 'Run') {
        if (runNode) this.error(st, 'the scenario already has a run line', 'repeated-run');
        runNode = st;
        const next = { ...run };
        if (st.time) {
          const until = this.take(quantityTime(st.time, 'run until'), st, 'time');
          if (until !== undefined) next.until = until;
        } else {
          const cond = this.condition(st.condition);
          if (cond) next.untilCondition = cond;
          if (st.max) {
            const max = this.take(quantityTime(st.max, 'max'), st, 'max');
            if (max !== undefined) next.maxTime = max;
          }
        }
        run = next;
      } else if (st.$type === 'MaxEvents') {
        if (maxEventsNode) this.error(st, 'max events is already set for this scenario', 'repeated-max-events');
        maxEventsNode = st;
        if (!Number.isInteger(st.value) || st.value < 1) this.error(st, `max events expects a positive whole number, got ${st.value}`, 'out-of-range', 'value');
        else run = { ...run, maxEvents: st.value };
      } else if (st.$type === 'Expect') {
        const source = rangeOf(st);
        if (st.kind === 'always') {
          const invariants = st.invariants.map((i) => this.invariant(i)).filter((n): n is string => n !== undefined);
          if (invariants.length === st.invariants.length) expectations.push({ kind: 'always', invariants, source });
        } else if (st.kind === 'violated' && st.linearizable) {
          if (this.linearizable(st)) expectations.push({ kind: 'linearizable', violated: true, source });
        } else if (st.kind === 'violated') {
          const inv = st.invariants[0] ? this.invariant(st.invariants[0]) : undefined;
          if (inv) expectations.push({ kind: 'violated', invariant: inv, source });
        } else if (st.kind === 'eventually') {
          const condition = this.condition(st.condition);
          const within = st.within ? this.take(quantityTime(st.within, 'within'), st, 'within') : undefined;
          const after = st.after ? this.take(quantityTime(st.after, 'after'), st, 'after') : undefined;
          if (!condition) continue;
          const e: { -readonly [K in keyof Extract<Expectation, { kind: 'eventually' }>]: Extract<Expectation, { kind: 'eventually' }>[K] } = { kind: 'eventually', condition, source };
          if (after !== undefined) e.after = after;
          if (within !== undefined) e.within = within;
          if (st.measure !== undefined) e.measure = st.measure;
          expectations.push(e);
        } else if (st.kind === 'at') {
          const condition = this.condition(st.condition);
          if (condition) expectations.push({ kind: 'atEnd', condition, source });
        } else if (st.kind === 'linearizable') {
          if (this.linearizable(st)) expectations.push({ kind: 'linearizable', source });
        }
      }
    }
    if (env.seed !== undefined) seed = env.seed;
    if (Object.keys(perNode).length > 0) storage = { ...storage, perNode };
    const spec: ScenarioSpec = {
      name: sc.name,
      ...(env.file !== undefined ? { file: env.file } : {}),
      source: rangeOf(sc),
      protocol: this.protocol.name,
      params,
      nodes: declaredNodes(this.cluster).names,
      // Shared by every scenario on the cluster (specs are read-only).
      nodeParams: this.facts.nodeParams,
      seed,
      network: { ...DEFAULT_NETWORK, ...network, links } as NetworkSpec,
      storage,
      actions,
      rules,
      run,
      expectations,
    };
    return spec;
  }
}

/** The outcome of building one scenario: a spec (when it has a cluster and a protocol) and its error count. */
export interface BuiltScenario {
  readonly spec?: ScenarioSpec;
  readonly errors: number;
}

/**
 * The last build of each scenario node with no file or seed override (the
 * validator's), so compiling right after validation does not walk it again.
 * Keyed by AST node: a re-parse makes new nodes, and every re-link of a
 * document is followed by its re-validation, which replaces the entry.
 */
const lastBuilt = new WeakMap<Scenario, { readonly protocols: ReadonlyMap<string, Protocol>; readonly result: BuiltScenario }>();

/** The validator's last build of this scenario with these protocols, if any. */
export function lastBuild(sc: Scenario, protocols: ReadonlyMap<string, Protocol>): BuiltScenario | undefined {
  const hit = lastBuilt.get(sc);
  return hit && hit.protocols === protocols ? hit.result : undefined;
}

/** Build one scenario, reporting its mistakes (not those of its cluster, checked on the cluster). */
export function buildScenario(sc: Scenario, env: BuildEnv, report: ValidationAcceptor): BuiltScenario {
  const result = buildScenarioUncached(sc, env, report);
  if (env.file === undefined && env.seed === undefined) lastBuilt.set(sc, { protocols: env.protocols, result });
  return result;
}

function buildScenarioUncached(sc: Scenario, env: BuildEnv, report: ValidationAcceptor): BuiltScenario {
  const uses = sc.statements.filter((st) => st.$type === 'Use');
  let errors = 0;
  if (uses.length === 0) {
    report('error', `scenario "${sc.name}" needs a \`use CLUSTER\` line naming the cluster it runs`, { node: sc, property: 'name', code: 'missing-use', data: diagnosticData('missing-use') });
    return { errors: 1 };
  }
  for (const extra of uses.slice(1)) {
    errors++;
    report('error', 'a scenario uses exactly one cluster; remove this second `use` line', { node: extra, code: 'repeated-use', data: diagnosticData('repeated-use') });
  }
  const cluster = usedCluster(sc);
  const protocol = cluster ? env.protocols.get(cluster.protocol) : undefined;
  if (!cluster || !protocol) return { errors: errors + 1 };
  const builder = new ScenarioBuilder(cluster, protocol, clusterFacts(cluster, protocol), report, env.protocols);
  const spec = builder.build(sc, env);
  return { spec, errors: errors + builder.errorCount };
}

/** The metrics a sweep's `report` lines name, in order, without repeats; undefined when it has none. */
export function sweepReport(sw: Sweep): string[] | undefined {
  const names = sw.items.flatMap((item) => (item.$type === 'Report' ? item.metrics : []));
  return names.length === 0 ? undefined : [...new Set(names)];
}

/** Warns on a `report` name that no run of the base scenario can produce. */
function checkReported(item: Report, protocol: Protocol, base: ScenarioSpec | undefined, report: ValidationAcceptor): void {
  const known = [...protocol.vocabulary.metrics.map((m) => m.name), ...RUN_METRICS];
  for (const e of base?.expectations ?? []) if (e.kind === 'eventually' && e.measure !== undefined) known.push(e.measure);
  item.metrics.forEach((name, index) => {
    if (known.includes(name)) return;
    report('warning', `metric '${name}' is not reported by ${protocol.name} or measured by the base scenario${didYouMean(name, known)}; known: ${listNames(known)}`, { node: item, property: 'metrics', index, code: 'unknown-metric', data: diagnosticData('unknown-metric') });
  });
}

export interface SweepVariant {
  readonly label: string;
  readonly values: Record<string, ParamValue>;
  readonly spec: ScenarioSpec;
}

/** A sweep's variants: the cartesian product of its `vary` lines over the base scenario's spec. */
export function buildSweep(sw: Sweep, base: ScenarioSpec | undefined, protocol: Protocol | undefined, report: ValidationAcceptor): SweepVariant[] {
  const err = (node: AstNode, message: string, code: string, property?: string) => report('error', message, { node, property: property as never, code, data: diagnosticData(code) });
  const axes: { name: string; values: ParamValue[] }[] = [];
  let seedAxis = false;
  for (const item of sw.items) {
    if (item.$type === 'Trials' || (item.$type === 'Vary' && item.seed)) {
      if (seedAxis) err(item, 'the seed is already varied in this sweep', 'repeated-vary');
      seedAxis = true;
      let from: number;
      let to: number;
      if (item.$type === 'Trials') {
        if (!Number.isInteger(item.count) || item.count < 1) {
          err(item, `trials expects a positive whole number, got ${item.count}`, 'out-of-range', 'count');
          continue;
        }
        from = base?.seed ?? 1;
        to = from + item.count - 1;
      } else {
        from = item.from ?? NaN;
        to = item.to ?? NaN;
        if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to < from || to > MAX_SEED) {
          err(item, `vary seed expects a range of whole numbers like 1..20, got ${from}..${to}`, 'invalid-range');
          continue;
        }
      }
      if (to - from + 1 > MAX_VARIANTS) {
        err(item, `a sweep may have at most ${MAX_VARIANTS} variants`, 'too-many-variants');
        continue;
      }
      const seeds: number[] = [];
      for (let s = from; s <= to; s++) seeds.push(s);
      axes.push({ name: 'seed', values: seeds });
      continue;
    }
    if (item.$type === 'Report') {
      if (protocol) checkReported(item, protocol, base, report);
      continue;
    }
    if (item.$type !== 'Vary' || !protocol) continue;
    const specs = clusterParamSpecs(protocol);
    const spec = specs.find((p) => p.name === item.param);
    if (!spec) {
      if (item.param) err(item, `unknown parameter '${item.param}'${didYouMean(item.param, specs.map((p) => p.name))} for ${protocol.name}; parameters: ${listNames(specs.map((p) => p.name))}`, 'unknown-parameter', 'param');
      continue;
    }
    if (axes.some((a) => a.name === spec.name)) err(item, `${spec.name} is already varied in this sweep`, 'repeated-vary', 'param');
    const values: ParamValue[] = [];
    for (const v of item.values) {
      const r = convertParam(spec, v);
      if (r.ok) values.push(r.value);
      else report('error', r.message, { node: v, code: r.code, data: diagnosticData(r.code) });
    }
    axes.push({ name: spec.name, values });
  }
  const total = axes.reduce((n, a) => n * a.values.length, 1);
  if (total > MAX_VARIANTS) {
    err(sw, `this sweep has ${total} variants; at most ${MAX_VARIANTS} are allowed`, 'too-many-variants', 'name');
    return [];
  }
  if (!base) return [];
  let combos: Record<string, ParamValue>[] = [{}];
  for (const axis of axes) combos = combos.flatMap((c) => axis.values.map((v) => ({ ...c, [axis.name]: v })));
  return combos.map((values) => {
    const { seed, ...params } = values;
    return {
      label: Object.entries(values).map(([k, v]) => `${k}=${showValue(v)}`).join(', '),
      values,
      spec: { ...base, params: { ...base.params, ...params }, seed: typeof seed === 'number' ? seed : base.seed },
    };
  });
}

function showValue(v: ParamValue): string {
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) return `${formatDuration(v.min)}..${formatDuration(v.max)}`;
  return Array.isArray(v) ? v.join(' ') : String(v);
}
