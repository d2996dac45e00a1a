/**
 * The language server as a real process over stdio, driven by a real LSP
 * client connection: it answers `initialize`, publishes diagnostics for good
 * and broken documents, and survives a stream of mutated documents.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node.js';
import { ROOT } from '../_cli.js';
import { mulberry32, mutate } from '../_mutate.js';

describe('language server over stdio', () => {
  let child: ChildProcess;
  let connection: ProtocolConnection;
  const waiting = new Map<string, (p: PublishDiagnosticsParams) => void>();
  let stderr = '';

  before(async () => {
    child = spawn(process.execPath, [`${ROOT}dist/server.cjs`, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stderr!.on('data', (d) => (stderr += d));
    connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      waiting.get(p.uri)?.(p);
      waiting.delete(p.uri);
    });
    connection.listen();
    const init = await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null });
    assert.ok((init as { capabilities: object }).capabilities);
    await connection.sendNotification('initialized', {});
  });

  after(() => {
    connection?.dispose();
    child?.kill();
  });

  let counter = 0;
  function open(text: string): Promise<PublishDiagnosticsParams> {
    const uri = `file:///virtual/doc${++counter}.scenario`;
    const published = new Promise<PublishDiagnosticsParams>((resolve) => waiting.set(uri, resolve));
    void connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'scenario', version: 1, text } });
    return published;
  }

  const example = readFileSync(`${ROOT}examples/hash/dedupe.scenario`, 'utf8');

  it('publishes no errors for a valid example', async () => {
    const p = await open(example);
    assert.deepEqual(p.diagnostics.filter((d) => d.severity === 1), []);
  });

  it('publishes an error with its range for an unknown parameter', async () => {
    const p = await open('cluster h: hash {\n  algorithm sha256\n  bukets 4\n}\n');
    const d = p.diagnostics.find((x) => /bukets/.test(x.message));
    assert.ok(d, JSON.stringify(p.diagnostics));
    assert.equal(d.range.start.line, 2);
    assert.equal(d.range.start.character, 2);
  });

  it('survives 300 mutated documents, publishing diagnostics for each', async function () {
    this.timeout(120_000);
    const random = mulberry32(2026);
    const sources = [example, readFileSync(`${ROOT}examples/ring/add-node.scenario`, 'utf8')];
    for (let k = 0; k < 300; k++) {
      const p = await open(mutate(sources[k % sources.length]!, random));
      assert.ok(Array.isArray(p.diagnostics));
    }
    assert.equal(child.exitCode, null, `the server exited: ${stderr}`);
    assert.doesNotMatch(stderr, /TypeError|RangeError|at Object\./);
  });
});
