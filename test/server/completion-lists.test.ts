/**
 * Completion that a new user can read (issue 16), over stdio against the
 * built server: a parameter already set is not offered again (cluster block,
 * node block, `set` in a scenario); bug switches come after the real
 * parameters; every action keyword after `at 2s` has a doc; the whole-file
 * templates appear at the top level of a file and nowhere inside a block.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CompletionItem, CompletionList } from 'vscode-languageserver-protocol';
import { protocols } from '../../src/protocols/registry.js';
import { positionOf, SERVER, startSession, type LspSession } from './_lsp.js';

const SNIPPET = 15;
const items = (r: CompletionList | CompletionItem[] | null): CompletionItem[] => (Array.isArray(r) ? r : (r?.items ?? []));
const labels = (r: CompletionList | CompletionItem[] | null): string[] => items(r).map((i) => i.label);
/** The order a client shows: by sortText, then label. */
const shown = (r: CompletionList | CompletionItem[] | null): string[] =>
  items(r).slice().sort((a, b) => (a.sortText ?? a.label).localeCompare(b.sortText ?? b.label) || a.label.localeCompare(b.label)).map((i) => i.label);

describe('completion lists', () => {
  let s: LspSession;
  let dir: string;
  let n = 0;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pp-completion-'));
    s = await startSession([SERVER, '--stdio'], dir);
  });
  after(async () => {
    await s?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function complete(text: string, needle: string, delta = needle.length): Promise<CompletionList | CompletionItem[] | null> {
    const uri = pathToFileURL(join(dir, `c${++n}.scenario`)).toString();
    await s.open(uri, text);
    return s.request<CompletionList | CompletionItem[] | null>('textDocument/completion', { textDocument: { uri }, position: positionOf(text, needle, delta) });
  }

  it('does not offer a parameter already set in the cluster block', async () => {
    const r = await complete('cluster c: raft {\n  nodes a, b\n  heartbeat 50ms\n  pre_vote true\n  \n}\n', 'true\n  ');
    assert.ok(labels(r).includes('election_timeout'), String(labels(r)));
    assert.ok(!labels(r).includes('heartbeat'), 'heartbeat is set already');
    assert.ok(!labels(r).includes('pre_vote'), 'pre_vote is set already');
  });

  it('does not offer a per-node parameter already set in that node block, but does in another', async () => {
    const text = 'cluster c: ring {\n  nodes n1..n3\n  node n1 { weight 2\n    }\n  node n2 {\n    }\n}\n';
    const inN1 = await complete(text, 'weight 2\n    ', 'weight 2\n    '.length);
    assert.ok(!labels(inN1).includes('weight'), String(labels(inN1)));
    const inN2 = await complete(text, 'node n2 {\n    ');
    assert.ok(labels(inN2).includes('weight'), String(labels(inN2)));
  });

  it('does not offer a parameter the scenario already sets with `set`', async () => {
    const text = 'cluster c: raft {\n  nodes a, b\n}\nscenario "s" {\n  use c\n  set heartbeat 20ms\n  set \n}\n';
    const after = labels(await complete(text, 'heartbeat 20ms\n  set '));
    assert.ok(after.includes('election_timeout'), String(after));
    assert.ok(!after.includes('heartbeat'), String(after));
  });

  it('lists the bug switches after the real parameters', async () => {
    const r = await complete('cluster c: raft {\n  nodes a, b\n  \n}\n', 'b\n  ');
    const order = shown(r).filter((l) => items(r).find((i) => i.label === l)?.kind === 10);
    const firstBug = order.findIndex((l) => l.startsWith('bug_'));
    assert.ok(firstBug > 0, String(order));
    assert.ok(order.slice(firstBug).every((l) => l.startsWith('bug_')), `bug switches last: ${order.join(', ')}`);
  });

  it('documents every action after `at 2s`', async () => {
    const r = await complete('cluster c: raft {\n  nodes a, b\n}\nscenario "s" {\n  use c\n  at 2s \n}\n', 'at 2s ');
    for (const action of ['client', 'crash', 'restart', 'pause', 'resume', 'partition', 'cut', 'heal', 'note', 'drift']) {
      const item = items(r).find((i) => i.label === action);
      assert.ok(item, `${action} offered: ${labels(r)}`);
      assert.notEqual(item.detail, 'Keyword', `${action} has a signature`);
      assert.ok(JSON.stringify(item.documentation ?? '').length > 20, `${action} has a doc`);
    }
  });

  it('offers the whole-file templates at the top level only', async () => {
    const top = await complete('// my scenarios\n\n', '\n\n', 2);
    const snippets = items(top).filter((i) => i.kind === SNIPPET).map((i) => i.label);
    // One per registered protocol (the conformance test asks each for a snippet).
    assert.deepEqual(snippets.sort(), [...protocols.keys()].sort());
    const inCluster = await complete('cluster c: raft {\n  nodes a, b\n  \n}\n', 'b\n  ');
    assert.deepEqual(items(inCluster).filter((i) => i.kind === SNIPPET).map((i) => i.label), []);
    const inScenario = await complete('cluster c: raft {\n  nodes a, b\n}\nscenario "s" {\n  use c\n  \n}\n', 'use c\n  ');
    assert.deepEqual(items(inScenario).filter((i) => i.kind === SNIPPET).map((i) => i.label), []);
  });
});
