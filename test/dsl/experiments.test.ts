/**
 * The scenario language for experiments (issue 14): random times (`at
 * 1s..1.075s`, `after D1..D2`, in rules too), `on crash leader` (a role query
 * as an event pattern), `measure NAME from EVENT|TIME until CONDITION`,
 * parameters varied together (`vary (A, B) (a1, b1), …`) and `chart` lines,
 * compiled to the engine's ScenarioSpec and SweepSpec, with their mistakes as
 * diagnostics on the words that are wrong.
 */
import assert from 'node:assert/strict';
import { parseAndCompile } from '../../src/dsl/compile.js';
import { runScenario } from '../../src/runner/run.js';

const CLUSTER = `cluster five: raft {
  nodes n1..n5
  election_timeout 150ms..300ms
  heartbeat 50ms
}
`;

async function compileOk(body: string, extra = '') {
  const r = await parseAndCompile(`${CLUSTER}scenario "s" {\n  use five\n${body}\n}\n${extra}`);
  assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), []);
  return r.file;
}

async function errors(body: string, extra = '') {
  const r = await parseAndCompile(`${CLUSTER}scenario "s" {\n  use five\n${body}\n}\n${extra}`);
  return r.diagnostics.filter((d) => d.severity !== 'info').map((d) => `${d.code}: ${d.message}`);
}

describe('scenario language: random times', () => {
  it('`at A..B` is a time drawn per run; `after D` counts from it, `after D1..D2` draws its own gap; a fixed line ends the chain', async () => {
    const file = await compileOk(`  at 1s..1.075s crash leader
  after 10ms note "a"
  after 5ms..20ms note "b"
  at 2s note "c"
  after 1s note "d"
  run until 4s`);
    const actions = file.scenarios[0]!.actions.map(({ at, atMax, after }) => ({ at, atMax, after }));
    assert.deepEqual(actions, [
      { at: 1_000_000, atMax: 1_075_000, after: undefined },
      { at: 10_000, atMax: undefined, after: 0 },
      { at: 5_000, atMax: 20_000, after: 1 },
      { at: 2_000_000, atMax: undefined, after: undefined },
      { at: 3_000_000, atMax: undefined, after: undefined },
    ]);
  });

  it('`after D1..D2` after a fixed line is an absolute random window', async () => {
    const file = await compileOk('  at 1s note "x"\n  after 100ms..200ms note "y"\n  run until 2s');
    assert.deepEqual(file.scenarios[0]!.actions.map(({ at, atMax }) => [at, atMax]), [[1_000_000, undefined], [1_100_000, 1_200_000]]);
  });

  it('a rule action waits a random delay: `after 1ms..5ms`', async () => {
    const file = await compileOk('  on crash n1 { after 1ms..5ms restart n1 }\n  run until 1s');
    assert.deepEqual(file.scenarios[0]!.rules[0]!.actions.map(({ delay, delayMax }) => [delay, delayMax]), [[1_000, 5_000]]);
  });

  it('a range that ends before it starts is an error on its end', async () => {
    assert.deepEqual(await errors('  at 2s..1s crash leader\n  run until 3s'), ['invalid-range: the time 2s..1s ends before it starts']);
    assert.deepEqual(await errors('  on crash n1 { after 5ms..1ms restart n1 }\n  run until 3s'), ['invalid-range: the delay 5ms..1ms ends before it starts']);
  });
});

describe('scenario language: events and measurements', () => {
  it('`on crash leader` matches by role query; `on crash n2` by node; several nodes are an error', async () => {
    const file = await compileOk('  on crash leader { note "gone" }\n  on restart n2 { note "back" }\n  run until 1s');
    assert.deepEqual(file.scenarios[0]!.rules.map((r) => [r.on, r.pattern]), [['crash', { role: { query: 'leader', args: {} } }], ['restart', { node: 'n2' }]]);
    assert.deepEqual(await errors('  on crash n1..n3 { note "x" }\n  run until 1s'), ['expected-one-node: on crash takes one node or a role query, not 3 nodes']);
  });

  it('`measure NAME from EVENT until COND [within D]` and `from TIME` compile to measures; the name is a metric of the scenario', async () => {
    const file = await compileOk(`  at 1s crash leader
  measure downtime_ms from crash leader until leader within 2s
  measure first_ms from 0ms until leader
  expect at end metric downtime_ms < 1000
  run until 3s`);
    const spec = file.scenarios[0]!;
    assert.deepEqual(spec.measures!.map(({ name, from, until, within }) => ({ name, from, until, within })), [
      { name: 'downtime_ms', from: { on: 'crash', pattern: { role: { query: 'leader', args: {} } } }, until: { query: 'leader', args: {} }, within: 2_000_000 },
      { name: 'first_ms', from: { at: 0 }, until: { query: 'leader', args: {} }, within: undefined },
    ]);
    // And it runs: the metric is the leaderless time after the crash at 1s, at least the minimum timeout less a heartbeat.
    const run = runScenario(spec);
    assert.ok(run.passed, JSON.stringify(run.result.checks));
    assert.ok(run.result.metrics.downtime_ms! > 100 && run.result.metrics.downtime_ms! < 1000, String(run.result.metrics.downtime_ms));
  });

  it('a metric measured twice is an error on the second name', async () => {
    assert.deepEqual(await errors('  measure m from 0ms until leader\n  expect eventually leader as m\n  run until 1s'), ["duplicate-name: metric 'm' is already measured by another line of this scenario"]);
  });
});

