import assert from 'node:assert/strict';
import { parseAndCompile } from '../../src/dsl/compile.js';
import type { ScenarioSpec } from '../../src/engine/spec.js';
import { DEFAULT_MAX_EVENTS, DEFAULT_MAX_TIME } from '../../src/engine/spec.js';
import { toyProtocols } from './fixtures/toy.js';

const FULL = `// every construct of docs/scenario-language.md
cluster five: toy {
  nodes n1..n5, extra
  election_timeout 150ms..300ms
  heartbeat 50ms
  hash sha1
  ketama true
  label "demo"
  drop_rate 0.5%
  ratio 0.25
  node n1 { weight 2 }
}

scenario "leader failover" {
  use five
  seed 42
  set heartbeat 20ms
  network {
    latency 5ms..15ms
    loss 1%
    duplicate 0.5%
    reorder 2% window 20ms
    link n1 -> n2 { latency 50ms loss 10% }
  }
  storage { latency 1ms..3ms  latency normal 10ms 2ms on n1 }
  at 0ms    client put x = 1
  at 1s     crash leader
  after 200ms partition {n1 n2} | {n3 n4 n5}
  at 2s     cut n1 -> n2
  at 3s     heal
  at 3s     restart n1..n2
  at 4s     pause n2
  at 4s     resume n2
  at 4s     note "halfway"
  at 4s     drift n3 1.5
  at 4s     client on n2 add n3 weight 4
  at 4s     client on leader place 100 keys
  at 4s     client send 3 to n2
  at 4s     client digest sha256 "abc"
  at 4s     crash owner "apple"
  every 100ms from 1s until 5s client get x
  on deliver AppendEntries from n2 to n3 { drop }
  on next send RequestVote from n1 { delay 30ms }
  on deliver Prepare to n1 during 1s..2s { hold until 2.5s }
  on next deliver Commit { duplicate 2 }
  on next timer election on n3 { crash n3 }
  on next client put on n1 { after 5ms crash n1 }
  run until 6s
  max events 1000000
  expect always election_safety, log_matching
  expect violated log_matching
  expect eventually leader within 1s after 1s
  expect eventually leader after 2s as gap_ms
  expect at end committed x = 1
  expect at end metric moved_fraction in 15%..25%
  expect at end unique >= 3
  explore { faults crash 2, restart, partition  max faults 3  runs 500  time 1min  seed 9  expect all }
}

scenario "two" { use five run until leader max 10s }
compare "both" { left "leader failover" right "two" }
sweep "grid" of "two" {
  vary vnodes 1, 10
  vary election_timeout 100ms..200ms, 1s
  trials 3
}
`;

