/**
 * Scenarios in the Testing view, the way VS Code users expect tests: a file
 * is a group, each `scenario` a test, each of its `expect` lines a child
 * test at its line. Run or re-run any of them from the view (or the gutter);
 * a scenario runs in the same worker as the Run command (without opening
 * the viewer), each expect line passes or fails with the checker's message
 * at its own line, and the scenario fails when any does.
 *
 * Items come from a line scan (_blocks.ts), refreshed as files change, so
 * the view is filled without loading the language server.
 */
import * as vscode from 'vscode';
import { blockBody, findBlocks } from './_blocks.js';
import type { Runner } from './runner.js';

const EXCLUDE = '{**/node_modules/**,**/.git/**}';

export class ScenarioTests implements vscode.Disposable {
  readonly controller = vscode.tests.createTestController('protocolPlayground', 'Protocol Playground scenarios');
  private readonly subscriptions: vscode.Disposable[] = [this.controller];

  constructor(private readonly runner: Runner) {
    const c = this.controller;
    c.resolveHandler = async (item) => {
      if (!item) { await this.discover(); return; }
      if (item.uri) await this.refreshFile(item.uri);
    };
    c.refreshHandler = async () => { await this.discover(); };
    c.createRunProfile('Run', vscode.TestRunProfileKind.Run, async (request, token) => { await this.run(request, token); }, true);
    const watcher = vscode.workspace.createFileSystemWatcher('**/*.scenario');
    this.subscriptions.push(watcher,
      watcher.onDidCreate((u) => void this.refreshFile(u)),
      watcher.onDidChange((u) => void this.refreshFile(u)),
      watcher.onDidDelete((u) => c.items.delete(u.toString())),
      vscode.workspace.onDidChangeTextDocument((e) => { if (e.document.languageId === 'scenario' && e.document.uri.scheme === 'file') this.fill(e.document.uri, e.document.getText()); }));
  }

  /** Every .scenario file of the workspace, with its tests. */
  async discover(): Promise<void> {
    const files = await vscode.workspace.findFiles('**/*.scenario', EXCLUDE, 2000);
    for (const uri of files) await this.refreshFile(uri);
  }

  private async refreshFile(uri: vscode.Uri): Promise<void> {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    let text: string;
    try {
      text = open?.getText() ?? new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    } catch {
      this.controller.items.delete(uri.toString());
      return;
    }
    this.fill(uri, text);
  }

  /** (Re)builds one file's items from its text. */
  private fill(uri: vscode.Uri, text: string): void {
    const c = this.controller;
    const blocks = findBlocks(text).filter((b) => b.kind === 'scenario');
    if (blocks.length === 0) { c.items.delete(uri.toString()); return; }
    let file = c.items.get(uri.toString());
    if (!file) {
      file = c.createTestItem(uri.toString(), vscode.workspace.asRelativePath(uri, false), uri);
      c.items.add(file);
    }
    file.children.replace(blocks.map((b) => {
      const body = blockBody(text, b);
      const scenario = c.createTestItem(`${uri.toString()}#${b.name}`, b.name, uri);
      scenario.range = new vscode.Range(b.line, b.col, body.endLine, 0);
      scenario.description = body.seed !== undefined ? `seed ${body.seed}` : undefined;
      scenario.children.replace(body.expects.map((e) => {
        const item = c.createTestItem(`${uri.toString()}#${b.name}#${e.line}`, e.text, uri);
        item.range = new vscode.Range(e.line, e.col, e.line, e.col + e.text.length);
        return item;
      }));
      return scenario;
    }));
  }

  /** Runs the items with these ids as the Run profile would; the outcome per id (for tests and the API). */
  async runIds(ids: readonly string[]): Promise<Record<string, string>> {
    const found: vscode.TestItem[] = [];
    const visit = (item: vscode.TestItem): void => { if (ids.includes(item.id)) found.push(item); item.children.forEach(visit); };
    this.controller.items.forEach(visit);
    return this.run(new vscode.TestRunRequest(found), new vscode.CancellationTokenSource().token);
  }

