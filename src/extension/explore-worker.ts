/**
 * The explore worker (bundled alone as dist/explore-worker.cjs): the
 * *Explore* CodeLens's search, off the extension host's thread. It loads the
 * scenario file, runs random fault schedules across `job.workers` threads
 * of dist/search-worker.cjs (src/workers/explore-parallel.ts, the same
 * search as `protocol-playground explore`), and on the first violation
 * shrinks it and prints it as a scenario file checked to reproduce
 * (src/explore/counterexample.ts). The budget is the scenario's `explore`
 * block over the host's settings (src/explore/budget.ts); the worker tells
 * the host which, then reports progress a few times a second; the host's
 * Cancel sets the shared flag. See run-protocol.ts.
 */
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { loadScenarioFile } from '../cli/load.js';
import { prepareBase } from '../explore/candidate.js';
import { findingText, shrinkFound } from '../explore/counterexample.js';
import { randomBudget } from '../explore/budget.js';
import { describeFault } from '../explore/faults.js';
import { protocols } from '../protocols/registry.js';
import { exploreParallel } from '../workers/explore-parallel.js';
import type { ExploreJob, ExploreReport, ExploreWorkerToHost } from './run-protocol.js';

function post(message: ExploreWorkerToHost): void {
  parentPort?.postMessage(message);
}

async function explore(job: ExploreJob): Promise<ExploreReport> {
  const flag = new Int32Array(job.cancel);
  const cancel = { get cancelled(): boolean { return Atomics.load(flag, 0) === 1; } };
  const loaded = await loadScenarioFile(job.path);
  const { compiled } = loaded;
  const none = { runs: 0, seconds: 0, workers: job.workers, cancelled: false };
  if (!compiled.ok || compiled.diagnostics.some((d) => d.severity === 'error')) return { compiled: false, diagnostics: compiled.diagnostics, ...none };
  const spec = compiled.file.scenarios.find((s) => s.name === job.scenario);
  if (spec === undefined) return { compiled: true, diagnostics: compiled.diagnostics, missing: job.scenario, ...none };
  // The scenario's explore block over the settings (the CodeLens has no flags to override it).
  const budget = randomBudget(spec.explore, {}, { runs: job.runs, timeMs: job.timeMs, maxFaults: job.maxFaults, seed: job.searchSeed, expect: 'safety' });
  const plan = { spec: { ...spec, file: job.display }, budget: budget.faults, searchSeed: budget.seed, expect: budget.expect };
  const limits = { ...(budget.runs !== undefined ? { runs: budget.runs } : {}), ...(budget.timeMs !== undefined ? { timeMs: budget.timeMs } : {}) };
  post({ type: 'budget', ...limits, maxFaults: budget.faults.max, seed: budget.seed, expect: budget.expect, fromBlock: Object.entries(budget.from).filter(([, o]) => o === 'block').map(([k]) => k) });
  const outcome = await exploreParallel(plan, {
    workers: job.workers, script: join(__dirname, 'search-worker.cjs'), shard: { index: 0, count: 1 },
    ...limits, now: () => performance.now(), cancel,
    onProgress: (p) => post({ type: 'progress', phase: 'search', runs: p.runs, seconds: p.seconds, violations: p.violations }),
  });
  const head = { compiled: true, diagnostics: compiled.diagnostics, runs: outcome.runs, seconds: outcome.seconds, workers: job.workers, cancelled: outcome.cancelled };
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

explore(workerData as ExploreJob).then(
  (report) => post({ type: 'done', report }),
  (e: unknown) => post({ type: 'failed', message: e instanceof Error ? e.message : String(e) }),
);
