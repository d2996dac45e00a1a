/**
 * The explore worker (bundled alone as dist/explore-worker.cjs): the
 * *Explore* and *Explore exhaustively* searches, off the extension host's
 * thread. It loads the scenario file, then
 * - for *Explore* (an ExploreJob), runs random fault schedules across
 *   `job.workers` threads of dist/search-worker.cjs
 *   (src/workers/explore-parallel.ts, the same search as
 *   `protocol-playground explore`), and on the first violation shrinks it
 *   and prints it as a scenario file checked to reproduce
 *   (src/explore/counterexample.ts); the budget is the scenario's `explore`
 *   block over the host's settings (src/explore/budget.ts);
 * - for *Explore exhaustively* (an ExhaustiveJob), runs the breadth-first
 *   search here, on this thread, with the block over the CLI's defaults, and
 *   times the shortest path as a scenario file
 *   (src/explore/exhaustive-explore.ts, the same code as `explore
 *   --exhaustive`).
 * Either tells the host its budget, then reports progress a few times a
 * second; the host's Cancel sets the shared flag. See run-protocol.ts.
 */
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { loadScenarioFile } from '../cli/load.js';
import type { Diagnostic } from '../dsl/compile.js';
import type { ScenarioSpec } from '../engine/spec.js';
import { prepareBase } from '../explore/candidate.js';
import { findingText, shrinkFound } from '../explore/counterexample.js';
import { randomBudget } from '../explore/budget.js';
import { exploreExhaustively, partsFrom, planText, verdictText } from '../explore/exhaustive-explore.js';
import { describeFault } from '../explore/faults.js';
import { protocols } from '../protocols/registry.js';
import { exploreParallel } from '../workers/explore-parallel.js';
import type { ExhaustiveJob, ExhaustiveReport, ExhaustiveWorkerToHost, ExploreJob, ExploreReport, ExploreWorkerToHost, SearchReportHead } from './run-protocol.js';

function post(message: ExploreWorkerToHost | ExhaustiveWorkerToHost): void {
  parentPort?.postMessage(message);
}

/** The host's Cancel: a flag in shared memory. */
function cancelOf(job: { readonly cancel: SharedArrayBuffer }): { readonly cancelled: boolean } {
  const flag = new Int32Array(job.cancel);
  return { get cancelled(): boolean { return Atomics.load(flag, 0) === 1; } };
}

/** The job's scenario, or why there is none: the file has errors, or no scenario of that name. */
async function scenarioOf(job: ExploreJob | ExhaustiveJob): Promise<{ readonly spec: ScenarioSpec; readonly diagnostics: readonly Diagnostic[] } | SearchReportHead> {
  const { compiled } = await loadScenarioFile(job.path);
  if (!compiled.ok || compiled.diagnostics.some((d) => d.severity === 'error')) return { compiled: false, diagnostics: compiled.diagnostics, cancelled: false };
  const spec = compiled.file.scenarios.find((s) => s.name === job.scenario);
  if (spec === undefined) return { compiled: true, diagnostics: compiled.diagnostics, missing: job.scenario, cancelled: false };
  return { spec: { ...spec, file: job.display }, diagnostics: compiled.diagnostics };
}

