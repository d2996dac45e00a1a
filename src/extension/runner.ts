/**
 * Runs scenarios from the editor. The simulation happens in a worker thread
 * (dist/run-worker.cjs) so the extension host stays responsive; a run that
 * takes longer than a moment shows a cancellable progress notification,
 * whose Cancel sets the shared flag the simulator polls. Afterwards:
 * - each trace is written to `<folder>/<slug>.trace.json`, or
 *   `<slug>.seed-N.trace.json` for a run with another seed (_blocks.ts), and
 *   the output channel gets one line per scenario run (scenario, seed,
 *   result, events, trace path, wall time), saying when it replaced a trace;
 * - each failed `expect` becomes an error diagnostic on its own line (a
 *   scenario's diagnostics are replaced by its next run, so a passing run
 *   clears them); editing the file clears those on the edited lines and
 *   marks the others as from an older version of the file (`markStale`);
 * - the status bar shows the result of the active file's last run.
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import { exists } from './_fs.js';
import type { TraceCheck } from '../trace/format.js';
import { traceFileName } from './_blocks.js';
import { readSettings, traceFolderFor } from './config.js';
import type { RunJob, RunReport, ScenarioReport, SweepReport, WorkerToHost } from './run-protocol.js';

/** Shown as a notification only when a run lasts longer than this. */
const PROGRESS_DELAY_MS = 400;

export interface RunRequest {
  readonly uri: vscode.Uri;
  /** Scenario names; all scenarios of the file when absent. */
  readonly select?: readonly string[];
  readonly seed?: number;
  /** A `compare` block: run its two scenarios. */
  readonly compare?: string;
  /** A `sweep` block: run its variants; the table goes to the output channel. */
  readonly sweep?: string;
}

export interface RunOutcome {
  readonly uri: string;
  readonly compiled: boolean;
  readonly cancelled: boolean;
  readonly scenarios: readonly {
    readonly name: string; readonly passed: boolean; readonly failed: number; readonly trace: string; readonly end: string;
    readonly seed: number; readonly checks: readonly TraceCheck[];
  }[];
  readonly error?: string;
  /** A sweep's result: passed, and its table as printed in the output channel. */
  readonly sweep?: { readonly name: string; readonly passed: boolean; readonly table: string };
  /** The trace texts, in scenario order (not returned to commands). */
  readonly texts: readonly string[];
  readonly traceUris: readonly vscode.Uri[];
}

/** What the status bar says about a file's last run. */
interface FileStatus { readonly text: string; readonly tooltip: string }

export class Runner implements vscode.Disposable {
  readonly diagnostics = vscode.languages.createDiagnosticCollection('protocol-playground-run');
  readonly status = vscode.window.createStatusBarItem('protocolPlayground.lastRun', vscode.StatusBarAlignment.Left, 10);
  /** Failed-expect diagnostics per file, per scenario. */
  private readonly failures = new Map<string, Map<string, vscode.Diagnostic[]>>();
  /** The last result per file, for the status bar of the active editor. */
  private readonly results = new Map<string, FileStatus>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  /** A file's runs finished (its traces and diagnostics changed). */
  readonly onDidRun = this.changed.event;
  /** The last trace written for `${fileUri}#${scenario}` and for `${fileUri}`. */
  private readonly lastTraces = new Map<string, vscode.Uri>();
  private readonly running = new Map<string, () => void>();
  /** The file of the latest run (the status bar item opens its trace). */
  lastFile: vscode.Uri | undefined;

  /** `log`: the extension's one output channel ("Protocol Playground"). */
  constructor(private readonly extensionPath: string, private readonly log: vscode.LogOutputChannel) {
    this.status.name = 'Protocol Playground';
  }

  /** Shows the status of `uri`'s last run (or a Run button for a scenario not run yet); hides it for other files. */
  showStatusFor(uri: vscode.Uri | undefined, isScenario: boolean): void {
    const key = uri?.toString();
    if (!uri || !key || (!isScenario && !this.results.has(key))) { this.status.hide(); return; }
    if (this.running.has(key)) return;
    const r = this.results.get(key);
    this.status.text = r?.text ?? '$(play) Run scenarios';
    this.status.tooltip = r?.tooltip ?? 'Run this file\'s scenarios (Protocol Playground)';
    this.status.command = r
      ? { command: 'protocolPlayground.openLastTrace', title: 'Open last trace', arguments: [uri] }
      : { command: 'protocolPlayground.run', title: 'Run', arguments: [uri] };
    this.status.show();
  }

