/**
 * Every example scenario runs, every expectation in it holds, and its trace is
 * deterministic: the same seed gives byte-identical JSON, and (where the
 * scenario draws random numbers) another seed gives another trace.
 */
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadScenarioFile } from '../src/cli/load.js';
import { runFile, runScenario, traceOf } from '../src/runner/run.js';
import type { CompiledFile } from '../src/dsl/compile.js';
import { stringifyTrace } from '../src/trace/write.js';
import { readTrace } from '../src/trace/read.js';
import { ROOT, cli } from './_cli.js';

function scenarioFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return scenarioFiles(path);
      return name.endsWith('.scenario') ? [path] : [];
    });
}

const files = scenarioFiles(join(ROOT, 'examples'));

describe('examples', () => {
  it('there is at least one example per protocol folder', () => {
    const folders = new Set(files.map((f) => relative(join(ROOT, 'examples'), f).split('/')[0]));
    assert.ok(folders.has('hash') && folders.has('ring'), [...folders].join(', '));
  });

  for (const file of files) {
    const rel = relative(ROOT, file);
    describe(rel, () => {
      it('compiles without errors and every expectation holds', async function () {
        this.timeout(900_000); // the Kademlia sweep runs up to 10 000 nodes
        const loaded = await loadScenarioFile(file);
        const errors = loaded.compiled.diagnostics.filter((d) => d.severity === 'error');
        assert.deepEqual(errors, []);
        const outcome = runFile(loaded.compiled.file);
        assert.ok(outcome.scenarios.length + outcome.sweeps.length > 0, 'the example runs nothing');
        for (const s of outcome.scenarios) {
          const failed = s.result.checks.filter((c) => c.status !== 'held');
          assert.deepEqual(failed, [], `scenario "${s.name}"`);
          assert.ok(s.result.checks.length > 0, `scenario "${s.name}" has no expect line`);
        }
        for (const sw of outcome.sweeps) {
          for (const g of sw.groups) assert.ok(g.passed, `sweep "${sw.name}" ${g.label}`);
        }
      });

      it('gives byte-identical traces for the same seed, readable by the reader', async function () {
        this.timeout(300_000); // twice each scenario: the Kademlia ones record 10^5–10^6 events
        const loaded = await loadScenarioFile(file);
        // The scenarios' traces (sweeps keep no trace: the test above runs them).
        const traces = (f: CompiledFile) => f.scenarios.map((spec) => stringifyTrace(traceOf(runScenario(spec, { text: loaded.text }), loaded.text)));
        const first = traces(loaded.compiled.file);
        const second = traces((await loadScenarioFile(file)).compiled.file);
        assert.deepEqual(first, second);
        for (const text of first) {
          const read = readTrace(text);
          assert.ok(read.ok, read.ok ? '' : read.error);
        }
      });
    });
  }

  it('the CLI runs every example with exit 0', function () {
    this.timeout(1_800_000);
    for (const file of files) {
      const r = cli(['run', relative(ROOT, file)], ROOT, 900_000);
      assert.equal(r.status, 0, `${relative(ROOT, file)}\n${r.stdout}\n${r.stderr}`);
    }
  });
});