describe('dsl: compile', () => {
  let spec: ScenarioSpec;
  let result: Awaited<ReturnType<typeof parseAndCompile>>;

  before(async () => {
    result = await parseAndCompile(FULL, { protocols: toyProtocols, file: 'examples/toy/full.scenario' });
    spec = result.file.scenarios[0]!;
  });

  it('compiles every construct with no diagnostics', () => {
    assert.deepEqual(result.diagnostics, []);
    assert.equal(result.ok, true);
    assert.deepEqual(result.file.scenarios.map((s) => s.name), ['leader failover', 'two']);
  });

  it('cluster: nodes expanded, params converted over defaults, set overrides, node params', () => {
    assert.equal(spec.protocol, 'toy');
    assert.equal(spec.file, 'examples/toy/full.scenario');
    assert.deepEqual(spec.nodes, ['n1', 'n2', 'n3', 'n4', 'n5', 'extra']);
    assert.deepEqual(spec.params, {
      heartbeat: 20_000, election_timeout: { min: 150_000, max: 300_000 }, vnodes: 100, ratio: 0.25,
      drop_rate: 0.005, ketama: true, hash: 'sha1', label: 'demo',
    });
    assert.deepEqual(spec.nodeParams.n1, { weight: 2 });
    assert.deepEqual(spec.nodeParams.extra, { weight: 1 });
    assert.equal(spec.seed, 42);
    assert.deepEqual(result.file.scenarios[1]!.params.heartbeat, 50_000, 'set is per scenario');
  });

  it('network and storage: units to µs and fractions', () => {
    assert.deepEqual(spec.network, {
      latency: { kind: 'uniform', min: 5_000, max: 15_000 }, loss: 0.01, duplicate: 0.005, reorder: 0.02, reorderWindow: 20_000,
      links: [{ from: 'n1', to: 'n2', spec: { latency: { kind: 'fixed', value: 50_000 }, loss: 0.1 } }],
    });
    assert.deepEqual(spec.storage, { latency: { kind: 'uniform', min: 1_000, max: 3_000 }, perNode: { n1: { kind: 'normal', mean: 10_000, stddev: 2_000 } } });
  });

  it('timed actions: absolute times, after resolved, targets and op args', () => {
    const a = spec.actions.map((t) => ({ at: t.at, ...t.action }));
    assert.deepEqual(a.slice(0, 10), [
      { at: 0, kind: 'client', op: 'put', args: { key: 'x', value: 1 } },
      { at: 1_000_000, kind: 'crash', target: { kind: 'query', query: 'leader', args: {} } },
      { at: 1_200_000, kind: 'partition', groups: [['n1', 'n2'], ['n3', 'n4', 'n5']] },
      { at: 2_000_000, kind: 'cut', from: 'n1', to: 'n2' },
      { at: 3_000_000, kind: 'heal' },
      { at: 3_000_000, kind: 'restart', target: { kind: 'nodes', nodes: ['n1', 'n2'] } },
      { at: 4_000_000, kind: 'pause', target: { kind: 'nodes', nodes: ['n2'] } },
      { at: 4_000_000, kind: 'resume', target: { kind: 'nodes', nodes: ['n2'] } },
      { at: 4_000_000, kind: 'note', text: 'halfway' },
      { at: 4_000_000, kind: 'drift', target: { kind: 'nodes', nodes: ['n3'] }, rate: 1.5 },
    ]);
    assert.deepEqual(a.slice(10, 15), [
      { at: 4_000_000, kind: 'client', target: { kind: 'nodes', nodes: ['n2'] }, op: 'add', args: { node: 'n3', weight: 4 } },
      { at: 4_000_000, kind: 'client', target: { kind: 'query', query: 'leader', args: {} }, op: 'place', args: { count: 100 } },
      { at: 4_000_000, kind: 'client', op: 'send', args: { count: 3, node: 'n2' } },
      { at: 4_000_000, kind: 'client', op: 'digest', args: { algo: 'sha256', value: 'abc' } },
      { at: 4_000_000, kind: 'crash', target: { kind: 'query', query: 'owner', args: { key: 'apple' } } },
    ]);
    const every = spec.actions[15]!;
    assert.deepEqual({ at: every.at, every: every.every, until: every.until, action: every.action }, { at: 1_000_000, every: 100_000, until: 5_000_000, action: { kind: 'client', op: 'get', args: { key: 'x' } } });
    assert.equal(spec.actions.length, 16);
  });

  it('every action carries its 1-based source range', () => {
    assert.deepEqual(spec.actions[0]!.source, { line: 26, col: 3, endLine: 26, endCol: 29 });
    assert.ok(spec.actions.every((t) => t.source && t.source.line > 0));
    assert.deepEqual(spec.source, { line: 14, col: 1, endLine: 58, endCol: 2 });
  });

  it('message rules: pattern, times, window, disposition, actions', () => {
    const r = spec.rules.map(({ source: _s, ...rest }) => ({ ...rest, actions: rest.actions.map(({ source: _x, ...a }) => a) }));
    assert.deepEqual(r, [
      { on: 'deliver', pattern: { type: 'AppendEntries', from: 'n2', to: 'n3' }, times: 'every', actions: [], disposition: { kind: 'drop' } },
      { on: 'send', pattern: { type: 'RequestVote', from: 'n1' }, times: 'next', actions: [], disposition: { kind: 'delay', by: 30_000 } },
      { on: 'deliver', pattern: { type: 'Prepare', to: 'n1' }, times: 'every', actions: [], from: 1_000_000, until: 2_000_000, disposition: { kind: 'hold', until: 2_500_000 } },
      { on: 'deliver', pattern: { type: 'Commit' }, times: 'next', actions: [], disposition: { kind: 'duplicate', copies: 2 } },
      { on: 'timer', pattern: { name: 'election', node: 'n3' }, times: 'next', actions: [{ delay: 0, action: { kind: 'crash', target: { kind: 'nodes', nodes: ['n3'] } } }] },
      { on: 'client', pattern: { name: 'put', node: 'n1' }, times: 'next', actions: [{ delay: 5_000, action: { kind: 'crash', target: { kind: 'nodes', nodes: ['n1'] } } }] },
    ]);
    assert.deepEqual(spec.rules[5]!.actions[0]!.source, { line: 47, col: 30, endLine: 47, endCol: 48 });
  });

  it('run bounds and expectations', () => {
    assert.deepEqual(spec.run, { until: 6_000_000, maxTime: DEFAULT_MAX_TIME, maxEvents: 1_000_000 });
    assert.deepEqual(result.file.scenarios[1]!.run, { untilCondition: { query: 'leader', args: {} }, maxTime: 10_000_000, maxEvents: DEFAULT_MAX_EVENTS });
    assert.deepEqual(spec.expectations.map(({ source: _s, ...e }) => e), [
      { kind: 'always', invariants: ['election_safety', 'log_matching'] },
      { kind: 'violated', invariant: 'log_matching' },
      { kind: 'eventually', condition: { query: 'leader', args: {} }, after: 1_000_000, within: 1_000_000 },
      { kind: 'eventually', condition: { query: 'leader', args: {} }, after: 2_000_000, measure: 'gap_ms' },
      { kind: 'atEnd', condition: { query: 'committed', args: { key: 'x' }, compare: { op: '=', value: 1 } } },
      { kind: 'atEnd', condition: { query: 'metric', args: { name: 'moved_fraction' }, compare: { op: 'in', min: 0.15, max: 0.25 } } },
      { kind: 'atEnd', condition: { query: 'unique', args: {}, compare: { op: '>=', value: 3 } } },
    ]);
    assert.deepEqual(spec.expectations[0]!.source, { line: 50, col: 3, endLine: 50, endCol: 46 });
  });

  it('compare and sweep (cartesian product, trials vary the seed)', () => {
    assert.deepEqual(result.file.compares.map(({ source: _s, ...c }) => c), [{ name: 'both', left: 'leader failover', right: 'two' }]);
    const sweep = result.file.sweeps[0]!;
    assert.equal(sweep.name, 'grid');
    assert.equal(sweep.base, 'two');
    assert.equal(sweep.variants.length, 2 * 2 * 3);
    assert.equal(sweep.variants[0]!.label, 'vnodes=1, election_timeout=100ms..200ms, seed=1');
    assert.deepEqual(sweep.variants[0]!.spec.params.election_timeout, { min: 100_000, max: 200_000 });
    const last = sweep.variants[11]!;
    assert.deepEqual(last.values, { vnodes: 10, election_timeout: { min: 1_000_000, max: 1_000_000 }, seed: 3 });
    assert.equal(last.spec.seed, 3);
    assert.equal(last.spec.params.vnodes, 10);
    assert.equal(last.spec.name, 'two');
  });

  it('a sweep value the parser could not read is a diagnostic, not a crash (found by the fuzz test)', async () => {
    const logged: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void logged.push(args);
    try {
      const r = await parseAndCompile('cluster c: toy { nodes a }\nscenario "s" { use c }\nsweep "w" of "s" {\n  vary heartbeat 1s, 2s," {\n  3s\n}\n', { protocols: toyProtocols });
      assert.ok(r.diagnostics.some((d) => d.severity === 'error'));
    } finally {
      console.error = original;
    }
    assert.deepEqual(logged, []);
  });

  it('a varied duration is labelled in the largest unit that reads well (1500us as 1.5ms), not in µs', async () => {
    const r = await parseAndCompile('cluster c: toy { nodes a }\nscenario "s" { use c }\nsweep "w" of "s" { vary heartbeat 1500us, 500ms, 2s, 10s }', { protocols: toyProtocols });
    assert.deepEqual(r.file.sweeps[0]!.variants.map((v) => v.label), ['heartbeat=1.5ms', 'heartbeat=500ms', 'heartbeat=2s', 'heartbeat=10s']);
    assert.deepEqual(r.file.sweeps[0]!.variants.map((v) => v.spec.params.heartbeat), [1_500, 500_000, 2_000_000, 10_000_000]);
  });

  it('vary seed a..b, and the seed option overrides', async () => {
    const r = await parseAndCompile('cluster c: toy { nodes a }\nscenario "s" { use c seed 7 }\nsweep "w" of "s" { vary seed 3..5 }', { protocols: toyProtocols, seed: 99 });
    assert.equal(r.file.scenarios[0]!.seed, 99);
    assert.deepEqual(r.file.sweeps[0]!.variants.map((v) => v.spec.seed), [3, 4, 5]);
  });

  it('defaults: seed 1, the default network and storage, no run bound but the hard limits', async () => {
    const r = await parseAndCompile('cluster c: toy { nodes a }\nscenario "s" { use c }', { protocols: toyProtocols });
    const s = r.file.scenarios[0]!;
    assert.equal(s.seed, 1);
    assert.deepEqual(s.network, { latency: { kind: 'fixed', value: 1000 }, loss: 0, duplicate: 0, reorder: 0, reorderWindow: 10000, links: [] });
    assert.deepEqual(s.storage, { latency: { kind: 'fixed', value: 0 } });
    assert.deepEqual(s.run, { maxTime: DEFAULT_MAX_TIME, maxEvents: DEFAULT_MAX_EVENTS });
    assert.equal(s.params.heartbeat, 50_000);
  });

  it('lexes units without a trailing-word split: 2min, 1.5s, 200us, lognormal', async () => {
    const r = await parseAndCompile('cluster c: toy { nodes a }\nscenario "s" { use c\n network { latency lognormal 10ms 0.5 }\n at 2min heal\n at 1.5s heal\n at 200us heal }', { protocols: toyProtocols });
    assert.deepEqual(r.diagnostics, []);
    assert.deepEqual(r.file.scenarios[0]!.actions.map((a) => a.at), [120_000_000, 1_500_000, 200]);
    assert.deepEqual(r.file.scenarios[0]!.network.latency, { kind: 'lognormal', median: 10_000, sigma: 0.5 });
  });

  it('explore block: the search\'s budget, only what it says, with its range', () => {
    assert.deepEqual(spec.explore, {
      faults: [{ kind: 'crash', max: 2 }, { kind: 'restart' }, { kind: 'partition' }], maxFaults: 3, runs: 500, time: 60_000_000, seed: 9, expect: 'all',
      source: { line: 57, col: 3, endLine: 57, endCol: 104 },
    });
    assert.equal(result.file.scenarios[1]!.explore, undefined);
  });

  it('a scenario with errors is left out and ok is false', async () => {
    const r = await parseAndCompile('cluster c: toy { nodes a }\nscenario "bad" { use c at 1s crash zz }\nscenario "good" { use c }', { protocols: toyProtocols });
    assert.equal(r.ok, false);
    assert.deepEqual(r.file.scenarios.map((s) => s.name), ['good']);
  });
});

describe('dsl: docs/scenario-language.md', () => {
  it('its example parses (only name errors, since it uses other protocols and files)', async () => {
    const { readFileSync } = await import('node:fs');
    const md = readFileSync('docs/scenario-language.md', 'utf8');
    const block = md.split('```')[1]!.replace(/^\n/, '').replace(': raft', ': toy');
    const r = await parseAndCompile(block, { protocols: toyProtocols });
    const syntax = r.diagnostics.filter((d) => d.code === 'parsing-error' || d.code === 'lexing-error');
    assert.deepEqual(syntax, []);
    assert.deepEqual([...new Set(r.diagnostics.map((d) => d.code))].sort(), ['not-linearizable', 'unknown-invariant', 'unknown-node', 'unknown-scenario', 'unresolved-import']);
  });
});
