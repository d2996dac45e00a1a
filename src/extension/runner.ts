/**
 * Runs scenarios from the editor. The simulation happens in a worker thread
 * (dist/run-worker.cjs) so the extension host stays responsive; a run that
 * takes longer than a moment shows a cancellable progress notification,
 * whose Cancel sets the shared flag the simulator polls. Afterwards each
 * trace is written to `<folder>/<slug>.trace.json`, each failed `expect`
 * becomes an error diagnostic on its own line (a scenario's diagnostics are
 * replaced by its next run, so a passing run clears them), and the status bar
 * shows the result.
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import type { TraceCheck } from '../trace/format.js';
import { slug } from './_blocks.js';
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
  readonly scenarios: readonly { readonly name: string; readonly passed: boolean; readonly failed: number; readonly trace: string; readonly end: string }[];
  readonly error?: string;
  /** A sweep's result: passed, and its table as printed in the output channel. */
  readonly sweep?: { readonly name: string; readonly passed: boolean; readonly table: string };
  /** The trace texts, in scenario order (not returned to commands). */
  readonly texts: readonly string[];
  readonly traceUris: readonly vscode.Uri[];
}

export class Runner implements vscode.Disposable {
  readonly diagnostics = vscode.languages.createDiagnosticCollection('protocol-playground-run');
  readonly status = vscode.window.createStatusBarItem('protocolPlayground.lastRun', vscode.StatusBarAlignment.Left, 10);
  /** Sweep tables, as the CLI prints them. */
  readonly output = vscode.window.createOutputChannel('Protocol Playground');
  /** Failed-expect diagnostics per file, per scenario. */
  private readonly failures = new Map<string, Map<string, vscode.Diagnostic[]>>();
  /** The last trace written for `${fileUri}#${scenario}` and for `${fileUri}`. */
  private readonly lastTraces = new Map<string, vscode.Uri>();
  private readonly running = new Map<string, () => void>();
  /** The file of the latest run (the status bar item opens its trace). */
  lastFile: vscode.Uri | undefined;

  constructor(private readonly extensionPath: string) {
    this.status.name = 'Protocol Playground';
    this.status.command = { command: 'protocolPlayground.openLastTrace', title: 'Open last trace', arguments: [] };
  }

  lastTrace(uri: vscode.Uri, name?: string): vscode.Uri | undefined {
    return this.lastTraces.get(name === undefined ? uri.toString() : `${uri.toString()}#${name}`);
  }

  /** Where a scenario's trace is written (whether or not it exists yet). */
  traceUriFor(uri: vscode.Uri, name: string): vscode.Uri {
    return vscode.Uri.joinPath(traceFolderFor(uri, readSettings(uri)), `${slug(name)}.trace.json`);
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
    this.status.show();

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
      this.status.text = `$(error) Run failed`;
      this.status.tooltip = message;
      void vscode.window.showErrorMessage(`Protocol Playground: ${message}`);
      return { uri: key, compiled: false, cancelled: false, scenarios: [], error: message, texts: [], traceUris: [] };
    } finally {
      clearTimeout(timer);
      if (this.running.get(key) === stop) this.running.delete(key);
      void worker.terminate();
    }
    return this.finish(uri, report);
  }

  private async finish(uri: vscode.Uri, report: RunReport): Promise<RunOutcome> {
    const key = uri.toString();
    const name = uri.path.split('/').pop()!;
    if (!report.compiled) {
      const errors = report.diagnostics.filter((d) => d.severity === 'error');
      const first = errors[0];
      const error = `${name} has ${errors.length} error${errors.length === 1 ? '' : 's'}${first ? ` (line ${first.line}: ${first.message})` : ''}; fix ${errors.length === 1 ? 'it' : 'them'} and run again.`;
      this.status.text = `$(error) ${name}: does not compile`;
      this.status.tooltip = error;
      void vscode.window.showErrorMessage(`Protocol Playground: ${error}`);
      return { uri: key, compiled: false, cancelled: false, scenarios: [], error, texts: [], traceUris: [] };
    }
    if (report.missing.length > 0) {
      void vscode.window.showErrorMessage(`Protocol Playground: ${name} has no ${report.sweep === undefined && report.scenarios.length === 0 ? 'block' : 'scenario'} named ${report.missing.map((n) => `"${n}"`).join(', ')}.`);
    }
    if (report.cancelled) {
      this.status.text = `$(circle-slash) Run cancelled`;
      this.status.tooltip = undefined;
      return { uri: key, compiled: true, cancelled: true, scenarios: [], texts: [], traceUris: [] };
    }

    if (report.sweep !== undefined) return this.showSweep(uri, report.sweep);

    const folder = traceFolderFor(uri, readSettings(uri));
    await vscode.workspace.fs.createDirectory(folder);
    const traceUris: vscode.Uri[] = [];
    const perScenario = this.failures.get(key) ?? new Map<string, vscode.Diagnostic[]>();
    this.failures.set(key, perScenario);
    for (const s of report.scenarios) {
      const target = vscode.Uri.joinPath(folder, `${slug(s.name)}.trace.json`);
      await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(s.trace));
      traceUris.push(target);
      this.lastTraces.set(`${key}#${s.name}`, target);
      perScenario.set(s.name, failedExpects(s));
    }
    if (traceUris[0]) this.lastTraces.set(key, traceUris[0]);
    this.diagnostics.set(uri, [...perScenario.values()].flat());

    const failed = report.scenarios.filter((s) => !s.passed);
    const checks = report.scenarios.flatMap((s) => s.checks);
    const held = checks.filter((c) => c.status === 'held').length;
    const what = report.scenarios.length === 1 ? report.scenarios[0]!.name : `${report.scenarios.length} scenarios`;
    this.status.text = failed.length === 0
      ? `$(pass) ${what}: ${held}/${checks.length} expects held`
      : `$(error) ${what}: ${checks.length - held} of ${checks.length} expects failed`;
    this.status.tooltip = report.scenarios.map((s) => `${s.passed ? '✓' : '✗'} ${s.name} — ${s.events} events, ended by ${s.end.reason} at ${formatTime(s.end.time)}`).join('\n');
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
      })),
      texts: report.scenarios.map((s) => s.trace),
      traceUris,
    };
  }

  /** A sweep's table goes to the output channel (shown without taking focus) and its verdict to the status bar. */
  private showSweep(uri: vscode.Uri, sweep: SweepReport): RunOutcome {
    const table = sweep.table.join('\n');
    this.output.appendLine(`${vscode.workspace.asRelativePath(uri, false)}`);
    this.output.appendLine(table);
    this.output.appendLine('');
    this.output.show(true);
    this.status.text = `${sweep.passed ? '$(pass)' : '$(error)'} sweep "${sweep.name}": ${sweep.runs} runs${sweep.passed ? '' : ', some failed'}`;
    this.status.tooltip = 'The table is in the Protocol Playground output channel';
    return { uri: uri.toString(), compiled: true, cancelled: false, scenarios: [], sweep: { name: sweep.name, passed: sweep.passed, table }, texts: [], traceUris: [] };
  }

  dispose(): void {
    for (const stop of this.running.values()) stop();
    this.diagnostics.dispose();
    this.status.dispose();
    this.output.dispose();
  }
}

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
