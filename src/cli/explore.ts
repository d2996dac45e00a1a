/**
 * `protocol-playground explore FILE --scenario NAME`: find what no scenario
 * scripted. Runs the scenario many times, each with a fresh seed and a
 * random fault schedule from the fault budget, on every core
 * (src/workers/explore-parallel.ts); at the first violation it shrinks the
 * run (src/explore/shrink.ts) and writes it as a scenario file, checked to
 * reproduce with `run`, plus its trace.
 *
 *   --runs N | --time T     the budget (default 1000 runs)
 *   --faults LIST           kinds, each optionally capped: crash=2,restart,partition
 *   --max-faults N          faults per run, all kinds together (default 4)
 *   --seed S                the search seed (default 1): run k is the same on every machine
 *   --shard I/N             run only the indices k with k mod N = I-1
 *   --workers N             threads (default: every core)
 *   --expect safety|all     which expect lines count (default safety)
 *   --out DIR               where the counterexample goes (default: beside FILE)
 *   --json                  one JSON document on stdout (progress stays on stderr)
 *   --merge A.json B.json…  the smallest counterexample of several shards' --json
 *
 * The scenario's `explore { … }` block may set the same budget (faults,
 * max faults, runs, time, seed, expect; depth, max states, timers for
 * --exhaustive); a flag on the command line overrides its line
 * (src/explore/budget.ts).
 *
 * Exit status: 0 nothing found, 1 a counterexample (its path is printed),
 * 2 bad file or usage.
 */
import { mkdirSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import type { ScenarioSpec } from '../engine/spec.js';
import { formatTime } from '../engine/conditions.js';
import { prepareBase, type Candidate, type ExpectMode, type Finding } from '../explore/candidate.js';
import { findingText, shrinkFound } from '../explore/counterexample.js';
import type { ExhaustiveResult, SearchNetwork, SearchStorage } from '../explore/exhaustive.js';
import { exploreExhaustively, planText, verdictText, type ExhaustivePlan } from '../explore/exhaustive-explore.js';
import { FAULT_KINDS, describeFault, type Fault, type FaultKind } from '../explore/faults.js';
import { CLI_DEFAULTS, randomBudget, type ExploreOverrides, type Origin, type RandomBudget } from '../explore/budget.js';
import type { FaultAllowance } from '../engine/spec.js';
import type { SearchPlan } from '../explore/search.js';
import { protocols } from '../protocols/registry.js';
import { exploreParallel, type ExploreOutcome } from '../workers/explore-parallel.js';
import { defaultWorkers } from '../workers/pool.js';
import { UsageError, parseCountFlag, parseDurationFlag, parseSeed } from './args.js';
import { FileError, loadScenarioFile, readTextFile } from './load.js';
import { slug } from './report.js';

export const EXIT_NOTHING_FOUND = 0;
export const EXIT_FOUND = 1;

type Flags = ReadonlyMap<string, string | true>;
type Write = (path: string, text: string) => void;

/** A flag whose value is one of `choices`; undefined when absent. */
function choiceFlag<T extends string>(flags: Flags, name: string, choices: readonly T[]): T | undefined {
  const v = stringFlag(flags, name);
  if (v === undefined) return undefined;
  if (!(choices as readonly string[]).includes(v)) throw new UsageError(`explore: --${name} must be ${choices.join(' or ')}, not ${JSON.stringify(v)}`);
  return v as T;
}

function stringFlag(flags: Flags, name: string): string | undefined {
  const v = flags.get(name);
  return typeof v === 'string' ? v : undefined;
}

/** `crash=2,restart,partition` → the kinds and their caps (a kind without one may happen up to the faults per run), as an `explore` block's `faults` line says them. */
export function parseFaults(text: string): FaultAllowance[] {
  const out: FaultAllowance[] = [];
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^([a-z]+)(?:=(\d+))?$/.exec(part);
    if (!m || !(FAULT_KINDS as readonly string[]).includes(m[1]!)) throw new UsageError(`explore: --faults takes kinds from ${FAULT_KINDS.join(', ')}, each optionally =N (got "${part}")`);
    out.push({ kind: m[1] as FaultKind, ...(m[2] !== undefined ? { max: Number(m[2]) } : {}) });
  }
  return out;
}

