/**
 * The VS Code extension (the only code that imports `vscode`). Activation is
 * lazy — on a `scenario` file, one of the commands, a view, the trace custom
 * editor or a restored viewer panel — and cheap: this bundle never loads the
 * language (Langium runs in the server process, the simulator in a worker
 * thread). It registers:
 * - the language client for dist/server.cjs (client.ts, its own bundle
 *   dist/client.cjs, loaded just after activation returns: it is nine
 *   tenths of the extension's code and nothing in activation needs it);
 * - CodeLens and the commands of the "Protocol Playground" category: run,
 *   run with a seed, compare with another seed, explore (random and
 *   exhaustive, explorer.ts), sweeps, compares, traces;
 * - the run pipeline (runner.ts), the viewer panel and its serializer
 *   (trace-panel.ts), the read-only custom editor for *.trace.json
 *   (trace-editor.ts);
 * - the way in (onboarding.ts, views.ts): New Scenario…, Copy the Examples,
 *   the activity-bar view of scenarios and traces, the walkthrough;
 * - scenarios as tests in the Testing view (testing.ts);
 * - the cursor → highlighted events link, stale run diagnostics on edit,
 *   the status bar for the active file, and auto-run on save;
 * - ONE output channel, "Protocol Playground": activation, a line per run,
 *   sweep tables, and the language client's own log.
 * `activate` returns a small read-only API the extension-host tests use.
 */
import * as vscode from 'vscode';
import { exists } from './_fs.js';
import type { LanguageClient } from 'vscode-languageclient/node';
import type * as ClientModule from './client.js';
import { blockBody, findBlocks } from './_blocks.js';
import { ScenarioCodeLens } from './codelens.js';
import { readSettings } from './config.js';
import { copyExamples, newScenario, openExample } from './onboarding.js';
import { Runner, type RunOutcome } from './runner.js';
import { Explorer } from './explorer.js';
import { ScenarioTests } from './testing.js';
import { EDITOR_VIEW_TYPE, openTraceEditors, TraceEditorProvider } from './trace-editor.js';
import { PANEL_VIEW_TYPE, TracePanel, TracePanelSerializer } from './trace-panel.js';
import { highlightIn } from './viewer-connection.js';
import { ScenariosView, TracesView } from './views.js';

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
  panel(): { title: string; scenario?: string; lastError?: string; traces: string[]; lastSaved?: string } | undefined;
  traceEditor(uri: vscode.Uri): { ok: boolean; error?: string } | undefined;
  languageClientState(): 'stopped' | 'starting' | 'running';
  /** The searches *Explore* is running (`fileUri#scenario`), and a way to cancel one as the notification's Cancel does. */
  exploring(): string[];
  cancelExplore(uri: vscode.Uri, name: string): void;
  /** The status bar entry as the user sees it (for the active file). */
  status(): { text: string; visible: boolean };
  /** The Testing view's items: file → scenario → expect line (ids and labels). */
  tests(): { id: string; label: string; children: { id: string; label: string; children: { id: string; label: string }[] }[] }[];
  /** Runs Testing-view items by id, as the view's Run does; each id's outcome. */
  runTests(ids: readonly string[]): Promise<Record<string, string>>;
  /** The output channel's name (one channel for everything) and the folder its log file is in. */
  readonly outputChannel: string;
  readonly logFolder: string;
}

const MAX_SEED = 0xffff_ffff;

