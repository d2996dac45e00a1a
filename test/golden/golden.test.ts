/**
 * Golden traces, in the manner of etcd-io/raft's testdata transcripts: the
 * sha256 of every example scenario's trace JSON (file + scenario name →
 * hash) is stored in test/golden/traces.json. A change to the engine, a
 * protocol or the trace format that alters any trace shows up here as a
 * reviewed diff. Regenerate after an intended change with
 *   UPDATE_GOLDEN=1 npx mocha test/golden/golden.test.ts
 * Sweeps are not included (their variants are covered by the base scenario).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadScenarioFile } from '../../src/cli/load.js';
import { runScenario, traceOf } from '../../src/runner/run.js';
import { stringifyTrace } from '../../src/trace/write.js';
import { ROOT } from '../_cli.js';

const GOLDEN = join(ROOT, 'test/golden/traces.json');

function scenarioFiles(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return scenarioFiles(path);
    return name.endsWith('.scenario') ? [path] : [];
  });
}

async function currentHashes(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const file of scenarioFiles(join(ROOT, 'examples'))) {
    const rel = relative(ROOT, file);
    const loaded = await loadScenarioFile(file);
    for (const spec of loaded.compiled.file.scenarios) {
      const json = stringifyTrace(traceOf(runScenario(spec), loaded.text));
      out[`${rel} :: ${spec.name}`] = createHash('sha256').update(json).digest('hex');
    }
  }
  return out;
}

describe('golden traces (examples)', () => {
  it('every example trace hashes to its recorded sha256', async function () {
    this.timeout(300_000);
    const now = await currentHashes();
    if (process.env.UPDATE_GOLDEN === '1') {
      writeFileSync(GOLDEN, `${JSON.stringify(now, null, 2)}\n`);
      return;
    }
    const recorded = JSON.parse(readFileSync(GOLDEN, 'utf8')) as Record<string, string>;
    const changed = Object.keys(now).filter((k) => recorded[k] !== now[k]);
    const gone = Object.keys(recorded).filter((k) => !(k in now));
    assert.deepEqual({ changed, gone }, { changed: [], gone: [] },
      'traces changed: review the difference, then regenerate with UPDATE_GOLDEN=1 npx mocha test/golden/golden.test.ts');
  });
});
