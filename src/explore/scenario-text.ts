/**
 * ScenarioSpec → scenario text: the inverse of the compiler, so that what
 * `explore` found (a base scenario plus the faults it added, shrunk) is an
 * ordinary `.scenario` file a person reads and `protocol-playground run`
 * replays. Compiling the printed text gives back the same spec (tests check
 * it on every example): times in µs print with the largest exact unit,
 * probabilities as percentages, operations and queries through their
 * vocabulary templates, parameters only where they differ from the default.
 *
 * One cluster (named after the protocol) and one scenario; no imports. An
 * `explore` block is printed when the spec has one (explore's own
 * counterexamples do not: candidate.ts drops it from the base).
 * What the language cannot say (a `null` in a comparison, a list
 * parameter) throws a RangeError naming it — the caller treats that as a
 * bug, not as user input.
 */
import type { Json, NodeId, ParamValue, Protocol } from '../engine/protocol.js';
import type { Action, Condition, Disposition, Distribution, EventPattern, Expectation, ExploreSpec, LinkSpec, MeasureSpec, RuleSpec, ScenarioSpec, Target } from '../engine/spec.js';
import { DEFAULT_MAX_EVENTS, DEFAULT_MAX_TIME, DEFAULT_NETWORK } from '../engine/spec.js';
import type { ArgType, ParamSpec } from '../engine/vocabulary.js';
import { parseTemplate, type TemplatePart } from '../dsl/_template.js';
import { jsonEqual } from '../trace/json-equal.js';

/** Words of the language that cannot be written bare where a key, name or string is expected. */
const KEYWORDS = new Set([
  'import', 'cluster', 'nodes', 'node', 'scenario', 'use', 'seed', 'set', 'network', 'storage', 'link', 'latency', 'loss',
  'duplicate', 'reorder', 'window', 'normal', 'lognormal', 'at', 'after', 'every', 'from', 'until', 'client', 'on', 'crash',
  'restart', 'pause', 'resume', 'partition', 'cut', 'heal', 'note', 'drift', 'send', 'deliver', 'timer', 'reply', 'next',
  'during', 'drop', 'delay', 'hold', 'run', 'max', 'events', 'expect', 'always', 'violated', 'eventually', 'within', 'as',
  'end', 'linearizable', 'metric', 'in', 'compare', 'left', 'right', 'sweep', 'of', 'vary', 'trials', 'report', 'true', 'false', 'to',
  'explore', 'faults', 'states', 'runs', 'time', 'depth', 'timers', 'measure', 'chart', 'by',
]);

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A number as the language writes it: plain decimal notation, never an exponent. */
export function numberText(x: number): string {
  if (!Number.isFinite(x)) throw new RangeError(`scenario text: cannot write the number ${x}`);
  const s = String(x);
  if (!/e/i.test(s)) return s;
  return x.toFixed(20).replace(/\.?0+$/, '');
}

/** µs as a duration literal with the largest exact unit (`2min`, `1.5s`, `300ms`, `2500us`). */
export function durationText(us: number): string {
  if (!Number.isFinite(us) || us < 0) throw new RangeError(`scenario text: cannot write the duration ${us} µs`);
  if (us === 0) return '0ms';
  if (us % 60_000_000 === 0) return `${us / 60_000_000}min`;
  if (us % 100_000 === 0) return `${numberText(us / 1_000_000)}s`;
  if (us % 1000 === 0) return `${us / 1000}ms`;
  return `${numberText(us)}us`;
}

/** A probability as a percentage literal (0.015 → `1.5%`). */
export function percentText(p: number): string {
  return `${numberText(Number((p * 100).toPrecision(12)))}%`;
}

export function stringText(s: string): string {
  return JSON.stringify(s);
}

/** A name that may be bare (an identifier, not a keyword), else a string. */
function keyText(s: string): string {
  return IDENT.test(s) && !KEYWORDS.has(s) ? s : stringText(s);
}

