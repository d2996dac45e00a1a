/**
 * The trace viewer panel beside the editor: one panel, reused by every run
 * and comparison, restored after a window reload by a WebviewPanelSerializer.
 * What it showed (the trace files and the scenario) is remembered in the
 * workspace state; the viewer keeps its own view state (step, tab) with
 * `setState`, which VS Code hands back on restore.
 */
import * as vscode from 'vscode';
import { readTrace } from '../trace/read.js';
import { ViewerConnection } from './viewer-connection.js';

export const PANEL_VIEW_TYPE = 'protocolPlayground.traceViewer';
const STATE_KEY = 'protocolPlayground.panel';

interface Remembered {
  readonly traces: readonly string[];
  readonly scenario?: string;
  readonly title: string;
}

export interface PanelContent {
  /** One trace file, or two for side by side. */
  readonly traces: readonly vscode.Uri[];
  readonly scenario?: vscode.Uri;
  readonly title: string;
}

export class TracePanel {
  private static current: TracePanel | undefined;

  private constructor(
    private readonly context: vscode.ExtensionContext,
    readonly panel: vscode.WebviewPanel,
    readonly viewer: ViewerConnection,
  ) {
    panel.onDidDispose(() => {
      viewer.dispose();
      if (TracePanel.current === this) TracePanel.current = undefined;
    });
  }

  static get active(): TracePanel | undefined {
    return TracePanel.current;
  }

  /** Opens (or reuses) the panel beside the active editor and shows the traces. */
  static async open(context: vscode.ExtensionContext, content: PanelContent, texts?: readonly string[]): Promise<TracePanel> {
    let p = TracePanel.current;
    if (!p) {
      const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, content.title, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, { retainContextWhenHidden: false });
      p = TracePanel.current = new TracePanel(context, panel, new ViewerConnection(panel.webview, context.extensionUri, content.title));
    } else {
      // Beside the editor, never over it: a panel left in the editor's own column moves next to it.
      const editor = vscode.window.activeTextEditor?.viewColumn;
      p.panel.reveal(p.panel.viewColumn === undefined || p.panel.viewColumn === editor ? vscode.ViewColumn.Beside : p.panel.viewColumn, true);
    }
    await p.load(content, texts);
    return p;
  }

  /** Restores a panel VS Code kept across a reload. */
  static async restore(context: vscode.ExtensionContext, panel: vscode.WebviewPanel): Promise<void> {
    const remembered = context.workspaceState.get<Remembered>(STATE_KEY);
    const p = new TracePanel(context, panel, new ViewerConnection(panel.webview, context.extensionUri, remembered?.title ?? 'Trace'));
    TracePanel.current?.panel.dispose();
    TracePanel.current = p;
    if (!remembered || remembered.traces.length === 0) return;
    const content: PanelContent = {
      traces: remembered.traces.map((t) => vscode.Uri.parse(t)),
      ...(remembered.scenario ? { scenario: vscode.Uri.parse(remembered.scenario) } : {}),
      title: remembered.title,
    };
    await p.load(content).catch(() => undefined);
  }

  private async load(content: PanelContent, texts?: readonly string[]): Promise<void> {
    const all = texts ?? await Promise.all(content.traces.map(readText));
    this.panel.title = content.title;
    this.viewer.scenario = content.scenario ?? await scenarioOfTrace(content.traces[0], all[0]);
    this.viewer.show(all.length >= 2 ? { kind: 'pair', left: all[0]!, right: all[1]! } : { kind: 'single', text: all[0] ?? '' }, undefined, content.traces);
    const remembered: Remembered = {
      traces: content.traces.map((u) => u.toString()),
      ...(content.scenario ? { scenario: content.scenario.toString() } : {}),
      title: content.title,
    };
    await this.context.workspaceState.update(STATE_KEY, remembered);
  }
}

export class TracePanelSerializer implements vscode.WebviewPanelSerializer {
  constructor(private readonly context: vscode.ExtensionContext) {}
  async deserializeWebviewPanel(panel: vscode.WebviewPanel): Promise<void> {
    await TracePanel.restore(this.context, panel);
  }
}

export async function readText(uri: vscode.Uri): Promise<string> {
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
}

/**
 * Finds the scenario file a trace names (`scenario.file`, recorded relative
 * to the workspace folder): tried against each workspace folder, then the
 * trace's own folder.
 */
export async function scenarioOfTrace(trace: vscode.Uri | undefined, text: string | undefined): Promise<vscode.Uri | undefined> {
  if (!trace || text === undefined) return undefined;
  const read = readTrace(text);
  const file = read.ok ? read.trace.scenario.file : undefined;
  if (!file) return undefined;
  const dir = vscode.Uri.joinPath(trace, '..');
  const candidates = file.startsWith('/') ? [vscode.Uri.file(file)] : [
    ...(vscode.workspace.workspaceFolders ?? []).map((f) => vscode.Uri.joinPath(f.uri, file)),
    vscode.Uri.joinPath(dir, file),
    vscode.Uri.joinPath(dir, file.split('/').pop()!),
  ];
  for (const c of candidates) {
    try {
      await vscode.workspace.fs.stat(c);
      return c;
    } catch {
      // Try the next place.
    }
  }
  return undefined;
}
