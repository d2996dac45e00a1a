/**
 * explore against every bug switch of every protocol in the registry, from
 * a scenario that scripts no faults (see _bases.ts), table-driven so that a
 * protocol added later is covered by adding it to the registry:
 *
 * - random search (faults from the default budget, search seed 1) within
 *   RANDOM_RUNS runs; what it finds is shrunk, written as a scenario file,
 *   and that file must fail the same check when run;
 * - where random search finds nothing within that budget, the exhaustive
 *   search on the small configuration must: first over every order
 *   (EXHAUSTIVE: the async network, shallow), then in lockstep (LOCKSTEP:
 *   few choices per step, deep — Raft's Figure 8 takes 18 steps); its
 *   shortest path, timed as a scenario, must fail the same way;
 * - with every bug switch off, random search finds nothing in the same
 *   budget (and agree.test.ts: nor does the lockstep search).
 *
 * Which search finds which bug is reported (and docs/explore.md lists it).
 */
import assert from 'node:assert/strict';
import { protocols } from '../../src/protocols/registry.js';
import { prepareBase, emptyCandidate } from '../../src/explore/candidate.js';
import { counterexample, verifyText } from '../../src/explore/counterexample.js';
import { concretize } from '../../src/explore/concretize.js';
import { exhaustive } from '../../src/explore/exhaustive.js';
import { EXHAUSTIVE, LOCKSTEP } from './_budgets.js';
import { defaultBudget } from '../../src/explore/faults.js';
import { Search } from '../../src/explore/search.js';
import { shrink } from '../../src/explore/shrink.js';
import { scenarioText } from '../../src/explore/scenario-text.js';
import { basesOf } from './_bases.js';

export const RANDOM_RUNS = 300;

const found: string[] = [];

for (const protocol of protocols.values()) {
  const bugs = protocol.vocabulary.params.filter((p) => p.name.startsWith('bug_')).map((p) => p.name);
  if (bugs.length === 0) continue;
  const bases = basesOf(protocol);
  describe(`explore finds the bug switches of ${protocol.name} (from ${bases.source})`, function () {
    this.timeout(300_000);

    it(`finds nothing in the correct protocol within ${RANDOM_RUNS} random runs`, async () => {
      const spec = await bases.correct();
      assert.ok(spec !== undefined);
      const r = new Search({ spec, budget: defaultBudget(), searchSeed: 1, expect: 'safety' }, protocol).batch(Array.from({ length: RANDOM_RUNS }, (_, k) => k));
      assert.equal(r.found, undefined, r.found ? `${r.found.finding.check}: ${r.found.finding.message}` : '');
      assert.equal(r.runs, RANDOM_RUNS);
    });

    for (const bug of bugs) {
      it(`${bug}: found, shrunk or shortest, and written as a scenario that reproduces it`, async () => {
        const spec = await bases.random(bug);
        const search = new Search({ spec, budget: defaultBudget(), searchSeed: 1, expect: 'safety' }, protocol);
        const r = search.batch(Array.from({ length: RANDOM_RUNS }, (_, k) => k));
        if (r.found !== undefined) {
          const sh = shrink(search.base, emptyCandidate(r.found.seed, r.found.faults), r.found.finding, { maxRuns: 500 });
          assert.equal(sh.finding.check, r.found.finding.check);
          assert.ok(sh.candidate.faults.length <= r.found.faults.length, 'shrinking never adds faults');
          assert.ok(sh.candidate.faults.length <= 3, `a small schedule: ${sh.candidate.faults.length} faults`);
          const ce = await counterexample(search.base, sh.candidate, sh.finding, { command: 'test', searchSeed: 1, run: r.found.k, original: r.found.faults, shrinkRuns: sh.runs });
          assert.ok(ce.reproduces, ce.problem);
          found.push(`${protocol.name}.${bug}: random search, run ${r.found.k}, ${r.found.finding.check}, shrunk to ${sh.candidate.faults.length} fault(s)`);
          return;
        }
        const small = prepareBase(await bases.small(bug), protocol).spec;
        let budget = EXHAUSTIVE;
        let x = exhaustive(small, protocol, budget);
        const misses = [`random search found nothing in ${RANDOM_RUNS} runs`, `the async exhaustive search nothing in ${x.unique} states (depth ${x.depth})`];
        if (x.verdict !== 'violation') {
          budget = LOCKSTEP;
          x = exhaustive(small, protocol, budget);
          misses.push(`the lockstep search nothing in ${x.unique} states (depth ${x.depth})`);
        }
        assert.equal(x.verdict, 'violation', `${bug}: ${misses.join(', ')}`);
        const c = concretize(small, protocol, budget, x.path!, x.finding!.check);
        assert.ok(c.ok, c.ok ? '' : c.problem);
        const again = await verifyText(scenarioText(c.spec, protocol, { actionNotes: c.actionNotes, ruleNotes: c.ruleNotes }), protocol, x.finding!.check);
        assert.ok(again.reproduces, again.problem);
        found.push(`${protocol.name}.${bug}: ${budget.network ?? 'async'} exhaustive search, ${x.path!.length} steps, ${x.unique} states, ${x.finding!.check}`);
      });
    }
  });
}

after(() => {
  if (found.length > 0) process.stdout.write(`\n      explore, bug by bug:\n${found.map((f) => `        ${f}`).join('\n')}\n`);
});
