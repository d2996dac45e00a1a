/**
 * A scenario's `explore { … }` block (issue 15): what it compiles to, the
 * diagnostics of every mistake (with their ranges), the words it takes
 * staying usable as keys, and the printer writing it back.
 */
import assert from 'node:assert/strict';
import { parseAndCompile } from '../../src/dsl/compile.js';
import { scenarioText } from '../../src/explore/scenario-text.js';
import { CLUSTER, diagnose, expectOnly } from './_helpers.js';
import { toy, toyProtocols } from './fixtures/toy.js';

const scenario = (body: string) => `${CLUSTER}scenario "s" {\n  use five\n  run until 1s\n${body}\n}\n`;

async function compiled(body: string) {
  const r = await parseAndCompile(scenario(body), { protocols: toyProtocols });
  assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), []);
  return r.file.scenarios[0]!;
}

describe('dsl: the explore block', () => {
  it('compiles every line, as the flag of the same name reads it (counts, µs, the search seed)', async () => {
    const spec = await compiled([
      '  explore {',
      '    faults crash 2, restart, partition 1, heal, loss 0',
      '    max faults 3',
      '    runs 200',
      '    time 1.5min',
      '    seed 7',
      '    expect all',
      '    depth 12',
      '    max states 150000',
      '    timers 4',
      '    network lockstep',
      '    storage latency',
      '  }',
    ].join('\n'));
    const { source, ...explore } = spec.explore!;
    assert.deepEqual(explore, {
      faults: [{ kind: 'crash', max: 2 }, { kind: 'restart' }, { kind: 'partition', max: 1 }, { kind: 'heal' }, { kind: 'loss', max: 0 }],
      maxFaults: 3, runs: 200, time: 90_000_000, seed: 7, expect: 'all', depth: 12, maxStates: 150_000, timers: 4, network: 'lockstep', storage: 'latency',
    });
    assert.deepEqual(source, { line: 8, col: 3, endLine: 20, endCol: 4 });
    assert.equal(spec.seed, 1, 'the scenario\'s own seed is not the search seed');
  });

  it('sets only what the block says, and nothing without a block', async () => {
    assert.equal((await compiled('')).explore, undefined);
    const { source: _, ...one } = (await compiled('  explore { runs 50 }')).explore!;
    assert.deepEqual(one, { runs: 50 });
    const { source: __, ...none } = (await compiled('  explore { }')).explore!;
    assert.deepEqual(none, {});
  });

  it('leaves the block\'s words usable as keys and values, as before the block existed', async () => {
    const spec = await compiled('  at 0ms client put time = runs\n  at 1ms client get depth\n  expect at end committed time = "x"');
    assert.deepEqual(spec.actions.map((a) => a.action.kind === 'client' ? a.action.args : undefined), [{ key: 'time', value: 'runs' }, { key: 'depth' }]);
  });

  describe('diagnostics, each on what is wrong', () => {
    const block = (lines: string) => `${CLUSTER}scenario "s" {\n  use five\n  explore {\n    ${lines}\n  }\n}`;

    it('an unknown fault kind, with a suggestion', () =>
      expectOnly(block('faults crash, «partiton» 1'), 'unknown-fault', "unknown fault kind 'partiton' (did you mean 'partition'?); the kinds are crash, restart, partition, cut, heal, loss, duplicate, delay, pause, drift"));

    it('resume and drop, which are words of the language but no fault kinds, say what to write', async () => {
      await expectOnly(block('faults pause 2, «resume» 2'), 'unknown-fault', /^unknown fault kind 'resume': a resume comes with its pause and counts under `pause`/);
      await expectOnly(block('faults «drop»'), 'unknown-fault', /^unknown fault kind 'drop': lost messages are `loss` .* or `delay`/);
    });

    it('a negative or fractional count', async () => {
      await expectOnly(block('faults crash «-1»'), 'out-of-range', 'crash expects a whole number from 0 to 1000, got -1');
      await expectOnly(block('faults crash «1.5»'), 'out-of-range', 'crash expects a whole number from 0 to 1000, got 1.5');
    });

    it('a rate where a count goes: `loss 5%` is a count of faults, explore draws the rate', () =>
      expectOnly(block('faults loss «5%»'), 'wrong-unit', 'loss expects a whole number like 2, got 5% (a count of faults in one run; explore draws the rate itself, 1–20 %)'));

    it('a kind listed twice', () =>
      expectOnly(block('faults crash 1, partition, «crash» 2'), 'repeated-fault', 'crash is already in this faults line'));

    it('a kind\'s count above the faults a run may have (a warning: it never gets there)', async () => {
      const d = await expectOnly(block('faults crash «6»\n    max faults 3'), 'fault-count-above-max', 'crash 6 is more than the 3 faults a run may have in all (max faults): raise max faults or lower the count');
      assert.equal(d.severity, 'warning');
      await expectOnly(block('faults crash «5»'), 'fault-count-above-max', /more than the 4 faults a run may have in all \(max faults, default 4\)/);
    });

    it('a restart with no crash, a heal with no partition or cut (warnings: random search never draws them)', async () => {
      await expectOnly(block('faults partition, «restart»'), 'fault-without-cause', /^restart is drawn only after a crash/);
      await expectOnly(block('faults crash, «heal» 1'), 'fault-without-cause', /^heal is drawn only after a partition or a cut/);
      const fine = await diagnose(block('faults crash, restart, cut, heal'), { protocols: toyProtocols });
      assert.deepEqual(fine.filter((d) => d.code === 'fault-without-cause'), []);
    });

    it('budgets outside the command line\'s bounds', async () => {
      await expectOnly(block('max faults «0»'), 'out-of-range', 'max faults expects a whole number from 1 to 1000, got 0');
      await expectOnly(block('runs «0»'), 'out-of-range', 'runs expects a whole number from 1 to 1000000000, got 0');
      await expectOnly(block('time «0ms»'), 'out-of-range', 'time expects a positive duration like 60s');
      await expectOnly(block('time «-5s»'), 'negative-time', 'time must not be negative, got -5s');
      await expectOnly(block('seed «4294967296»'), 'out-of-range', 'seed (the search seed) expects a whole number from 0 to 4294967295, got 4294967296');
      await expectOnly(block('depth «1001»'), 'out-of-range', 'depth expects a whole number from 1 to 1000, got 1001');
      await expectOnly(block('max states «0»'), 'out-of-range', 'max states expects a whole number from 1 to 1000000000, got 0');
    });

    it('a wrong unit', async () => {
      await expectOnly(block('runs «10s»'), 'wrong-unit', 'runs expects a whole number like 2, got 10s');
      await expectOnly(block('time «60»'), 'wrong-unit', 'time expects a duration like 50ms, got 60');
    });

    it('an unknown expect mode', () =>
      expectOnly(block('expect «liveness»'), 'unknown-choice', "expect: unknown choice 'liveness', expected one of safety, all"));

    it('an unknown network or storage model', async () => {
      await expectOnly(block('network «sync»'), 'unknown-choice', "network: unknown choice 'sync', expected one of async, lockstep");
      await expectOnly(block('storage «slow»'), 'unknown-choice', "storage: unknown choice 'slow', expected one of instant, latency");
    });

    it('a line given twice, a second block', async () => {
      await expectOnly(block('runs 10\n    «runs 20»'), 'repeated-explore-setting', 'runs is already set in this explore block');
      await expectOnly(`${CLUSTER}scenario "s" {\n  use five\n  explore { runs 10 }\n  «explore { time 1s }»\n}`, 'repeated-explore', 'the scenario already has an explore block; put every setting in one');
    });

    it('a line the block does not have is a syntax error listing the lines it has', async () => {
      await expectOnly(block('«workers» 2'), 'parsing-error', 'expected a line of the explore block (faults, max faults, max states, runs, time, seed, expect, depth, timers, network, storage) or `}` but found `workers`');
      await expectOnly(block('«tme» 1min'), 'parsing-error', /^expected a line of the explore block .* but found `tme` \(did you mean 'time'\?\)$/);
      await expectOnly(block('«crash» 2'), 'parsing-error', /but found `crash`: fault kinds go on the faults line \(`faults crash 2, …`\)$/);
    });
  });

  it('prints back as it was written: the printer round-trips the block', async () => {
    const spec = await compiled('  explore {\n    faults crash 2, restart, delay 1\n    max faults 3  runs 200  time 90s  seed 7  expect safety  depth 12  max states 1000  timers 4\n  }');
    const text = scenarioText(spec, toy);
    assert.match(text, /\n {2}explore \{\n {4}faults crash 2, restart, delay 1\n {4}max faults 3\n {4}runs 200\n {4}time 90s\n {4}seed 7\n {4}expect safety\n {4}depth 12\n {4}max states 1000\n {4}timers 4\n {2}\}\n\}\n$/);
    const again = await parseAndCompile(text, { protocols: toyProtocols });
    assert.deepEqual(again.diagnostics.filter((d) => d.severity === 'error'), []);
    const strip = (x: object | undefined) => JSON.parse(JSON.stringify(x, (k, v: unknown) => (k === 'source' ? undefined : v))) as unknown;
    assert.deepEqual(strip(again.file.scenarios[0]!.explore), strip(spec.explore));
  });
});