  private setStatus(uri: vscode.Uri, text: string, tooltip: string): void {
    this.results.set(uri.toString(), { text, tooltip });
    if (vscode.window.activeTextEditor?.document.uri.toString() === uri.toString() || !vscode.window.activeTextEditor) this.showStatusFor(uri, true);
  }

  /**
   * The file changed since its last run: failed-expect diagnostics on the
   * edited lines go (the line is not what failed any more); the others move
   * with the text and say they come from the last run, as warnings.
   */
  markStale(doc: vscode.TextDocument, changes: readonly vscode.TextDocumentContentChangeEvent[]): void {
    const perScenario = this.failures.get(doc.uri.toString());
    if (!perScenario || changes.length === 0) return;
    let touched = false;
    for (const [name, list] of perScenario) {
      const next: vscode.Diagnostic[] = [];
      for (const d of list) {
        let range: vscode.Range | undefined = d.range;
        for (const c of changes) {
          if (!range) break;
          const added = c.text.split(/\r?\n/).length - 1 - (c.range.end.line - c.range.start.line);
          if (c.range.end.line < range.start.line) range = new vscode.Range(range.start.line + added, range.start.character, range.end.line + added, range.end.character);
          else if (c.range.start.line <= range.end.line) range = undefined; // an edit on the expect line itself
        }
        if (!range) { touched = true; continue; }
        const stale = d.message.endsWith(STALE) ? d : Object.assign(new vscode.Diagnostic(range, `${d.message}${STALE}`, vscode.DiagnosticSeverity.Warning), { source: d.source, code: d.code });
        stale.range = range;
        next.push(stale);
        touched = true;
      }
      perScenario.set(name, next);
    }
    if (touched) this.diagnostics.set(doc.uri, [...perScenario.values()].flat());
  }

  /** Cancels the run of `uri` in progress, if any (it ends with the events so far). */
  cancel(uri: vscode.Uri): void {
    this.running.get(uri.toString())?.();
  }

  lastTrace(uri: vscode.Uri, name?: string): vscode.Uri | undefined {
    return this.lastTraces.get(name === undefined ? uri.toString() : `${uri.toString()}#${name}`);
  }

  /** Where a scenario's trace is written (whether or not it exists yet). */
  traceUriFor(uri: vscode.Uri, name: string): vscode.Uri {
    return vscode.Uri.joinPath(traceFolderFor(uri, readSettings(uri)), traceFileName(name));
  }

