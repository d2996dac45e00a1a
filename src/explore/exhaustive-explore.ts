/**
 * The exhaustive search from a scenario to its shortest counterexample,
 * shared by `protocol-playground explore --exhaustive` (src/cli/explore.ts)
 * and VS Code's *Explore exhaustively* (src/extension/explore-worker.ts):
 *
 * 1. the budget: the scenario's `explore { … }` block under what the caller
 *    was told (budget.ts `exhaustiveLimits`), the storage model following
 *    the scenario's storage where neither says (exhaustive.ts `storageOf`);
 * 2. the breadth-first search (exhaustive.ts);
 * 3. on a violation, its path timed as a scenario (concretize.ts), printed
 *    with a header that lists the path, compiled and run as `run` would to
 *    check that it fails the same check (counterexample.ts `verifyText`),
 *    and that run's trace.
 *
 * Writing the two files is the caller's: the CLI writes to disk beside the
 * scenario (or to --out), VS Code through its file system API.
 */
import { formatTime } from '../engine/conditions.js';
import type { ScenarioSpec } from '../engine/spec.js';
import { protocols } from '../protocols/registry.js';
import { traceOf } from '../runner/run.js';
import { stringifyTrace } from '../trace/write.js';
import { exhaustiveLimits, EXHAUSTIVE_PARTS, type ExhaustiveLimits, type ExhaustivePart, type ExploreOverrides, type Origin } from './budget.js';
import { prepareBase, type ExpectMode } from './candidate.js';
import { concretize } from './concretize.js';
import { verifyText } from './counterexample.js';
import { describeStep, exhaustive, storageOf, type ExhaustiveResult, type ExhaustiveStats, type SearchStorage } from './exhaustive.js';
import { scenarioText } from './scenario-text.js';

/** The budget searched with: the storage model settled. */
export interface ExhaustivePlan extends ExhaustiveLimits {
  readonly storage: SearchStorage;
}

export interface ExhaustiveFinding {
  readonly check: string;
  readonly message: string;
  /** The shortest path, one numbered line a step (`1. n1's election timer fires`). */
  readonly steps: readonly string[];
  /** The counterexample as a scenario file; absent when the path could not be timed as one (`problem` says why). */
  readonly text?: string;
  /** Whether `run` on `text` fails the same check. */
  readonly reproduces: boolean;
  readonly problem?: string;
  /** The trace of `run` on `text`, as JSON text. */
  readonly trace?: string;
}

export interface ExhaustiveExploration {
  readonly budget: ExhaustivePlan;
  readonly expect: ExpectMode;
  readonly result: ExhaustiveResult;
  readonly finding?: ExhaustiveFinding;
}

export interface ExhaustiveOptions {
  /** How the search was started, for the counterexample's header (`protocol-playground explore FILE --scenario NAME --exhaustive`). */
  readonly command: string;
  /** The expect mode when neither the caller nor the block says (the CLI's and the CodeLens's default: `safety`). */
  readonly expect?: ExpectMode;
  readonly now?: () => number;
  readonly onProgress?: (p: ExhaustiveStats) => void;
  readonly cancel?: { readonly cancelled: boolean };
  /** Called with the budget once it is settled, before the search starts. */
  readonly onStart?: (budget: ExhaustivePlan) => void;
  /** Called when the search has found a violation, before its path is timed and checked (that takes a few runs). */
  readonly onFound?: (r: ExhaustiveResult) => void;
}