/** The budget flags given on the command line (checked before the file is read); each overrides the scenario's `explore` block. */
function overridesOf(flags: Flags): ExploreOverrides {
  const text = (name: string) => stringFlag(flags, name);
  const count = (name: string, max?: number) => {
    const v = text(name);
    return v === undefined ? undefined : parseCountFlag(name, v, max);
  };
  const o: { -readonly [K in keyof ExploreOverrides]: ExploreOverrides[K] } = {};
  const faults = text('faults');
  if (faults !== undefined) o.faults = parseFaults(faults);
  const time = text('time');
  if (time !== undefined) o.timeMs = parseDurationFlag('time', time);
  const seed = text('seed');
  if (seed !== undefined) o.seed = parseSeed(seed);
  const expect = text('expect');
  if (expect !== undefined && expect !== 'safety' && expect !== 'all') throw new UsageError(`explore: --expect is safety or all (got "${expect}")`);
  if (expect !== undefined) o.expect = expect;
  const network = choiceFlag(flags, 'network', ['async', 'lockstep'] as const);
  if (network !== undefined) o.network = network;
  const storage = choiceFlag(flags, 'storage', ['instant', 'latency'] as const);
  if (storage !== undefined) o.storage = storage;
  const counts = { maxFaults: count('max-faults', 1000), runs: count('runs'), depth: count('depth', 1000), maxStates: count('max-states'), timers: count('timers', 1000) };
  for (const [k, v] of Object.entries(counts) as [keyof typeof counts, number | undefined][]) if (v !== undefined) o[k] = v;
  return o;
}

export function parseShard(text: string | undefined): { index: number; count: number } {
  if (text === undefined) return { index: 0, count: 1 };
  const m = /^(\d+)\/(\d+)$/.exec(text);
  if (!m || Number(m[2]) < 1 || Number(m[1]) < 1 || Number(m[1]) > Number(m[2])) throw new UsageError(`explore: --shard is I/N with 1 ≤ I ≤ N, e.g. 2/8 (got "${text}")`);
  return { index: Number(m[1]) - 1, count: Number(m[2]) };
}

/** What --json prints, and what --merge reads back. */
export interface ExploreReport {
  readonly file: string;
  readonly scenario: string;
  readonly protocol: string;
  readonly searchSeed: number;
  readonly shard: string;
  readonly workers: number;
  readonly runs: number;
  readonly events: number;
  readonly seconds: number;
  readonly runsPerSecond: number;
  /** The budget the search ran with, and where each part came from (flag, the scenario's explore block, or the default). */
  readonly budget?: BudgetReport;
  readonly found: boolean;
  readonly finding?: {
    readonly run: number;
    readonly check: string;
    readonly message: string;
    readonly timeUs: number;
    readonly faults: readonly string[];
    readonly shrunk: { readonly faults: readonly string[]; readonly runs: number; readonly complete: boolean; readonly size: readonly number[] };
    readonly reproduces: boolean;
    readonly problem?: string;
    readonly scenarioPath: string;
    readonly tracePath?: string;
    /** The counterexample's text, so a merge step can pick and write it without the shard's files. */
    readonly text: string;
  };
}

