/**
 * Requests that arrive while a document is being rebuilt (the editor asks for
 * semantic tokens, symbols and hovers on every keystroke) must not resolve
 * references early: Langium logs a warning for each such attempt, and before
 * the fix a burst of edits on a 1 000-line file logged thousands.
 */
import assert from 'node:assert/strict';
import { startSession, SERVER } from './_lsp.js';
import { largeRaftFile } from '../../bench/lsp.bench.js';

describe('language server under a burst of edits', () => {
  it('answers requests that race a rebuild without resolving references early', async function () {
    this.timeout(120_000);
    const s = await startSession([SERVER, '--stdio']);
    const early: string[] = [];
    s.connection.onNotification('window/logMessage', (p: { message: string }) => {
      if (/before document reached/.test(p.message)) early.push(p.message);
    });
    try {
      const uri = 'file:///virtual/large.scenario';
      let text = largeRaftFile(1000);
      await s.open(uri, text);
      const requests: Promise<unknown>[] = [];
      for (let version = 2; version < 20; version++) {
        text = text.replace('\n', '\n// edit\n');
        void s.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
        requests.push(s.request('textDocument/semanticTokens/full', { textDocument: { uri } }).catch(() => null));
        requests.push(s.request('textDocument/documentSymbol', { textDocument: { uri } }).catch(() => null));
      }
      await Promise.all(requests);
      // One more request after the burst: the server has settled and still answers.
      const symbols = await s.request<unknown[]>('textDocument/documentSymbol', { textDocument: { uri } });
      assert.ok(Array.isArray(symbols) && symbols.length > 0);
      assert.deepEqual(early.slice(0, 3), []);
    } finally {
      await s.close();
    }
  });
});