/** A node name, quoted where it is not an identifier (`"10.0.0.1:11211"`). */
export function nodeText(id: NodeId): string {
  return keyText(id);
}

/** Nodes as the language lists them, runs of numbered names as ranges (`n1..n5, router`; zero-padded names one by one). */
export function nodeListText(nodes: readonly NodeId[], separator = ', '): string {
  const numbered = (id: string) => {
    const m = /^(.*?)([1-9]\d*|0)$/.exec(id);
    // Only bare identifiers form ranges: `a-1..a-3` would not read back.
    return m && IDENT.test(id) && !KEYWORDS.has(id) ? { prefix: m[1]!, n: Number(m[2]) } : undefined;
  };
  const out: string[] = [];
  for (let i = 0; i < nodes.length;) {
    const first = numbered(nodes[i]!);
    let j = i;
    while (first && j + 1 < nodes.length) {
      const next = numbered(nodes[j + 1]!);
      if (!next || next.prefix !== first.prefix || next.n !== first.n + (j + 1 - i)) break;
      j++;
    }
    out.push(j > i ? `${nodes[i]}..${nodes[j]}` : nodeText(nodes[i]!));
    i = j + 1;
  }
  return out.join(separator);
}

function distributionText(d: Distribution): string {
  switch (d.kind) {
    case 'fixed': return durationText(d.value);
    case 'uniform': return `${durationText(d.min)}..${durationText(d.max)}`;
    case 'normal': return `normal ${durationText(d.mean)} ${durationText(d.stddev)}`;
    case 'lognormal': return `lognormal ${durationText(d.median)} ${numberText(d.sigma)}`;
  }
}

function paramText(spec: ParamSpec, v: ParamValue): string {
  switch (spec.type) {
    case 'int': case 'number': return numberText(v as number);
    case 'duration': return durationText(v as number);
    case 'durationRange': {
      const r = typeof v === 'number' ? { min: v, max: v } : (v as { min: number; max: number });
      return `${durationText(r.min)}..${durationText(r.max)}`;
    }
    case 'percent': return percentText(v as number);
    case 'bool': return v ? 'true' : 'false';
    case 'enum': return String(v);
    case 'string': return stringText(String(v));
  }
}

/** One argument for a template slot. */
function slotText(type: ArgType, v: Json): string {
  switch (type) {
    case 'int': case 'number': return numberText(v as number);
    case 'duration': return durationText(v as number);
    case 'percent': return percentText(v as number);
    case 'string': return stringText(String(v));
    case 'key': return keyText(String(v));
    case 'node': return nodeText(String(v));
    case 'nodes': return (v as Json[]).map((n) => nodeText(String(n))).join(' ');
    case 'name': case 'algorithm': return String(v);
    case 'value': return literalText(v);
  }
}

