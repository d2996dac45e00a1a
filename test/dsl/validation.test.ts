import assert from 'node:assert/strict';
import { expectError, expectNoIssues, expectWarning, validationHelper } from 'langium/test';
import { createScenarioServices } from '../../src/dsl/scenario-module.js';
import type { Cluster, Model } from '../../src/dsl/generated/ast.js';
import { CLUSTER, diagnose, expectOnly } from './_helpers.js';
import { toyProtocols } from './fixtures/toy.js';

const scenario = (body: string) => `${CLUSTER}scenario "s" {\n  use five\n${body}\n}\n`;

describe('dsl: validation (ScenarioValidator)', () => {
  const services = createScenarioServices({}, toyProtocols).Scenario;
  const validate = validationHelper<Model>(services);

  it('accepts a valid file with no issues (langium/test)', async () => {
    const r = await validate(scenario('  at 0ms client put x = 1\n  run until 1s'));
    expectNoIssues(r);
  });

  it('reports an unknown protocol with the known ones (langium/test expectError)', async () => {
    const r = await validate('cluster c: raftt { nodes a }');
    expectError(r, "unknown protocol 'raftt'; known protocols: toy", { node: r.document.parseResult.value.elements[0] as Cluster, property: 'protocol' });
  });

  it('warns on an undeclared metric (langium/test expectWarning)', async () => {
    const r = await validate(scenario('  expect at end metric hops < 3'));
    expectWarning(r, /metric 'hops' is not declared by toy/, { code: 'unknown-metric' });
  });

  it('a metric measured by `expect eventually … as NAME` is declared for the scenario, wherever it is used', async () => {
    const r = await validate(scenario('  expect at end metric gap_ms > 0\n  expect eventually leader after 1s as gap_ms'));
    expectNoIssues(r);
  });

  it('the metrics every run reports (events, messages, dropped, end_time_ms) need no declaration', async () => {
    const r = await validate(scenario('  expect at end metric events > 0\n  expect at end metric end_time_ms <= 1000'));
    expectNoIssues(r);
  });

  it('two expect lines cannot measure the same metric', () =>
    expectOnly(`${CLUSTER}scenario "s" {\n  use five\n  expect eventually leader as gap\n  expect eventually leader after 1s as «gap»\n}`, 'duplicate-name', "metric 'gap' is already measured by another expect line in this scenario"));

  it('unknown protocol: range on the protocol name', () =>
    expectOnly('cluster c: «raftt» { nodes a }', 'unknown-protocol', "unknown protocol 'raftt'; known protocols: toy"));

  it('unknown node in a fault target, with a suggestion', () =>
    expectOnly(`${CLUSTER}scenario "s" {\n  use five\n  at 1s crash «n9»\n}`, 'unknown-node', /unknown node or role 'n9' \(did you mean 'n1'\?\); cluster five declares n1, n2, n3, n4, n5 or role query \(leader, followers, owner\)/));

  it('unknown node in a partition group', () =>
    expectOnly(`${CLUSTER}scenario "s" {\n  use five\n  at 1s partition {n1 «x»} | {n3}\n}`, 'unknown-node', /^unknown node 'x'/));

  it('unknown node in a node block', () =>
    expectOnly(`cluster c: toy {\n  nodes a, b\n  node «z» { weight 2 }\n}`, 'unknown-node', "unknown node 'z'; cluster c declares a, b"));

  it('unknown parameter with did-you-mean', () =>
    expectOnly('cluster c: toy {\n  nodes a\n  «hearbeat» 50ms\n}', 'unknown-parameter', /^unknown parameter 'hearbeat' \(did you mean 'heartbeat'\?\) for toy/));

  it('wrong unit: a percent where a duration is expected', () =>
    expectOnly('cluster c: toy {\n  nodes a\n  heartbeat «50%»\n}', 'wrong-unit', 'heartbeat expects a duration like 50ms, got 50%'));

  it('wrong unit in the network block', () =>
    expectOnly(scenario('  network { loss «5ms» }'), 'wrong-unit', 'loss expects a percentage like 1%, got 5ms'));

  it('value out of range (ParamSpec min/max)', () =>
    expectOnly('cluster c: toy {\n  nodes a\n  vnodes «0»\n}', 'out-of-range', 'vnodes must be at least 1, got 0'));

  it('duration out of range shows the bound as a duration', () =>
    expectOnly('cluster c: toy {\n  nodes a\n  heartbeat «20s»\n}', 'out-of-range', 'heartbeat must be at most 10s, got 20s'));

  it('unknown enum choice', () =>
    expectOnly('cluster c: toy {\n  nodes a\n  hash «crc32»\n}', 'unknown-choice', 'hash: unknown choice \'crc32\', expected one of md5, sha1, fnv1a'));

  it('per-node parameter at cluster level', () =>
    expectOnly('cluster c: toy {\n  nodes a\n  «weight» 2\n}', 'node-parameter', /weight is a per-node parameter/));

  it('cluster parameter in a node block', () =>
    expectOnly('cluster c: toy {\n  nodes a\n  node a { «vnodes» 2 }\n}', 'cluster-parameter', /vnodes is a cluster parameter/));

  it('duplicate cluster names', () =>
    expectOnly('cluster c: toy { nodes a }\ncluster «c»: toy { nodes b }', 'duplicate-name', /duplicate cluster name c/));

  it('duplicate scenario names', () =>
    expectOnly(`${CLUSTER}scenario "s" { use five }\nscenario «"s"» { use five }`, 'duplicate-name', /duplicate scenario name "s"/));

  it('duplicate node names, also through ranges', () =>
    expectOnly('cluster c: toy {\n  nodes n1..n3, «n2»\n}', 'duplicate-node', 'duplicate node name n2 in cluster c'));

  it('a node range with different prefixes', () =>
    expectOnly('cluster c: toy {\n  nodes «a1..b3»\n}', 'invalid-node-range', /same prefix at both ends, got 'a' and 'b'/));

  it('unresolved cluster in use', () =>
    expectOnly(`${CLUSTER}scenario "s" {\n  use «fiv»\n}`, 'unknown-cluster', /^unknown cluster 'fiv' \(did you mean 'five'\?\); known clusters: five/));

  it('unresolved scenarios in compare and sweep', async () => {
    await expectOnly(`${CLUSTER}scenario "a" { use five }\ncompare "c" { left "a" right «"b"» }`, 'unknown-scenario', /^unknown scenario "b"/);
    await expectOnly(`${CLUSTER}scenario "a" { use five }\nsweep "w" of «"zz"» { vary vnodes 1, 2 }`, 'unknown-scenario', /^unknown scenario "zz"/);
  });

  it('an import that does not exist', () =>
    expectOnly('import «"missing.scenario"»\n', 'unresolved-import', /cannot find "missing.scenario" \(looked for file:\/\/\/workspace\/missing.scenario\)/));

  it('missing use', () =>
    expectOnly(`${CLUSTER}scenario «"s"» {\n  at 1s heal\n}`, 'missing-use', /needs a `use CLUSTER` line/));

  it('repeated use', () =>
    expectOnly(`${CLUSTER}scenario "s" {\n  use five\n  «use five»\n}`, 'repeated-use', /exactly one cluster/));

  it('op arguments that do not match the template name the template', () =>
    expectOnly(scenario('  at 0ms client put x «2»'), 'bad-arguments', "put expects `put <key:key> = <value:value>`: expected '=', got 2"));

  it('op arguments: a wrong slot type', () =>
    expectOnly(scenario('  at 0ms client place «many» keys'), 'bad-arguments', 'place expects `place <count:int> keys`: <count> expects an integer, got many'));

  it('op arguments: a missing word at the end lands on the op', () =>
    expectOnly(scenario('  at 0ms client «place» 3'), 'bad-arguments', "place expects `place <count:int> keys`: expected 'keys'"));

  it('op arguments: an unknown node in a node slot', () =>
    expectOnly(scenario('  at 0ms client remove «n7»'), 'bad-arguments', "remove expects `remove <node:node>`: <node>: unknown node 'n7'"));

  it('unknown operation', () =>
    expectOnly(scenario('  at 0ms client «pur» x = 1'), 'unknown-operation', /^unknown operation 'pur' \(did you mean 'put'\?\); toy has put, get/));

  it('query arguments that do not match the template', () =>
    expectOnly(scenario('  expect at end committed "a" «"b"» = 1'), 'bad-arguments', 'committed expects `committed <key:key>`: unexpected "b"'));

  it('unknown invariant, message type and query', async () => {
    await expectOnly(scenario('  expect always «election_safty»'), 'unknown-invariant', /^unknown invariant 'election_safty' \(did you mean 'election_safety'\?\)/);
    await expectOnly(scenario('  on deliver «Apend» { drop }'), 'unknown-message', /^unknown message type 'Apend'/);
    await expectOnly(scenario('  expect eventually «leadr»'), 'unknown-query', /^unknown query 'leadr' \(did you mean 'leader'\?\)/);
  });

  it('negative times are errors; times going backwards are fine', async () => {
    await expectOnly(scenario('  at «-1s» heal'), 'negative-time', 'at must not be negative, got -1s');
    assert.deepEqual((await diagnose(scenario('  at 2s heal\n  at 1s heal'))).filter((d) => d.severity === 'error'), []);
  });

  it('a value query used as a target', () =>
    expectOnly(scenario('  at 1s crash «committed» x'), 'not-a-role-query', /'committed' is a value query/));

  it('dispositions only in send/deliver rules', () =>
    expectOnly(scenario('  on timer election { «drop» }'), 'disposition-not-allowed', /applies to messages/));

  it('repeated seed and run', async () => {
    await expectOnly(scenario('  seed 1\n  «seed 2»'), 'repeated-seed', 'seed is already set for this scenario');
    await expectOnly(scenario('  run until 1s\n  «run until 2s»'), 'repeated-run', 'the scenario already has a run line');
  });

  it('a reversed range', () =>
    expectOnly('cluster c: toy {\n  nodes a\n  election_timeout «300ms..150ms»\n}', 'invalid-range', /ends before it starts/));

  it('sweep report: protocol metrics, run metrics and the base scenario\'s measures are known; others warn', async () => {
    await expectOnly(`${CLUSTER}scenario "a" {\n  use five\n  expect eventually leader as gap_ms\n}\nsweep "w" of "a" { vary vnodes 1, 2\n report gap_ms, events, «gapms» }`, 'unknown-metric', /^metric 'gapms' is not reported by toy or measured by the base scenario \(did you mean 'gap_ms'\?\)/);
  });

  it('sweep: unknown parameter and bad value', async () => {
    await expectOnly(`${CLUSTER}scenario "a" { use five }\nsweep "w" of "a" { vary «vnode» 1, 2 }`, 'unknown-parameter', /did you mean 'vnodes'/);
    await expectOnly(`${CLUSTER}scenario "a" { use five }\nsweep "w" of "a" { vary vnodes 1, «5ms» }`, 'wrong-unit', 'vnodes expects an integer like 3, got 5ms');
  });

  it('implicit nodes of the protocol are valid targets', async () => {
    assert.deepEqual(await diagnose(scenario('  at 1s crash router')), []);
  });

  it('parse errors are diagnostics with positions, not exceptions', async () => {
    const diags = await diagnose('cluster c: toy { nodes a \nscenario');
    assert.ok(diags.length > 0);
    assert.ok(diags.every((d) => d.severity === 'error' && d.line >= 1 && d.col >= 1));
  });
});