export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const started = performance.now();
  // Read by bench/activation.bench.ts from the extension host's log folder.
  const log = vscode.window.createOutputChannel('Protocol Playground', { log: true });
  const runner = new Runner(context.extensionPath, log);
  const explorer = new Explorer(context.extensionPath, log);
  const lenses = new ScenarioCodeLens();
  const scenariosView = new ScenariosView();
  const tracesView = new TracesView();
  const tests = new ScenarioTests(runner);
  let statusVisible = false;
  const push = (...d: vscode.Disposable[]): void => { context.subscriptions.push(...d); };

  const scenarioUri = (arg: unknown): vscode.Uri | undefined => {
    if (arg instanceof vscode.Uri) return arg;
    if (typeof arg === 'string' && arg.length > 0) return vscode.Uri.parse(arg);
    const args = ScenariosView.argsOf(arg);
    if (args) return args[0];
    const doc = vscode.window.activeTextEditor?.document;
    return doc?.languageId === 'scenario' ? doc.uri : undefined;
  };
  /** A command's scenario name: the second argument, or the tree node's block. */
  const scenarioName = (arg: unknown, name: unknown): string | undefined => {
    if (typeof name === 'string') return name;
    return ScenariosView.argsOf(arg)?.[1];
  };
  /** The file's only scenario, or the one the user picks (undefined: none picked). */
  const pickScenario = async (uri: vscode.Uri, title: string): Promise<string | undefined> => {
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    const names = findBlocks(text).filter((b) => b.kind === 'scenario').map((b) => b.name);
    return names.length === 1 ? names[0] : vscode.window.showQuickPick(names, { title });
  };
  const needScenario = (): undefined => {
    void vscode.window.showWarningMessage('Protocol Playground: open a .scenario file first.');
    return undefined;
  };
  const updateStatus = (): void => {
    const doc = vscode.window.activeTextEditor?.document;
    runner.showStatusFor(doc?.uri, doc?.languageId === 'scenario');
    statusVisible = doc !== undefined && (doc.languageId === 'scenario');
  };

  /** The seed a scenario runs with when none is asked for: its `seed` line, else the setting, else 1. */
  const ownSeed = async (uri: vscode.Uri, name: string | undefined): Promise<number> => {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    const text = open?.getText() ?? new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    const block = findBlocks(text).find((b) => b.kind === 'scenario' && (name === undefined || b.name === name));
    return (block ? blockBody(text, block).seed : undefined) ?? readSettings(uri).defaultSeed ?? 1;
  };

  const askSeed = async (title: string, prompt: string, value: number, same?: number): Promise<number | undefined> => {
    const text = await vscode.window.showInputBox({
      title, prompt, value: String(value), valueSelection: [0, String(value).length],
      validateInput: (v) => {
        if (!/^\d+$/.test(v.trim()) || Number(v) > MAX_SEED) return `Enter a whole number from 0 to ${MAX_SEED}`;
        if (same !== undefined && Number(v) === same) return { message: `Seed ${same} is the scenario's own: the two traces would be the same. Type another.`, severity: vscode.InputBoxValidationSeverity.Info };
        return undefined;
      },
    });
    return text === undefined ? undefined : Number(text.trim());
  };

  const runAndShow = async (uri: vscode.Uri, request: { select?: string[]; seed?: number; compare?: string; sweep?: string }): Promise<CommandResult> => {
    const outcome = await runner.run({ uri, ...request });
    lenses.refresh();
    const { texts, traceUris, ...result } = outcome;
    if (texts.length > 0 && readSettings(uri).openViewerAfterRun) {
      const pair = request.compare !== undefined && texts.length >= 2;
      const seed = request.seed !== undefined ? ` · seed ${request.seed}` : '';
      const title = pair ? `Compare: ${outcome.scenarios[0]!.name} | ${outcome.scenarios[1]!.name}` : `Trace: ${outcome.scenarios[0]!.name}${seed}`;
      await TracePanel.open(context, { traces: pair ? traceUris.slice(0, 2) : traceUris.slice(0, 1), scenario: uri, title }, pair ? texts.slice(0, 2) : texts.slice(0, 1));
    }
    return result;
  };

  /** A counterexample explore wrote: the scenario in the editor, its trace in the viewer beside it. */
  const showCounterexample = async (fileArg: string, traceArg: string | undefined, traceText: string | undefined, check: string): Promise<void> => {
    const file = vscode.Uri.parse(fileArg);
    await vscode.window.showTextDocument(file, { viewColumn: vscode.ViewColumn.One, preview: false });
    if (traceArg !== undefined && traceText !== undefined) {
      await TracePanel.open(context, { traces: [vscode.Uri.parse(traceArg)], scenario: file, title: `Counterexample: ${check}` }, [traceText]);
    }
    tracesView.refresh();
  };

  push(
    log,
    runner,
    explorer,
    scenariosView,
    tracesView,
    tests,
    vscode.languages.registerCodeLensProvider({ language: 'scenario' }, lenses),
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, new TracePanelSerializer(context)),
    vscode.window.registerCustomEditorProvider(EDITOR_VIEW_TYPE, new TraceEditorProvider(context.extensionUri), {
      webviewOptions: { retainContextWhenHidden: false },
      supportsMultipleEditorsPerDocument: true,
    }),
    vscode.window.registerTreeDataProvider('protocolPlayground.scenarios', scenariosView),
    vscode.window.registerTreeDataProvider('protocolPlayground.traces', tracesView),
    runner.onDidRun(() => { tracesView.refresh(); updateStatus(); }),

    vscode.commands.registerCommand('protocolPlayground.run', async (arg?: unknown, name?: unknown) => {
      const uri = scenarioUri(arg);
      if (!uri) return needScenario();
      const scenario = scenarioName(arg, name);
      return runAndShow(uri, scenario !== undefined ? { select: [scenario] } : {});
    }),

    // Explore: random fault schedules on every core; a counterexample opens beside the trace viewer.
    vscode.commands.registerCommand('protocolPlayground.explore', async (arg?: unknown, name?: unknown) => {
      const uri = scenarioUri(arg);
      if (!uri) return needScenario();
      const scenario = scenarioName(arg, name) ?? await pickScenario(uri, 'Explore which scenario?');
      if (scenario === undefined) return undefined;
      const { traceText, ...outcome } = await explorer.explore(uri, scenario);
      const found = outcome.found;
      if (found !== undefined) {
        await showCounterexample(found.file, found.trace, traceText, found.check);
        void vscode.window.showWarningMessage(`Explore "${scenario}": ${found.check} fails — shrunk to ${found.shrunk.length} fault${found.shrunk.length === 1 ? '' : 's'} after ${outcome.runs} runs. The counterexample is open beside its trace.`);
      }
      return outcome;
    }),

    // Explore exhaustively: the breadth-first search of `explore --exhaustive` with the scenario's explore block; its shortest counterexample opens the same way.
    vscode.commands.registerCommand('protocolPlayground.exploreExhaustive', async (arg?: unknown, name?: unknown) => {
      const uri = scenarioUri(arg);
      if (!uri) return needScenario();
      const scenario = scenarioName(arg, name) ?? await pickScenario(uri, 'Explore which scenario exhaustively?');
      if (scenario === undefined) return undefined;
      const { traceText, ...outcome } = await explorer.exploreExhaustively(uri, scenario);
      const found = outcome.found;
      if (found?.file !== undefined) {
        await showCounterexample(found.file, found.trace, traceText, found.check);
        void vscode.window.showWarningMessage(`Explore exhaustively "${scenario}": ${found.check} fails after ${found.steps.length} steps, the shortest path (${outcome.states.toLocaleString('en')} states searched). The counterexample is open beside its trace.`);
      }
      return outcome;
    }),

    // The Scenarios view's ▷ on a file or a scenario (the same as Run, with a shorter title).
    vscode.commands.registerCommand('protocolPlayground.runFromView', (node?: unknown) => vscode.commands.executeCommand('protocolPlayground.run', node)),

    vscode.commands.registerCommand('protocolPlayground.runWithSeed', async (arg?: unknown, name?: unknown, seedArg?: unknown) => {
      const uri = scenarioUri(arg);
      if (!uri) return needScenario();
      const scenario = scenarioName(arg, name);
      let seed = typeof seedArg === 'number' ? seedArg : undefined;
      if (seed === undefined) {
        const own = await ownSeed(uri, scenario);
        seed = await askSeed(scenario !== undefined ? `Run "${scenario}" with seed` : 'Run with seed', `The scenario's seed is ${own}. The trace is saved as <name>.seed-N.trace.json, next to the others.`, own);
        if (seed === undefined) return undefined;
      }
      if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
        void vscode.window.showErrorMessage(`Protocol Playground: the seed must be a whole number from 0 to ${MAX_SEED}.`);
        return undefined;
      }
      return runAndShow(uri, { ...(scenario !== undefined ? { select: [scenario] } : {}), seed });
    }),

    vscode.commands.registerCommand('protocolPlayground.compareSeeds', async (arg?: unknown, name?: unknown, seedArg?: unknown) => {
      const uri = scenarioUri(arg);
      if (!uri) return needScenario();
      const scenario = scenarioName(arg, name) ?? await pickScenario(uri, 'Compare which scenario with another seed?');
      if (scenario === undefined) return undefined;
      const own = await ownSeed(uri, scenario);
      const other = typeof seedArg === 'number' ? seedArg : await askSeed(`Compare "${scenario}" with another seed`,
        `Left: the scenario's own seed ${own}. Right: this seed. Both traces are kept (the right one as <name>.seed-N.trace.json).`, own, own);
      if (other === undefined) return undefined;
      const left = await runner.run({ uri, select: [scenario] });
      const right = await runner.run({ uri, select: [scenario], seed: other });
      lenses.refresh();
      if (!left.texts[0] || !right.texts[0]) return { left: left.scenarios[0]?.trace, right: right.scenarios[0]?.trace, error: left.error ?? right.error };
      await TracePanel.open(context, { traces: [left.traceUris[0]!, right.traceUris[0]!], scenario: uri, title: `Compare seeds: ${scenario} · ${own} | ${other}` }, [left.texts[0], right.texts[0]]);
      return { left: left.traceUris[0]!.toString(), right: right.traceUris[0]!.toString() };
    }),

    vscode.commands.registerCommand('protocolPlayground.runCompare', async (arg?: unknown, name?: unknown) => {
      const uri = scenarioUri(arg);
      const block = scenarioName(arg, name);
      if (!uri || block === undefined) return needScenario();
      return runAndShow(uri, { compare: block });
    }),

    vscode.commands.registerCommand('protocolPlayground.runSweep', async (arg?: unknown, name?: unknown) => {
      const uri = scenarioUri(arg);
      const block = scenarioName(arg, name);
      if (!uri || block === undefined) return needScenario();
      return runAndShow(uri, { sweep: block });
    }),

    vscode.commands.registerCommand('protocolPlayground.openLastTrace', async (arg?: unknown, name?: unknown) => {
      const uri = scenarioUri(arg) ?? runner.lastFile;
      if (!uri) return needScenario();
      const scenario = scenarioName(arg, name);
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
      const uri = arg instanceof vscode.Uri ? arg : typeof arg === 'string' ? vscode.Uri.parse(arg) : activeTraceUri();
      if (uri) await vscode.commands.executeCommand('vscode.openWith', uri, 'default');
      return uri?.toString();
    }),

    vscode.commands.registerCommand('protocolPlayground.newScenario', async (protocol?: unknown) => (await newScenario(typeof protocol === 'string' ? protocol : undefined))?.toString()),
    vscode.commands.registerCommand('protocolPlayground.copyExamples', async (into?: unknown) => (await copyExamples(context.extensionUri, into instanceof vscode.Uri ? into : undefined))?.toString()),
    vscode.commands.registerCommand('protocolPlayground.openExample', async (relative?: unknown) => (await openExample(context.extensionUri, typeof relative === 'string' ? relative : 'raft/leader-failover.scenario')).toString()),
    vscode.commands.registerCommand('protocolPlayground.openWalkthrough', () => vscode.commands.executeCommand('workbench.action.openWalkthrough', 'protocol-playground.protocol-playground#protocolPlayground.gettingStarted', false)),
    vscode.commands.registerCommand('protocolPlayground.showOutput', () => log.show()),
    vscode.commands.registerCommand('protocolPlayground.refreshViews', () => { scenariosView.refresh(); tracesView.refresh(); }),

    vscode.commands.registerCommand('protocolPlayground.restartLanguageServer', async () => {
      if (client) await client.restart();
    }),

    vscode.window.onDidChangeTextEditorSelection((e) => {
      if (e.textEditor.document.languageId === 'scenario') highlightIn(e.textEditor.document.uri, e.selections[0]!.active.line + 1);
    }),
    vscode.window.onDidChangeActiveTextEditor(() => updateStatus()),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document.languageId === 'scenario' && e.contentChanges.length > 0) runner.markStale(e.document, e.contentChanges);
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
  updateStatus();

  setTimeout(() => startLanguageClient(context, log), 0);
  // The Testing view lists the workspace's scenarios from the start (a line scan, no language server).
  setTimeout(() => void tests.discover(), 0);
  push({ dispose: () => void client?.stop() });

  const own = performance.now() - started;
  const load = loadStart === undefined ? NaN : loadEnd - loadStart;
  log.info(`activated in ${own.toFixed(1)} ms; loading the bundle took ${load.toFixed(1)} ms`);

  return {
    panel: () => {
      const p = TracePanel.active;
      if (!p) return undefined;
      return {
        title: p.panel.title,
        traces: p.viewer.traces.map((t) => t.toString()),
        ...(p.viewer.scenario ? { scenario: p.viewer.scenario.toString() } : {}),
        ...(p.viewer.lastError !== undefined ? { lastError: p.viewer.lastError } : {}),
        ...(p.viewer.lastSaved ? { lastSaved: p.viewer.lastSaved.toString() } : {}),
      };
    },
    traceEditor: (uri) => openTraceEditors.get(uri.toString()),
    languageClientState: () => {
      const s = client?.state;
      return s === 2 ? 'running' : s === 3 ? 'starting' : 'stopped';
    },
    status: () => ({ text: runner.status.text, visible: statusVisible }),
    exploring: () => explorer.active,
    cancelExplore: (uri, name) => explorer.cancel(uri, name),
    tests: () => {
      const out: ReturnType<ExtensionApi['tests']> = [];
      tests.controller.items.forEach((file) => {
        const scenarios: ReturnType<ExtensionApi['tests']>[number]['children'] = [];
        file.children.forEach((s) => {
          const expects: { id: string; label: string }[] = [];
          s.children.forEach((e) => expects.push({ id: e.id, label: e.label }));
          scenarios.push({ id: s.id, label: s.label, children: expects });
        });
        out.push({ id: file.id, label: file.label, children: scenarios });
      });
      return out;
    },
    runTests: (ids) => tests.runIds(ids),
    outputChannel: log.name,
    logFolder: context.logUri.toString(),
  };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

function startLanguageClient(context: vscode.ExtensionContext, log: vscode.OutputChannel): void {
  try {
    // Resolved at run time next to dist/extension.cjs (esbuild.mjs keeps it external).
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load by design: see the header
    const { createClient } = require('./client.cjs') as typeof ClientModule;
    client = createClient(context, log);
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
