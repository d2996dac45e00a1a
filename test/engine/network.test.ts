import assert from 'node:assert/strict';
import { Network, sampleDelay } from '../../src/engine/network.js';
import { Rng } from '../../src/engine/rng.js';
import { DEFAULT_NETWORK, type Action } from '../../src/engine/spec.js';
import { ofKind, runAll } from './fixtures/run.js';
import { makeSpec } from './fixtures/spec.js';
import { pingPong } from './fixtures/pingpong.js';

const pings = (count: number, from = 'n1', to = 'n2', at = 0, step = 10): { at: number; action: Action }[] =>
  Array.from({ length: count }, (_, k) => ({ at: at + k * step, action: { kind: 'client', target: { kind: 'nodes', nodes: [from] }, op: 'ping', args: { to } } }));

describe('Network', () => {
  it('sampleDelay stays within each distribution\'s bounds', () => {
    const r = new Rng(1);
    for (let k = 0; k < 5000; k++) {
      assert.equal(sampleDelay({ kind: 'fixed', value: 700 }, r), 700);
      const u = sampleDelay({ kind: 'uniform', min: 100, max: 200 }, r);
      assert.ok(u >= 100 && u <= 200 && Number.isInteger(u));
      const n = sampleDelay({ kind: 'normal', mean: 10, stddev: 50 }, r);
      assert.ok(n >= 0 && Number.isInteger(n), 'normal is clamped at 0');
      const l = sampleDelay({ kind: 'lognormal', median: 1000, sigma: 0.5 }, r);
      assert.ok(l >= 0 && Number.isInteger(l));
    }
    const logs = Array.from({ length: 20001 }, () => sampleDelay({ kind: 'lognormal', median: 1000, sigma: 0.5 }, r)).sort((a, b) => a - b);
    assert.ok(Math.abs(logs[10000] - 1000) < 30, `lognormal median ${logs[10000]}`);
  });

  it('uniform latency: every delivery lands within min..max of its send', () => {
    const r = runAll(makeSpec({ network: { latency: { kind: 'uniform', min: 2000, max: 5000 } }, actions: pings(200) }), pingPong);
    const sendT = new Map(ofKind(r.events, 'send').map((e) => [e.msg.id, e.t]));
    const delivers = ofKind(r.events, 'deliver');
    assert.equal(delivers.length, 400);
    const lat = delivers.map((d) => d.t - sendT.get(d.msg)!);
    assert.ok(lat.every((x) => x >= 2000 && x <= 5000));
    assert.ok(new Set(lat).size > 50, 'latencies vary');
  });

  it('loss drops about the configured fraction (reason loss)', () => {
    const r = runAll(makeSpec({ network: { loss: 0.2 }, actions: pings(2000) }), pingPong);
    const sends = ofKind(r.events, 'send').length;
    const lost = ofKind(r.events, 'drop').filter((d) => d.reason === 'loss').length;
    const rate = lost / sends;
    assert.ok(rate > 0.17 && rate < 0.23, `loss rate ${rate}`);
  });

  it('duplication delivers extra copies marked dup', () => {
    const r = runAll(makeSpec({ network: { duplicate: 0.5 }, actions: pings(400) }), pingPong);
    const dups = ofKind(r.events, 'deliver').filter((d) => d.dup === true);
    const sends = ofKind(r.events, 'send').length;
    assert.ok(dups.length / sends > 0.4 && dups.length / sends < 0.6, `dup rate ${dups.length / sends}`);
  });

  it('reordering lets later messages overtake earlier ones; without it a fixed latency keeps FIFO', () => {
    const order = (reorder: number): number[] => {
      const r = runAll(makeSpec({ network: { reorder, reorderWindow: 50_000 }, actions: pings(100, 'n1', 'n2', 0, 100) }), pingPong);
      return ofKind(r.events, 'deliver').filter((d) => d.node === 'n2').map((d) => d.msg);
    };
    const fifo = order(0);
    assert.deepEqual(fifo, [...fifo].sort((a, b) => a - b));
    const mixed = order(0.5);
    assert.notDeepEqual(mixed, [...mixed].sort((a, b) => a - b));
  });

  it('per-link overrides apply to one direction only', () => {
    const spec = makeSpec({
      network: { ...DEFAULT_NETWORK, links: [{ from: 'n1', to: 'n2', spec: { latency: { kind: 'fixed', value: 50_000 } } }] },
      actions: pings(1),
    });
    const r = runAll(spec, pingPong);
    const d = ofKind(r.events, 'deliver');
    assert.deepEqual(d.map((e) => e.t), [50_000, 51_000]); // n1->n2 slow, n2->n1 default 1ms
  });

  it('partition: nodes in different groups (or in none) cannot talk; heal restores', () => {
    const spec = makeSpec({
      actions: [
        { at: 0, action: { kind: 'partition', groups: [['n1'], ['n2', 'n3']] } },
        ...pings(1, 'n1', 'n2', 10),
        ...pings(1, 'n2', 'n3', 20),
        { at: 5000, action: { kind: 'heal' } },
        ...pings(1, 'n1', 'n2', 6000),
      ],
    });
    const r = runAll(spec, pingPong);
    const drops = ofKind(r.events, 'drop');
    assert.equal(drops.length, 1);
    assert.equal(drops[0].reason, 'partition');
    assert.equal(drops[0].t, 10);
    assert.equal(ofKind(r.events, 'reply').length, 2);
    assert.equal(ofKind(r.events, 'heal').length, 1);
  });

  it('a partition that starts while a message is in flight drops it at delivery', () => {
    const r = runAll(makeSpec({ actions: [...pings(1), { at: 500, action: { kind: 'partition', groups: [['n1', 'n3'], ['n2']] } }] }), pingPong);
    const d = ofKind(r.events, 'drop');
    assert.equal(d.length, 1);
    assert.equal(d[0].reason, 'partition');
    assert.equal(d[0].t, 1000);
  });

  it('a one-way cut blocks one direction only', () => {
    const r = runAll(makeSpec({ actions: [{ at: 0, action: { kind: 'cut', from: 'n2', to: 'n1' } }, ...pings(1, 'n1', 'n2', 10)] }), pingPong);
    assert.equal(ofKind(r.events, 'deliver').length, 1, 'Ping arrives at n2');
    const d = ofKind(r.events, 'drop');
    assert.equal(d.length, 1, 'the Pong back is cut');
    assert.equal(d[0].node, 'n1');
    const p = ofKind(r.events, 'partition');
    assert.deepEqual(p[0].cut, ['n2', 'n1']);
  });

  it('Network#reachable isolates nodes in no group', () => {
    const net = new Network(DEFAULT_NETWORK, ['a', 'b', 'c'], new Rng(1));
    net.partition([[0, 1]]);
    assert.equal(net.reachable(0, 1), true);
    assert.equal(net.reachable(0, 2), false);
    assert.equal(net.reachable(2, 0), false);
    net.heal();
    assert.equal(net.reachable(0, 2), true);
  });
});
