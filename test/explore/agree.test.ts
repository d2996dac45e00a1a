/**
 * The exhaustive search agrees with random search on small cases: where
 * both reach a bug they report the same invariant, and on the correct
 * protocols neither reports anything within its budget. Also the
 * exhaustive search's own guarantees: breadth first gives a shortest path
 * (no shorter path exists: the search with depth − 1 finds nothing), and
 * the path, timed as a scenario, fails the same way under `run`.
 */
import assert from 'node:assert/strict';
import { protocols } from '../../src/protocols/registry.js';
import { prepareBase } from '../../src/explore/candidate.js';
import { concretize } from '../../src/explore/concretize.js';
import { exhaustive, type ExhaustiveBudget } from '../../src/explore/exhaustive.js';
import { defaultBudget } from '../../src/explore/faults.js';
import { Search } from '../../src/explore/search.js';
import type { ScenarioSpec } from '../../src/engine/spec.js';
import { LOCKSTEP } from './_budgets.js';
import { basesOf } from './_bases.js';

/** The spec with every bug switch off. */
function correct(spec: ScenarioSpec): ScenarioSpec {
  return { ...spec, params: Object.fromEntries(Object.entries(spec.params).map(([k, v]) => [k, k.startsWith('bug_') ? false : v])) };
}

const SMALL: ExhaustiveBudget = { crash: 1, restart: 1, duplicate: 0, depth: 10, maxStates: 60_000 };

describe('exhaustive and random search agree on small cases', function () {
  this.timeout(300_000);

  const cases: [string, string][] = [['raft', 'bug_truncate_on_reject'], ['hash', 'bug_normalize'], ['hash', 'bug_utf16'], ['ring', 'bug_vnode_preference']];
  for (const [name, bug] of cases) {
    it(`${name}.${bug}: both find it, as the same invariant`, async () => {
      const protocol = protocols.get(name)!;
      const bases = basesOf(protocol);
      const random = new Search({ spec: await bases.random(bug), budget: defaultBudget(), searchSeed: 1, expect: 'safety' }, protocol).batch(Array.from({ length: 100 }, (_, k) => k));
      const small = prepareBase(await bases.small(bug), protocol).spec;
      const x = exhaustive(small, protocol, SMALL);
      assert.ok(random.found, 'random search finds it');
      assert.equal(x.verdict, 'violation');
      assert.equal(x.finding!.check, random.found.finding.check);
    });
  }

  for (const name of ['raft', 'hash']) {
    it(`${name} without bugs: neither finds anything (the exhaustive search within ${SMALL.maxStates} states)`, async () => {
      const protocol = protocols.get(name)!;
      const spec = (await basesOf(protocol).correct())!;
      const x = exhaustive(prepareBase(spec, protocol).spec, protocol, SMALL);
      assert.notEqual(x.verdict, 'violation', x.finding?.message);
      assert.ok(x.unique > 1);
    });
  }

  // The configurations the lockstep search finds Figure 8, the reused ballot and the early decision in, with the bugs off.
  for (const [name, bug] of [['raft', 'bug_commit_old_terms'], ['paxos', 'bug_forget_round'], ['commit', 'bug_early_decision']] as const) {
    it(`${name} without bugs: the lockstep search finds nothing where it finds ${bug} (${LOCKSTEP.maxStates} states, depth ${LOCKSTEP.depth})`, async () => {
      const protocol = protocols.get(name)!;
      const small = correct(prepareBase(await basesOf(protocol).small(bug), protocol).spec);
      const x = exhaustive(small, protocol, LOCKSTEP);
      assert.notEqual(x.verdict, 'violation', x.finding?.message);
      assert.ok(x.unique > 1000, `${x.unique} states`);
    });
  }

  it('lockstep: a shortest path too, and every write of a storage with latency timed to complete at its step', async () => {
    const protocol = protocols.get('commit')!;
    const small = prepareBase(await basesOf(protocol).small('bug_early_decision'), protocol).spec;
    const x = exhaustive(small, protocol, LOCKSTEP);
    assert.equal(x.verdict, 'violation');
    assert.ok(x.path!.some((st) => st.kind === 'durable'), 'writes complete as steps of their own');
    const shorter = exhaustive(small, protocol, { ...LOCKSTEP, depth: x.path!.length - 1 });
    assert.notEqual(shorter.verdict, 'violation', 'no shorter path exists');
    const c = concretize(small, protocol, LOCKSTEP, x.path!, x.finding!.check);
    assert.ok(c.ok, c.ok ? '' : c.problem);
    assert.equal(c.spec.storage.latency.kind, 'fixed');
    assert.ok(c.spec.storage.latency.kind === 'fixed' && c.spec.storage.latency.value > 0, 'the timed scenario has a storage latency');
  });

  it('the first violation found is at the smallest depth, and its timed scenario reproduces it', async () => {
    const protocol = protocols.get('raft')!;
    const small = prepareBase(await basesOf(protocol).small('bug_truncate_on_reject'), protocol).spec;
    const x = exhaustive(small, protocol, SMALL);
    assert.equal(x.verdict, 'violation');
    const shorter = exhaustive(small, protocol, { ...SMALL, depth: x.path!.length - 1 });
    assert.notEqual(shorter.verdict, 'violation', 'no shorter path exists');
    const c = concretize(small, protocol, SMALL, x.path!, x.finding!.check);
    assert.ok(c.ok, c.ok ? '' : c.problem);
    assert.ok(c.spec.actions.some((a) => a.action.kind === 'drift'), 'timers are timed by drift lines');
    assert.ok(c.spec.rules.every((r) => r.on === 'send' && r.times === 'next'), 'messages by one send rule each');
  });
});
