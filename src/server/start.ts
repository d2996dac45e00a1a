/**
 * Starting the scenario language server: the Langium services of src/dsl
 * with Node's file system (so imports across workspace files resolve) on a
 * connection that vscode-languageserver picks from the command line:
 * `--stdio`, `--node-ipc` (VS Code) or `--socket=PORT`. Shared by the
 * server bundle (main.ts) and `protocol-playground lsp --stdio`.
 */
import { startLanguageServer } from 'langium/lsp';
import { NodeFileSystem } from 'langium/node';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { createScenarioServices } from '../dsl/scenario-module.js';

/** Start the server on the transport named in process.argv; it runs until the client exits it. */
export function startServer(): void {
  const connection = createConnection(ProposedFeatures.all);
  const { shared } = createScenarioServices({ connection, ...NodeFileSystem });
  startLanguageServer(shared);
}
