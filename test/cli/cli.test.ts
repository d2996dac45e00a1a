import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../_cli.js';
import { readTrace } from '../../src/trace/read.js';

const scratch = mkdtempSync(join(tmpdir(), 'pp-cli-'));
function scenario(name: string, text: string): string {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
}

const passing = scenario('pass.scenario', `
cluster h: hash { algorithm sha256 }
scenario "dedupe" {
  use h
  at 0ms client hash "apple"
  at 1ms client hash "apple"
  at 2ms client hash "kiwi"
  run until 1s
  expect at end unique = 2
}
`);

const failing = scenario('fail.scenario', `
cluster h: hash { algorithm sha256 }
scenario "wrong count" {
  use h
  at 0ms client hash "apple"
  run until 1s
  expect at end unique = 5
}
`);

const broken = scenario('broken.scenario', `
cluster h: hash { algorithm sha999 }
scenario "x" {
  use nowhere
}
`);

const downtime = scenario('downtime.scenario', `
cluster three: raft {
  nodes n1..n3
  election_timeout 150ms..300ms
}
scenario "failover" {
  use three
  at 1s crash leader
  run until 3s
  expect eventually leader within 2s after 1s as downtime_ms
}
sweep "downtime" of "failover" {
  vary election_timeout 150ms..300ms, 300ms..600ms
  trials 5
  report downtime_ms
}
`);

