/**
 * Robustness: no input, however broken, makes the parser, the validator or
 * the compiler throw. 2 000 inputs derived from the example scenarios by
 * seeded mutations (delete, duplicate, swap characters; cut a range; splice
 * in another part of the text) must each either compile or yield
 * diagnostics. Langium catches exceptions inside validation checks and logs
 * them with console.error, so the test fails on any console.error too.
 */
import assert from 'node:assert/strict';
import { parseAndCompile } from '../../src/dsl/compile.js';
import { createScenarioServices } from '../../src/dsl/scenario-module.js';
import type { Protocol } from '../../src/engine/protocol.js';
import { protocols as registry } from '../../src/protocols/registry.js';
import { TOY_EXAMPLES } from './fixtures/examples.js';
import { scenarioFiles } from './fixtures/files.js';
import { toy } from './fixtures/toy.js';
import { mulberry32 } from '../_random.js';

function mutate(text: string, rnd: () => number): string {
  let s = text;
  const n = 1 + Math.floor(rnd() * 4);
  for (let k = 0; k < n; k++) {
    const i = Math.floor(rnd() * (s.length + 1));
    const len = 1 + Math.floor(rnd() * 12);
    switch (Math.floor(rnd() * 5)) {
      case 0: s = s.slice(0, i) + s.slice(i + 1); break; // delete one character
      case 1: s = s.slice(0, i) + s.slice(i, i + len) + s.slice(i); break; // duplicate a run
      case 2: if (i + 1 < s.length) s = s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2); break; // swap two
      case 3: s = s.slice(0, i) + s.slice(i + len * 4); break; // cut a range
      default: { // splice in a piece from elsewhere
        const j = Math.floor(rnd() * s.length);
        s = s.slice(0, i) + s.slice(j, j + len) + s.slice(i);
      }
    }
  }
  return s;
}

describe('dsl: fuzz (2 000 mutated scenarios)', function () {
  this.timeout(600_000);

  it('never throws; every input compiles or yields diagnostics', async () => {
    const protocols: ReadonlyMap<string, Protocol> = new Map([...registry, ['toy', toy]]);
    const services = createScenarioServices({}, protocols).Scenario;
    const seeds = [...TOY_EXAMPLES, ...scenarioFiles('examples')];
    const rnd = mulberry32(20260101);
    const logged: unknown[][] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void logged.push(args);
    let compiled = 0;
    try {
      for (let k = 0; k < 2000; k++) {
        const base = seeds[k % seeds.length]!;
        const input = mutate(base, rnd);
        let result;
        try {
          result = await parseAndCompile(input, { services, protocols, documents: { 'shared.scenario': 'cluster shared: toy { nodes s1 }' } });
        } catch (e) {
          assert.fail(`input #${k} threw ${String(e)}:\n${input}`);
        }
        assert.ok(result.ok || result.diagnostics.length > 0, `input #${k}: not ok yet no diagnostics`);
        for (const d of result.diagnostics) assert.ok(d.line >= 1 && d.col >= 1 && (d.endLine > d.line || (d.endLine === d.line && d.endCol >= d.col)), `input #${k}: bad range ${JSON.stringify(d)}`);
        assert.deepEqual(logged, [], `input #${k} logged an error:\n${input}`);
        if (result.ok) compiled++;
      }
    } finally {
      console.error = original;
    }
    // The mutations are not all fatal: some inputs must still compile (the test is not vacuous).
    assert.ok(compiled > 0 && compiled < 2000, `compiled ${compiled} of 2000`);
  });
});