  private async run(request: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<Record<string, string>> {
    const results: Record<string, string> = {};
    const real = this.controller.createTestRun(request);
    // The outcome of each item, as reported to VS Code, is also returned.
    const run = {
      started: (i: vscode.TestItem) => real.started(i),
      passed: (i: vscode.TestItem) => { results[i.id] = 'passed'; real.passed(i); },
      skipped: (i: vscode.TestItem) => { results[i.id] = 'skipped'; real.skipped(i); },
      failed: (i: vscode.TestItem, m: vscode.TestMessage | readonly vscode.TestMessage[]) => { results[i.id] = `failed: ${(Array.isArray(m) ? m : [m]).map((x: vscode.TestMessage) => String(x.message)).join(' | ')}`; real.failed(i, m); },
      errored: (i: vscode.TestItem, m: vscode.TestMessage) => { results[i.id] = `errored: ${String(m.message)}`; real.errored(i, m); },
      appendOutput: (text: string) => real.appendOutput(text),
      end: () => real.end(),
    };
    // Which scenarios of which files: a file means all its scenarios, an expect line its scenario.
    const wanted = new Map<string, { uri: vscode.Uri; scenarios: Map<string, vscode.TestItem> }>();
    const add = (item: vscode.TestItem): void => {
      if (!item.uri) return;
      const parts = item.id.slice(item.uri.toString().length).split('#').filter(Boolean);
      if (parts.length === 0) { item.children.forEach(add); return; }
      const scenario = parts.length === 1 ? item : item.parent;
      if (!scenario) return;
      const key = item.uri.toString();
      const entry = wanted.get(key) ?? { uri: item.uri, scenarios: new Map<string, vscode.TestItem>() };
      wanted.set(key, entry);
      entry.scenarios.set(scenario.label, scenario);
    };
    if (request.include) request.include.forEach(add);
    else this.controller.items.forEach(add);
    const excluded = new Set((request.exclude ?? []).map((i) => i.id));

    for (const { uri, scenarios } of wanted.values()) {
      if (token.isCancellationRequested) break;
      const items = [...scenarios.values()].filter((s) => !excluded.has(s.id));
      for (const s of items) { run.started(s); s.children.forEach((e) => { if (!excluded.has(e.id)) run.started(e); }); }
      const cancel = token.onCancellationRequested(() => this.runner.cancel(uri));
      const outcome = await this.runner.run({ uri, select: items.map((s) => s.label) });
      cancel.dispose();
      for (const s of items) {
        const result = outcome.scenarios.find((r) => r.name === s.label);
        if (!result) {
          const message = new vscode.TestMessage(outcome.error ?? (outcome.cancelled ? 'cancelled' : 'the scenario did not run'));
          if (s.range) message.location = new vscode.Location(uri, s.range);
          if (outcome.cancelled) run.skipped(s); else run.errored(s, message);
          s.children.forEach((e) => run.skipped(e));
          continue;
        }
        const failures: vscode.TestMessage[] = [];
        s.children.forEach((e) => {
          if (excluded.has(e.id)) return;
          const checks = result.checks.filter((c) => c.source && c.source.line - 1 === e.range?.start.line);
          const failed = checks.filter((c) => c.status === 'failed');
          if (checks.length === 0) { run.skipped(e); return; }
          if (failed.length === 0) { run.passed(e); return; }
          const message = new vscode.TestMessage(failed.map((c) => `expect ${c.name} failed${c.message ? `: ${c.message}` : ''}`).join('\n'));
          message.location = new vscode.Location(uri, e.range!);
          failures.push(message);
          run.failed(e, message);
        });
        if (result.passed) run.passed(s);
        else run.failed(s, failures.length ? failures : [new vscode.TestMessage(`${result.failed} expect line${result.failed === 1 ? '' : 's'} failed`)]);
        run.appendOutput(`${result.passed ? 'PASS' : 'FAIL'} ${s.label} (seed ${result.seed}): ${result.checks.filter((c) => c.status === 'held').length}/${result.checks.length} expects held, trace ${vscode.workspace.asRelativePath(vscode.Uri.parse(result.trace), false)}\r\n`);
      }
    }
    run.end();
    return results;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