export async function exploreCommand(paths: readonly string[], flags: Flags, write: Write): Promise<number> {
  if (flags.has('merge')) return mergeCommand(paths, flags, write);
  if (paths.length !== 1) throw new UsageError('explore: name exactly one scenario file');
  const over = overridesOf(flags);
  const workersFlag = stringFlag(flags, 'workers');
  const workers = workersFlag === undefined ? defaultWorkers() : parseCountFlag('workers', workersFlag, 1024);
  const shard = parseShard(stringFlag(flags, 'shard'));
  const json = flags.has('json');

  const file = await loadScenarioFile(paths[0]!);
  const errors = file.compiled.diagnostics.filter((d) => d.severity === 'error');
  for (const d of errors) process.stderr.write(`${file.display}:${d.line}:${d.col}: ${d.severity}: ${d.message}\n`);
  if (errors.length > 0 || !file.compiled.ok) return 2;
  const spec = pickScenario(file.compiled.file.scenarios, stringFlag(flags, 'scenario'), file.display);
  if (flags.has('exhaustive')) return exhaustiveCommand(spec, file.display, stringFlag(flags, 'out') ?? dirname(file.path), flags, write, over);
  const budget = randomBudget(spec.explore, over, CLI_DEFAULTS);
  const plan: SearchPlan = { spec, budget: budget.faults, searchSeed: budget.seed, expect: budget.expect };
  const out = stringFlag(flags, 'out') ?? dirname(file.path);
  const command = `protocol-playground explore ${file.display} --scenario ${JSON.stringify(spec.name)}${over.seed !== undefined ? ` --seed ${budget.seed}` : ''}${shard.count > 1 ? ` --shard ${shard.index + 1}/${shard.count}` : ''}`;

  const progress = progressLine(process.stderr.isTTY === true);
  const outcome = await exploreParallel(plan, {
    workers, script: join(__dirname, 'search-worker.cjs'), shard, now: () => performance.now(),
    ...(budget.runs !== undefined ? { runs: budget.runs } : {}), ...(budget.timeMs !== undefined ? { timeMs: budget.timeMs } : {}),
    onProgress: (p) => progress(`explore: ${p.runs} runs · ${rate(p.runs, p.seconds)} runs/s · ${p.violations} violation${p.violations === 1 ? '' : 's'} · ${p.seconds.toFixed(1)} s`),
  });
  progress(undefined);
  const report = await finish(outcome, plan, { file: file.display, out, command, workers, shard, write, progress, budget: budgetReport(budget) });
  if (json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else process.stdout.write(summary(report) + '\n');
  return report.found ? EXIT_FOUND : EXIT_NOTHING_FOUND;
}

/** What --exhaustive prints with --json. */
export interface ExhaustiveReport {
  readonly file: string;
  readonly scenario: string;
  readonly protocol: string;
  readonly mode: 'exhaustive';
  readonly budget: {
    readonly depth: number; readonly maxStates: number; readonly crash: number; readonly restart: number; readonly duplicate: number; readonly timers: number | null;
    readonly network: SearchNetwork; readonly storage: SearchStorage;
  };
  readonly verdict: ExhaustiveResult['verdict'];
  /** What stopped a `bounded` search: its state budget, its time budget. */
  readonly stoppedBy?: ExhaustiveResult['stoppedBy'];
  readonly explored: number;
  readonly unique: number;
  readonly transitions: number;
  readonly depth: number;
  readonly seconds: number;
  readonly statesPerSecond: number;
  readonly found: boolean;
  readonly finding?: {
    readonly check: string;
    readonly message: string;
    readonly steps: readonly string[];
    readonly reproduces: boolean;
    readonly problem?: string;
    readonly scenarioPath?: string;
    readonly tracePath?: string;
    readonly text?: string;
  };
}

async function exhaustiveCommand(spec: ScenarioSpec, display: string, out: string, flags: Flags, write: Write, over: ExploreOverrides): Promise<number> {
  const progress = progressLine(process.stderr.isTTY === true);
  const x = await exploreExhaustively(spec, over, {
    command: `protocol-playground explore ${display} --scenario ${JSON.stringify(spec.name)} --exhaustive`,
    expect: CLI_DEFAULTS.expect, now: () => performance.now(),
    onProgress: (p) => progress(`exhaustive: depth ${p.depth} · ${p.unique} states · ${rate(p.unique, p.seconds)} states/s · ${p.seconds.toFixed(1)} s`),
  });
  progress(undefined);
  const { budget, result: r } = x;
  const head: ExhaustiveReport = {
    file: display, scenario: spec.name, protocol: spec.protocol, mode: 'exhaustive',
    budget: { depth: budget.depth, maxStates: budget.maxStates, crash: budget.crash, restart: budget.restart, duplicate: budget.duplicate, timers: budget.timers ?? null, network: budget.network, storage: budget.storage },
    verdict: r.verdict, ...(r.stoppedBy !== undefined ? { stoppedBy: r.stoppedBy } : {}), explored: r.explored, unique: r.unique, transitions: r.transitions, depth: r.depth,
    seconds: Number(r.seconds.toFixed(3)), statesPerSecond: r.seconds > 0 ? Math.round(r.unique / r.seconds) : 0, found: false,
  };
  let report = head;
  if (x.finding !== undefined) {
    const { text, trace, ...f } = x.finding;
    let finding: NonNullable<ExhaustiveReport['finding']> = f;
    if (text !== undefined) {
      mkdirSync(out, { recursive: true });
      const stem = join(relative(process.cwd(), out) || '.', `${slug(spec.name)}.counterexample`);
      write(`${stem}.scenario`, text);
      if (trace !== undefined) write(`${stem}.trace.json`, trace);
      finding = { ...f, scenarioPath: `${stem}.scenario`, ...(trace !== undefined ? { tracePath: `${stem}.trace.json` } : {}), text };
    }
    report = { ...head, found: true, finding };
  }
  if (flags.has('json')) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else process.stdout.write(exhaustiveSummary(report, budget, r) + '\n');
  return report.found ? EXIT_FOUND : EXIT_NOTHING_FOUND;
}

function exhaustiveSummary(r: ExhaustiveReport, plan: ExhaustivePlan, result: ExhaustiveResult): string {
  const lines = [`${r.file} "${r.scenario}" exhaustive (${planText(plan)}): ${r.unique} states (${r.explored} explored, ${r.transitions} transitions) in ${r.seconds.toFixed(1)} s, ${r.statesPerSecond} states/s, depth ${r.depth}`];
  const f = r.finding;
  if (f === undefined) {
    lines.push(verdictText(result, plan) + (r.verdict === 'bounded' ? ' (raise --max-states or --time)' : ''));
    return lines.join('\n');
  }
  lines.push(`found: ${f.check} fails after ${f.steps.length} steps — ${f.message}`);
  for (const st of f.steps) lines.push(`  ${st}`);
  if (!f.reproduces) lines.push(`warning: ${f.problem ?? 'the written scenario does not reproduce the violation'}`);
  if (f.scenarioPath !== undefined) {
    lines.push(`counterexample: ${f.scenarioPath}`);
    if (f.tracePath !== undefined) lines.push(`trace: ${f.tracePath}`);
    lines.push(`reproduce: protocol-playground run ${f.scenarioPath}`);
  }
  return lines.join('\n');
}

function pickScenario(scenarios: readonly ScenarioSpec[], name: string | undefined, display: string): ScenarioSpec {
  if (name !== undefined) {
    const s = scenarios.find((x) => x.name === name);
    if (s === undefined) throw new UsageError(`explore: ${display} has no scenario named "${name}" (it has ${scenarios.map((x) => `"${x.name}"`).join(', ') || 'none'})`);
    return s;
  }
  if (scenarios.length === 1) return scenarios[0]!;
  throw new UsageError(`explore: ${display} has ${scenarios.length} scenarios; name one with --scenario (${scenarios.map((x) => `"${x.name}"`).join(', ')})`);
}

function rate(runs: number, seconds: number): string {
  return seconds > 0 ? String(Math.round(runs / seconds)) : '-';
}

/** One progress line on stderr: rewritten in place on a terminal, every few seconds otherwise (CI logs). */
function progressLine(tty: boolean): (text: string | undefined) => void {
  let last = 0;
  let shown = false;
  return (text) => {
    if (text === undefined) {
      if (tty && shown) process.stderr.write('\n');
      shown = false;
      return;
    }
    const now = performance.now();
    if (tty) {
      process.stderr.write(`\r${text}\x1b[K`);
      shown = true;
    } else if (now - last >= 5000) {
      process.stderr.write(`${text}\n`);
      last = now;
    }
  };
}

/** The budget as --json reports it: runs and ms (null: no bound), the faults per run, each kind's cap, and where each part came from. */
export interface BudgetReport {
  readonly runs: number | null;
  readonly timeMs: number | null;
  readonly maxFaults: number;
  readonly faults: Readonly<Partial<Record<FaultKind, number>>>;
  readonly seed: number;
  readonly expect: ExpectMode;
  readonly from: RandomBudget['from'];
}

function budgetReport(b: RandomBudget): BudgetReport {
  return { runs: b.runs ?? null, timeMs: b.timeMs ?? null, maxFaults: b.faults.max, faults: b.faults.kinds, seed: b.seed, expect: b.expect, from: b.from };
}

const PART_NAMES: Readonly<Record<keyof BudgetReport['from'], string>> = { faults: 'faults', maxFaults: 'max faults', limit: 'runs/time', seed: 'seed', expect: 'expect' };

/** `budget: 200 runs or 1min · up to 3 faults per run: crash ≤ 2, partition ≤ 1, heal · expect safety (explore block: faults, runs/time; command line: max faults)`. */
function budgetLine(b: BudgetReport): string {
  const limit = [b.runs !== null ? `${b.runs} runs` : '', b.timeMs !== null ? formatTime(Math.round(b.timeMs * 1000)) : ''].filter(Boolean).join(' or ') || 'no bound';
  const kinds = FAULT_KINDS.filter((k) => (b.faults[k] ?? 0) > 0);
  const every = kinds.length === FAULT_KINDS.length && kinds.every((k) => b.faults[k]! >= b.maxFaults);
  const faults = every ? 'any kind' : kinds.map((k) => (b.faults[k]! < b.maxFaults ? `${k} ≤ ${b.faults[k]}` : k)).join(', ') || 'none';
  const parts = (origin: Origin) => (Object.keys(PART_NAMES) as (keyof BudgetReport['from'])[]).filter((k) => b.from[k] === origin).map((k) => PART_NAMES[k]);
  const sources: string[] = [];
  if (parts('block').length > 0) sources.push(`explore block: ${parts('block').join(', ')}`);
  if (parts('flag').length > 0) sources.push(`command line: ${parts('flag').join(', ')}`);
  return `budget: ${limit} · up to ${b.maxFaults} fault${b.maxFaults === 1 ? '' : 's'} per run: ${faults} · expect ${b.expect}${sources.length > 0 ? ` (${sources.join('; ')})` : ''}`;
}

interface FinishContext {
  readonly budget: BudgetReport;
  readonly file: string;
  readonly out: string;
  readonly command: string;
  readonly workers: number;
  readonly shard: { index: number; count: number };
  readonly write: Write;
  readonly progress: (text: string | undefined) => void;
}

async function finish(outcome: ExploreOutcome, plan: SearchPlan, ctx: FinishContext): Promise<ExploreReport> {
  const head = {
    file: ctx.file, scenario: plan.spec.name, protocol: plan.spec.protocol, searchSeed: plan.searchSeed,
    shard: `${ctx.shard.index + 1}/${ctx.shard.count}`, workers: ctx.workers, runs: outcome.runs, events: outcome.events,
    seconds: Number(outcome.seconds.toFixed(3)), runsPerSecond: outcome.seconds > 0 ? Math.round(outcome.runs / outcome.seconds) : 0, budget: ctx.budget,
  };
  const found = outcome.found;
  if (found === undefined) return { ...head, found: false };
  const base = prepareBase(plan.spec, protocols.get(plan.spec.protocol)!, plan.expect);
  const { shrunk, size, counterexample: ce, trace } = await shrinkFound(base, found, { command: ctx.command, searchSeed: plan.searchSeed }, (n) => ctx.progress(`shrinking: ${n} runs`));
  ctx.progress(undefined);
  mkdirSync(ctx.out, { recursive: true });
  const stem = join(relative(process.cwd(), ctx.out) || '.', `${slug(plan.spec.name)}.counterexample`);
  const scenarioPath = `${stem}.scenario`;
  ctx.write(scenarioPath, ce.text);
  let tracePath: string | undefined;
  if (trace !== undefined) {
    tracePath = `${stem}.trace.json`;
    ctx.write(tracePath, trace);
  }
  return { ...head, found: true, finding: findingReport(found.k, found.finding, found.faults, shrunk, size, ce, scenarioPath, tracePath) };
}

function findingReport(run: number, finding: Finding, original: readonly Fault[], shrunk: { candidate: Candidate; finding: Finding; runs: number; complete: boolean }, size: readonly number[], ce: { text: string; reproduces: boolean; problem?: string }, scenarioPath: string, tracePath: string | undefined): NonNullable<ExploreReport['finding']> {
  return {
    run, check: finding.check, message: findingText(shrunk.finding), timeUs: shrunk.finding.time, faults: original.map(describeFault),
    shrunk: { faults: shrunk.candidate.faults.map(describeFault), runs: shrunk.runs, complete: shrunk.complete, size },
    reproduces: ce.reproduces, ...(ce.problem !== undefined ? { problem: ce.problem } : {}),
    scenarioPath, ...(tracePath !== undefined ? { tracePath } : {}), text: ce.text,
  };
}

function summary(r: ExploreReport): string {
  const lines = [`${r.file} "${r.scenario}": ${r.runs} runs in ${r.seconds.toFixed(1)} s (${r.runsPerSecond} runs/s on ${r.workers} worker${r.workers === 1 ? '' : 's'}${r.shard !== '1/1' ? `, shard ${r.shard}` : ''}, search seed ${r.searchSeed})`];
  if (r.budget !== undefined) lines.push(budgetLine(r.budget));
  const f = r.finding;
  if (f === undefined) {
    lines.push('no violation found');
    return lines.join('\n');
  }
  lines.push(`found: ${f.check} fails in run ${f.run} (${f.faults.length} fault${f.faults.length === 1 ? '' : 's'})`);
  lines.push(`shrunk in ${f.shrunk.runs} runs${f.shrunk.complete ? '' : ' (stopped at the shrink budget)'} to ${f.shrunk.faults.length} fault${f.shrunk.faults.length === 1 ? '' : 's'}, failing at ${formatTime(f.timeUs)}: ${f.message}`);
  for (const d of f.shrunk.faults) lines.push(`  ${d}`);
  if (!f.reproduces) lines.push(`warning: ${f.problem ?? 'the written scenario does not reproduce the violation'}`);
  lines.push(`counterexample: ${f.scenarioPath}`);
  if (f.tracePath !== undefined) lines.push(`trace: ${f.tracePath}`);
  lines.push(`reproduce: protocol-playground run ${f.scenarioPath}`);
  return lines.join('\n');
}

/**
 * `explore --merge A.json B.json …`: the shards' --json reports (one
 * document each) → the smallest counterexample among them (fewest faults,
 * then fewest client operations, then the earliest failure, then the
 * lowest run index), written to --out (default: beside the first report).
 */
async function mergeCommand(paths: readonly string[], flags: Flags, write: Write): Promise<number> {
  if (paths.length === 0) throw new UsageError('explore --merge: name the shards\' --json reports');
  const reports: ExploreReport[] = [];
  for (const p of paths) {
    const text = readTextFile(p);
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      throw new FileError(`${p}: not JSON (${e instanceof Error ? e.message : String(e)})`);
    }
    if (doc === null || typeof doc !== 'object' || typeof (doc as ExploreReport).runs !== 'number' || typeof (doc as ExploreReport).found !== 'boolean') {
      throw new FileError(`${p}: not an explore --json report`);
    }
    reports.push(doc as ExploreReport);
  }
  const runs = reports.reduce((n, r) => n + r.runs, 0);
  const found = reports.filter((r) => r.found && r.finding !== undefined);
  const best = found.sort((a, b) => compareSize(a.finding!.shrunk.size, b.finding!.shrunk.size) || a.finding!.run - b.finding!.run)[0];
  const json = flags.has('json');
  if (best === undefined) {
    const doc = { merged: reports.length, runs, found: false };
    process.stdout.write(json ? JSON.stringify(doc, null, 2) + '\n' : `${reports.length} shard report(s), ${runs} runs: no violation found\n`);
    return EXIT_NOTHING_FOUND;
  }
  const out = stringFlag(flags, 'out') ?? dirname(paths[0]!);
  mkdirSync(out, { recursive: true });
  const path = join(out, basename(best.finding!.scenarioPath));
  write(path, best.finding!.text);
  const doc = { merged: reports.length, runs, found: true, from: { shard: best.shard, run: best.finding!.run }, check: best.finding!.check, size: best.finding!.shrunk.size, scenarioPath: path };
  process.stdout.write(json ? JSON.stringify(doc, null, 2) + '\n'
    : `${reports.length} shard report(s), ${runs} runs, ${found.length} with a counterexample; the smallest (shard ${best.shard}, run ${best.finding!.run}): ${best.finding!.check}, ${best.finding!.shrunk.faults.length} fault(s)\ncounterexample: ${relative(process.cwd(), path) || path}\nreproduce: protocol-playground run ${relative(process.cwd(), path) || path}\n`);
  return EXIT_FOUND;
}

function compareSize(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}