async function explore(job: ExploreJob): Promise<ExploreReport> {
  const cancel = cancelOf(job);
  const loaded = await scenarioOf(job);
  if (!('spec' in loaded)) return { ...loaded, runs: 0, seconds: 0, workers: job.workers };
  const { spec, diagnostics } = loaded;
  // The scenario's explore block over the settings (the CodeLens has no flags to override it).
  const budget = randomBudget(spec.explore, {}, { runs: job.runs, timeMs: job.timeMs, maxFaults: job.maxFaults, seed: job.searchSeed, expect: 'safety' });
  const plan = { spec, budget: budget.faults, searchSeed: budget.seed, expect: budget.expect };
  const limits = { ...(budget.runs !== undefined ? { runs: budget.runs } : {}), ...(budget.timeMs !== undefined ? { timeMs: budget.timeMs } : {}) };
  post({ type: 'budget', ...limits, maxFaults: budget.faults.max, seed: budget.seed, expect: budget.expect, fromBlock: Object.entries(budget.from).filter(([, o]) => o === 'block').map(([k]) => k) });
  const outcome = await exploreParallel(plan, {
    workers: job.workers, script: join(__dirname, 'search-worker.cjs'), shard: { index: 0, count: 1 },
    ...limits, now: () => performance.now(), cancel,
    onProgress: (p) => post({ type: 'progress', phase: 'search', runs: p.runs, seconds: p.seconds, violations: p.violations }),
  });
  const head = { compiled: true, diagnostics, runs: outcome.runs, seconds: outcome.seconds, workers: job.workers, cancelled: outcome.cancelled };
  const found = outcome.found;
  if (found === undefined) return head;
  const base = prepareBase(plan.spec, protocols.get(spec.protocol)!, plan.expect);
  let last = 0;
  const command = `Explore (VS Code) on ${job.display}, scenario ${JSON.stringify(spec.name)}`;
  const s = await shrinkFound(base, found, { command, searchSeed: budget.seed }, (n) => {
    const now = performance.now();
    if (now - last < 100) return;
    last = now;
    post({ type: 'progress', phase: 'shrink', runs: n, seconds: outcome.seconds, violations: 1 });
  });
  const ce = s.counterexample;
  return {
    ...head,
    found: {
      run: found.k, check: s.shrunk.finding.check, message: findingText(s.shrunk.finding),
      faults: found.faults.map(describeFault), shrunk: s.shrunk.candidate.faults.map(describeFault), shrinkRuns: s.shrunk.runs,
      text: ce.text, reproduces: ce.reproduces, ...(ce.problem !== undefined ? { problem: ce.problem } : {}),
      ...(s.trace !== undefined ? { trace: s.trace } : {}),
    },
  };
}

async function exhaustive(job: ExhaustiveJob): Promise<ExhaustiveReport> {
  const loaded = await scenarioOf(job);
  if (!('spec' in loaded)) return { ...loaded, explored: 0, unique: 0, depth: 0, seconds: 0 };
  const { spec, diagnostics } = loaded;
  // The scenario's explore block over the CLI's defaults (the CodeLens has no flags to override it).
  const x = await exploreExhaustively(spec, {}, {
    command: `Explore exhaustively (VS Code) on ${job.display}, scenario ${JSON.stringify(spec.name)}`,
    now: () => performance.now(), cancel: cancelOf(job),
    onStart: (b) => {
      const { from: _, ...plain } = b;
      post({ type: 'budget', ...plain, text: planText(b), fromBlock: partsFrom(b, 'block') });
    },
    onProgress: (p) => post({ type: 'progress', phase: 'search', depth: p.depth, states: p.unique, seconds: p.seconds }),
    onFound: (r) => post({ type: 'progress', phase: 'timing', check: r.finding!.check, depth: r.path!.length }),
  });
  const r = x.result;
  return {
    compiled: true, diagnostics, cancelled: r.stoppedBy === 'cancel',
    verdict: r.verdict, ...(r.stoppedBy !== undefined ? { stoppedBy: r.stoppedBy } : {}),
    ...(r.verdict !== 'violation' ? { verdictText: verdictText(r, x.budget) } : {}),
    explored: r.explored, unique: r.unique, depth: r.depth, seconds: r.seconds,
    ...(x.finding !== undefined ? { found: x.finding } : {}),
  };
}

const job = workerData as ExploreJob | ExhaustiveJob;
const search = job.kind === 'exhaustive'
  ? exhaustive(job).then((report) => post({ type: 'done', report }))
  : explore(job).then((report) => post({ type: 'done', report }));
search.catch((e: unknown) => post({ type: 'failed', message: e instanceof Error ? e.message : String(e) }));
