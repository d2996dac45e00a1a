/**
 * One trace viewer inside one webview (a panel or a custom editor), talking
 * only through the typed channel of src/shared/messages.ts. What to show is
 * kept until the viewer says `ready` (and re-sent if it reloads). The
 * viewer's `revealSource` opens the scenario file at that range; the editor's
 * cursor on that file is mirrored back as `highlightSource` by
 * `trackCursor` in main.ts through `highlight`.
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
  /** The last error the viewer reported (for tests and the status). */
  lastError: string | undefined;

  constructor(readonly webview: vscode.Webview, extensionUri: vscode.Uri, title: string) {
    webview.options = webviewOptions(extensionUri);
    this.channel = createChannel<HostToViewer, ViewerToHost>((m) => { void webview.postMessage(m); }, VIEWER_TO_HOST_TYPES);
    this.channel.on({
      ready: () => { this.ready = true; this.flush(); },
      revealSource: (m) => { void this.reveal(m.range); },
      error: (m) => { this.lastError = m.message; },
    });
    this.subscriptions.push(webview.onDidReceiveMessage((data: unknown) => this.channel.receive(data)));
    webview.html = viewerHtml(webview, extensionUri, title);
    live.add(this);
  }

  show(content: Content, scenario?: vscode.Uri): void {
    this.content = content;
    this.lastError = undefined;
    if (scenario) this.scenario = scenario;
    this.flush();
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
