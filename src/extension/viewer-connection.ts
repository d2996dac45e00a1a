/**
 * One trace viewer inside one webview (a panel or a custom editor), talking
 * only through the typed channel of src/shared/messages.ts. What to show is
 * kept until the viewer says `ready` (and re-sent if it reloads). The
 * viewer's `revealSource` opens the scenario file at that range; the editor's
 * cursor on that file is mirrored back as `highlightSource` by
 * `trackCursor` in main.ts through `highlight`. The viewer's buttons that
 * need the host land here too: Compare with another seed… (runs the command
 * on the trace's scenario), an export (a save dialog next to the trace), and
 * Open as JSON (the trace file in the text editor).
 */
import * as vscode from 'vscode';
import { createChannel, VIEWER_TO_HOST_TYPES, type Channel, type HostToViewer, type ViewerToHost } from '../shared/messages.js';
import { viewerHtml, webviewOptions } from './webview-html.js';

export type Content =
  | { readonly kind: 'single'; readonly text: string }
  | { readonly kind: 'pair'; readonly left: string; readonly right: string };

const live = new Set<ViewerConnection>();

export class ViewerConnection implements vscode.Disposable {
  private readonly channel: Channel<HostToViewer, ViewerToHost>;
  private readonly subscriptions: vscode.Disposable[] = [];
  private ready = false;
  private content: Content | undefined;
  /** The scenario file the shown trace came from, when known. */
  scenario: vscode.Uri | undefined;
  /** The trace files shown (left, right), for saving exports next to them and Open as JSON. */
  traces: readonly vscode.Uri[] = [];
  /** The last error the viewer reported (for tests and the status). */
  lastError: string | undefined;
  /** The last export saved (for tests). */
  lastSaved: vscode.Uri | undefined;

  constructor(readonly webview: vscode.Webview, extensionUri: vscode.Uri, title: string) {
    webview.options = webviewOptions(extensionUri);
    this.channel = createChannel<HostToViewer, ViewerToHost>((m) => { void webview.postMessage(m); }, VIEWER_TO_HOST_TYPES);
    this.channel.on({
      ready: () => { this.ready = true; this.flush(); },
      revealSource: (m) => { void this.reveal(m.range); },
      error: (m) => { this.lastError = m.message; },
      compareSeeds: (m) => { void this.compareSeeds(m.scenario); },
      saveFile: (m) => { void this.save(m.name, m.text !== undefined ? new TextEncoder().encode(m.text) : m.base64 !== undefined ? base64Bytes(m.base64) : undefined); },
      openAsJson: () => { if (this.traces[0]) void vscode.commands.executeCommand('vscode.openWith', this.traces[0], 'default'); },
    });
    this.subscriptions.push(webview.onDidReceiveMessage((data: unknown) => this.channel.receive(data)));
    webview.html = viewerHtml(webview, extensionUri, title);
    live.add(this);
  }

  show(content: Content, scenario?: vscode.Uri, traces?: readonly vscode.Uri[]): void {
    this.content = content;
    this.lastError = undefined;
    if (scenario) this.scenario = scenario;
    if (traces) this.traces = traces;
    this.flush();
  }

  private async compareSeeds(name: string): Promise<void> {
    if (!this.scenario) {
      void vscode.window.showInformationMessage('Protocol Playground: the scenario file of this trace was not found, so it cannot run with another seed.');
      return;
    }
    await vscode.commands.executeCommand('protocolPlayground.compareSeeds', this.scenario, name);
  }

  /** An export from the viewer: a save dialog, next to the trace by default. */
  private async save(name: string, bytes: Uint8Array | undefined): Promise<void> {
    if (!bytes || !/^[\w.-]{1,200}$/.test(name)) return;
    const folder = this.traces[0] ? vscode.Uri.joinPath(this.traces[0], '..') : vscode.workspace.workspaceFolders?.[0]?.uri;
    const ext = name.slice(name.indexOf('.') + 1);
    const target = await vscode.window.showSaveDialog({
      ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, name) } : {}),
      filters: { [ext.toUpperCase()]: [ext.split('.').pop()!] }, title: 'Export the diagram', saveLabel: 'Export',
    });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, bytes);
    this.lastSaved = target;
    void vscode.window.showInformationMessage(`Protocol Playground: exported ${vscode.workspace.asRelativePath(target, false)}`);
  }

  highlight(line: number): void {
    if (this.ready && this.content) this.channel.post({ type: 'highlightSource', line });
  }

  private flush(): void {
    if (!this.ready || !this.content) return;
    const c = this.content;
    this.channel.post(c.kind === 'single' ? { type: 'loadTrace', text: c.text } : { type: 'loadPair', left: c.left, right: c.right });
  }

  private async reveal(range: { line: number; col: number; endLine: number; endCol: number }): Promise<void> {
    if (!this.scenario) {
      void vscode.window.showInformationMessage('Protocol Playground: the scenario file of this trace was not found.');
      return;
    }
    const selection = new vscode.Range(range.line - 1, Math.max(0, range.col - 1), range.endLine - 1, Math.max(0, range.endCol - 1));
    const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === this.scenario!.toString());
    await vscode.window.showTextDocument(this.scenario, {
      viewColumn: visible?.viewColumn ?? vscode.ViewColumn.One,
      selection,
      preserveFocus: false,
    });
  }

  dispose(): void {
    live.delete(this);
    for (const s of this.subscriptions) s.dispose();
  }
}

/** Forwards a cursor line (1-based) on `uri` to every viewer showing a trace of that file. */
export function highlightIn(uri: vscode.Uri, line: number): void {
  for (const v of live) if (v.scenario?.toString() === uri.toString()) v.highlight(line);
}

function base64Bytes(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}
