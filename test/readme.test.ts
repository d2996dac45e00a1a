/**
 * The README's tour is a real scenario file: it must run and pass, and the
 * figures the README quotes from its sweep must be what the run prints.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, ROOT } from './_cli.js';

describe('README', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

  it('the tour scenario runs, passes, and its sweep prints the figures the README quotes', () => {
    const blocks = [...readme.matchAll(/```[a-z]*\n([\s\S]*?)```/g)].map((m) => m[1]!);
    const tour = blocks.find((b) => b.includes('cluster four: ring'));
    assert.ok(tour, 'the README has the ring tour');
    const file = join(mkdtempSync(join(tmpdir(), 'pp-readme-')), 'tour.scenario');
    writeFileSync(file, tour);
    const r = cli(['run', file]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const row = (vnodes: number) => r.stdout.split('\n').find((l) => l.includes(`vnodes=${vnodes} `))!.trim().split(/\s+/);
    // Columns: PASS, label, runs, load_cv, moved_fraction (the sweep's `report` line).
    const quoted = readme.match(/`load_cv` falls from ([\d.]+) at 10 vnodes to ([\d.]+) at 200/);
    assert.ok(quoted, 'the README quotes load_cv');
    assert.equal(Number(row(10)[3]).toFixed(2), quoted[1]);
    assert.equal(Number(row(200)[3]).toFixed(2), quoted[2]);
    for (const v of [10, 100, 200]) assert.ok(Math.abs(Number(row(v)[4]) - 1 / 6) < 0.01, `moved_fraction near 1/6 at ${v} vnodes`);
  });
});
