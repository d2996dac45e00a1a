/**
 * Every bug switch is caught: its scenario under examples/paxos/bugs/ turns
 * it on and an invariant reports the violation — and the same script with
 * the switch off keeps all seven invariants, so it is the bug that breaks
 * them, not the script. Every invariant is seen failing in one of them.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenarioFile } from '../../../src/cli/load.js';
import type { ScenarioSpec } from '../../../src/engine/spec.js';
import { vocabulary } from '../../../src/protocols/paxos/vocabulary.js';
import { runScenario } from '../../../src/runner/run.js';
import { ROOT } from '../../_cli.js';

const DIR = join(ROOT, 'examples/paxos/bugs');
const BUGS = vocabulary.params.filter((p) => p.name.startsWith('bug_')).map((p) => p.name);
const INVARIANTS = vocabulary.invariants.map((i) => i.name);

async function bugScenarios(): Promise<{ file: string; spec: ScenarioSpec }[]> {
  const out: { file: string; spec: ScenarioSpec }[] = [];
  for (const file of readdirSync(DIR).filter((f) => f.endsWith('.scenario')).sort()) {
    const loaded = await loadScenarioFile(join(DIR, file));
    assert.equal(loaded.compiled.ok, true, file);
    for (const spec of loaded.compiled.file.scenarios) out.push({ file, spec });
  }
  return out;
}

describe('Paxos bug switches', () => {
  it('each bug switch has a scenario under examples/paxos/bugs/ that turns it on, and every invariant is violated in one', async () => {
    const all = await bugScenarios();
    const switched = new Set(all.flatMap(({ spec }) => BUGS.filter((b) => spec.params[b] === true)));
    assert.deepEqual([...switched].sort(), [...BUGS].sort());
    const violated = new Set(all.flatMap(({ spec }) => spec.expectations.flatMap((e) => (e.kind === 'violated' ? [e.invariant] : []))));
    assert.deepEqual([...violated].sort(), [...INVARIANTS].sort());
  });

  it('each is caught by the invariants its scenario names, and the same script without the switch keeps all seven', async function () {
    this.timeout(120_000);
    for (const { file, spec } of await bugScenarios()) {
      const on = runScenario(spec);
      const failed = on.result.checks.filter((c) => c.status !== 'held');
      assert.deepEqual(failed, [], `${file}: ${JSON.stringify(failed)}`);
      const caught = spec.expectations.filter((e) => e.kind === 'violated');
      assert.ok(caught.length > 0, `${file} expects a violation`);
      const params = { ...spec.params };
      for (const b of BUGS) params[b] = false;
      const off = runScenario({ ...spec, params, expectations: [{ kind: 'always', invariants: INVARIANTS }] });
      assert.deepEqual(off.result.checks.filter((c) => c.status !== 'held'), [], `${file} without its bug switch`);
    }
  });
});
