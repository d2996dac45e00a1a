/**
 * The scenario language server over stdio (or IPC when VS Code starts it):
 * the Langium services of src/dsl with Node's file system, so imports across
 * workspace files resolve. Any LSP client can start it:
 *   node dist/server.cjs --stdio
 */
import { startLanguageServer } from 'langium/lsp';
import { NodeFileSystem } from 'langium/node';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { createScenarioServices } from '../dsl/scenario-module.js';

const connection = createConnection(ProposedFeatures.all);
const { shared } = createScenarioServices({ connection, ...NodeFileSystem });
startLanguageServer(shared);
