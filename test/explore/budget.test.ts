/**
 * Where explore's budget comes from (src/explore/budget.ts): a flag over the
 * scenario's `explore` block over the defaults, part by part, with `--runs`
 * and `--time` replacing the block's run budget as one.
 */
import assert from 'node:assert/strict';
import type { ExploreSpec } from '../../src/engine/spec.js';
import { CLI_DEFAULTS, exhaustiveLimits, randomBudget } from '../../src/explore/budget.js';
import { FAULT_KINDS } from '../../src/explore/faults.js';

const BLOCK: ExploreSpec = {
  faults: [{ kind: 'crash', max: 2 }, { kind: 'restart' }, { kind: 'partition', max: 1 }, { kind: 'heal' }],
  maxFaults: 3, runs: 200, seed: 7, expect: 'all', depth: 12, maxStates: 150_000, timers: 4,
};

describe('randomBudget()', () => {
  it('without a block or flags: the defaults, every kind up to the faults per run', () => {
    const b = randomBudget(undefined, {}, CLI_DEFAULTS);
    assert.deepEqual(b.faults, { kinds: Object.fromEntries(FAULT_KINDS.map((k) => [k, 4])), max: 4 });
    assert.deepEqual([b.runs, b.timeMs, b.seed, b.expect], [1000, undefined, 1, 'safety']);
    assert.deepEqual(Object.values(b.from), ['default', 'default', 'default', 'default', 'default']);
  });

  it('the block over the defaults; a kind without a count gets the block\'s faults per run; kinds not listed are not drawn', () => {
    const b = randomBudget(BLOCK, {}, CLI_DEFAULTS);
    assert.deepEqual(b.faults, { kinds: { crash: 2, restart: 3, partition: 1, heal: 3 }, max: 3 });
    assert.deepEqual([b.runs, b.timeMs, b.seed, b.expect], [200, undefined, 7, 'all']);
    assert.deepEqual(b.from, { faults: 'block', maxFaults: 'block', limit: 'block', seed: 'block', expect: 'block' });
  });

  it('each flag over its line, the others still from the block', () => {
    const b = randomBudget(BLOCK, { maxFaults: 6, seed: 9 }, CLI_DEFAULTS);
    assert.deepEqual(b.faults, { kinds: { crash: 2, restart: 6, partition: 1, heal: 6 }, max: 6 }, 'the block\'s uncapped kinds follow --max-faults');
    assert.deepEqual([b.runs, b.seed, b.expect], [200, 9, 'all']);
    assert.deepEqual(b.from, { faults: 'block', maxFaults: 'flag', limit: 'block', seed: 'flag', expect: 'block' });
    const f = randomBudget(BLOCK, { faults: [{ kind: 'loss' }] }, CLI_DEFAULTS);
    assert.deepEqual(f.faults, { kinds: { loss: 3 }, max: 3 }, '--faults replaces the faults line whole');
  });

  it('--runs or --time replaces the block\'s runs and time together', () => {
    const both: ExploreSpec = { runs: 2000, time: 60_000_000 };
    assert.deepEqual(pickLimit(randomBudget(both, {}, CLI_DEFAULTS)), [2000, 60_000, 'block']);
    assert.deepEqual(pickLimit(randomBudget(both, { timeMs: 5000 }, CLI_DEFAULTS)), [undefined, 5000, 'flag']);
    assert.deepEqual(pickLimit(randomBudget(both, { runs: 10 }, CLI_DEFAULTS)), [10, undefined, 'flag']);
    assert.deepEqual(pickLimit(randomBudget({ time: 2_000_000 }, {}, CLI_DEFAULTS)), [undefined, 2000, 'block'], 'a block time alone has no run bound');
  });

  it('the CodeLens: the block over its settings (runs and seconds, whichever first)', () => {
    const settings = { runs: 2000, timeMs: 60_000, maxFaults: 4, seed: 1, expect: 'safety' as const };
    assert.deepEqual(pickLimit(randomBudget(undefined, {}, settings)), [2000, 60_000, 'default']);
    assert.deepEqual(pickLimit(randomBudget({ runs: 25 }, {}, settings)), [25, undefined, 'block']);
  });
});

function pickLimit(b: ReturnType<typeof randomBudget>): [number | undefined, number | undefined, string] {
  return [b.runs, b.timeMs, b.from.limit];
}

describe('exhaustiveLimits()', () => {
  it('defaults: depth 20, 2 000 000 states, one crash and one restart, no timer or time bound, the async network, the scenario\'s storage', () => {
    const DEFAULT = { faults: 'default', depth: 'default', 'max states': 'default', timers: 'default', time: 'default', network: 'default', storage: 'default' };
    assert.deepEqual(exhaustiveLimits(undefined, {}), { crash: 1, restart: 1, duplicate: 0, depth: 20, maxStates: 2_000_000, network: 'async', from: DEFAULT });
  });

  it('network and storage: the block\'s lines, a flag over each', () => {
    const block: ExploreSpec = { network: 'lockstep', storage: 'latency' };
    assert.deepEqual([exhaustiveLimits(block, {}).network, exhaustiveLimits(block, {}).storage], ['lockstep', 'latency']);
    const over = exhaustiveLimits(block, { network: 'async', storage: 'instant' });
    assert.deepEqual([over.network, over.storage], ['async', 'instant']);
    assert.deepEqual([exhaustiveLimits(block, {}).from.network, over.from.network, over.from.storage, over.from.depth], ['block', 'flag', 'flag', 'default']);
  });

  it('the block\'s lines (a kind without a count is one fault; kinds it does not draw are ignored), each flag over its line', () => {
    const block: ExploreSpec = { ...BLOCK, faults: [{ kind: 'crash', max: 2 }, { kind: 'duplicate' }, { kind: 'partition' }], time: 30_000_000 };
    const { from, ...limits } = exhaustiveLimits(block, {});
    assert.deepEqual(limits, { crash: 2, restart: 0, duplicate: 1, depth: 12, maxStates: 150_000, timers: 4, timeMs: 30_000, network: 'async' });
    assert.deepEqual(from, { faults: 'block', depth: 'block', 'max states': 'block', timers: 'block', time: 'block', network: 'default', storage: 'default' });
    const { from: overFrom, ...over } = exhaustiveLimits(block, { depth: 6, faults: [{ kind: 'restart' }], timeMs: 1000 });
    assert.deepEqual(over, { crash: 0, restart: 1, duplicate: 0, depth: 6, maxStates: 150_000, timers: 4, timeMs: 1000, network: 'async' });
    assert.deepEqual([overFrom.depth, overFrom.faults, overFrom.time, overFrom['max states']], ['flag', 'flag', 'flag', 'block']);
  });
});
