/**
 * Quoted node names: wherever a node name goes — `nodes`, `node "…" { }`,
 * targets, `client on`, partitions, links, rules, storage, drift, and
 * operation and query arguments of type `node` — a name that is not an
 * identifier may be written as a string (`"10.0.0.1:11211"`), the way
 * memcached users write a server list. `n1` and `"n1"` are one name; node
 * ranges take identifiers only.
 */
import assert from 'node:assert/strict';
import { parseAndCompile } from '../../src/dsl/compile.js';
import { expectOnly } from './_helpers.js';
import { toyProtocols } from './fixtures/toy.js';

const SERVERS = `cluster mc: toy {
  nodes "10.0.0.1:11211", "cache-a.example:11211", n3, "crash"
  node "10.0.0.1:11211" { weight 2 }
  node n3 { weight 3 }
}
`;

async function compiled(body: string) {
  const r = await parseAndCompile(`${SERVERS}scenario "s" {\n  use mc\n${body}\n}\n`, { protocols: toyProtocols });
  assert.deepEqual(r.diagnostics, []);
  return r.file.scenarios[0]!;
}

describe('dsl: quoted node names', () => {
  it('declares them with `nodes`, gives them per-node parameters, and keeps declaration order', async () => {
    const s = await compiled('  at 0ms heal');
    assert.deepEqual(s.nodes, ['10.0.0.1:11211', 'cache-a.example:11211', 'n3', 'crash']);
    assert.deepEqual(s.nodeParams, { '10.0.0.1:11211': { weight: 2 }, 'cache-a.example:11211': { weight: 1 }, n3: { weight: 3 }, crash: { weight: 1 } });
  });

  it('names them in targets, `client on`, partitions, cuts, links, rules, storage and drift', async () => {
    const s = await compiled([
      '  network { link "10.0.0.1:11211" -> n3 { loss 10% } }',
      '  storage { latency 2ms on "cache-a.example:11211" }',
      '  at 1ms crash "10.0.0.1:11211" "crash"',
      '  at 2ms client on "cache-a.example:11211" get k',
      '  at 3ms partition {"10.0.0.1:11211" n3} | {"cache-a.example:11211"}',
      '  at 4ms cut "crash" -> "n3"',
      '  at 5ms drift "cache-a.example:11211" 1.5',
      '  on deliver Commit from "10.0.0.1:11211" to "crash" { drop }',
      '  on next crash "cache-a.example:11211" { restart "cache-a.example:11211" }',
    ].join('\n'));
    assert.deepEqual(s.network.links, [{ from: '10.0.0.1:11211', to: 'n3', spec: { loss: 0.1 } }]);
    assert.deepEqual(s.storage.perNode, { 'cache-a.example:11211': { kind: 'fixed', value: 2000 } });
    assert.deepEqual(s.actions.map((a) => a.action), [
      { kind: 'crash', target: { kind: 'nodes', nodes: ['10.0.0.1:11211', 'crash'] } },
      { kind: 'client', target: { kind: 'nodes', nodes: ['cache-a.example:11211'] }, op: 'get', args: { key: 'k' } },
      { kind: 'partition', groups: [['10.0.0.1:11211', 'n3'], ['cache-a.example:11211']] },
      { kind: 'cut', from: 'crash', to: 'n3' },
      { kind: 'drift', target: { kind: 'nodes', nodes: ['cache-a.example:11211'] }, rate: 1.5 },
    ]);
    assert.deepEqual(s.rules.map((r) => [r.on, r.pattern]), [['deliver', { type: 'Commit', from: '10.0.0.1:11211', to: 'crash' }], ['crash', { node: 'cache-a.example:11211' }]]);
  });

  it('passes them to operation and query arguments of type node', async () => {
    const s = await compiled('  at 1ms client remove "10.0.0.1:11211"\n  at 2ms client add "n3" weight 2');
    assert.deepEqual(s.actions.map((a) => a.action), [
      { kind: 'client', op: 'remove', args: { node: '10.0.0.1:11211' } },
      { kind: 'client', op: 'add', args: { node: 'n3', weight: 2 } },
    ]);
  });

  it('keeps a string argument of a role query a string: `crash owner "apple"`', async () => {
    const s = await compiled('  at 1s crash owner "apple"\n  at 2s crash owner "n3"\n  at 3s crash owner apple');
    assert.deepEqual(s.actions.map((a) => a.action), [
      { kind: 'crash', target: { kind: 'query', query: 'owner', args: { key: 'apple' } } },
      { kind: 'crash', target: { kind: 'query', query: 'owner', args: { key: 'n3' } } },
      { kind: 'crash', target: { kind: 'query', query: 'owner', args: { key: 'apple' } } },
    ]);
  });

  it('reports an unknown quoted name like any unknown node, with a suggestion', () =>
    expectOnly(`${SERVERS}scenario "s" {\n  use mc\n  at 1s crash «"10.0.0.9:11211"»\n}\n`, 'unknown-node', /^unknown node or role '10\.0\.0\.9:11211' \(did you mean '10\.0\.0\.1:11211'\?\); cluster mc declares 10\.0\.0\.1:11211, cache-a\.example:11211, n3, crash/));

  it('treats `n1` and `"n1"` as one name: declaring both is a duplicate', () =>
    expectOnly('cluster c: toy {\n  nodes n1, «"n1"»\n}\n', 'duplicate-node', 'duplicate node name n1 in cluster c'));

  it('refuses quoted ends of a node range, in a declaration and in a reference', async () => {
    await expectOnly('cluster c: toy {\n  nodes «"n1"..n3»\n}\n', 'invalid-node-range', 'a node range takes names without quotes, like n1..n5; got "n1".."n3" (declare quoted names one by one: nodes "a", "b")');
    await expectOnly('cluster c: toy {\n  nodes n1..n3\n}\nscenario "s" {\n  use c\n  at 1s crash «n1.."n3"»\n}\n', 'invalid-node-range', /^a node range takes names without quotes/);
  });

  it('refuses an empty name', () =>
    expectOnly('cluster c: toy {\n  nodes n1, «""»\n}\n', 'invalid-node-name', 'a node name cannot be empty'));

  it('reads escapes in a quoted name', async () => {
    const r = await parseAndCompile('cluster c: toy {\n  nodes "tab\\there", "\\u{e9}t\\u{e9}"\n}\nscenario "s" {\n  use c\n  at 1s crash "été" "tab\\there"\n}\n', { protocols: toyProtocols });
    assert.deepEqual(r.diagnostics, []);
    assert.deepEqual(r.file.scenarios[0]!.nodes, ['tab\there', 'été']);
    assert.deepEqual(r.file.scenarios[0]!.actions[0]!.action, { kind: 'crash', target: { kind: 'nodes', nodes: ['été', 'tab\there'] } });
  });
});
