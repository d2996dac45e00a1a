/**
 * The Paxos example in the language reference (docs/scenario-language.md,
 * "Paxos (`paxos`)") compiles and passes as written: both modes, the roles
 * per node, the operations and queries it shows.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAndCompile } from '../../../src/dsl/compile.js';
import { runFile } from '../../../src/runner/run.js';
import { ROOT } from '../../_cli.js';

describe('Paxos in docs/scenario-language.md', () => {
  it('its example runs and every expectation holds', async function () {
    this.timeout(60_000);
    const md = readFileSync(join(ROOT, 'docs/scenario-language.md'), 'utf8');
    const section = md.split('#### Paxos (`paxos`)')[1];
    assert.ok(section, 'the reference has a Paxos section');
    const block = section.split('```')[1]!.replace(/^\n/, '');
    const compiled = await parseAndCompile(block);
    assert.deepEqual(compiled.diagnostics.filter((d) => d.severity === 'error'), []);
    const outcome = runFile(compiled.file);
    assert.deepEqual(outcome.scenarios.map((s) => [s.name, s.spec.protocol, s.spec.params.mode ?? 'single']), [['single', 'paxos', 'single'], ['multi', 'paxos', 'multi']]);
    for (const s of outcome.scenarios) assert.deepEqual(s.result.checks.filter((c) => c.status !== 'held'), [], s.name);
  });
});