/** A JSON value as a literal (numbers, strings, booleans; the language has no null). */
function literalText(v: Json): string {
  if (typeof v === 'number') return numberText(v);
  if (typeof v === 'string') return stringText(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  throw new RangeError(`scenario text: the language has no literal for ${JSON.stringify(v)}`);
}

/** A template with its arguments filled in; optional groups appear when one of their slots has an argument. */
export function templateText(template: string, args: Readonly<Record<string, Json>>): string {
  const render = (parts: readonly TemplatePart[]): string[] => parts.flatMap((p) => {
    if (p.kind === 'word') return [p.text];
    if (p.kind === 'slot') {
      const v = args[p.name];
      if (v === undefined) throw new RangeError(`scenario text: no argument for <${p.name}> in "${template}"`);
      return [slotText(p.type, v)];
    }
    return hasArg(p.parts) ? render(p.parts) : [];
  });
  const hasArg = (parts: readonly TemplatePart[]): boolean => parts.some((p) => (p.kind === 'slot' ? args[p.name] !== undefined : p.kind === 'opt' && hasArg(p.parts)));
  // parseTemplate leaves out the leading word (the operation's or query's name).
  const name = template.trim().split(/\s+/)[0]!;
  return [name, ...render(parseTemplate(template))].join(' ');
}

class Printer {
  constructor(private readonly protocol: Protocol) {}

  query(name: string, args: Readonly<Record<string, Json>>): string {
    const q = this.protocol.vocabulary.queries.find((x) => x.name === name);
    if (q === undefined) throw new RangeError(`scenario text: ${this.protocol.name} has no query ${name}`);
    return templateText(q.template, args);
  }

  target(t: Target): string {
    return t.kind === 'nodes' ? nodeListText(t.nodes, ' ') : this.query(t.query, t.args);
  }

  action(a: Action): string {
    switch (a.kind) {
      case 'client': {
        const op = this.protocol.vocabulary.ops.find((o) => o.name === a.op);
        if (op === undefined) throw new RangeError(`scenario text: ${this.protocol.name} has no operation ${a.op}`);
        const on = a.target === undefined ? '' : `on ${this.target(a.target)} `;
        return `client ${on}${templateText(op.template, a.args)}`;
      }
      case 'crash': case 'restart': case 'pause': case 'resume': return `${a.kind} ${this.target(a.target)}`;
      case 'partition': return `partition ${a.groups.map((g) => `{${nodeListText(g, ' ')}}`).join(' | ')}`;
      case 'cut': return `cut ${nodeText(a.from)} -> ${nodeText(a.to)}`;
      case 'heal': return 'heal';
      case 'note': return `note ${stringText(a.text)}`;
      case 'drift': return `drift ${this.target(a.target)} ${numberText(a.rate)}`;
    }
  }

  condition(c: Condition): string {
    const head = c.query === 'metric' ? `metric ${String(c.args.name)}` : this.query(c.query, c.args);
    if (c.compare === undefined) return head;
    if (c.compare.op === 'in') return `${head} in ${numberText(c.compare.min)}..${numberText(c.compare.max)}`;
    return `${head} ${c.compare.op} ${literalText(c.compare.value)}`;
  }

  expectation(e: Expectation): string {
    switch (e.kind) {
      case 'always': return `expect always ${e.invariants.join(', ')}`;
      case 'violated': return `expect violated ${e.invariant}`;
      case 'eventually': {
        const within = e.within === undefined ? '' : ` within ${durationText(e.within)}`;
        const after = e.after === undefined ? '' : ` after ${durationText(e.after)}`;
        const as = e.measure === undefined ? '' : ` as ${e.measure}`;
        return `expect eventually ${this.condition(e.condition)}${within}${after}${as}`;
      }
      case 'atEnd': return `expect at end ${this.condition(e.condition)}`;
      case 'linearizable': return e.violated === true ? 'expect violated linearizable' : 'expect linearizable';
    }
  }

  /** What a rule or a measurement's start matches: `crash leader`, `send AppendEntries from n1`, `timer election on n2`. */
  event(e: EventPattern): string {
    const p = e.pattern;
    const head: string[] = [e.on];
    const node = p.role !== undefined ? this.query(p.role.query, p.role.args) : p.node !== undefined ? nodeText(p.node) : undefined;
    if (e.on === 'send' || e.on === 'deliver') {
      if (p.type !== undefined) head.push(p.type);
      if (p.from !== undefined) head.push(`from ${nodeText(p.from)}`);
      if (p.to !== undefined) head.push(`to ${nodeText(p.to)}`);
    } else if (e.on === 'crash' || e.on === 'restart') {
      if (node !== undefined) head.push(node);
    } else {
      if (p.name !== undefined) head.push(p.name);
      if (node !== undefined) head.push(`on ${node}`);
    }
    return head.join(' ');
  }

  measure(m: MeasureSpec): string {
    const from = 'on' in m.from ? this.event(m.from) : durationText(m.from.at);
    const within = m.within === undefined ? '' : ` within ${durationText(m.within)}`;
    return `measure ${m.name} from ${from} until ${this.condition(m.until)}${within}`;
  }

  rule(r: RuleSpec): string {
    const head = [`on${r.times === 'next' ? ' next' : ''} ${this.event(r)}`];
    if (r.from !== undefined || r.until !== undefined) head.push(`during ${durationText(r.from ?? 0)}..${durationText(r.until ?? DEFAULT_MAX_TIME)}`);
    const body: string[] = [];
    if (r.disposition !== undefined) body.push(dispositionText(r.disposition));
    for (const a of r.actions) {
      const after = a.delayMax !== undefined ? `after ${durationText(a.delay)}..${durationText(a.delayMax)} ` : a.delay > 0 ? `after ${durationText(a.delay)} ` : '';
      body.push(`${after}${this.action(a.action)}`);
    }
    return `${head.join(' ')} { ${body.join('  ')} }`;
  }
}

function dispositionText(d: Disposition): string {
  switch (d.kind) {
    case 'drop': return 'drop';
    case 'delay': return `delay ${durationText(d.by)}`;
    case 'duplicate': return `duplicate ${d.copies}`;
    case 'hold': return d.until === undefined ? 'hold' : `hold until ${durationText(d.until)}`;
  }
}

/** An `explore { … }` block's lines, in the order docs/scenario-language.md lists them. */
function exploreLines(e: ExploreSpec): string[] {
  const out: string[] = [];
  if (e.faults !== undefined) out.push(`faults ${e.faults.map((f) => (f.max === undefined ? f.kind : `${f.kind} ${f.max}`)).join(', ')}`);
  if (e.maxFaults !== undefined) out.push(`max faults ${e.maxFaults}`);
  if (e.runs !== undefined) out.push(`runs ${e.runs}`);
  if (e.time !== undefined) out.push(`time ${durationText(e.time)}`);
  if (e.seed !== undefined) out.push(`seed ${e.seed}`);
  if (e.expect !== undefined) out.push(`expect ${e.expect}`);
  if (e.depth !== undefined) out.push(`depth ${e.depth}`);
  if (e.maxStates !== undefined) out.push(`max states ${e.maxStates}`);
  if (e.timers !== undefined) out.push(`timers ${e.timers}`);
  if (e.network !== undefined) out.push(`network ${e.network}`);
  if (e.storage !== undefined) out.push(`storage ${e.storage}`);
  return out;
}

function linkSettings(l: LinkSpec, base?: LinkSpec): string[] {
  const out: string[] = [];
  if (l.latency !== undefined && !jsonEqual(l.latency as unknown as Json, base?.latency as unknown as Json)) out.push(`latency ${distributionText(l.latency)}`);
  if (l.loss !== undefined && l.loss !== base?.loss) out.push(`loss ${percentText(l.loss)}`);
  if (l.duplicate !== undefined && l.duplicate !== base?.duplicate) out.push(`duplicate ${percentText(l.duplicate)}`);
  return out;
}

export interface ScenarioTextOptions {
  /** Comment lines put at the top of the file (without `//`). */
  readonly header?: readonly string[];
  /** Comments after given action lines, by index into `spec.actions`. */
  readonly actionNotes?: ReadonlyMap<number, string>;
  /** Comments after given rule lines, by index into `spec.rules`. */
  readonly ruleNotes?: ReadonlyMap<number, string>;
}

/** The whole file: one cluster, one scenario. */
export function scenarioText(spec: ScenarioSpec, protocol: Protocol, options: ScenarioTextOptions = {}): string {
  const pr = new Printer(protocol);
  const v = protocol.vocabulary;
  const lines: string[] = [];
  for (const h of options.header ?? []) lines.push(h === '' ? '//' : `// ${h}`);
  const cluster = `${protocol.name.replace(/[^A-Za-z0-9_]/g, '_')}_cluster`;
  lines.push(`cluster ${cluster}: ${protocol.name} {`);
  if (spec.nodes.length > 0) lines.push(`  nodes ${nodeListText(spec.nodes)}`);
  for (const p of v.params) {
    if ((p.scope ?? 'cluster') !== 'cluster') continue;
    const value = spec.params[p.name];
    if (value === undefined || jsonEqual(value as Json, p.default as Json)) continue;
    lines.push(`  ${p.name} ${paramText(p, value)}`);
  }
  for (const n of spec.nodes) {
    const own = v.params.filter((p) => p.scope === 'node' && spec.nodeParams[n]?.[p.name] !== undefined && !jsonEqual(spec.nodeParams[n]![p.name] as Json, p.default as Json));
    if (own.length > 0) lines.push(`  node ${nodeText(n)} { ${own.map((p) => `${p.name} ${paramText(p, spec.nodeParams[n]![p.name]!)}`).join('  ')} }`);
  }
  lines.push('}', '', `scenario ${stringText(spec.name)} {`, `  use ${cluster}`, `  seed ${spec.seed}`);

  const net = spec.network;
  const netLines = linkSettings(net, DEFAULT_NETWORK);
  if (net.reorder !== DEFAULT_NETWORK.reorder || net.reorderWindow !== DEFAULT_NETWORK.reorderWindow) netLines.push(`reorder ${percentText(net.reorder)} window ${durationText(net.reorderWindow)}`);
  for (const l of net.links) netLines.push(`link ${nodeText(l.from)} -> ${nodeText(l.to)} { ${[...linkSettings(l.spec), ...(l.spec.reorder !== undefined ? [`reorder ${percentText(l.spec.reorder)}`] : [])].join('  ')} }`);
  if (netLines.length > 0) lines.push(`  network {`, ...netLines.map((l) => `    ${l}`), '  }');
  const st = spec.storage;
  const perNode = Object.entries(st.perNode ?? {});
  if (st.latency.kind !== 'fixed' || st.latency.value !== 0 || perNode.length > 0) {
    lines.push('  storage {');
    if (st.latency.kind !== 'fixed' || st.latency.value !== 0) lines.push(`    latency ${distributionText(st.latency)}`);
    for (const [n, d] of perNode) lines.push(`    latency ${distributionText(d)} on ${nodeText(n)}`);
    lines.push('  }');
  }
  if (spec.actions.length > 0) lines.push('');
  spec.actions.forEach((a, k) => {
    // `after D` counts from the line before (the compiler resolved it when that line's time was fixed).
    const time = `${durationText(a.at)}${a.atMax !== undefined ? `..${durationText(a.atMax)}` : ''}`;
    const when = a.every === undefined ? `${a.after !== undefined ? 'after' : 'at'} ${time}` : `every ${durationText(a.every)}${a.at > 0 ? ` from ${durationText(a.at)}` : ''}${a.until !== undefined ? ` until ${durationText(a.until)}` : ''}`;
    const note = options.actionNotes?.get(k);
    lines.push(`  ${when} ${pr.action(a.action)}${note !== undefined ? `   // ${note}` : ''}`);
  });
  if (spec.rules.length > 0) lines.push('');
  spec.rules.forEach((r, k) => {
    const note = options.ruleNotes?.get(k);
    lines.push(`  ${pr.rule(r)}${note !== undefined ? `   // ${note}` : ''}`);
  });
  if ((spec.measures ?? []).length > 0) lines.push('');
  for (const m of spec.measures ?? []) lines.push(`  ${pr.measure(m)}`);
  const run = spec.run;
  lines.push('');
  if (run.until !== undefined) lines.push(`  run until ${durationText(run.until)}`);
  else if (run.untilCondition !== undefined) lines.push(`  run until ${pr.condition(run.untilCondition)}${run.maxTime !== DEFAULT_MAX_TIME ? ` max ${durationText(run.maxTime)}` : ''}`);
  if (run.maxEvents !== DEFAULT_MAX_EVENTS) lines.push(`  max events ${run.maxEvents}`);
  if (spec.expectations.length > 0) lines.push('');
  for (const e of spec.expectations) lines.push(`  ${pr.expectation(e)}`);
  if (spec.explore !== undefined) lines.push('', '  explore {', ...exploreLines(spec.explore).map((l) => `    ${l}`), '  }');
  lines.push('}', '');
  return lines.join('\n');
}
