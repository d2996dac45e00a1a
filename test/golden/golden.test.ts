/**
 * Golden traces, in the manner of etcd-io/raft's testdata transcripts: for
 * every example scenario (file + scenario name) test/golden/traces.json
 * keeps two sha256 hashes — `run`, of what happened (nodes, events with
 * their state changes, checks, metrics, how the run ended), and `trace`, of
 * the whole trace JSON (adding the scenario header: parameters with their
 * defaults, source text). A change to the engine, a protocol or the trace
 * format that alters any trace shows up here as a reviewed diff, and the
 * two hashes say which kind it is: a new parameter default changes `trace`
 * only; a change of behaviour changes `run`. Regenerate after an intended
 * change with
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

interface Golden { readonly run: string; readonly trace: string }

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

async function currentHashes(): Promise<Record<string, Golden>> {
  const out: Record<string, Golden> = {};
  for (const file of scenarioFiles(join(ROOT, 'examples'))) {
    const rel = relative(ROOT, file);
    const loaded = await loadScenarioFile(file);
    for (const spec of loaded.compiled.file.scenarios) {
      const doc = traceOf(runScenario(spec), loaded.text);
      const run = JSON.stringify({ nodes: doc.nodes, events: doc.events, checks: doc.checks, metrics: doc.metrics, end: doc.end });
      out[`${rel} :: ${spec.name}`] = { run: sha256(run), trace: sha256(stringifyTrace(doc)) };
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
    const recorded = JSON.parse(readFileSync(GOLDEN, 'utf8')) as Record<string, Golden>;
    const ran = Object.keys(now).filter((k) => recorded[k]?.run !== now[k]!.run);
    const header = Object.keys(now).filter((k) => recorded[k]?.run === now[k]!.run && recorded[k]!.trace !== now[k]!.trace);
    const gone = Object.keys(recorded).filter((k) => !(k in now));
    assert.deepEqual({ 'behaviour changed': ran, 'only the header changed': header, gone }, { 'behaviour changed': [], 'only the header changed': [], gone: [] },
      'traces changed: review the difference, then regenerate with UPDATE_GOLDEN=1 npx mocha test/golden/golden.test.ts');
  });
});
