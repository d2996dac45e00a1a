/**
 * The printer is the compiler's inverse: every example scenario (and every
 * variant of every sweep) printed and compiled again gives the same spec.
 */
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadScenarioFile } from '../../src/cli/load.js';
import { parseAndCompile } from '../../src/dsl/compile.js';
import type { ScenarioSpec } from '../../src/engine/spec.js';
import { protocols } from '../../src/protocols/registry.js';
import { durationText, nodeListText, percentText, scenarioText, templateText } from '../../src/explore/scenario-text.js';
import { ROOT } from '../_cli.js';

function scenarioFiles(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return scenarioFiles(path);
    return name.endsWith('.scenario') ? [path] : [];
  });
}

/** The spec without what only the source text knows (ranges, file, name). */
function comparable(spec: ScenarioSpec): unknown {
  return JSON.parse(JSON.stringify(spec, (k, v: unknown) => (k === 'source' || k === 'file' ? undefined : v)));
}

describe('scenarioText()', () => {
  it('writes literals the way the language reads them', () => {
    assert.equal(durationText(0), '0ms');
    assert.equal(durationText(150_000), '150ms');
    assert.equal(durationText(1_500_000), '1.5s');
    assert.equal(durationText(2_500), '2500us');
    assert.equal(durationText(120_000_000), '2min');
    assert.equal(percentText(0.01), '1%');
    assert.equal(percentText(0.005), '0.5%');
    assert.equal(percentText(0.07), '7%');
    assert.equal(nodeListText(['n1', 'n2', 'n3', 'router', 's9', 's10', 'n05']), 'n1..n3, router, s9..s10, n05');
    assert.equal(templateText('put <key:key> = <value:value>', { key: 'x', value: 1 }), 'put x = 1');
    assert.equal(templateText('put <key:key> = <value:value>', { key: 'user:1', value: 'a"b' }), 'put "user:1" = "a\\"b"');
    assert.equal(templateText('put <key:key> = <value:value>', { key: 'at', value: true }), 'put "at" = true', 'keywords are quoted');
    assert.equal(templateText('add <node:node> [weight <weight:int>]', { node: 'n5' }), 'add n5');
    assert.equal(templateText('add <node:node> [weight <weight:int>]', { node: 'n5', weight: 2 }), 'add n5 weight 2');
  });

  const files = scenarioFiles(join(ROOT, 'examples'));
  for (const file of files) {
    it(`round-trips ${relative(ROOT, file)}`, async () => {
      const loaded = await loadScenarioFile(file);
      const specs = [...loaded.compiled.file.scenarios, ...loaded.compiled.file.sweeps.flatMap((s) => s.variants.slice(0, 3).map((v) => v.spec))];
      assert.ok(specs.length > 0);
      for (const spec of specs) {
        const text = scenarioText(spec, protocols.get(spec.protocol)!);
        const again = await parseAndCompile(text);
        const errors = again.diagnostics.filter((d) => d.severity === 'error');
        assert.deepEqual(errors, [], text);
        assert.equal(again.file.scenarios.length, 1);
        assert.deepEqual(comparable(again.file.scenarios[0]!), comparable(spec), text);
      }
    });
  }
});
