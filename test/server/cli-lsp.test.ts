/**
 * `protocol-playground lsp --stdio`: the CLI bundle runs the same language
 * server, driven here by a real LSP client over stdio; without a transport
 * it is a usage error.
 */
import assert from 'node:assert/strict';
import type { CompletionList, Hover } from 'vscode-languageserver-protocol';
import { cli } from '../_cli.js';
import { CLI, positionOf, startSession } from './_lsp.js';

describe('protocol-playground lsp', () => {
  it('serves diagnostics, hover and completion over stdio, and exits on shutdown', async () => {
    const s = await startSession([CLI, 'lsp', '--stdio']);
    try {
      assert.ok(s.capabilities.hoverProvider && s.capabilities.completionProvider && s.capabilities.documentFormattingProvider);
      const text = 'cluster h: hash {\n  algorithm sha256\n  bukets 4\n}\n';
      const uri = 'file:///virtual/cli.scenario';
      const published = await s.open(uri, text);
      const d = published.diagnostics.find((x) => x.code === 'unknown-parameter');
      assert.ok(d, JSON.stringify(published.diagnostics));
      assert.deepEqual(d.range.start, positionOf(text, 'bukets'));
      const hover = await s.request<Hover>('textDocument/hover', { textDocument: { uri }, position: positionOf(text, 'algorithm', 2) });
      assert.match(JSON.stringify(hover.contents), /algorithm.*one of/);
      const completion = await s.request<CompletionList>('textDocument/completion', { textDocument: { uri }, position: positionOf(text, 'h: ', 3) });
      assert.ok(completion.items.some((i) => i.label === 'hash'));
    } finally {
      const exited = new Promise<number | null>((resolve) => s.child.once('exit', (code) => resolve(code)));
      await s.close();
      assert.equal(await exited, 0, s.stderr());
    }
  });

  it('needs a transport', () => {
    const r = cli(['lsp']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /lsp: name a transport: --stdio/);
  });
});
