/**
 * The scenario language server bundle (dist/server.cjs), over stdio or IPC
 * (when VS Code starts it). Any LSP client can start it:
 *   node dist/server.cjs --stdio        (or: protocol-playground lsp --stdio)
 */
import { startServer } from './start.js';

startServer();
