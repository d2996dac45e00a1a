// Monitors may report metrics at the end of a run (MonitorSpec.metrics), and the
// runner may add metrics derived from the whole trace (SimulateOptions.traceMetrics);
// both are there for `expect at end metric …`.
import assert from 'node:assert/strict';
import type { Protocol } from '../../src/engine/protocol.js';
import { simulate } from '../../src/engine/simulate.js';
import type { MonitorSpec } from '../../src/engine/vocabulary.js';
import { makeSpec } from './fixtures/spec.js';

/** Counts the steps in which some node's state changed. */
const steps: MonitorSpec<number, { n: number }> = {
  name: 'steps',
  create: () => ({ n: 0 }),
  observe: (m) => { m.n++; },
  metrics: (m) => ({ changed_steps: m.n }),
};

const ticker: Protocol<number> = {
  name: 'ticker',
  vocabulary: {
    doc: 'Counts its own timer.', params: [], ops: [], queries: [], messages: [], metrics: [],
    invariants: [{ name: 'any', doc: 'Always holds.', monitor: steps, check: () => null }],
  },
  init: (ctx) => { ctx.setTimer('tick', 10); return 0; },
  onMessage: (s) => s,
  onTimer: (s, _name, ctx) => { if (s < 4) ctx.setTimer('tick', 10); return s + 1; },
};

describe('monitor and trace metrics', () => {
  it('a monitor\'s metrics are in the run\'s metrics and usable at the end', () => {
    const r = simulate(makeSpec({ protocol: 'ticker', nodes: ['a'], expectations: [{ kind: 'atEnd', condition: { query: 'metric', args: { name: 'changed_steps' }, compare: { op: '=', value: 6 } } }] }), ticker);
    // The first check (every node new) and five ticks.
    assert.equal(r.metrics.changed_steps, 6);
    assert.deepEqual(r.checks.map((c) => c.status), ['held']);
  });

  it('traceMetrics sees the whole trace before the at-end expectations are evaluated', () => {
    const r = simulate(makeSpec({ protocol: 'ticker', nodes: ['a'], expectations: [{ kind: 'atEnd', condition: { query: 'metric', args: { name: 'trace_events' }, compare: { op: '>', value: 5 } } }] }), ticker,
      { traceMetrics: (trace) => ({ trace_events: trace.length }) });
    assert.ok(r.metrics.trace_events! > 5);
    assert.deepEqual(r.checks.map((c) => c.status), ['held']);
  });
});
