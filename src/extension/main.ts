/**
 * The VS Code extension (the only code that imports `vscode`). Activation is
 * lazy — on a `scenario` file, one of the commands, the trace custom editor
 * or a restored viewer panel — and cheap: this bundle never loads the
 * language (Langium runs in the server process, the simulator in a worker
 * thread). It registers:
 * - the language client for dist/server.cjs (client.ts, its own bundle
 *   dist/client.cjs, loaded just after activation returns: it is nine
 *   tenths of the extension's code and nothing in activation needs it);
 * - CodeLens and the commands of the "Protocol Playground" category;
 * - the run pipeline (runner.ts), the viewer panel and its serializer
 *   (trace-panel.ts), the read-only custom editor for *.trace.json
 *   (trace-editor.ts);
 * - the cursor → highlighted events link, and auto-run on save;
 * - a "Protocol Playground" log channel that says how long activate took.
 * `activate` returns a small read-only API the extension-host tests use.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type * as ClientModule from './client.js';
import { ScenarioCodeLens } from './codelens.js';
import { readSettings } from './config.js';
import { Runner, type RunOutcome } from './runner.js';
import { EDITOR_VIEW_TYPE, openTraceEditors, TraceEditorProvider } from './trace-editor.js';
import { PANEL_VIEW_TYPE, TracePanel, TracePanelSerializer } from './trace-panel.js';
import { highlightIn } from './viewer-connection.js';

let client: LanguageClient | undefined;

/**
 * Module evaluation ends here (a bundle runs its dependencies first); the
 * banner in esbuild.mjs stamped its start. Between the two stamps and
 * activate() the extension host builds the ExtensionContext, which is its
 * time, not ours.
 */
const loadStart = (globalThis as { __protocolPlaygroundLoadStart?: number }).__protocolPlaygroundLoadStart;
const loadEnd = performance.now();

/** What commands return to callers (tests): plain data, no trace texts. */
type CommandResult = Omit<RunOutcome, 'texts' | 'traceUris'>;

export interface ExtensionApi {
  /** The viewer panel's state, or undefined when it is closed. */
  panel(): { title: string; scenario?: string; lastError?: string } | undefined;
  traceEditor(uri: vscode.Uri): { ok: boolean; error?: string } | undefined;
  languageClientState(): 'stopped' | 'starting' | 'running';
}

const MAX_SEED = 0xffff_ffff;