describe('protocol-playground CLI', () => {
  it('run: exit 0 and a PASS summary when every expectation holds', () => {
    const r = cli(['run', passing]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /PASS\s+dedupe/);
    assert.match(r.stdout, /✓ .*unique = 2/);
  });

  it('run: exit 1 and the failing expectation with its line when one fails', () => {
    const r = cli(['run', failing]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /FAIL\s+wrong count/);
    assert.match(r.stdout, /✗ .*unique = 5.*\(line 7\)/);
  });

  it('run and check: exit 2 with file:line:col diagnostics for a bad file', () => {
    for (const command of ['run', 'check']) {
      const r = cli([command, broken]);
      assert.equal(r.status, 2, `${command}: ${r.stdout}`);
      assert.match(r.stderr, /broken\.scenario:2:\d+: error: .*sha999/);
      assert.match(r.stderr, /broken\.scenario:4:\d+: error: .*nowhere/);
    }
  });

  it('run: a sweep with \`report\` shows those metrics only, measured by \`expect eventually … as\`', () => {
    const r = cli(['run', downtime, '--scenario', 'downtime']);
    assert.equal(r.status, 0, r.stderr + r.stdout);
    const table = r.stdout.slice(r.stdout.indexOf('sweep "downtime"'));
    const header = table.split('\n')[1]!;
    assert.deepEqual(header.trim().split(/\s+/).slice(0, 2), ['runs', 'downtime_ms'], 'only the reported metric is a column');
    assert.doesNotMatch(table, /events|messages/);
    const rows = table.split('\n').filter((l) => /PASS\s+election_timeout=/.test(l));
    assert.equal(rows.length, 2);
    for (const row of rows) {
      // mean / median / p99 / max of downtime_ms over 5 trials: positive, ordered, the mean within them.
      const [mean, median, p99, max] = row.split(/\s+/).filter((c) => /^[\d.]+$/.test(c)).slice(1).map(Number);
      assert.ok(median! > 0 && median! <= p99! && p99! <= max! && mean! <= max!, row);
    }
    assert.match(table, /\(mean \/ median \/ p99 \/ max\)/);
  });

  it('run --json: every trial of a sweep with its own metrics; the group summary agrees with them', () => {
    const r = cli(['run', downtime, '--scenario', 'downtime', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { sweeps: { groups: { label: string; metrics: Record<string, { count: number; mean: number; max: number }>; runs: { seed: number; metrics: Record<string, number> }[] }[] }[] };
    const groups = doc.sweeps[0]!.groups;
    assert.deepEqual(groups.map((g) => g.runs.map((run) => run.seed)), [[1, 2, 3, 4, 5], [1, 2, 3, 4, 5]]);
    for (const g of groups) {
      const values = g.runs.map((run) => run.metrics.downtime_ms!);
      const m = g.metrics.downtime_ms!;
      assert.equal(m.count, 5);
      assert.equal(m.max, Math.max(...values));
      assert.ok(Math.abs(m.mean - values.reduce((a, b) => a + b, 0) / 5) < 1e-9);
    }
  });

  it('run --svg DIR: the charts of a sweep as SVG files; --html: its page with the table and the charts; --trials caps the trials', () => {
    const charted = scenario('charted.scenario', readFileSync(downtime, 'utf8').replace('report downtime_ms', 'report downtime_ms\n  chart cdf downtime_ms\n  chart bar downtime_ms'));
    const dir = join(scratch, 'charts');
    const page = join(scratch, 'sweep.html');
    const r = cli(['run', charted, '--scenario', 'downtime', '--svg', dir, '--html', page, '--trials', '3']);
    assert.equal(r.status, 0, r.stderr);
    const cdf = readFileSync(join(dir, 'downtime-cdf-downtime-ms.svg'), 'utf8');
    assert.match(cdf, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    // Axes, legend and title are Vega's, with the group labels and the metric.
    for (const text of ['downtime: CDF of downtime_ms', 'fraction of trials', 'election_timeout=150ms..300ms', 'election_timeout=300ms..600ms']) assert.ok(cdf.includes(`>${text}<`), text);
    assert.doesNotMatch(cdf, /<script/);
    const bar = readFileSync(join(dir, 'downtime-bar-downtime-ms.svg'), 'utf8');
    assert.ok(bar.includes('>downtime_ms (median)<') && bar.includes('>150ms..300ms<'), 'the bar chart names its axes and groups');
    const html = readFileSync(page, 'utf8');
    assert.match(html, /Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'nonce-/);
    assert.equal((html.match(/<img alt="downtime: /g) ?? []).length, 2);
    assert.doesNotMatch(html, /<script/);
    // Three trials per group, not the sweep's five.
    assert.match(html, /election_timeout=150ms\.\.300ms\s+3\s/);
  });

  it('check: exit 0 and a one-line summary per valid file', () => {
    const r = cli(['check', passing]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /pass\.scenario: ok \(1 scenario, 0 sweeps, 0 compares\)/);
  });

  it('exit 2 with a clear message for bad usage and missing files', () => {
    assert.match(cli(['frobnicate']).stderr, /unknown command "frobnicate"/);
    assert.equal(cli(['frobnicate']).status, 2);
    const missing = cli(['run', join(scratch, 'nope.scenario')]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /nope\.scenario: no such file/);
    const badSeed = cli(['run', passing, '--seed', 'abc']);
    assert.equal(badSeed.status, 2);
    assert.match(badSeed.stderr, /--seed must be a whole number/);
    const unknownScenario = cli(['run', passing, '--scenario', 'nope']);
    assert.equal(unknownScenario.status, 2);
    assert.match(unknownScenario.stderr, /no scenario or sweep named "nope" \(it has "dedupe"\)/);
    assert.equal(cli(['run']).status, 2);
  });

  it('run --json prints one document with each scenario\'s name, passed, checks and metrics', () => {
    const r = cli(['run', failing, '--json']);
    assert.equal(r.status, 1);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.passed, false);
    assert.equal(doc.scenarios.length, 1);
    const [s] = doc.scenarios;
    assert.equal(s.name, 'wrong count');
    assert.equal(s.passed, false);
    assert.equal(s.checks.length, 1);
    assert.equal(s.checks[0].status, 'failed');
    assert.equal(typeof s.metrics.events, 'number');
  });

  it('run --out writes a trace the reader accepts, byte-identical for the same seed', () => {
    const a = join(scratch, 'a.trace.json');
    const b = join(scratch, 'b.trace.json');
    assert.equal(cli(['run', passing, '--out', a, '--seed', '3']).status, 0);
    assert.equal(cli(['run', passing, '--out', b, '--seed', '3']).status, 0);
    const text = readFileSync(a, 'utf8');
    assert.equal(text, readFileSync(b, 'utf8'));
    const read = readTrace(text);
    assert.ok(read.ok, read.ok ? '' : read.error);
    assert.equal(read.trace.scenario.name, 'dedupe');
    assert.equal(read.trace.scenario.seed, 3);
  });
});

describe('protocol-playground CLI: viewer pages', () => {
  it('run --html writes a self-contained page with the trace and the viewer inlined', () => {
    const page = join(scratch, 'dedupe.html');
    const r = cli(['run', passing, '--html', page]);
    assert.equal(r.status, 0, r.stderr);
    const html = readFileSync(page, 'utf8');
    assert.match(html, /<script type="application\/json" id="trace">\{/);
    assert.match(html, /Content-Security-Policy/);
    assert.doesNotMatch(html, /<script[^>]+src=/, 'no external scripts: the page must open offline');
    assert.match(html, /"name": ?"dedupe"/);
  });

  it('view writes a page for a trace file, and rejects a broken one with the reader\'s message', () => {
    const trace = join(scratch, 'v.trace.json');
    assert.equal(cli(['run', passing, '--out', trace]).status, 0);
    const ok = cli(['view', trace]);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(readFileSync(join(scratch, 'v.html'), 'utf8'), /id="trace"/);
    const broken = join(scratch, 'broken.trace.json');
    writeFileSync(broken, readFileSync(trace, 'utf8').slice(0, 200));
    const bad = cli(['view', broken]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /broken\.trace\.json: .*(ends early|truncated)/);
  });
});
