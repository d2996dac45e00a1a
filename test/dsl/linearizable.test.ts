/**
 * `expect linearizable`: compiled to the `linearizable` expectation for a
 * protocol whose vocabulary declares a key-value client history, and a
 * precise diagnostic on the line for any other protocol.
 */
import assert from 'node:assert/strict';
import { parseAndCompile } from '../../src/dsl/compile.js';
import type { Protocol } from '../../src/engine/protocol.js';
import { protocols as registry } from '../../src/protocols/registry.js';
import { CLUSTER, expectOnly } from './_helpers.js';
import { toy } from './fixtures/toy.js';

const kv: Protocol<{ role: string }> = { ...toy, name: 'kv', vocabulary: { ...toy.vocabulary, history: { model: 'kv' } } };
const both: ReadonlyMap<string, Protocol> = new Map<string, Protocol>([['toy', toy as Protocol], ['kv', kv as Protocol]]);

describe('dsl: expect linearizable', () => {
  it('compiles to the linearizable expectation with its source range', async () => {
    const text = `cluster c: kv {\n  nodes n1..n3\n}\nscenario "s" {\n  use c\n  at 0ms client put x = 1\n  run until 1s\n  expect linearizable\n  expect always election_safety\n}\n`;
    const r = await parseAndCompile(text, { protocols: both });
    assert.deepEqual(r.diagnostics, []);
    const exps = r.file.scenarios[0]!.expectations;
    assert.deepEqual(exps.map((e) => e.kind), ['linearizable', 'always']);
    assert.deepEqual(exps[0]!.source, { line: 8, col: 3, endLine: 8, endCol: 22 });
  });

  it('is an error, on the keyword, for a protocol without a key-value history', () =>
    expectOnly(`${CLUSTER}scenario "s" {\n  use five\n  expect «linearizable»\n}`, 'not-linearizable',
      'expect linearizable needs a protocol whose client operations follow a sequential model (kv: kv); toy declares none', { protocols: both }));

  it('`expect violated linearizable` compiles to the linearizable expectation marked violated', async () => {
    const text = `cluster c: kv {\n  nodes n1..n3\n}\nscenario "s" {\n  use c\n  run until 1s\n  expect violated linearizable\n  expect violated election_safety\n}\n`;
    const r = await parseAndCompile(text, { protocols: both });
    assert.deepEqual(r.diagnostics, []);
    const exps = r.file.scenarios[0]!.expectations;
    assert.deepEqual(exps.map((e) => ({ ...e, source: undefined })), [
      { kind: 'linearizable', violated: true, source: undefined }, { kind: 'violated', invariant: 'election_safety', source: undefined },
    ]);
    assert.deepEqual(exps[0]!.source, { line: 7, col: 3, endLine: 7, endCol: 31 });
  });

  it('`expect violated linearizable` is an error, on `linearizable`, for a protocol without a client model', () =>
    expectOnly(`${CLUSTER}scenario "s" {\n  use five\n  expect violated «linearizable»\n}`, 'not-linearizable',
      'expect violated linearizable needs a protocol whose client operations follow a sequential model (kv: kv); toy declares none', { protocols: both }));

  it('raft, quorum and paxos declare it; the other registered protocols do not', () => {
    const withHistory = [...registry.values()].filter((p) => p.vocabulary.history).map((p) => p.name);
    assert.deepEqual(withHistory, ['raft', 'quorum', 'paxos']);
  });

  it('is a keyword: a misspelling is a syntax error', async () => {
    const r = await parseAndCompile(`cluster c: kv {\n  nodes n1\n}\nscenario "s" {\n  use c\n  expect linearisable\n}\n`, { protocols: both });
    assert.ok(r.diagnostics.some((d) => d.severity === 'error' && d.line === 6), JSON.stringify(r.diagnostics));
    assert.equal(r.ok, false);
  });
});
