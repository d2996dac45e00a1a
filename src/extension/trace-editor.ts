/**
 * `*.trace.json` opens as the viewer: a read-only custom editor
 * (CustomReadonlyEditorProvider). The file is checked with readTrace first;
 * a broken file shows a script-free page naming the problem (bad JSON at a
 * position, a newer format version, a missing field), never a blank panel.
 * The editor follows changes to the file on disk (a re-run rewrites it).
 */
import * as vscode from 'vscode';
import { readTrace } from '../trace/read.js';
import { readText, scenarioOfTrace } from './trace-panel.js';
import { ViewerConnection } from './viewer-connection.js';
import { errorHtml } from './webview-html.js';

export const EDITOR_VIEW_TYPE = 'protocolPlayground.traceFile';

/** What each open trace editor shows, for the extension-host tests. */
export const openTraceEditors = new Map<string, { readonly ok: boolean; readonly error?: string }>();

export class TraceEditorProvider implements vscode.CustomReadonlyEditorProvider {
  constructor(private readonly extensionUri: vscode.Uri) {}

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => openTraceEditors.delete(uri.toString()) };
  }

  async resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): Promise<void> {
    const uri = document.uri;
    const name = uri.path.split('/').pop() ?? 'trace';
    let viewer: ViewerConnection | undefined;
    const render = async (): Promise<void> => {
      let text: string;
      try {
        text = await readText(uri);
      } catch (e) {
        return fail(`The file cannot be read: ${e instanceof Error ? e.message : String(e)}`);
      }
      const read = readTrace(text);
      if (!read.ok) return fail(read.error);
      openTraceEditors.set(uri.toString(), { ok: true });
      if (!viewer) viewer = new ViewerConnection(panel.webview, this.extensionUri, name);
      viewer.show({ kind: 'single', text }, await scenarioOfTrace(uri, text), [uri]);
    };
    const fail = (message: string): void => {
      openTraceEditors.set(uri.toString(), { ok: false, error: message });
      viewer?.dispose();
      viewer = undefined;
      // No scripts, so the one action is a command link (allowed for that command only).
      panel.webview.options = { enableScripts: false, localResourceRoots: [], enableCommandUris: ['protocolPlayground.openTraceAsText'] };
      panel.webview.html = errorHtml(name, `${name} is not a trace this viewer can show.\n\n${message}`,
        { label: 'Open as JSON', command: `command:protocolPlayground.openTraceAsText?${encodeURIComponent(JSON.stringify([uri.toString()]))}` });
    };
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.joinPath(uri, '..'), name));
    watcher.onDidChange(() => void render());
    panel.onDidDispose(() => { watcher.dispose(); viewer?.dispose(); });
    await render();
  }
}
