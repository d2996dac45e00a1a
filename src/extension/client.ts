/**
 * Starts the scenario language server (dist/server.cjs, the same bundle other
 * editors run with `--stdio`) as a Node child process over IPC, with
 * vscode-languageclient 9 (LSP 3.17). Diagnostics, completion, hover and the
 * rest come from the server; this file only wires it up.
 */
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

/** `log`: the extension's one output channel, which the client writes to as well. */
export function createClient(context: vscode.ExtensionContext, log: vscode.OutputChannel): LanguageClient {
  const module = vscode.Uri.joinPath(context.extensionUri, 'dist', 'server.cjs').fsPath;
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'scenario' },
      { scheme: 'untitled', language: 'scenario' },
    ],
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/*.scenario') },
    outputChannel: log,
  };
  return new LanguageClient('protocolPlayground', 'Protocol Playground language server', serverOptions, clientOptions);
}
