import assert from 'node:assert/strict';
import { DEFAULT_MAX_EVENTS, DEFAULT_MAX_TIME, type ScenarioSpec } from '../../src/engine/spec.js';
import { applyRunSettings, declaresSeed } from '../../src/extension/_run-settings.js';

const TEXT = [
  'scenario "no seed" {', //   line 1
  '  use c',
  '}',
  'scenario "seeded" {', //   line 4
  '  seed 9',
  '}',
].join('\n');

function spec(line: number, endLine: number, seed: number): ScenarioSpec {
  return {
    name: 'x', protocol: 'ring', params: {}, nodes: [], nodeParams: {}, seed,
    network: {} as ScenarioSpec['network'], storage: {} as ScenarioSpec['storage'],
    actions: [], rules: [], expectations: [],
    run: { maxTime: DEFAULT_MAX_TIME, maxEvents: DEFAULT_MAX_EVENTS },
    source: { line, col: 1, endLine, endCol: 2 },
  };
}

describe('applyRunSettings()', () => {
  it('gives the default seed only to scenarios without a `seed` line', () => {
    assert.equal(declaresSeed(spec(1, 3, 1), TEXT), false);
    assert.equal(declaresSeed(spec(4, 6, 9), TEXT), true);
    assert.equal(applyRunSettings(spec(1, 3, 1), TEXT, { defaultSeed: 77 }).seed, 77);
    assert.equal(applyRunSettings(spec(4, 6, 9), TEXT, { defaultSeed: 77 }).seed, 9);
  });

  it('leaves the seed alone when Run with seed… already set it', () => {
    assert.equal(applyRunSettings(spec(1, 3, 5), TEXT, { seed: 5, defaultSeed: 77 }).seed, 5);
  });

  it('caps the run bounds, and 0 means no cap', () => {
    const capped = applyRunSettings(spec(1, 3, 1), TEXT, { maxTime: 2_000_000, maxEvents: 100 });
    assert.deepEqual(capped.run, { maxTime: 2_000_000, maxEvents: 100 });
    const loose = applyRunSettings(spec(1, 3, 1), TEXT, { maxTime: 0, maxEvents: DEFAULT_MAX_EVENTS * 2 });
    assert.deepEqual(loose.run, { maxTime: DEFAULT_MAX_TIME, maxEvents: DEFAULT_MAX_EVENTS });
  });
});
