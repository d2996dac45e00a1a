/**
 * The run worker (bundled alone as dist/run-worker.cjs): loads a scenario
 * file with its imports, compiles it, runs the selected scenarios on the
 * simulator and posts back each trace as JSON text. It runs off the extension
 * host's main thread, so a long simulation never blocks the editor. It
 * imports no `vscode`; see run-protocol.ts for the messages.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadScenarioFile } from '../cli/load.js';
import { runScenario, runSweep, traceOf } from '../runner/run.js';
import { formatSweep, plain } from '../cli/report.js';
import { chartSpec, chartTitle } from '../charts/sweep-charts.js';
import { chartSvg } from '../charts/svg.js';
import { stringifyTrace } from '../trace/write.js';
import type { ScenarioSpec } from '../engine/spec.js';
import type { CompiledFile } from '../dsl/compile.js';
import type { RunJob, RunReport, ScenarioReport, SweepReport, WorkerToHost } from './run-protocol.js';
import { applyRunSettings } from './_run-settings.js';

const PROGRESS_EVERY_MS = 100;

function post(message: WorkerToHost): void {
  parentPort?.postMessage(message);
}

async function run(job: RunJob): Promise<RunReport> {
  const flag = new Int32Array(job.cancel);
  const cancel = { get cancelled(): boolean { return Atomics.load(flag, 0) === 1; } };
  const loaded = await loadScenarioFile(job.path, job.seed);
  const { compiled } = loaded;
  const hasErrors = !compiled.ok || compiled.diagnostics.some((d) => d.severity === 'error');
  if (hasErrors) return { compiled: false, diagnostics: compiled.diagnostics, scenarios: [], missing: [], cancelled: false };

  if (job.sweep !== undefined) {
    const sweep = compiled.file.sweeps.find((s) => s.name === job.sweep);
    if (!sweep) return { compiled: true, diagnostics: compiled.diagnostics, scenarios: [], missing: [job.sweep], cancelled: false };
    return { compiled: true, diagnostics: compiled.diagnostics, scenarios: [], missing: [], cancelled: cancel.cancelled, sweep: await runSweepJob(sweep, loaded.text, job, cancel) };
  }

  let select = job.select;
  if (job.compare !== undefined) {
    const pair = compiled.file.compares.find((c) => c.name === job.compare);
    if (!pair) return { compiled: true, diagnostics: compiled.diagnostics, scenarios: [], missing: [job.compare], cancelled: false };
    select = [pair.left, pair.right];
  }
  const all = compiled.file.scenarios;
  const specs = select ? select.flatMap((n) => all.filter((s) => s.name === n).slice(0, 1)) : all;
  const missing = select ? select.filter((n) => !all.some((s) => s.name === n)) : [];
  const scenarios: ScenarioReport[] = [];
  for (const compiledSpec of specs) {
    if (cancel.cancelled) break;
    const spec: ScenarioSpec = applyRunSettings({ ...compiledSpec, file: job.display }, loaded.text, job);
    let last = 0;
    const outcome = runScenario(spec, {
      cancel,
      onProgress: (p) => {
        const now = Date.now();
        if (now - last < PROGRESS_EVERY_MS) return;
        last = now;
        post({ type: 'progress', scenario: spec.name, time: p.time, events: p.events });
      },
    });
    const trace = stringifyTrace(traceOf(outcome, loaded.text));
    scenarios.push({
      name: spec.name,
      seed: spec.seed,
      passed: outcome.passed,
      ...(spec.source ? { source: spec.source } : {}),
      checks: outcome.result.checks,
      end: outcome.result.end,
      events: outcome.result.trace.length,
      trace,
    });
  }
  return { compiled: true, diagnostics: compiled.diagnostics, scenarios, missing, cancelled: cancel.cancelled };
}

/** Runs every variant of a sweep (with the run caps, keeping each variant's own seed), formats its table and draws its charts. */
async function runSweepJob(sweep: CompiledFile['sweeps'][number], text: string, job: RunJob, cancel: { readonly cancelled: boolean }): Promise<SweepReport> {
  const caps = { ...(job.maxTime !== undefined ? { maxTime: job.maxTime } : {}), ...(job.maxEvents !== undefined ? { maxEvents: job.maxEvents } : {}) };
  const variants = sweep.variants.map((v) => ({ ...v, spec: applyRunSettings({ ...v.spec, file: job.display }, text, caps) }));
  let last = 0;
  let done = 0;
  const outcome = runSweep({ ...sweep, variants }, {
    cancel,
    onProgress: (p) => {
      const now = Date.now();
      if (now - last < PROGRESS_EVERY_MS) return;
      last = now;
      post({ type: 'progress', scenario: `${sweep.name} (run ${done + 1} of ${variants.length})`, time: p.time, events: p.events });
    },
    onRunDone: () => { done++; },
  });
  const charts: SweepReport['charts'][number][] = [];
  for (const chart of outcome.charts ?? []) {
    const spec = chartSpec(outcome, chart);
    charts.push({ title: chartTitle(outcome, chart), svg: await chartSvg(spec), svgDark: await chartSvg(spec, 'dark') });
  }
  return { name: sweep.name, passed: outcome.passed, runs: variants.length, table: formatSweep(outcome, plain), charts };
}

run(workerData as RunJob).then(
  (report) => post({ type: 'done', report }),
  (e: unknown) => post({ type: 'failed', message: e instanceof Error ? e.message : String(e) }),
);