export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const started = performance.now();
  const runner = new Runner(context.extensionPath);
  const lenses = new ScenarioCodeLens();
  const push = (...d: vscode.Disposable[]): void => { context.subscriptions.push(...d); };

  const scenarioUri = (arg: unknown): vscode.Uri | undefined => {
    if (arg instanceof vscode.Uri) return arg;
    const doc = vscode.window.activeTextEditor?.document;
    return doc?.languageId === 'scenario' ? doc.uri : undefined;
  };
  const needScenario = (): undefined => {
    void vscode.window.showWarningMessage('Protocol Playground: open a .scenario file first.');
    return undefined;
  };

  const runAndShow = async (uri: vscode.Uri, request: { select?: string[]; seed?: number; compare?: string; sweep?: string }): Promise<CommandResult> => {
    const outcome = await runner.run({ uri, ...request });
    lenses.refresh();
    const { texts, traceUris, ...result } = outcome;
    if (texts.length > 0 && readSettings(uri).openViewerAfterRun) {
      const pair = request.compare !== undefined && texts.length >= 2;
      const title = pair ? `Compare: ${outcome.scenarios[0]!.name} | ${outcome.scenarios[1]!.name}` : `Trace: ${outcome.scenarios[0]!.name}`;
      await TracePanel.open(context, { traces: pair ? traceUris.slice(0, 2) : traceUris.slice(0, 1), scenario: uri, title }, pair ? texts.slice(0, 2) : texts.slice(0, 1));
    }
    return result;
  };

  push(
    runner,
    vscode.languages.registerCodeLensProvider({ language: 'scenario' }, lenses),
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, new TracePanelSerializer(context)),
    vscode.window.registerCustomEditorProvider(EDITOR_VIEW_TYPE, new TraceEditorProvider(context.extensionUri), {
      webviewOptions: { retainContextWhenHidden: false },
      supportsMultipleEditorsPerDocument: true,
    }),

    vscode.commands.registerCommand('protocolPlayground.run', async (arg?: unknown, name?: unknown) => {
      const uri = scenarioUri(arg);
      if (!uri) return needScenario();
      return runAndShow(uri, typeof name === 'string' ? { select: [name] } : {});
    }),

    vscode.commands.registerCommand('protocolPlayground.runWithSeed', async (arg?: unknown, name?: unknown, seedArg?: unknown) => {
      const uri = scenarioUri(arg);
      if (!uri) return needScenario();
      let seed = typeof seedArg === 'number' ? seedArg : undefined;
      if (seed === undefined) {
        const text = await vscode.window.showInputBox({
          title: typeof name === 'string' ? `Run "${name}" with seed` : 'Run with seed',
          prompt: `A whole number from 0 to ${MAX_SEED}`,
          value: String(readSettings(uri).defaultSeed ?? 1),
          validateInput: (v) => (/^\d+$/.test(v.trim()) && Number(v) <= MAX_SEED ? undefined : `Enter a whole number from 0 to ${MAX_SEED}`),
        });
        if (text === undefined) return undefined;
        seed = Number(text.trim());
      }
      if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
        void vscode.window.showErrorMessage(`Protocol Playground: the seed must be a whole number from 0 to ${MAX_SEED}.`);
        return undefined;
      }
      return runAndShow(uri, { ...(typeof name === 'string' ? { select: [name] } : {}), seed });
    }),

    vscode.commands.registerCommand('protocolPlayground.runCompare', async (arg?: unknown, name?: unknown) => {
      const uri = scenarioUri(arg);
      if (!uri || typeof name !== 'string') return needScenario();
      return runAndShow(uri, { compare: name });
    }),

    vscode.commands.registerCommand('protocolPlayground.runSweep', async (arg?: unknown, name?: unknown) => {
      const uri = scenarioUri(arg);
      if (!uri || typeof name !== 'string') return needScenario();
      return runAndShow(uri, { sweep: name });
    }),

    vscode.commands.registerCommand('protocolPlayground.openLastTrace', async (arg?: unknown, name?: unknown) => {
      const uri = scenarioUri(arg) ?? runner.lastFile;
      if (!uri) return needScenario();
      const scenario = typeof name === 'string' ? name : undefined;
      let trace = runner.lastTrace(uri, scenario);
      if (!trace && scenario !== undefined) {
        const guess = runner.traceUriFor(uri, scenario);
        if (await exists(guess)) trace = guess;
      }
      if (!trace) {
        const run = 'Run it';
        const pick = await vscode.window.showInformationMessage(`Protocol Playground: no trace yet for ${scenario ? `"${scenario}"` : 'this file'}.`, run);
        if (pick === run) return runAndShow(uri, scenario !== undefined ? { select: [scenario] } : {});
        return undefined;
      }
      await TracePanel.open(context, { traces: [trace], scenario: uri, title: `Trace: ${scenario ?? trace.path.split('/').pop()}` });
      return trace.toString();
    }),

    vscode.commands.registerCommand('protocolPlayground.compareWith', async (arg?: unknown, otherArg?: unknown) => {
      const first = arg instanceof vscode.Uri ? arg : activeTraceUri();
      if (!first) {
        void vscode.window.showWarningMessage('Protocol Playground: open or select a .trace.json first.');
        return undefined;
      }
      const second = otherArg instanceof vscode.Uri ? otherArg : await pickTrace(first);
      if (!second) return undefined;
      const name = (u: vscode.Uri): string => u.path.split('/').pop()!.replace(/\.trace\.json$/, '');
      await TracePanel.open(context, { traces: [first, second], title: `Compare: ${name(first)} | ${name(second)}` });
      return [first.toString(), second.toString()];
    }),

    vscode.commands.registerCommand('protocolPlayground.openTraceAsText', async (arg?: unknown) => {
      const uri = arg instanceof vscode.Uri ? arg : activeTraceUri();
      if (uri) await vscode.commands.executeCommand('vscode.openWith', uri, 'default');
    }),

    vscode.commands.registerCommand('protocolPlayground.restartLanguageServer', async () => {
      if (client) await client.restart();
    }),

    vscode.window.onDidChangeTextEditorSelection((e) => {
      if (e.textEditor.document.languageId === 'scenario') highlightIn(e.textEditor.document.uri, e.selections[0]!.active.line + 1);
    }),

    vscode.workspace.onDidSaveTextDocument((doc) => {
      if (doc.languageId !== 'scenario' || doc.uri.scheme !== 'file' || !readSettings(doc.uri).autoRunOnSave) return;
      void runner.run({ uri: doc.uri }).then(async (outcome) => {
        lenses.refresh();
        if (TracePanel.active && outcome.texts.length > 0) {
          await TracePanel.open(context, { traces: outcome.traceUris.slice(0, 1), scenario: doc.uri, title: `Trace: ${outcome.scenarios[0]!.name}` }, outcome.texts.slice(0, 1));
        }
      });
    }),
  );

  setTimeout(() => startLanguageClient(context), 0);
  push({ dispose: () => void client?.stop() });

  // Read by bench/activation.bench.ts from the extension host's log folder.
  const log = vscode.window.createOutputChannel('Protocol Playground', { log: true });
  push(log);
  const own = performance.now() - started;
  const load = loadStart === undefined ? NaN : loadEnd - loadStart;
  log.info(`activated in ${own.toFixed(1)} ms; loading the bundle took ${load.toFixed(1)} ms`);

  return {
    panel: () => {
      const p = TracePanel.active;
      if (!p) return undefined;
      return {
        title: p.panel.title,
        ...(p.viewer.scenario ? { scenario: p.viewer.scenario.toString() } : {}),
        ...(p.viewer.lastError !== undefined ? { lastError: p.viewer.lastError } : {}),
      };
    },
    traceEditor: (uri) => openTraceEditors.get(uri.toString()),
    languageClientState: () => {
      const s = client?.state;
      return s === 2 ? 'running' : s === 3 ? 'starting' : 'stopped';
    },
  };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

