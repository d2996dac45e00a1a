/**
 * exploreExhaustively(): the exhaustive search from a scenario to its
 * shortest counterexample, as `explore --exhaustive` and VS Code's *Explore
 * exhaustively* both run it — the budget from the scenario's explore block,
 * the verdict when nothing is found (complete, or which budget stopped it),
 * and a counterexample whose text `run` reproduces.
 */
import assert from 'node:assert/strict';
import { loadScenarioFile } from '../../src/cli/load.js';
import type { ScenarioSpec } from '../../src/engine/spec.js';
import { exploreExhaustively, partsFrom, planText, verdictText } from '../../src/explore/exhaustive-explore.js';
import { verifyText } from '../../src/explore/counterexample.js';
import { protocols } from '../../src/protocols/registry.js';
import { join } from 'node:path';
import { ROOT } from '../_cli.js';

async function raft(name: string): Promise<ScenarioSpec> {
  const file = await loadScenarioFile(join(ROOT, 'examples/raft/explore.scenario'));
  return file.compiled.file.scenarios.find((s) => s.name === name)!;
}

describe('exploreExhaustively()', function () {
  this.timeout(120_000);
  const command = 'test';

  it('takes its budget from the scenario\'s explore block, says which lines set it, and tells onStart before searching', async () => {
    const spec = await raft('explore: figure 8');
    let started: string | undefined;
    const x = await exploreExhaustively(spec, { depth: 2 }, { command, onStart: (b) => { started = planText(b); } });
    assert.equal(started, 'lockstep network, instant storage, depth ≤ 2, crash ≤ 2, restart ≤ 1, duplicate ≤ 0, timers ≤ 4, 150000 states');
    assert.deepEqual(partsFrom(x.budget, 'block'), ['faults', 'max states', 'timers', 'network']);
    assert.deepEqual(partsFrom(x.budget, 'flag'), ['depth']);
  });

  it('complete: every state within the depth explored; bounded: names the budget that stopped it', async () => {
    const spec = await raft('explore small');
    const complete = await exploreExhaustively(spec, { depth: 3 }, { command });
    assert.equal(complete.result.verdict, 'complete');
    assert.equal(complete.result.stoppedBy, undefined);
    assert.equal(verdictText(complete.result, complete.budget), 'complete: no violation within depth 3 (every state explored)');

    const states = await exploreExhaustively(spec, { maxStates: 50 }, { command });
    assert.deepEqual([states.result.verdict, states.result.stoppedBy], ['bounded', 'states']);
    assert.match(verdictText(states.result, states.budget), /^bounded: no violation in \d+ states; the state budget \(50 states\) stopped the search at depth \d+ of 12$/);

    let ticks = 0;
    const time = await exploreExhaustively(spec, { timeMs: 5 }, { command, now: () => ticks++ });
    assert.deepEqual([time.result.verdict, time.result.stoppedBy], ['bounded', 'time']);
    assert.match(verdictText(time.result, time.budget), /the time budget \(5ms\) stopped the search/);

    const cancelled = await exploreExhaustively(spec, {}, { command, cancel: { cancelled: true } });
    assert.deepEqual([cancelled.result.verdict, cancelled.result.stoppedBy, cancelled.finding], ['bounded', 'cancel', undefined]);
  });

  it('a violation: its shortest path timed as a scenario that `run` reproduces, headed by how it was found, and its trace', async () => {
    const spec = await raft('explore small');
    const truncate = { ...spec, params: { ...spec.params, bug_truncate_on_reject: true } };
    let found: string | undefined;
    const x = await exploreExhaustively(truncate, { depth: 10, maxStates: 50_000 }, { command: 'Explore exhaustively (VS Code) on raft/explore.scenario', onFound: (r) => { found = r.finding!.check; } });
    assert.equal(x.result.verdict, 'violation');
    const f = x.finding!;
    assert.equal(found, 'leader_append_only');
    assert.equal(f.check, 'leader_append_only');
    assert.equal(f.steps.length, x.result.path!.length);
    assert.match(f.steps[0]!, /^1\. /);
    assert.ok(f.reproduces, f.problem);
    assert.match(f.text!, /^\/\/ The shortest counterexample found by `Explore exhaustively \(VS Code\) on raft\/explore\.scenario`/);
    assert.equal((await verifyText(f.text!, protocols.get('raft')!, 'leader_append_only')).reproduces, true);
    assert.equal(JSON.parse(f.trace!).format, 'protocol-playground-trace');
  });
});
