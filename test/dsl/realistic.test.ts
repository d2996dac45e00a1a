/**
 * The benchmarks' "largest realistic file" (fixtures/realistic.ts: the
 * examples concatenated, names made unique) is one valid document: no
 * diagnostics, and every scenario, sweep and compare of every copy compiles.
 * Nothing here is timed (`npm run bench` is).
 */
import assert from 'node:assert/strict';
import { parseAndCompile } from '../../src/dsl/compile.js';
import { realisticScenarioFile, renamed } from './fixtures/realistic.js';

describe('dsl: the largest realistic file (examples concatenated)', function () {
  this.timeout(120_000);

  it('renames a copy\'s clusters and runs, and the lines that name them', () => {
    const text = 'cluster five: raft {\n  nodes n1..n5\n}\nscenario "a" {\n  use five\n}\nsweep "s" of "a" {\n  vary seed 1..2\n}\ncompare "c" {\n  left  "a"\n  right "a"\n}\n';
    const out = renamed(text, 3);
    assert.match(out, /^cluster five_3: raft/m);
    assert.match(out, /use five_3\n/);
    assert.match(out, /scenario "a #3"/);
    assert.match(out, /sweep "s #3" of "a #3"/);
    assert.match(out, /left {2}"a #3"\n {2}right "a #3"/);
    assert.match(out, /nodes n1\.\.n5/, 'node names are left alone');
  });

  it('has at least 1 000 lines, no diagnostics, and compiles every scenario of every copy', async () => {
    const file = realisticScenarioFile(1000);
    // Whole example files, as many as it takes (the examples alone may pass 1 000 lines).
    assert.ok(file.lines >= 1000 && file.files >= 2, `${file.lines} lines from ${file.files} files`);
    const r = await parseAndCompile(file.text);
    assert.deepEqual(r.diagnostics, []);
    const perCopy = (re: RegExp) => file.text.match(re)?.length ?? 0;
    assert.equal(r.file.scenarios.length, perCopy(/^scenario "/gm));
    assert.equal(r.file.sweeps.length, perCopy(/^sweep "/gm));
    assert.equal(r.file.compares.length, perCopy(/^compare "/gm));
    assert.equal(new Set(r.file.scenarios.map((s) => s.name)).size, r.file.scenarios.length, 'scenario names are unique');
  });
});
