/**
 * Every example scenario runs, every expectation in it holds, and its trace is
 * deterministic: the same seed gives byte-identical JSON, and (where the
 * scenario draws random numbers) another seed gives another trace.
 */
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { loadScenarioFile } from '../src/cli/load.js';
import { capTrials, runFile, runScenario, traceOf } from '../src/runner/run.js';
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

/**
 * Sweeps run at most this many trials per group here: examples/raft/figure16
 * has 1 000 per group (11 000 runs), run in full by `npm run figures`.
 */
const TRIALS = 20;
const small = (file: CompiledFile): CompiledFile => ({ ...file, sweeps: file.sweeps.map((sw) => capTrials(sw, TRIALS)) });

/** Each file's scenario traces from the first test's run, for the determinism test to compare with. */
const firstTraces = new Map<string, string[]>();

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
        const outcome = runFile(small(loaded.compiled.file));
        firstTraces.set(file, outcome.scenarios.map((s) => stringifyTrace(traceOf(s, loaded.text))));
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
        this.timeout(300_000); // the Kademlia scenarios record 10^5–10^6 events
        const loaded = await loadScenarioFile(file);
        // The scenarios' traces (sweeps keep no trace: the test above runs them), against the test above's run
        // of a separately loaded copy of the file (or a run of its own when that test was not run, as under --grep).
        const traces = (f: CompiledFile) => f.scenarios.map((spec) => stringifyTrace(traceOf(runScenario(spec, { text: loaded.text }), loaded.text)));
        const first = firstTraces.get(file) ?? traces((await loadScenarioFile(file)).compiled.file);
        firstTraces.delete(file);
        const second = traces(loaded.compiled.file);
        assert.deepEqual(first, second);
        for (const text of first) {
          const read = readTrace(text);
          assert.ok(read.ok, read.ok ? '' : read.error);
        }
      });
    });
  }

  // The tests above run every example in process through the same runner; through the CLI (its loading, its
  // exit code, its --trials) one example per folder is enough, and keeps the heavy sweeps to a single run.
  it('the CLI runs the first example of each folder with exit 0', function () {
    this.timeout(900_000);
    const firstOfFolder = new Map<string, string>();
    for (const file of files) if (!firstOfFolder.has(dirname(file))) firstOfFolder.set(dirname(file), file);
    assert.ok(firstOfFolder.size >= 10, `only ${firstOfFolder.size} folders`);
    for (const file of firstOfFolder.values()) {
      const r = cli(['run', relative(ROOT, file), '--trials', String(TRIALS)], ROOT, 900_000);
      assert.equal(r.status, 0, `${relative(ROOT, file)}\n${r.stdout}\n${r.stderr}`);
    }
  });
});
