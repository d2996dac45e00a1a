/**
 * *Explore* and *Explore exhaustively* from the editor. Both searches run
 * in a worker thread (dist/explore-worker.cjs) behind a cancellable
 * progress notification:
 * - *Explore*: random fault schedules spread over every core; the
 *   notification counts runs, runs/s and violations, and a violation comes
 *   back shrunk and printed as a scenario file. Its budget is the
 *   scenario's `explore { … }` block over the `protocolPlayground.explore.*`
 *   settings: what the block says wins, the settings fill in the rest.
 * - *Explore exhaustively*: the breadth-first search of `explore
 *   --exhaustive`, with the block over the CLI's defaults (there are no
 *   settings for it: its bounds belong to the scenario); the notification
 *   shows depth, states and states/s, and a violation comes back as its
 *   shortest path timed as a scenario file.
 * A counterexample is written with its trace as
 * `<slug>.counterexample.scenario` and `<slug>.counterexample.trace.json` in
 * the trace folder (beside the scenario by default, where `protocol-playground
 * explore` writes them), and the caller opens the two side by side.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import { slug } from './_blocks.js';
import { traceFolderFor, readSettings, readExploreSettings } from './config.js';
import { formatTime } from './runner.js';
import type {
  ExhaustiveBudgetMessage, ExhaustiveJob, ExhaustiveReport, ExhaustiveWorkerToHost,
  ExploreBudgetMessage, ExploreJob, ExploreReport, ExploreWorkerToHost, SearchReportHead,
} from './run-protocol.js';

/** What the command returns (tests and other extensions read it). */
export interface ExploreOutcome {
  readonly scenario: string;
  readonly compiled: boolean;
  readonly cancelled: boolean;
  readonly runs: number;
  readonly workers: number;
  /** The budget searched with: the settings, and what the scenario's `explore` block set over them. */
  readonly budget?: Omit<ExploreBudgetMessage, 'type'>;
  readonly error?: string;
  readonly found?: Pick<NonNullable<ExploreReport['found']>, 'check' | 'message' | 'faults' | 'shrunk' | 'reproduces'> & {
    /** The counterexample's scenario file and trace file. */
    readonly file: string;
    readonly trace?: string;
  };
  /** The trace text, for the viewer (not returned to commands). */
  readonly traceText?: string;
}

/** What *Explore exhaustively* returns. */
export interface ExhaustiveOutcome {
  readonly scenario: string;
  readonly compiled: boolean;
  readonly cancelled: boolean;
  /** The budget searched with: the scenario's `explore` block over the defaults. */
  readonly budget?: Omit<ExhaustiveBudgetMessage, 'type'>;
  readonly error?: string;
  readonly verdict?: ExhaustiveReport['verdict'];
  readonly stoppedBy?: ExhaustiveReport['stoppedBy'];
  /** Unique states, and the depth reached. */
  readonly states: number;
  readonly depth: number;
  readonly found?: Pick<NonNullable<ExhaustiveReport['found']>, 'check' | 'message' | 'steps' | 'reproduces' | 'problem'> & {
    /** The counterexample's scenario file and trace file (absent when the path could not be timed as a scenario). */
    readonly file?: string;
    readonly trace?: string;
  };
  /** The trace text, for the viewer (not returned to commands). */
  readonly traceText?: string;
}

type Progress = vscode.Progress<{ message?: string }>;
/** A worker's messages: its report (`done`), and the budget and progress messages before it. */
type Report<M> = M extends { readonly type: 'done'; readonly report: infer R } ? R : never;
type Update<M> = Exclude<M, { readonly type: 'done' | 'failed' }>;

export class Explorer implements vscode.Disposable {
  private readonly running = new Map<string, () => void>();

  constructor(private readonly extensionPath: string, private readonly log: vscode.LogOutputChannel) {}

  /** The searches running now, as `fileUri#scenario`. */
  get active(): string[] {
    return [...this.running.keys()];
  }

  /** Cancels the search of `uri`'s scenario `name`, if one is running. */
  cancel(uri: vscode.Uri, name: string): void {
    this.running.get(`${uri.toString()}#${name}`)?.();
  }

