/**
 * Size: a generated 10 000-line scenario file parses and validates with no
 * diagnostics and compiles every scenario. The time is printed for the
 * record (the benchmark, `npm run bench scenario`, measures it properly);
 * nothing here asserts on time.
 */
import assert from 'node:assert/strict';
import { parseAndCompile } from '../../src/dsl/compile.js';
import { largeScenario } from './fixtures/large.js';
import { toyProtocols } from './fixtures/toy.js';

describe('dsl: a 10 000-line scenario file', function () {
  this.timeout(300_000);

  it('parses, validates and compiles', async () => {
    const text = largeScenario(10_000);
    assert.ok(text.split('\n').length >= 10_000);
    const t0 = performance.now();
    const r = await parseAndCompile(text, { protocols: toyProtocols });
    const ms = performance.now() - t0;
    assert.deepEqual(r.diagnostics, []);
    assert.equal(r.file.scenarios.length, 104);
    assert.equal(r.file.scenarios[0]!.nodes.length, 50);
    console.log(`      (10 000 lines: parse+validate+compile took ${ms.toFixed(0)} ms on this machine)`);
  });
});
