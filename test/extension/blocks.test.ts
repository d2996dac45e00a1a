import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { blockBody, findBlocks, slug, traceFileName } from '../../src/extension/_blocks.js';

describe('findBlocks()', () => {
  it('finds scenarios, sweeps and compares with 0-based lines and keyword columns', () => {
    const text = [
      'cluster c: ring { nodes n1..n3 }',
      'scenario "a" {',
      '  use c',
      '}',
      '  scenario "b \\"quoted\\"" { use c }',
      'sweep "s" of "a" { vary vnodes 1, 2 }',
      'compare "l vs r" {',
      '  left "a"',
      '  right "b"',
      '}',
    ].join('\n');
    assert.deepEqual(findBlocks(text), [
      { kind: 'scenario', name: 'a', line: 1, col: 0 },
      { kind: 'scenario', name: 'b "quoted"', line: 4, col: 2 },
      { kind: 'sweep', name: 's', line: 5, col: 0 },
      { kind: 'compare', name: 'l vs r', line: 6, col: 0 },
    ]);
  });

  it('skips blocks inside line and block comments, and keywords inside strings', () => {
    const text = [
      '// scenario "commented" {',
      '/* scenario "in block" {',
      'scenario "still in block" */ scenario "after" {',
      '}',
      'cluster x: ring { note "scenario \\"no\\"" }',
      'scenario "real" { }',
    ].join('\r\n');
    assert.deepEqual(findBlocks(text).map((b) => [b.name, b.line]), [['after', 2], ['real', 5]]);
  });

  it('agrees with the examples: one block per `scenario "…"` line', () => {
    const text = readFileSync(new URL('../../examples/ring/balance.scenario', import.meta.url), 'utf8');
    assert.deepEqual(findBlocks(text).map((b) => [b.kind, b.name, b.line]), [
      ['scenario', 'balance', 13],
      ['scenario', 'balanced at 200 vnodes', 25],
      ['sweep', 'balance vs vnodes', 34],
    ]);
  });

  it('rejects a non-string', () => {
    assert.throws(() => findBlocks(42 as unknown as string), TypeError);
  });
});

describe('slug()', () => {
  it('makes the trace file name the CLI writes', () => {
    assert.equal(slug('Leader failover (5 nodes)'), 'leader-failover-5-nodes');
    assert.equal(slug('!!!'), 'scenario');
  });
});

describe('blockBody()', () => {
  const text = [
    'cluster c: ring { nodes n1..n3 }',
    'scenario "a" {',
    '  use c',
    '  seed 42   // the seed',
    '  network { latency 1ms }',
    '  expect always single_owner',
    '  // expect at end nothing',
    '  expect at end metric keys = 3   ',
    '  at 0ms note "expect { not a line }"',
    '}',
    'scenario "b" { use c }',
    'scenario "c" {',
    '  expect linearizable',
  ].join('\n');

  it('finds the block\'s end, its seed and its expect lines (not in comments, not in nested blocks)', () => {
    assert.deepEqual(blockBody(text, { line: 1 }), {
      endLine: 9, seed: 42,
      expects: [{ line: 5, col: 2, text: 'expect always single_owner' }, { line: 7, col: 2, text: 'expect at end metric keys = 3' }],
    });
    assert.deepEqual(blockBody(text, { line: 10 }), { endLine: 10, expects: [] });
    assert.deepEqual(blockBody(text, { line: 11 }), { endLine: 12, expects: [{ line: 12, col: 2, text: 'expect linearizable' }] });
  });

  it('finds the lines of its explore block only the exhaustive search reads, wherever the block\'s braces and lines fall', () => {
    const scenario = (explore: string): string => `cluster c: raft { nodes n1..n3 }\nscenario "s" {\n  use c\n  network { latency 1ms }\n${explore}\n  run until 1s\n}\n`;
    const exhaustive = (explore: string): readonly string[] | undefined => blockBody(scenario(explore), { line: 1 }).exhaustive;
    assert.equal(exhaustive(''), undefined, 'no explore block');
    assert.equal(exhaustive('  explore {\n    faults crash 2, restart\n    max faults 3\n    runs 200\n    time 1min\n  }'), undefined, 'the random search\'s lines only');
    assert.deepEqual(exhaustive('  explore {\n    faults crash 2\n    timers 4\n    depth 30\n    max states 150000\n    network lockstep\n  }'), ['timers', 'depth', 'max states', 'network']);
    assert.deepEqual(exhaustive('  explore { depth 3  max\n   states 9 storage latency }'), ['depth', 'max states', 'storage'], 'one line, or a line split');
    assert.deepEqual(exhaustive('  explore\n  {\n    depth 3\n  }'), ['depth'], 'the brace on the next line');
    assert.equal(exhaustive('  // explore { depth 3 }\n  at 0ms note "explore { depth 3 }"\n  on deliver Ping { drop }'), undefined, 'in a comment, in a string, another block');
    assert.equal(exhaustive('  /* explore {\n    depth 3\n  } */'), undefined, 'in a block comment');
  });

  it('agrees with examples/raft/explore.scenario: its two exhaustive scenarios, not the random one', () => {
    const raft = readFileSync(new URL('../../examples/raft/explore.scenario', import.meta.url), 'utf8');
    assert.deepEqual(findBlocks(raft).map((b) => [b.name, blockBody(raft, b).exhaustive]), [
      ['explore', undefined],
      ['explore small', ['depth', 'max states']],
      ['explore: figure 8', ['timers', 'depth', 'max states', 'network']],
    ]);
  });

  it('names traces by seed when the seed is not the scenario\'s own', () => {
    assert.equal(traceFileName('Leader failover!'), 'leader-failover.trace.json');
    assert.equal(traceFileName('Leader failover!', 7), 'leader-failover.seed-7.trace.json');
  });
});
