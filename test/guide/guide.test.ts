/**
 * docs/adding-a-protocol.md walks through adding `primary`, a
 * primary-backup register that lives here, in the test tree, and is
 * registered only in these tests. They keep the guide from going stale:
 * the protocol conforms (the same check every registered protocol passes),
 * its examples pass with golden traces, and every code block the guide
 * shows from a file is that file, character for character.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAndCompile } from '../../src/dsl/compile.js';
import type { Protocol } from '../../src/engine/protocol.js';
import { protocols } from '../../src/protocols/registry.js';
import { runScenario, traceOf } from '../../src/runner/run.js';
import { stringifyTrace } from '../../src/trace/write.js';
import { ROOT } from '../_cli.js';
import { conformance } from '../protocols/_conformance.js';
import { primaryProtocol } from './src/protocols/primary/index.js';

const HERE = join(ROOT, 'test/guide');
const GOLDEN = join(HERE, 'golden.json');
const registry: ReadonlyMap<string, Protocol> = new Map<string, Protocol>([...protocols, ['primary', primaryProtocol as Protocol]]);

function scenarioFiles(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? scenarioFiles(p) : n.endsWith('.scenario') ? [p] : [];
  });
}

async function runExamples(): Promise<Record<string, { passed: boolean; hash: string }>> {
  const out: Record<string, { passed: boolean; hash: string }> = {};
  for (const file of scenarioFiles(join(HERE, 'examples'))) {
    const text = readFileSync(file, 'utf8');
    const compiled = await parseAndCompile(text, { protocols: registry, file: relative(HERE, file) });
    assert.deepEqual(compiled.diagnostics.filter((d) => d.severity === 'error'), [], file);
    for (const spec of compiled.file.scenarios) {
      const outcome = runScenario(spec, { protocols: registry });
      out[`${relative(HERE, file)} :: ${spec.name}`] = {
        passed: outcome.passed,
        hash: createHash('sha256').update(stringifyTrace(traceOf(outcome, text))).digest('hex'),
      };
    }
  }
  return out;
}

describe('the guide\'s toy protocol (docs/adding-a-protocol.md)', () => {
  it('conforms, registered only here', async () => {
    assert.equal(protocols.has('primary'), false, 'not in the real registry');
    assert.deepEqual(await conformance(primaryProtocol as Protocol, { root: HERE, registry, goldens: 'golden.json', genericPanels: ['primary'] }), []);
  });

  it('passes its examples, with golden traces', async () => {
    const now = await runExamples();
    assert.deepEqual(Object.entries(now).filter(([, r]) => !r.passed).map(([k]) => k), []);
    const hashes = Object.fromEntries(Object.entries(now).map(([k, r]) => [k, r.hash]));
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(GOLDEN, `${JSON.stringify(hashes, null, 2)}\n`);
    assert.deepEqual(hashes, JSON.parse(readFileSync(GOLDEN, 'utf8')), 'regenerate with UPDATE_GOLDEN=1 after an intended change');
  });

  it('checks its clients against the register model: the bug switch breaks linearizability too', async () => {
    const file = join(HERE, 'examples/primary/bugs/volatile-primary.scenario');
    const compiled = await parseAndCompile(readFileSync(file, 'utf8'), { protocols: registry });
    const spec = compiled.file.scenarios[0]!;
    const outcome = runScenario({ ...spec, expectations: [{ kind: 'linearizable' }] }, { protocols: registry });
    const check = outcome.result.checks.find((c) => c.kind === 'linearizable')!;
    assert.equal(check.status, 'failed');
    assert.match(check.message ?? '', /not linearizable: c3 read → null \[40000, 40000\] has no valid place/);
  });

  it('shows each of its files in the guide exactly as it is', () => {
    const guide = readFileSync(join(ROOT, 'docs/adding-a-protocol.md'), 'utf8');
    const blocks = [...guide.matchAll(/<!-- file: (\S+) -->\n```[a-z]*\n([\s\S]*?)```/g)];
    assert.ok(blocks.length >= 6, `the guide shows the toy's files (found ${blocks.length})`);
    for (const [, path, body] of blocks) assert.equal(body, readFileSync(join(ROOT, path!), 'utf8'), `${path} differs from the guide's copy: update the guide`);
  });
});
