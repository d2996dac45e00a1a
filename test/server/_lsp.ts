/**
 * A real LSP client for tests and benchmarks: spawns a server process,
 * talks JSON-RPC to it over stdio with vscode-languageserver-protocol, and
 * waits for the events it needs (diagnostics per URI), never for a time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type Position,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node.js';
import { ROOT } from '../_cli.js';

export const SERVER = `${ROOT}dist/server.cjs`;
export const CLI = `${ROOT}dist/cli.cjs`;

export interface LspSession {
  readonly connection: ProtocolConnection;
  readonly child: ChildProcess;
  stderr(): string;
  /** The server's semantic token types, by index (from its initialize result). */
  readonly semanticLegend: readonly string[] | undefined;
  readonly capabilities: Record<string, unknown>;
  /** The next diagnostics published for `uri` after this call. */
  nextDiagnostics(uri: string): Promise<PublishDiagnosticsParams>;
  open(uri: string, text: string): Promise<PublishDiagnosticsParams>;
  change(uri: string, version: number, text: string): Promise<PublishDiagnosticsParams>;
  request<R>(method: string, params: unknown): Promise<R>;
  close(): Promise<void>;
}

/** Start `node ARGS…` as a language server, initialize it with `folder` (a directory) as its workspace. */
export async function startSession(args: readonly string[], folder?: string): Promise<LspSession> {
  const child = spawn(process.execPath, [...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const waiting = new Map<string, ((p: PublishDiagnosticsParams) => void)[]>();
  connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
    const list = waiting.get(p.uri) ?? [];
    waiting.delete(p.uri);
    for (const resolve of list) resolve(p);
  });
  connection.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => null));
  connection.onRequest('client/registerCapability', () => null);
  connection.onRequest('window/workDoneProgress/create', () => null);
  connection.listen();
  const workspaceFolders = folder ? [{ uri: pathToFileURL(folder).toString(), name: 'ws' }] : null;
  const init = await connection.sendRequest<{ capabilities: Record<string, unknown> }>('initialize', {
    processId: process.pid,
    rootUri: workspaceFolders?.[0]?.uri ?? null,
    workspaceFolders,
    capabilities: { textDocument: { completion: { completionItem: { snippetSupport: true } }, rename: { prepareSupport: true } } },
  });
  await connection.sendNotification('initialized', {});
  const nextDiagnostics = (uri: string) =>
    new Promise<PublishDiagnosticsParams>((resolve) => waiting.set(uri, [...(waiting.get(uri) ?? []), resolve]));
  return {
    connection,
    child,
    stderr: () => stderr,
    capabilities: init.capabilities,
    semanticLegend: (init.capabilities.semanticTokensProvider as { legend?: { tokenTypes: string[] } } | undefined)?.legend?.tokenTypes,
    nextDiagnostics,
    open(uri, text) {
      const published = nextDiagnostics(uri);
      void connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'scenario', version: 1, text } });
      return published;
    },
    change(uri, version, text) {
      const published = nextDiagnostics(uri);
      void connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
      return published;
    },
    request: <R>(method: string, params: unknown) => connection.sendRequest(method, params) as Promise<R>,
    async close() {
      const exited = new Promise<void>((resolve) => {
        if (child.exitCode !== null) resolve();
        child.once('exit', () => resolve());
      });
      try {
        await connection.sendRequest('shutdown');
        await connection.sendNotification('exit');
      } catch {
        // already gone
      }
      // The server exits on `exit`; kill it only if it has not within 5 s.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise<void>((resolve) => (timer = setTimeout(resolve, 5000)))]);
      clearTimeout(timer);
      connection.dispose();
      if (child.exitCode === null && child.signalCode === null) child.kill();
    },
  };
}

/** The position of the `nth` occurrence of `needle` in `text`, plus `delta` characters. */
export function positionOf(text: string, needle: string, delta = 0, nth = 0): Position {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`positionOf: '${needle}' (#${nth}) not in the text`);
  }
  const offset = at + delta;
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before[before.length - 1]!.length };
}
