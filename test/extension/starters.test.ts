/**
 * Every *New Scenario…* starter is a working file: it compiles and every
 * expect line holds when the CLI runs it (what a user's first Run does).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../_cli.js';
import { STARTERS } from '../../src/extension/_starters.js';

describe('New Scenario… starters', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pp-starters-'));
  for (const s of STARTERS) {
    it(`${s.protocol}: ${s.fileName} compiles and passes`, function () {
      this.timeout(60_000);
      const file = join(dir, s.fileName);
      writeFileSync(file, s.text);
      const r = cli(['run', file]);
      assert.equal(r.status, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /PASS/);
      assert.match(s.text, new RegExp(`: ${s.protocol} \\{`), 'a cluster of its protocol');
    });
  }
  it('offers one starter per protocol', () => {
    assert.deepEqual(STARTERS.map((s) => s.protocol).sort(), ['hash', 'raft', 'ring']);
  });
});