describe('conditions on role queries', () => {
  it('`leader = n3` holds when the leader is exactly n3: of five such lines, one holds', async () => {
    const expects = ['n1', 'n2', 'n3', 'n4', 'n5'].map((n) => `  expect at end leader = ${n}`).join('\n');
    const file = await compileOk(`  run until leader max 2s\n${expects}`);
    const held = runScenario(file.scenarios[0]!).result.checks.filter((c) => c.status === 'held');
    assert.equal(held.length, 1, JSON.stringify(held));
  });
});

describe('scenario language: sweeps that vary parameters together, and charts', () => {
  const base = '  at 1s crash leader\n  measure downtime_ms from crash leader until leader\n  run until 2s';

  it('`vary (A, B) (a1, b1), (a2, b2)` is one axis: each row one variant, crossed with trials', async () => {
    const file = await compileOk(base, `sweep "w" of "s" {
  vary (election_timeout, heartbeat) (12ms..24ms, 6ms), (25ms..50ms, 12.5ms)
  trials 2
  chart cdf downtime_ms
  chart line downtime_ms by election_timeout
}`);
    const sw = file.sweeps[0]!;
    assert.deepEqual(sw.variants.map((v) => v.label), [
      'election_timeout=12ms..24ms, heartbeat=6ms, seed=1',
      'election_timeout=12ms..24ms, heartbeat=6ms, seed=2',
      'election_timeout=25ms..50ms, heartbeat=12.5ms, seed=1',
      'election_timeout=25ms..50ms, heartbeat=12.5ms, seed=2',
    ]);
    assert.deepEqual(sw.variants[2]!.spec.params.election_timeout, { min: 25_000, max: 50_000 });
    assert.equal(sw.variants[2]!.spec.params.heartbeat, 12_500);
    assert.deepEqual(sw.charts, [{ kind: 'cdf', metric: 'downtime_ms' }, { kind: 'line', metric: 'downtime_ms', by: 'election_timeout' }]);
  });

  it('mistakes: a row of the wrong length, an unknown chart, a `by` that is not varied, a cdf with `by`, an unknown metric (warning)', async () => {
    const diags = await errors(base, `sweep "w" of "s" {
  vary (election_timeout, heartbeat) (12ms..24ms), (25ms..50ms, 12.5ms)
  chart pie downtime_ms
  chart line downtime_ms by pre_vote
  chart cdf downtime_ms by heartbeat
  chart cdf uptime_ms
}`);
    assert.deepEqual(diags, [
      'wrong-row-length: this row has 1 value; (election_timeout, heartbeat) needs 2',
      "unknown-chart: unknown chart 'pie'; a sweep draws cdf, line, bar",
      "unknown-parameter: 'pre_vote' is not varied in this sweep; varied: election_timeout, heartbeat",
      'unexpected-argument: a cdf chart draws one curve per group of trials: it takes no `by`',
      "unknown-metric: metric 'uptime_ms' is not reported by raft or measured by the base scenario; known: last_election_at, last_leader_term, term, committed_entries, applied_ops, leaders_at_end, events, messages, dropped, end_time_ms, downtime_ms",
    ]);
  });

  it('a parameter in a joint vary and in another vary is varied twice', async () => {
    const diags = await errors(base, 'sweep "w" of "s" {\n  vary heartbeat 10ms, 20ms\n  vary (election_timeout, heartbeat) (12ms..24ms, 6ms)\n}');
    assert.deepEqual(diags, ['repeated-vary: heartbeat is already varied in this sweep']);
  });
});
