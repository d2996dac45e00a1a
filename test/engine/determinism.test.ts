import assert from 'node:assert/strict';
import { simulate } from '../../src/engine/simulate.js';
import { Network, sampleDelay } from '../../src/engine/network.js';
import { Rng } from '../../src/engine/rng.js';
import { DEFAULT_NETWORK, type Distribution } from '../../src/engine/spec.js';
import { K } from '../../src/trace/recorder.js';
import { stringifyTrace, toTraceDocument } from '../../src/trace/write.js';
import { makeSpec } from './fixtures/spec.js';
import { storm } from './fixtures/storm.js';

const nodes = ['n1', 'n2', 'n3', 'n4', 'n5'];
const stormSpec = (seed: number, maxEvents: number) => makeSpec({
  protocol: 'storm', seed, nodes, params: { fanout: 4 }, run: { maxEvents },
  // Random latency only: no loss, duplication or reordering.
  network: { latency: { kind: 'uniform', min: 100, max: 2000 } },
});
const text = (seed: number, maxEvents: number): string =>
  stringifyTrace(toTraceDocument(simulate(stormSpec(seed, maxEvents), storm), { name: 'storm', protocol: 'storm', seed, params: {} }));

describe('determinism', () => {
  it('with random latency only, the same seed gives byte-identical traces and another seed a different one', () => {
    const one = text(1, 2000);
    assert.equal(one, text(1, 2000));
    const other = text(2, 2000);
    assert.notEqual(one, other);
    const times = (s: string) => JSON.parse(s).events.map((e: { t: number }) => e.t);
    assert.notDeepEqual(times(one), times(other), 'the event times differ, not just the metadata');
  });

  it('a run longer than one recorder chunk keeps every column consistent', () => {
    const r = simulate(stormSpec(3, 150_000), storm);
    const t = r.trace;
    assert.equal(t.length, 150_000);
    let delivered = 0;
    let last = -Infinity;
    for (let i = 0; i < t.length; i++) {
      assert.ok(t.timeOf(i) >= last, `time goes forward at ${i}`);
      last = t.timeOf(i);
      if (t.kindCode(i) !== K.deliver) continue;
      delivered++;
      const e = t.event(i);
      assert.equal(e.kind, 'deliver');
      if (e.kind !== 'deliver') continue;
      const send = t.event(t.causeOf(i));
      assert.ok(send.kind === 'send' && send.msg.id === e.msg && send.msg.to === e.node, `delivery ${i} points at its send`);
      assert.equal(t.sendEventOf(e.msg), t.causeOf(i));
    }
    // 20 balls thrown at init (5 nodes × fanout 4); then each delivery forwards its ball.
    assert.equal(delivered, (t.length - 20) / 2);
    assert.equal(t.messageCount, delivered + 20);
  });

  it('the network draws the same latencies as sampleDelay for fixed, uniform and other distributions', () => {
    const dists: Distribution[] = [
      { kind: 'fixed', value: 250.6 },
      { kind: 'uniform', min: 100.4, max: 2000.5 },
      { kind: 'uniform', min: 900, max: 300 },
      { kind: 'lognormal', median: 500, sigma: 0.7 },
    ];
    for (const latency of dists) {
      const net = new Network({ ...DEFAULT_NETWORK, latency }, ['a', 'b'], new Rng(11).fork('network'));
      const ref = new Rng(11).fork('network');
      for (let k = 0; k < 500; k++) assert.equal(net.latency(0, 1), sampleDelay(latency, ref), `${latency.kind} draw ${k}`);
    }
  });
});