  async run(request: RunRequest): Promise<RunOutcome> {
    const { uri } = request;
    const key = uri.toString();
    this.lastFile = uri;
    this.running.get(key)?.();
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
    if (doc?.isDirty) await doc.save();

    const settings = readSettings(uri);
    const ws = vscode.workspace.getWorkspaceFolder(uri);
    const display = ws ? vscode.workspace.asRelativePath(uri, false) : uri.fsPath;
    const cancel = new SharedArrayBuffer(4);
    const job: RunJob = {
      path: uri.fsPath,
      display,
      ...(request.select ? { select: request.select } : {}),
      ...(request.seed !== undefined ? { seed: request.seed } : {}),
      ...(request.compare !== undefined ? { compare: request.compare } : {}),
      ...(request.sweep !== undefined ? { sweep: request.sweep } : {}),
      ...(settings.defaultSeed !== undefined ? { defaultSeed: settings.defaultSeed } : {}),
      ...(settings.maxTime > 0 ? { maxTime: settings.maxTime } : {}),
      ...(settings.maxEvents > 0 ? { maxEvents: settings.maxEvents } : {}),
      cancel,
    };
    const label = request.sweep !== undefined ? `sweep "${request.sweep}"` : request.compare !== undefined ? `"${request.compare}"` : request.select?.length === 1 ? `"${request.select[0]}"` : uri.path.split('/').pop()!;
    this.status.text = `$(sync~spin) Running ${label}`;
    this.status.tooltip = undefined;
    this.status.show();
    const started = Date.now();

    const worker = new Worker(join(this.extensionPath, 'dist', 'run-worker.cjs'), { workerData: job });
    const stop = (): void => { Atomics.store(new Int32Array(cancel), 0, 1); };
    this.running.set(key, stop);
    let progress: ((m: WorkerToHost & { type: 'progress' }) => void) | undefined;
    const result = new Promise<RunReport>((resolve, reject) => {
      worker.on('message', (m: WorkerToHost) => {
        if (m.type === 'progress') progress?.(m);
        else if (m.type === 'done') resolve(m.report);
        else reject(new Error(m.message));
      });
      worker.on('error', reject);
      worker.on('exit', (code) => reject(new Error(`the run worker stopped (exit code ${code})`)));
    });
    const timer = setTimeout(() => {
      void vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Protocol Playground: running ${label}`, cancellable: true },
        (report, token) => {
          token.onCancellationRequested(stop);
          progress = (m) => report.report({ message: `${m.scenario}: ${formatTime(m.time)} simulated, ${m.events.toLocaleString('en')} events` });
          return result.catch(() => undefined);
        },
      );
    }, PROGRESS_DELAY_MS);

    let report: RunReport;
    try {
      report = await result;
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.running.delete(key);
      this.setStatus(uri, '$(error) Run failed', message);
      this.log.error(`run ${display}: ${message}`);
      void vscode.window.showErrorMessage(`Protocol Playground: ${message}`);
      return { uri: key, compiled: false, cancelled: false, scenarios: [], error: message, texts: [], traceUris: [] };
    } finally {
      clearTimeout(timer);
      if (this.running.get(key) === stop) this.running.delete(key);
      void worker.terminate();
    }
    try {
      return await this.finish(uri, report, request, display, Date.now() - started);
    } finally {
      this.changed.fire(uri);
    }
  }

  private async finish(uri: vscode.Uri, report: RunReport, request: RunRequest, display: string, wallMs: number): Promise<RunOutcome> {
    const key = uri.toString();
    const name = uri.path.split('/').pop()!;
    if (!report.compiled) {
      const errors = report.diagnostics.filter((d) => d.severity === 'error');
      const first = errors[0];
      const error = `${name} has ${errors.length} error${errors.length === 1 ? '' : 's'}${first ? ` (line ${first.line}: ${first.message})` : ''}; fix ${errors.length === 1 ? 'it' : 'them'} and run again.`;
      this.setStatus(uri, `$(error) ${name}: does not compile`, error);
      this.log.warn(`run ${display}: does not compile: ${first ? `line ${first.line}: ${first.message}` : ''}`);
      void vscode.window.showErrorMessage(`Protocol Playground: ${error}`);
      return { uri: key, compiled: false, cancelled: false, scenarios: [], error, texts: [], traceUris: [] };
    }
    if (report.missing.length > 0) {
      void vscode.window.showErrorMessage(`Protocol Playground: ${name} has no ${report.sweep === undefined && report.scenarios.length === 0 ? 'block' : 'scenario'} named ${report.missing.map((n) => `"${n}"`).join(', ')}.`);
    }
    if (report.cancelled) {
      this.setStatus(uri, '$(circle-slash) Run cancelled', 'The last run was cancelled');
      this.log.info(`run ${display}: cancelled`);
      return { uri: key, compiled: true, cancelled: true, scenarios: [], texts: [], traceUris: [] };
    }

    if (report.sweep !== undefined) return this.showSweep(uri, report.sweep, display);

    const folder = traceFolderFor(uri, readSettings(uri));
    await vscode.workspace.fs.createDirectory(folder);
    const traceUris: vscode.Uri[] = [];
    const perScenario = this.failures.get(key) ?? new Map<string, vscode.Diagnostic[]>();
    this.failures.set(key, perScenario);
    for (const s of report.scenarios) {
      const target = vscode.Uri.joinPath(folder, traceFileName(s.name, request.seed));
      const replaced = await exists(target);
      await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(s.trace));
      traceUris.push(target);
      this.lastTraces.set(`${key}#${s.name}`, target);
      perScenario.set(s.name, failedExpects(s));
      const held = s.checks.filter((c) => c.status === 'held').length;
      this.log.info(`run "${s.name}" (${display}) · seed ${s.seed} · ${s.passed ? 'PASS' : 'FAIL'} ${held}/${s.checks.length} expects held · ${s.events} events, ${formatTime(s.end.time)} simulated · trace ${vscode.workspace.asRelativePath(target, false)}${replaced ? ' (replaced the previous one)' : ''} · ${(wallMs / 1000).toFixed(2)} s`);
    }
    if (traceUris[0]) this.lastTraces.set(key, traceUris[0]);
    this.diagnostics.set(uri, [...perScenario.values()].flat());

    const failed = report.scenarios.filter((s) => !s.passed);
    const checks = report.scenarios.flatMap((s) => s.checks);
    const held = checks.filter((c) => c.status === 'held').length;
    const what = report.scenarios.length === 1 ? report.scenarios[0]!.name : `${report.scenarios.length} scenarios`;
    this.setStatus(uri, failed.length === 0
      ? `$(pass) ${what}: ${held}/${checks.length} expects held`
      : `$(error) ${what}: ${checks.length - held} of ${checks.length} expects failed`,
    `${report.scenarios.map((s) => `${s.passed ? '✓' : '✗'} ${s.name} (seed ${s.seed}) — ${s.events} events, ended by ${s.end.reason} at ${formatTime(s.end.time)}`).join('\n')}\nClick to open the trace.`);
    return {
      uri: key,
      compiled: true,
      cancelled: false,
      scenarios: report.scenarios.map((s, i) => ({
        name: s.name,
        passed: s.passed,
        failed: s.checks.filter((c) => c.status === 'failed').length,
        trace: traceUris[i]!.toString(),
        end: s.end.reason,
        seed: s.seed,
        checks: s.checks,
      })),
      texts: report.scenarios.map((s) => s.trace),
      traceUris,
    };
  }

  /** A sweep's table goes to the output channel (shown without taking focus) and its verdict to the status bar. */
  private showSweep(uri: vscode.Uri, sweep: SweepReport, display: string): RunOutcome {
    const table = sweep.table.join('\n');
    this.log.info(`sweep "${sweep.name}" (${display}) · ${sweep.runs} runs · ${sweep.passed ? 'PASS' : 'FAIL'}\n${table}`);
    this.log.show(true);
    this.setStatus(uri, `${sweep.passed ? '$(pass)' : '$(error)'} sweep "${sweep.name}": ${sweep.runs} runs${sweep.passed ? '' : ', some failed'}`, 'The table is in the Protocol Playground output channel');
    return { uri: uri.toString(), compiled: true, cancelled: false, scenarios: [], sweep: { name: sweep.name, passed: sweep.passed, table }, texts: [], traceUris: [] };
  }

  dispose(): void {
    for (const stop of this.running.values()) stop();
    this.diagnostics.dispose();
    this.status.dispose();
    this.changed.dispose();
  }
}

const STALE = ' (from the last run; the file changed since: run again)';


function failedExpects(s: ScenarioReport): vscode.Diagnostic[] {
  return s.checks.filter((c) => c.status === 'failed').map((c) => expectDiagnostic(s, c));
}

function expectDiagnostic(s: ScenarioReport, c: TraceCheck): vscode.Diagnostic {
  const src = c.source ?? s.source;
  const range = src
    ? new vscode.Range(src.line - 1, Math.max(0, src.col - 1), src.endLine - 1, Math.max(0, src.endCol - 1))
    : new vscode.Range(0, 0, 0, 0);
  const d = new vscode.Diagnostic(range, `expect ${c.name} failed in "${s.name}"${c.message ? `: ${c.message}` : ''}`, vscode.DiagnosticSeverity.Error);
  d.source = 'protocol-playground run';
  d.code = 'expect-failed';
  return d;
}

/** µs as a short duration. */
export function formatTime(us: number): string {
  if (us >= 1_000_000) return `${+(us / 1_000_000).toFixed(3)} s`;
  if (us >= 1000) return `${+(us / 1000).toFixed(3)} ms`;
  return `${us} µs`;
}
