/**
 * The trace viewer's page inside a VS Code webview: the shared page template
 * (src/shared/standalone-html.ts) with a fresh nonce, the bundle and CSS
 * loaded by `asWebviewUri`, and webview options that allow scripts but only
 * local resources under dist/ and media/ (the Microsoft webview-sample
 * layout). `errorHtml` is a script-free page for files that cannot be shown.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { escapeHtml, renderWebviewHtml } from '../shared/standalone-html.js';

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

export function viewerHtml(webview: vscode.Webview, extensionUri: vscode.Uri, title: string): string {
  return renderWebviewHtml({
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js')).toString(),
    cssUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'viewer.css')).toString(),
    iconCssUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'codicon.css')).toString(),
    cspSource: webview.cspSource,
    nonce: randomBytes(18).toString('base64url'),
    title,
  });
}

/** A script-free page naming what is wrong, with an optional command link (the webview allows just that command). */
export function errorHtml(title: string, message: string, action?: { label: string; command: string }): string {
  const link = action && /^command:[\w.]+(\?[\w%.~-]*)?$/.test(action.command)
    ? `<p><a class="action" href="${escapeHtml(action.command)}">${escapeHtml(action.label)}</a></p>\n` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${escapeHtml(title)}</title>
<style>body{font-family:var(--vscode-font-family);color:var(--vscode-foreground);padding:1.5em}
.error-view{border-left:3px solid var(--vscode-errorForeground);padding:.5em 1em;white-space:pre-wrap}
a.action{display:inline-block;margin-top:1em;padding:4px 12px;background:var(--vscode-button-background);color:var(--vscode-button-foreground);text-decoration:none;border-radius:2px}
a.action:hover{background:var(--vscode-button-hoverBackground)}</style>
</head>
<body>
<h2>Cannot show ${escapeHtml(title)}</h2>
<div class="error-view" role="alert">${escapeHtml(message)}</div>
${link}</body>
</html>
`;
}
