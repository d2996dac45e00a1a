/**
 * A shrunk finding as a scenario file: the candidate's spec printed as text
 * (scenario-text.ts), with a header saying where it came from and what
 * fails, then checked the way a user would check it — compiled from that
 * text and run with `run` — so the file written is known to reproduce the
 * violation.
 */
import { parseAndCompile } from '../dsl/compile.js';
import type { Protocol } from '../engine/protocol.js';
import { runScenario, traceOf, type ScenarioOutcome } from '../runner/run.js';
import { stringifyTrace } from '../trace/write.js';
import { formatTime } from '../engine/conditions.js';
import { candidateSpec, emptyCandidate, findingOf, sizeOf, type Candidate, type ExploreBase, type Finding } from './candidate.js';
import type { FoundRun } from './search.js';
import { shrink, type ShrinkResult } from './shrink.js';
import { describeFault, type Fault } from './faults.js';
import { scenarioText } from './scenario-text.js';

/** A finding's message without the "X violated at T:" the header already says. */
export function findingText(f: Finding): string {
  const prefix = `${f.check} violated at `;
  const text = f.message.startsWith(prefix) && f.message.includes(': ') ? f.message.slice(f.message.indexOf(': ') + 2) : f.message;
  return text.replace(/\s+/g, ' ');
}

export interface Provenance {
  /** How it was found, e.g. `protocol-playground explore examples/raft/explore.scenario --scenario "explore"`. */
  readonly command: string;
  readonly searchSeed: number;
  /** The run index that found it. */
  readonly run: number;
  /** The faults before shrinking. */
  readonly original: readonly Fault[];
  readonly shrinkRuns: number;
}

export interface Counterexample {
  readonly text: string;
  /** The run of the text as compiled: its trace is the counterexample's trace. */
  readonly outcome: ScenarioOutcome | undefined;
  /** Whether running the text fails the same check. */
  readonly reproduces: boolean;
  /** Why it does not, when it does not. */
  readonly problem?: string;
}

export async function counterexample(base: ExploreBase, c: Candidate, finding: Finding, from: Provenance, file?: string): Promise<Counterexample> {
  const spec = candidateSpec(base, c);
  const named = { ...spec, name: `${base.spec.name} (explore: ${finding.check})` };
  const header = [
    `Found by \`${from.command}\``,
    `(search seed ${from.searchSeed}, run ${from.run}) with ${from.original.length} fault(s), shrunk to ${c.faults.length} in ${from.shrinkRuns} runs.`,
    `${finding.check} fails at ${formatTime(finding.time)}: ${findingText(finding)}`,
    '',
    `Faults: ${c.faults.length === 0 ? 'none (the scenario fails as it is)' : c.faults.map(describeFault).join('; ')}.`,
    '`protocol-playground run` on this file reproduces it: the expect line for that check fails.',
  ];
  return verifyText(scenarioText(named, base.protocol, { header }), base.protocol, finding.check, file);
}

/** Compiles a counterexample's text and runs it as `run` would: does it fail `check`? */
export async function verifyText(text: string, protocol: Protocol, check: string, file?: string): Promise<Counterexample> {
  const protocols = new Map([[protocol.name, protocol]]);
  const compiled = await parseAndCompile(text, { protocols, ...(file !== undefined ? { file } : {}) });
  const errors = compiled.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0 || compiled.file.scenarios.length !== 1) {
    return { text, outcome: undefined, reproduces: false, problem: `the printed scenario does not compile: ${errors.map((e) => `${e.line}:${e.col} ${e.message}`).join('; ')}` };
  }
  const outcome = runScenario(compiled.file.scenarios[0]!, { protocols });
  const again = findingOf(outcome);
  if (again === null || again.check !== check) {
    return { text, outcome, reproduces: false, problem: `running the printed scenario ${again === null ? 'fails no check' : `fails ${again.check} instead`}` };
  }
  return { text, outcome, reproduces: true };
}

export interface ShrunkFinding {
  readonly shrunk: ShrinkResult;
  /** The shrunk run's size (faults, client operations, …): what `--merge` compares. */
  readonly size: readonly number[];
  readonly counterexample: Counterexample;
  /** The counterexample's trace as JSON text (absent when its text did not compile). */
  readonly trace?: string;
}

/**
 * What the CLI and the VS Code command both do with a search's first
 * finding: shrink it, print it as a scenario file checked to reproduce,
 * and render that run's trace.
 */
export async function shrinkFound(base: ExploreBase, found: FoundRun, from: { command: string; searchSeed: number }, onRun?: (runs: number) => void): Promise<ShrunkFinding> {
  const shrunk = shrink(base, emptyCandidate(found.seed, found.faults), found.finding, onRun === undefined ? {} : { onRun });
  const ce = await counterexample(base, shrunk.candidate, shrunk.finding, { ...from, run: found.k, original: found.faults, shrinkRuns: shrunk.runs });
  return {
    shrunk,
    size: sizeOf(base, shrunk.candidate, shrunk.finding),
    counterexample: ce,
    ...(ce.outcome !== undefined ? { trace: stringifyTrace(traceOf(ce.outcome, ce.text)) } : {}),
  };
}