function startLanguageClient(context: vscode.ExtensionContext): void {
  try {
    // Resolved at run time next to dist/extension.cjs (esbuild.mjs keeps it external).
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load by design: see the header
    const { createClient } = require('./client.cjs') as typeof ClientModule;
    client = createClient(context);
    void client.start().catch(reportServerFailure);
  } catch (e) {
    reportServerFailure(e);
  }
}

function reportServerFailure(e: unknown): void {
  void vscode.window.showWarningMessage(`Protocol Playground: the language server did not start (${e instanceof Error ? e.message : String(e)}). Runs and the viewer still work.`);
}

function activeTraceUri(): vscode.Uri | undefined {
  const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
  const input = tab?.input;
  if (input instanceof vscode.TabInputCustom && input.viewType === EDITOR_VIEW_TYPE) return input.uri;
  if (input instanceof vscode.TabInputText && input.uri.path.endsWith('.trace.json')) return input.uri;
  return undefined;
}

async function pickTrace(exclude: vscode.Uri): Promise<vscode.Uri | undefined> {
  const found = (await vscode.workspace.findFiles('**/*.trace.json', '**/node_modules/**', 500)).filter((u) => u.toString() !== exclude.toString());
  const browse = '$(folder-opened) Browse…';
  const items = [...found.map((u) => ({ label: vscode.workspace.asRelativePath(u), uri: u as vscode.Uri | undefined })), { label: browse, uri: undefined }];
  const pick = await vscode.window.showQuickPick(items, { title: 'Compare with which trace?', placeHolder: 'A .trace.json file' });
  if (!pick) return undefined;
  if (pick.uri) return pick.uri;
  const chosen = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'Traces': ['json'] }, openLabel: 'Compare' });
  return chosen?.[0];
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
