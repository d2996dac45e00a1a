/**
 * explore against every bug switch of every protocol in the registry, from
 * a scenario that scripts no faults (see _bases.ts), table-driven so that a
 * protocol added later is covered by adding it to the registry:
 *
 * - random search (faults from the default budget, search seed 1) within
 *   RANDOM_RUNS runs; what it finds is shrunk, written as a scenario file,
 *   and that file must fail the same check when run;
 * - where random search finds nothing within that budget, the exhaustive
 *   search on the small configuration must, within EXHAUSTIVE_STATES states,
 *   and its shortest path, timed as a scenario, must fail the same way;
 * - with every bug switch off, random search finds nothing in the same
 *   budget.
 *
 * Which search finds which bug is reported (and docs/explore.md lists it).
 * Bugs neither search reaches within these budgets are listed in
 * BEYOND_BUDGET with the measured reason; for them the test checks that
 * the exhaustive search still explores its whole budget without a false
 * violation, and says so.
 */
import assert from 'node:assert/strict';
import { protocols } from '../../src/protocols/registry.js';
import { prepareBase, emptyCandidate } from '../../src/explore/candidate.js';
import { counterexample, verifyText } from '../../src/explore/counterexample.js';
import { concretize } from '../../src/explore/concretize.js';
import { exhaustive, type ExhaustiveBudget } from '../../src/explore/exhaustive.js';
import { defaultBudget } from '../../src/explore/faults.js';
import { Search } from '../../src/explore/search.js';
import { shrink } from '../../src/explore/shrink.js';
import { scenarioText } from '../../src/explore/scenario-text.js';
import { basesOf } from './_bases.js';

export const RANDOM_RUNS = 300;
export const EXHAUSTIVE: ExhaustiveBudget = { crash: 1, restart: 1, duplicate: 0, depth: 12, maxStates: 150_000 };

/**
 * Bugs that need a longer path (or rarer faults) than either budget reaches. Raft's Figure 8
 * (bug_commit_old_terms) needs 19 steps on three servers (four elections
 * and a back-off); the exhaustive search reaches 248 000 states by depth 10
 * and grows about 2.5x per level, and 20 000 random runs did not find it.
 */
export const BEYOND_BUDGET: Readonly<Record<string, string>> = {
  'raft.bug_commit_old_terms': 'Figure 8 needs a 19-step path: beyond the exhaustive budget; random search finds no such schedule',
  // Needs three correlated faults: the coordinator crashing inside its 20 ms commit write, its restart, and a
  // participant's Commit lost or delayed past its timeout (so it asks); 5 000 random runs of examples/commit/explore.scenario
  // did not draw them, and the exhaustive search makes every write durable at once, so it cannot see the window.
  // Needs the proposer's accepts lost to two of three acceptors, its crash and restart, and the one promise that reports
  // the accepted value lost: four faults before the second proposal; the exhaustive search's shortest path is about
  // 14 steps on four nodes, past depth 11 at 150 000 states.
  'paxos.bug_forget_round': 'a ballot reused needs four faults (two lost accepts, a crash and restart, a lost promise): beyond 300 random runs; the exhaustive path is ~14 steps on four nodes',
  'commit.bug_early_decision': 'a crash inside the commit write, a restart and a late Commit together: beyond 300 random runs; the exhaustive search has instant storage',
};

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
      const beyond = BEYOND_BUDGET[`${protocol.name}.${bug}`];
      it(`${bug}: ${beyond === undefined ? 'found, shrunk, and written as a scenario that reproduces it' : `beyond the budgets (${beyond})`}`, async () => {
        const spec = await bases.random(bug);
        const search = new Search({ spec, budget: defaultBudget(), searchSeed: 1, expect: 'safety' }, protocol);
        const r = search.batch(Array.from({ length: RANDOM_RUNS }, (_, k) => k));
        if (r.found !== undefined) {
          assert.equal(beyond, undefined, `${bug} is listed beyond the budget but random search found it: take it off the list`);
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
        // A bug listed beyond the budgets gets a tenth of the state budget: enough to show no false violation, without minutes spent confirming a miss.
        const x = exhaustive(small, protocol, beyond === undefined ? EXHAUSTIVE : { ...EXHAUSTIVE, maxStates: EXHAUSTIVE.maxStates / 10 });
        if (beyond !== undefined) {
          assert.notEqual(x.verdict, 'violation', `${bug} is listed beyond the budget but the exhaustive search found it: take it off the list`);
          found.push(`${protocol.name}.${bug}: neither search within the test budgets (${x.unique} states, depth ${x.depth}) — ${beyond}`);
          return;
        }
        assert.equal(x.verdict, 'violation', `${bug}: random search found nothing in ${RANDOM_RUNS} runs and the exhaustive search nothing in ${x.unique} states (depth ${x.depth})`);
        const c = concretize(small, protocol, EXHAUSTIVE, x.path!, x.finding!.check);
        assert.ok(c.ok, c.ok ? '' : c.problem);
        const again = await verifyText(scenarioText(c.spec, protocol, { actionNotes: c.actionNotes, ruleNotes: c.ruleNotes }), protocol, x.finding!.check);
        assert.ok(again.reproduces, again.problem);
        found.push(`${protocol.name}.${bug}: exhaustive search, ${x.path!.length} steps, ${x.unique} states, ${x.finding!.check}`);
      });
    }
  });
}

after(() => {
  if (found.length > 0) process.stdout.write(`\n      explore, bug by bug:\n${found.map((f) => `        ${f}`).join('\n')}\n`);
});
