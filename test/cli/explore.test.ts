/**
 * `protocol-playground explore` end to end on the built CLI: exit codes,
 * the counterexample file reproducing with `run`, the same finding on one
 * worker and on two, shards merged into the smallest counterexample, the
 * exhaustive mode, the scenario's `explore { … }` block as the budget (and
 * flags over it), and usage errors.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, ROOT } from '../_cli.js';
import type { ExhaustiveReport, ExploreReport } from '../../src/cli/explore.js';

const scratch = mkdtempSync(join(tmpdir(), 'pp-explore-'));

/** examples/raft/explore.scenario with a bug switch set in the cluster. */
function raftWith(bug: string): string {
  const text = readFileSync(join(ROOT, 'examples/raft/explore.scenario'), 'utf8').replace('  heartbeat 50ms\n', `  heartbeat 50ms\n  ${bug} true\n`);
  const path = join(scratch, `${bug}.scenario`);
  writeFileSync(path, text);
  return path;
}

const truncate = raftWith('bug_truncate_on_reject');

/** A small string hash, for file names. */
function hash(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) | 0;
  return h;
}

describe('protocol-playground explore', function () {
  this.timeout(180_000);

  it('exit 0 when nothing is found, with runs and runs/s', () => {
    const r = cli(['explore', join(ROOT, 'examples/hash/explore.scenario'), '--runs', '40', '--workers', '1', '--out', scratch]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /"explore": 40 runs in [\d.]+ s \(\d+ runs\/s on 1 worker, search seed 1\)\nbudget: 40 runs · up to 4 faults per run: any kind · expect safety \(command line: runs\/time\)\nno violation found/);
  });

  it('exit 1 with a shrunk counterexample that `run` reproduces, and its trace', () => {
    const out = join(scratch, 'found');
    const r = cli(['explore', truncate, '--scenario', 'explore', '--runs', '60', '--workers', '2', '--out', out, '--json']);
    assert.equal(r.status, 1, r.stderr);
    const doc = JSON.parse(r.stdout) as ExploreReport;
    assert.equal(doc.found, true);
    const f = doc.finding!;
    assert.equal(f.check, 'leader_append_only');
    assert.ok(f.reproduces);
    assert.ok(existsSync(f.scenarioPath) && existsSync(f.tracePath!));
    assert.match(readFileSync(f.scenarioPath, 'utf8'), /^\/\/ Found by `protocol-playground explore .* --scenario "explore"`/);
    const again = cli(['run', f.scenarioPath]);
    assert.equal(again.status, 1);
    assert.match(again.stdout, /✗ always .*leader_append_only violated/);
  });

  it('finds the same run, and writes the same file, on one worker and on two', () => {
    const docs = ['1', '2'].map((w) => {
      const r = cli(['explore', truncate, '--scenario', 'explore', '--runs', '60', '--workers', w, '--seed', '5', '--out', join(scratch, `w${w}`), '--json']);
      assert.equal(r.status, 1, r.stderr);
      return JSON.parse(r.stdout) as ExploreReport;
    });
    assert.equal(docs[0]!.finding!.run, docs[1]!.finding!.run);
    assert.equal(docs[0]!.finding!.text, docs[1]!.finding!.text);
  });

  it('--shard I/N splits the runs; --merge picks the smallest counterexample of the shards', () => {
    const reports = [1, 2].map((i) => {
      const r = cli(['explore', truncate, '--scenario', 'explore', '--runs', '40', '--shard', `${i}/2`, '--workers', '1', '--out', join(scratch, `s${i}`), '--json']);
      assert.equal(r.status, 1, r.stderr);
      const doc = JSON.parse(r.stdout) as ExploreReport;
      assert.equal(doc.shard, `${i}/2`);
      assert.equal(doc.finding!.run % 2, i - 1, 'shard i runs the indices k with k mod 2 = i - 1');
      const path = join(scratch, `shard-${i}.json`);
      writeFileSync(path, r.stdout);
      return { path, doc };
    });
    const merged = cli(['explore', '--merge', reports[0]!.path, reports[1]!.path, '--out', join(scratch, 'merged'), '--json']);
    assert.equal(merged.status, 1, merged.stderr);
    const m = JSON.parse(merged.stdout) as { runs: number; found: boolean; from: { shard: string; run: number }; scenarioPath: string };
    assert.equal(m.runs, reports[0]!.doc.runs + reports[1]!.doc.runs);
    const best = reports.find((x) => x.doc.shard === m.from.shard)!;
    const other = reports.find((x) => x !== best)!;
    const cmp = (a: readonly number[], b: readonly number[]) => a.map((x, i) => x - b[i]!).find((d) => d !== 0) ?? 0;
    const d = cmp(best.doc.finding!.shrunk.size, other.doc.finding!.shrunk.size);
    assert.ok(d < 0 || (d === 0 && best.doc.finding!.run < other.doc.finding!.run), 'the merge keeps the smaller counterexample');
    assert.equal(readFileSync(m.scenarioPath, 'utf8'), best.doc.finding!.text);
    assert.equal(cli(['run', m.scenarioPath]).status, 1);
  });

  it('--exhaustive: the shortest path, timed as a scenario that `run` reproduces', () => {
    const r = cli(['explore', truncate, '--scenario', 'explore small', '--exhaustive', '--depth', '10', '--max-states', '50000', '--out', join(scratch, 'x'), '--json']);
    assert.equal(r.status, 1, r.stderr);
    const doc = JSON.parse(r.stdout) as ExhaustiveReport;
    assert.equal(doc.mode, 'exhaustive');
    assert.equal(doc.verdict, 'violation');
    assert.ok(doc.unique > 0 && doc.explored > 0 && doc.statesPerSecond > 0);
    assert.equal(doc.finding!.check, 'leader_append_only');
    assert.equal(doc.finding!.steps.length, doc.depth);
    assert.ok(doc.finding!.reproduces, doc.finding!.problem);
    assert.equal(cli(['run', doc.finding!.scenarioPath!]).status, 1);
  });

  describe('the scenario\'s explore block', () => {
    /** examples/commit/explore.scenario (a correct scenario, and one with a bug a partition shows) with an explore block in each scenario, after its `run until`. */
    function commitWith(block: string): string {
      const text = readFileSync(join(ROOT, 'examples/commit/explore.scenario'), 'utf8');
      const path = join(scratch, `commit-${Math.abs(hash(block))}.scenario`);
      writeFileSync(path, text.replaceAll('  run until 1.5s\n', `  run until 1.5s\n  explore {\n${block}\n  }\n`));
      return path;
    }
    const READY = 'explore: a READY participant gives up';
    const BLOCK = '    faults partition 1, heal\n    max faults 2\n    runs 300\n    seed 3';

    it('is the budget when no flag is given: its runs, faults, faults per run and search seed, and the report says so', () => {
      const file = commitWith(BLOCK);
      const r = cli(['explore', file, '--scenario', 'explore', '--workers', '1', '--out', join(scratch, 'block'), '--json']);
      assert.equal(r.status, 0, r.stderr);
      const doc = JSON.parse(r.stdout) as ExploreReport;
      assert.equal(doc.runs, 300, 'runs 300, not the default 1000');
      assert.equal(doc.searchSeed, 3);
      assert.deepEqual(doc.budget, {
        runs: 300, timeMs: null, maxFaults: 2, faults: { partition: 1, heal: 2 }, seed: 3, expect: 'safety',
        from: { faults: 'block', maxFaults: 'block', limit: 'block', seed: 'block', expect: 'default' },
      });
      const text = cli(['explore', file, '--scenario', 'explore', '--workers', '1', '--runs', '5', '--out', join(scratch, 'block')]);
      assert.match(text.stdout, /\nbudget: 5 runs · up to 2 faults per run: partition ≤ 1, heal · expect safety \(explore block: faults, max faults, seed; command line: runs\/time\)\n/);
    });

    it('draws only the faults it lists, and the counterexample leaves the block out (its faults are written as lines)', () => {
      const r = cli(['explore', commitWith(BLOCK), '--scenario', READY, '--workers', '2', '--out', join(scratch, 'block-found'), '--json']);
      assert.equal(r.status, 1, r.stderr);
      const f = (JSON.parse(r.stdout) as ExploreReport).finding!;
      assert.equal(f.check, 'atomicity');
      assert.ok(f.faults.length > 0 && f.faults.every((x) => / (partition|heal)\b/.test(x)), f.faults.join('; '));
      assert.ok(f.reproduces);
      const written = readFileSync(f.scenarioPath, 'utf8');
      assert.match(written, /\n {2}at \d+ms partition \{/);
      assert.doesNotMatch(written, /explore \{/);
    });

    it('a flag overrides its line, and only its line', () => {
      const r = cli(['explore', commitWith(BLOCK), '--scenario', 'explore', '--workers', '1', '--runs', '12', '--max-faults', '1', '--seed', '4', '--out', join(scratch, 'flags'), '--json']);
      assert.equal(r.status, 0, r.stderr);
      const doc = JSON.parse(r.stdout) as ExploreReport;
      assert.deepEqual([doc.runs, doc.searchSeed], [12, 4]);
      assert.deepEqual(doc.budget!.faults, { partition: 1, heal: 1 }, 'the block\'s kinds, capped by --max-faults 1');
      assert.deepEqual(doc.budget!.from, { faults: 'block', maxFaults: 'flag', limit: 'flag', seed: 'flag', expect: 'default' });
      const faults = cli(['explore', commitWith(BLOCK), '--scenario', READY, '--workers', '1', '--faults', 'drift', '--runs', '40', '--out', join(scratch, 'flags'), '--json']);
      const f = JSON.parse(faults.stdout) as ExploreReport;
      assert.deepEqual(f.budget!.faults, { drift: 2 }, '--faults replaces the block\'s faults line');
      // A drifting clock also lets a READY participant time out: what was found was found with drift alone.
      assert.equal(faults.status, 1, faults.stderr);
      assert.ok(f.finding!.faults.every((x) => / drift /.test(x)), f.finding!.faults.join('; '));
    });

    it('--time replaces the block\'s runs: a run budget from the command line is one budget', () => {
      const r = cli(['explore', commitWith(BLOCK), '--scenario', 'explore', '--workers', '1', '--time', '300ms', '--out', join(scratch, 'time'), '--json']);
      assert.equal(r.status, 0, r.stderr);
      const b = (JSON.parse(r.stdout) as ExploreReport).budget!;
      assert.deepEqual([b.runs, b.timeMs, b.from.limit], [null, 300, 'flag']);
    });

    it('--exhaustive takes its depth and states from the block, a flag over each', () => {
      const file = commitWith('    depth 3\n    max states 40\n    faults crash 1');
      const r = cli(['explore', file, '--scenario', 'explore', '--exhaustive', '--out', join(scratch, 'xb'), '--json']);
      const doc = JSON.parse(r.stdout) as ExhaustiveReport;
      assert.deepEqual(doc.budget, { depth: 3, maxStates: 40, crash: 1, restart: 0, duplicate: 0, timers: null, network: 'async', storage: 'latency' });
      const over = JSON.parse(cli(['explore', file, '--scenario', 'explore', '--exhaustive', '--depth', '2', '--out', join(scratch, 'xb'), '--json']).stdout) as ExhaustiveReport;
      assert.deepEqual([over.budget.depth, over.budget.maxStates], [2, 40]);
    });

    it('a mistake in the block is exit 2 with its line and column', () => {
      const r = cli(['explore', commitWith('    faults crash, meteor 2'), '--scenario', 'explore']);
      assert.equal(r.status, 2);
      assert.match(r.stderr, /commit-\d+\.scenario:29:19: error: unknown fault kind 'meteor'; the kinds are crash, restart/);
    });
  });

  it('--exhaustive --network lockstep: Raft\'s Figure 8 (bug_commit_old_terms), 18 steps, reproduced by `run`', () => {
    const fig8 = raftWith('bug_commit_old_terms');
    const r = cli(['explore', fig8, '--scenario', 'explore small', '--exhaustive', '--network', 'lockstep', '--faults', 'crash=2,restart=1', '--timers', '4', '--depth', '30', '--max-states', '150000', '--out', join(scratch, 'fig8'), '--json']);
    assert.equal(r.status, 1, r.stderr);
    const doc = JSON.parse(r.stdout) as ExhaustiveReport;
    assert.equal(doc.budget.network, 'lockstep');
    assert.equal(doc.finding!.check, 'committed_survives');
    assert.equal(doc.finding!.steps.length, 18);
    assert.equal(doc.finding!.steps.filter((st) => / crashes$/.test(st)).length, 2);
    assert.ok(doc.finding!.reproduces, doc.finding!.problem);
    const again = cli(['run', doc.finding!.scenarioPath!]);
    assert.equal(again.status, 1);
    assert.match(again.stdout, /committed_survives violated/);
    const plain = cli(['explore', fig8, '--scenario', 'explore small', '--exhaustive', '--network', 'lockstep', '--faults', 'crash=2,restart=1', '--timers', '4', '--depth', '30', '--out', join(scratch, 'fig8b')]);
    assert.match(plain.stdout, /exhaustive \(lockstep network, instant storage, depth ≤ 30/);
  });

  it('exit 2 on bad usage, naming what was wrong', () => {
    const cases: [string[], RegExp][] = [
      [['explore', truncate, '--scenario', 'explore', '--shard', '3/2'], /--shard is I\/N with 1 ≤ I ≤ N/],
      [['explore', truncate, '--scenario', 'explore', '--faults', 'crash,meteor'], /--faults takes kinds from crash, restart/],
      [['explore', truncate], /has 3 scenarios; name one with --scenario/],
      [['explore', truncate, '--scenario', 'nope'], /has no scenario named "nope"/],
      [['explore', '--merge', join(scratch, 'missing.json')], /missing\.json: no such file/],
      [['explore', truncate, '--scenario', 'explore small', '--exhaustive', '--network', 'sync'], /--network must be async or lockstep, not "sync"/],
    ];
    for (const [args, message] of cases) {
      const r = cli(args);
      assert.equal(r.status, 2, args.join(' '));
      assert.match(r.stderr, message);
    }
  });
});
