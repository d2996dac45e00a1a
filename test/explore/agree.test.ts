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
import { basesOf } from './_bases.js';

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