  async explore(uri: vscode.Uri, name: string): Promise<ExploreOutcome> {
    const display = await this.prepare(uri);
    const settings = readExploreSettings(uri);
    const workers = settings.workers > 0 ? settings.workers : Math.max(1, availableParallelism());
    const job: ExploreJob = {
      kind: 'random', path: uri.fsPath, display, scenario: name, runs: settings.runs, timeMs: settings.seconds * 1000,
      maxFaults: settings.maxFaults, workers, searchSeed: settings.seed, cancel: new SharedArrayBuffer(4),
    };
    const started = Date.now();
    let budget: Omit<ExploreBudgetMessage, 'type'> | undefined;
    let report: ExploreReport;
    try {
      report = await this.inWorker<ExploreWorkerToHost>(uri, name, `Exploring "${name}"`, job, (m, progress) => {
        if (m.type === 'budget') {
          const { type: _, ...b } = m;
          budget = b;
          this.log.info(`explore "${name}" (${display}) · ${budgetText(b)} · ${workers} worker${workers === 1 ? '' : 's'}`);
        } else if (m.type === 'progress') progress.report({ message: progressText(m) });
      });
    } catch (e) {
      return { scenario: name, compiled: false, cancelled: false, runs: 0, workers, error: this.failed('explore', name, display, e) };
    }
    return this.finish(uri, name, display, report, Date.now() - started, budget);
  }

  /** *Explore exhaustively*: the breadth-first search with the scenario's explore block, its shortest counterexample written and returned. */
  async exploreExhaustively(uri: vscode.Uri, name: string): Promise<ExhaustiveOutcome> {
    const display = await this.prepare(uri);
    const job: ExhaustiveJob = { kind: 'exhaustive', path: uri.fsPath, display, scenario: name, cancel: new SharedArrayBuffer(4) };
    let budget: Omit<ExhaustiveBudgetMessage, 'type'> | undefined;
    let r: ExhaustiveReport;
    try {
      r = await this.inWorker<ExhaustiveWorkerToHost>(uri, name, `Exploring "${name}" exhaustively`, job, (m, progress) => {
        if (m.type === 'budget') {
          const { type: _, ...b } = m;
          budget = b;
          this.log.info(`explore exhaustively "${name}" (${display}) · ${b.text}${b.fromBlock.length > 0 ? ` (explore block: ${b.fromBlock.join(', ')}; the rest defaults)` : ' (the defaults)'}`);
        } else if (m.type === 'progress') {
          progress.report({ message: m.phase === 'timing' ? `${m.check} fails at depth ${m.depth}; timing the path as a scenario` : exhaustiveProgressText(m) });
        }
      });
    } catch (e) {
      return { scenario: name, compiled: false, cancelled: false, states: 0, depth: 0, error: this.failed('explore exhaustively', name, display, e) };
    }
    const head = {
      scenario: name, compiled: r.compiled, cancelled: r.cancelled, states: r.unique, depth: r.depth, ...(budget !== undefined ? { budget } : {}),
      ...(r.verdict !== undefined ? { verdict: r.verdict } : {}), ...(r.stoppedBy !== undefined ? { stoppedBy: r.stoppedBy } : {}),
    };
    const error = this.problemOf(r, display);
    if (error !== undefined) return { ...head, error };
    const searched = `${r.unique.toLocaleString('en')} states (${r.explored.toLocaleString('en')} explored) in ${r.seconds.toFixed(1)} s (${r.seconds > 0 ? Math.round(r.unique / r.seconds) : 0} states/s), depth ${r.depth}`;
    const f = r.found;
    if (f === undefined) {
      const verdict = r.cancelled ? `cancelled at depth ${r.depth}: no violation in ${r.unique.toLocaleString('en')} states so far` : r.verdictText!;
      this.log.info(`explore exhaustively "${name}" (${display}) · ${searched} · ${verdict}`);
      void vscode.window.showInformationMessage(`Explore exhaustively "${name}": ${verdict} (${searched}).`);
      return head;
    }
    const files = f.text !== undefined ? await this.writeCounterexample(uri, name, f.text, f.trace) : undefined;
    const where = files !== undefined ? `counterexample ${vscode.workspace.asRelativePath(files.file, false)}` : 'no counterexample written';
    this.log.info(`explore exhaustively "${name}" (${display}) · ${searched} · FOUND ${f.check} after ${f.steps.length} steps: ${f.steps.join('; ')} · ${f.message} · ${where}${f.reproduces ? '' : ` · warning: ${f.problem ?? 'it does not reproduce'}`}`);
    if (!f.reproduces) void vscode.window.showWarningMessage(`Protocol Playground: ${f.check} fails after ${f.steps.length} steps, but ${files !== undefined ? `the counterexample written to ${vscode.workspace.asRelativePath(files.file, false)} does not reproduce it` : 'no counterexample was written'}: ${f.problem ?? ''} The path is in the output channel.`);
    return {
      ...head,
      found: {
        check: f.check, message: f.message, steps: f.steps, reproduces: f.reproduces, ...(f.problem !== undefined ? { problem: f.problem } : {}),
        ...(files !== undefined ? { file: files.file.toString(), ...(files.trace !== undefined ? { trace: files.trace.toString() } : {}) } : {}),
      },
      ...(files?.trace !== undefined && f.trace !== undefined ? { traceText: f.trace } : {}),
    };
  }

