/**
 * *Explore* from the editor: the CodeLens's search runs in a worker thread
 * (dist/explore-worker.cjs, which spreads the runs over every core) behind a
 * cancellable progress notification that counts runs, runs/s and
 * violations. A violation comes back shrunk and printed as a scenario file;
 * it is written with its trace as `<slug>.counterexample.scenario` and
 * `<slug>.counterexample.trace.json` in the trace folder (beside the
 * scenario by default, where `protocol-playground explore` writes them),
 * and the caller opens the two side by side. The budget is the scenario's
 * `explore { … }` block over the `protocolPlayground.explore.*` settings:
 * what the block says wins, the settings fill in the rest.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import { slug } from './_blocks.js';
import { traceFolderFor, readSettings, readExploreSettings } from './config.js';
import { formatTime } from './runner.js';
import type { ExploreBudgetMessage, ExploreJob, ExploreReport, ExploreWorkerToHost } from './run-protocol.js';

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
    const key = `${uri.toString()}#${name}`;
    this.running.get(key)?.();
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (doc?.isDirty) await doc.save();
    const settings = readExploreSettings(uri);
    const ws = vscode.workspace.getWorkspaceFolder(uri);
    const display = ws ? vscode.workspace.asRelativePath(uri, false) : uri.fsPath;
    const cancel = new SharedArrayBuffer(4);
    const workers = settings.workers > 0 ? settings.workers : Math.max(1, availableParallelism());
    const job: ExploreJob = {
      path: uri.fsPath, display, scenario: name, runs: settings.runs, timeMs: settings.seconds * 1000,
      maxFaults: settings.maxFaults, workers, searchSeed: settings.seed, cancel,
    };
    const worker = new Worker(join(this.extensionPath, 'dist', 'explore-worker.cjs'), { workerData: job });
    const stop = (): void => { Atomics.store(new Int32Array(cancel), 0, 1); };
    this.running.set(key, stop);
    const started = Date.now();
    let budget: Omit<ExploreBudgetMessage, 'type'> | undefined;

    let report: ExploreReport;
    try {
      report = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Exploring "${name}"`, cancellable: true },
        (progress, token) => new Promise<ExploreReport>((resolve, reject) => {
          token.onCancellationRequested(stop);
          worker.on('message', (m: ExploreWorkerToHost) => {
            if (m.type === 'budget') {
              const { type: _, ...b } = m;
              budget = b;
              this.log.info(`explore "${name}" (${display}) · ${budgetText(b)} · ${workers} worker${workers === 1 ? '' : 's'}`);
            } else if (m.type === 'progress') progress.report({ message: progressText(m) });
            else if (m.type === 'done') resolve(m.report);
            else reject(new Error(m.message));
          });
          worker.on('error', reject);
          worker.on('exit', (code) => reject(new Error(`the explore worker stopped (exit code ${code})`)));
        }),
      );
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.log.error(`explore "${name}" (${display}): ${message}`);
      void vscode.window.showErrorMessage(`Protocol Playground: ${message}`);
      return { scenario: name, compiled: false, cancelled: false, runs: 0, workers, error: message };
    } finally {
      if (this.running.get(key) === stop) this.running.delete(key);
      void worker.terminate();
    }
    return this.finish(uri, name, display, report, Date.now() - started, budget);
  }

  private async finish(uri: vscode.Uri, name: string, display: string, r: ExploreReport, wallMs: number, budget: ExploreOutcome['budget']): Promise<ExploreOutcome> {
    const head = { scenario: name, compiled: r.compiled, cancelled: r.cancelled, runs: r.runs, workers: r.workers, ...(budget !== undefined ? { budget } : {}) };
    if (!r.compiled) {
      const first = r.diagnostics.find((d) => d.severity === 'error');
      const error = `${display} has errors${first ? ` (line ${first.line}: ${first.message})` : ''}; fix them and explore again.`;
      void vscode.window.showErrorMessage(`Protocol Playground: ${error}`);
      return { ...head, error };
    }
    if (r.missing !== undefined) {
      const error = `${display} has no scenario named "${r.missing}".`;
      void vscode.window.showErrorMessage(`Protocol Playground: ${error}`);
      return { ...head, error };
    }
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
    const folder = traceFolderFor(uri, readSettings(uri));
    await vscode.workspace.fs.createDirectory(folder);
    const stem = `${slug(name)}.counterexample`;
    const file = vscode.Uri.joinPath(folder, `${stem}.scenario`);
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(f.text));
    let trace: vscode.Uri | undefined;
    if (f.trace !== undefined) {
      trace = vscode.Uri.joinPath(folder, `${stem}.trace.json`);
      await vscode.workspace.fs.writeFile(trace, new TextEncoder().encode(f.trace));
    }
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

function progressText(m: ExploreWorkerToHost & { type: 'progress' }): string {
  if (m.phase === 'shrink') return `violation found; shrinking (${m.runs} runs)`;
  const rate = m.seconds > 0 ? Math.round(m.runs / m.seconds) : 0;
  return `${m.runs.toLocaleString('en')} runs · ${rate} runs/s · ${m.violations} violation${m.violations === 1 ? '' : 's'} · ${formatTime(Math.round(m.seconds * 1_000_000))}`;
}
