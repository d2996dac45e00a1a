/**
 * Messages and ranges of the scenario checks whose inputs are cached per
 * cluster or computed only on error (_context.ts clusterFacts, _build.ts):
 * each must still name the same things, at the same place.
 */
import assert from 'node:assert/strict';
import { parseAndCompile } from '../../src/dsl/compile.js';
import { CLUSTER, expectOnly } from './_helpers.js';
import { toyProtocols } from './fixtures/toy.js';

const scenario = (body: string) => `${CLUSTER}scenario "s" {\n  use five\n${body}\n}\n`;

describe('dsl: validation messages (cached cluster facts, lazy messages)', () => {
  it('a node in two partition groups is reported on the second group', () =>
    expectOnly(scenario('  at 1s partition {n1 n2} | «{n2 n3}»'), 'overlapping-partition', 'node n2 is in two partition groups'));

  it('an unknown parameter on a set line lists the cluster parameters only', () =>
    expectOnly(scenario('  set «hartbeat» 10ms'), 'unknown-parameter',
      "unknown parameter 'hartbeat' (did you mean 'heartbeat'?) for toy; parameters: heartbeat, election_timeout, vnodes, ratio, drop_rate, ketama, hash, label"));

  it('a per-node parameter on a set line', () =>
    expectOnly(scenario('  set «weight» 2'), 'node-parameter', "weight is a per-node parameter: set it in the cluster's `node NAME { weight … }`"));

  it('a template slot given `=`, a missing slot and a missing word', async () => {
    await expectOnly(scenario('  at 0ms client put x = «=»'), 'bad-arguments', 'put expects `put <key:key> = <value:value>`: <value> expected, got =');
    await expectOnly(scenario('  at 0ms client «put» x ='), 'bad-arguments', 'put expects `put <key:key> = <value:value>`: missing <value>');
    await expectOnly(scenario('  at 0ms client send 3 «n2»'), 'bad-arguments', "send expects `send <count:int> to <node:node>`: expected 'to', got n2");
  });

  it('a template with an optional group still reports the furthest failure', () =>
    expectOnly(scenario('  at 0ms client add n2 weight «0»'), 'bad-arguments', 'add expects `add <node:node> [weight <weight:int>]`: <weight> must be at least 1, got 0'));

  it('scenarios on one cluster share its facts, and each still gets its own set lines', async () => {
    const text = `cluster c: toy {\n  nodes a, b\n  heartbeat 20ms\n  node a { weight 3 }\n}\n`
      + 'scenario "x" {\n  use c\n  set heartbeat 70ms\n  at 1s crash a\n}\nscenario "y" {\n  use c\n  at 1s drift a a b 1.5\n}\n';
    const r = await parseAndCompile(text, { protocols: toyProtocols });
    assert.deepEqual(r.diagnostics, []);
    const scenarios = r.file.scenarios;
    const [x, y] = [scenarios.find((s) => s.name === 'x')!, scenarios.find((s) => s.name === 'y')!];
    assert.equal(x.params.heartbeat, 70_000);
    assert.equal(y.params.heartbeat, 20_000);
    assert.deepEqual(y.nodeParams, { a: { weight: 3 }, b: { weight: 1 } });
    assert.deepEqual(y.actions[0]?.action, { kind: 'drift', target: { kind: 'nodes', nodes: ['a', 'b'] }, rate: 1.5 });
  });
});