  /** Saves the file if it has unsaved edits (the worker reads it from disk); its path as traces record it. */
  private async prepare(uri: vscode.Uri): Promise<string> {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (doc?.isDirty) await doc.save();
    return vscode.workspace.getWorkspaceFolder(uri) ? vscode.workspace.asRelativePath(uri, false) : uri.fsPath;
  }

  /**
   * Runs `job` in the explore worker behind a cancellable progress
   * notification titled `title`: `update` sees the worker's budget and
   * progress messages; resolves with its report. One search per scenario:
   * a new one cancels the one running.
   */
  private async inWorker<M extends { readonly type: string }>(uri: vscode.Uri, name: string, title: string, job: ExploreJob | ExhaustiveJob, update: (m: Update<M>, progress: Progress) => void): Promise<Report<M>> {
    const key = `${uri.toString()}#${name}`;
    this.running.get(key)?.();
    const worker = new Worker(join(this.extensionPath, 'dist', 'explore-worker.cjs'), { workerData: job });
    const stop = (): void => { Atomics.store(new Int32Array(job.cancel), 0, 1); };
    this.running.set(key, stop);
    try {
      return await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title, cancellable: true },
        (progress, token) => new Promise<Report<M>>((resolve, reject) => {
          token.onCancellationRequested(stop);
          // (messages cross the thread untyped: M names what this worker posts)
          worker.on('message', (m: Update<M> | { type: 'done'; report: Report<M> } | { type: 'failed'; message: string }) => {
            if (m.type === 'done') resolve((m as { report: Report<M> }).report);
            else if (m.type === 'failed') reject(new Error((m as { message: string }).message));
            else update(m as Update<M>, progress);
          });
          worker.on('error', reject);
          worker.on('exit', (code) => reject(new Error(`the explore worker stopped (exit code ${code})`)));
        }),
      );
    } finally {
      if (this.running.get(key) === stop) this.running.delete(key);
      void worker.terminate();
    }
  }

  /** Logs and shows a search that failed to run; its message. */
  private failed(what: string, name: string, display: string, e: unknown): string {
    const message = e instanceof Error ? e.message : String(e);
    this.log.error(`${what} "${name}" (${display}): ${message}`);
    void vscode.window.showErrorMessage(`Protocol Playground: ${message}`);
    return message;
  }

  /** Why a search did not run (the file has errors, or no such scenario), shown to the user; undefined when it ran. */
  private problemOf(r: SearchReportHead, display: string): string | undefined {
    let error: string | undefined;
    if (!r.compiled) {
      const first = r.diagnostics.find((d) => d.severity === 'error');
      error = `${display} has errors${first ? ` (line ${first.line}: ${first.message})` : ''}; fix them and explore again.`;
    } else if (r.missing !== undefined) error = `${display} has no scenario named "${r.missing}".`;
    if (error !== undefined) void vscode.window.showErrorMessage(`Protocol Playground: ${error}`);
    return error;
  }

  /** Writes a counterexample and its trace into the trace folder, where the CLI writes them. */
  private async writeCounterexample(uri: vscode.Uri, name: string, text: string, traceText: string | undefined): Promise<{ file: vscode.Uri; trace?: vscode.Uri }> {
    const folder = traceFolderFor(uri, readSettings(uri));
    await vscode.workspace.fs.createDirectory(folder);
    const stem = `${slug(name)}.counterexample`;
    const file = vscode.Uri.joinPath(folder, `${stem}.scenario`);
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(text));
    if (traceText === undefined) return { file };
    const trace = vscode.Uri.joinPath(folder, `${stem}.trace.json`);
    await vscode.workspace.fs.writeFile(trace, new TextEncoder().encode(traceText));
    return { file, trace };
  }

  private async finish(uri: vscode.Uri, name: string, display: string, r: ExploreReport, wallMs: number, budget: ExploreOutcome['budget']): Promise<ExploreOutcome> {
    const head = { scenario: name, compiled: r.compiled, cancelled: r.cancelled, runs: r.runs, workers: r.workers, ...(budget !== undefined ? { budget } : {}) };
    const error = this.problemOf(r, display);
    if (error !== undefined) return { ...head, error };
    const rate = r.seconds > 0 ? Math.round(r.runs / r.seconds) : 0;
    const searched = `${r.runs.toLocaleString('en')} runs in ${(wallMs / 1000).toFixed(1)} s (${rate} runs/s on ${r.workers} worker${r.workers === 1 ? '' : 's'})`;
    const f = r.found;
    if (f === undefined) {
      this.log.info(`explore "${name}" (${display}) · ${r.cancelled ? 'cancelled after ' : ''}${searched} · no violation`);
      void vscode.window.showInformationMessage(r.cancelled
        ? `Explore "${name}" cancelled after ${searched}: no violation so far.`
        : `Explore "${name}": no violation in ${searched}.`);
      return head;
    }
    const { file, trace } = await this.writeCounterexample(uri, name, f.text, f.trace);
    const where = vscode.workspace.asRelativePath(file, false);
    this.log.info(`explore "${name}" (${display}) · ${searched} · FOUND ${f.check} in run ${f.run} (${f.faults.length} fault(s)), shrunk in ${f.shrinkRuns} runs to ${f.shrunk.length}: ${f.shrunk.join('; ') || 'none'} · ${f.message} · counterexample ${where}${f.reproduces ? '' : ` · warning: ${f.problem ?? 'it does not reproduce'}`}`);
    if (!f.reproduces) void vscode.window.showWarningMessage(`Protocol Playground: the counterexample written to ${where} does not reproduce the violation: ${f.problem ?? ''}`);
    return {
      ...head,
      found: {
        check: f.check, message: f.message, faults: f.faults, shrunk: f.shrunk, reproduces: f.reproduces,
        file: file.toString(), ...(trace !== undefined ? { trace: trace.toString() } : {}),
      },
      ...(f.trace !== undefined ? { traceText: f.trace } : {}),
    };
  }

  dispose(): void {
    for (const stop of this.running.values()) stop();
  }
}