export async function exploreExhaustively(spec: ScenarioSpec, over: ExploreOverrides, options: ExhaustiveOptions): Promise<ExhaustiveExploration> {
  const expect: ExpectMode = over.expect ?? spec.explore?.expect ?? options.expect ?? 'safety';
  const protocol = protocols.get(spec.protocol)!;
  const base = prepareBase(spec, protocol, expect).spec;
  const limits = exhaustiveLimits(spec.explore, over);
  const budget: ExhaustivePlan = { ...limits, storage: limits.storage ?? storageOf(base) };
  options.onStart?.(budget);
  const result = exhaustive(base, protocol, {
    ...budget,
    ...(options.now !== undefined ? { now: options.now } : {}),
    ...(options.onProgress !== undefined ? { onProgress: options.onProgress } : {}),
    ...(options.cancel !== undefined ? { cancel: options.cancel } : {}),
  });
  if (result.verdict !== 'violation') return { budget, expect, result };
  options.onFound?.(result);
  const { check, message } = result.finding!;
  const path = result.path!;
  const steps = path.map((st, i) => `${i + 1}. ${describeStep(st)}`);
  const c = concretize(base, protocol, budget, path, check);
  if (!c.ok) return { budget, expect, result, finding: { check, message, steps, reproduces: false, problem: `the path could not be timed as a scenario: ${c.problem}` } };
  const named = { ...c.spec, name: `${spec.name} (exhaustive: ${check})` };
  const header = [
    `The shortest counterexample found by \`${options.command}\``,
    `(${result.unique} states, depth ${path.length}): ${check} fails — ${message}`,
    '',
    'The path, in the order the search took it:',
    ...steps.map((x) => `  ${x}`),
    '',
    'Timed for the simulator: each step at its own instant, every message held until the step that',
    'delivers it (or dropped), every timer made due at its step by a drift on the node just before',
    'the handler that arms it' + (budget.storage === 'latency' ? ', every write as long as it takes to complete at its step.' : '.'),
    '`protocol-playground run` on this file reproduces the violation.',
  ];
  const ce = await verifyText(scenarioText(named, protocol, { header, actionNotes: c.actionNotes, ruleNotes: c.ruleNotes }), protocol, check);
  return {
    budget, expect, result,
    finding: {
      check, message, steps, text: ce.text, reproduces: ce.reproduces, ...(ce.problem !== undefined ? { problem: ce.problem } : {}),
      ...(ce.outcome !== undefined ? { trace: stringifyTrace(traceOf(ce.outcome, ce.text)) } : {}),
    },
  };
}

/** `lockstep network, instant storage, depth ≤ 30, crash ≤ 2, restart ≤ 1, duplicate ≤ 0, timers ≤ 4, 150000 states`: the budget in one line. */
export function planText(b: Omit<ExhaustivePlan, 'from'>): string {
  return `${b.network} network, ${b.storage} storage, depth ≤ ${b.depth}, crash ≤ ${b.crash}, restart ≤ ${b.restart}, duplicate ≤ ${b.duplicate}`
    + `${b.timers !== undefined ? `, timers ≤ ${b.timers}` : ''}, ${b.maxStates} states${b.timeMs !== undefined ? `, ${formatTime(Math.round(b.timeMs * 1000))}` : ''}`;
}

/** The parts of the budget that came from `origin` (`depth`, `max states`, …), in block order. */
export function partsFrom(b: Pick<ExhaustivePlan, 'from'>, origin: Origin): ExhaustivePart[] {
  return EXHAUSTIVE_PARTS.filter((p) => b.from[p] === origin);
}

/**
 * A search that found nothing, in words: `complete` (every state within the
 * depth bound explored) or `bounded` and which budget stopped it.
 */
export function verdictText(r: Pick<ExhaustiveResult, 'verdict' | 'stoppedBy' | 'depth' | 'unique'>, b: Pick<ExhaustivePlan, 'depth' | 'maxStates' | 'timeMs'>): string {
  if (r.verdict === 'complete') return `complete: no violation within depth ${b.depth} (every state explored)`;
  const what = r.stoppedBy === 'states' ? `the state budget (${b.maxStates} states)`
    : r.stoppedBy === 'time' ? `the time budget (${formatTime(Math.round((b.timeMs ?? 0) * 1000))})`
      : 'a cancel';
  return `bounded: no violation in ${r.unique} states; ${what} stopped the search at depth ${r.depth} of ${b.depth}`;
}
