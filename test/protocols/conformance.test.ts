/**
 * Every registered protocol conforms (test/protocols/_conformance.ts): one
 * folder layout, docs for everything, examples with a README, every
 * invariant seen failing, golden traces, a snippet, a viewer panel. And a
 * half-added protocol is told exactly what it lacks.
 */
import assert from 'node:assert/strict';
import type { Protocol } from '../../src/engine/protocol.js';
import { protocols } from '../../src/protocols/registry.js';
import { ROOT } from '../_cli.js';
import { conformance, declaredGenericPanels, type Layout } from './_conformance.js';

const layout: Layout = { root: ROOT, registry: protocols, goldens: 'test/golden/traces.json', genericPanels: declaredGenericPanels(ROOT) };

describe('protocol conformance', () => {
  for (const p of protocols.values()) {
    it(`${p.name} conforms`, async function () {
      this.timeout(300_000);
      assert.deepEqual(await conformance(p, layout), []);
    });
  }

  it('a half-added protocol fails with a message for each thing it lacks', async () => {
    const halfway: Protocol = {
      name: 'halfway',
      vocabulary: {
        doc: 'Half added.',
        params: [{ name: 'bug_oops', type: 'bool', default: false, doc: 'Forgot the BUG prefix.' }],
        ops: [{ name: 'poke', template: 'poke', doc: '', args: [] }],
        invariants: [{ name: 'never_poked', doc: 'Nobody was poked.', check: () => null }],
        queries: [], messages: [], metrics: [],
      },
      init: () => ({}),
      onMessage: (s) => s,
    };
    const missing = await conformance(halfway, { ...layout, registry: new Map([...protocols, ['halfway', halfway]]) });
    const expected = [
      'src/protocols/halfway/index.ts is missing (every protocol folder has index.ts, vocabulary.ts, state.ts, machine.ts, invariants.ts)',
      'operation poke of halfway has no doc',
      'docs/halfway.md is missing: what halfway is, its paper, parameters, operations, invariants, queries and examples',
      'examples/halfway/ has no .scenario file',
      'examples/halfway/README.md is missing: a table of the example files and what each shows',
      'bug switch bug_oops must be a bool whose doc starts with "BUG: "',
      'bug switch bug_oops appears in no scenario under examples/halfway/bugs/ (set it to true there and expect the violation it causes)',
      'no scenario under examples/halfway/ shows invariant never_poked failing (add one with `expect violated never_poked`, usually under bugs/ with a bug switch)',
      'test/golden/traces.json has no golden trace of examples/halfway/ (run with UPDATE_GOLDEN=1 and review the diff)',
      'snippets/scenario.json has no snippet declaring `cluster …: halfway {`',
      'no viewer panel: add webview/panels/halfway.ts (registered in webview/panels/index.ts), or list halfway in GENERIC_PANELS there to use the generic state view',
    ];
    for (const line of expected) assert.ok(missing.includes(line), `expected: ${line}\ngot:\n${missing.join('\n')}`);
    assert.ok(missing.some((l) => l.startsWith('src/protocols/halfway/vocabulary.ts is missing')));
  });

  it('lists hash as the one protocol with the generic view', () => {
    assert.deepEqual(declaredGenericPanels(ROOT), ['hash']);
  });
});