/** `up to 2000 runs or 60s · 4 faults per run (explore block: runs/time, faults)` for the output channel. */
function budgetText(b: Omit<ExploreBudgetMessage, 'type'>): string {
  const limit = [b.runs !== undefined ? `${b.runs} runs` : '', b.timeMs !== undefined ? formatTime(Math.round(b.timeMs * 1000)) : ''].filter(Boolean).join(' or ');
  const names: Record<string, string> = { faults: 'faults', maxFaults: 'max faults', limit: 'runs/time', seed: 'seed', expect: 'expect' };
  const block = b.fromBlock.map((k) => names[k] ?? k);
  return `up to ${limit || 'no bound'} · ${b.maxFaults} faults per run · search seed ${b.seed} · expect ${b.expect}${block.length > 0 ? ` (explore block: ${block.join(', ')}; the rest from settings)` : ''}`;
}

function progressText(m: Extract<ExploreWorkerToHost, { type: 'progress' }>): string {
  if (m.phase === 'shrink') return `violation found; shrinking (${m.runs} runs)`;
  const rate = m.seconds > 0 ? Math.round(m.runs / m.seconds) : 0;
  return `${m.runs.toLocaleString('en')} runs · ${rate} runs/s · ${m.violations} violation${m.violations === 1 ? '' : 's'} · ${formatTime(Math.round(m.seconds * 1_000_000))}`;
}

function exhaustiveProgressText(m: Extract<ExhaustiveWorkerToHost, { type: 'progress'; phase: 'search' }>): string {
  const rate = m.seconds > 0 ? Math.round(m.states / m.seconds) : 0;
  return `depth ${m.depth} · ${m.states.toLocaleString('en')} states · ${rate.toLocaleString('en')} states/s · ${formatTime(Math.round(m.seconds * 1_000_000))}`;
}
