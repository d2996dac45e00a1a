/**
 * Scale: the cost of an event must follow keys and events, not the number
 * of nodes (issue 9).
 * - Ring, 10 000 nodes × 20 vnodes placing 10^6 keys with the trace
 *   recorded and every invariant on: wall time and peak memory (each case
 *   in a fresh process, so max RSS and caches are its own; best of three),
 *   against the same run with 1 000 nodes. Targets: ≤ 5 s, ≤ 1.5 GB, and
 *   ≤ 3× the 1 000-node run.
 * - Message storm with 10 000 nodes, 10^6 events, trace recorded: delivered
 *   events/s against the 5-node storm measured here, in this process,
 *   alternately (target ≥ 0.5×). Both keep 40 balls in flight (five
 *   starting nodes with 8 each), so they differ only in the number of nodes.
 */
import { execFileSync } from 'node:child_process';
import { simulate } from '../src/engine/simulate.js';
import { K } from '../src/trace/recorder.js';
import { makeSpec } from '../test/engine/fixtures/spec.js';
import { storm } from '../test/engine/fixtures/storm.js';
import type { BenchRow } from './types.js';

interface ChildResult { ms: number; maxRssMb: number; events: number }

function ringCase(nodes: number): ChildResult {
  const runs: ChildResult[] = [];
  for (let r = 0; r < 3; r++) {
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'bench/scale-child.ts', 'ring', String(nodes), '20', '1000000'], { encoding: 'utf8' });
    runs.push(JSON.parse(out.trim().split('\n').at(-1)!) as ChildResult);
  }
  // The fastest run's time (the least disturbed), and the largest peak memory of any run.
  return { ms: Math.min(...runs.map((x) => x.ms)), maxRssMb: Math.max(...runs.map((x) => x.maxRssMb)), events: runs[0]!.events };
}

function stormSpec(nodes: number, events: number) {
  return makeSpec({
    protocol: 'storm', nodes: Array.from({ length: nodes }, (_, i) => `n${i + 1}`), params: { fanout: 8, starters: 5 },
    network: { latency: { kind: 'uniform', min: 100, max: 2000 } },
    run: { maxEvents: events },
  });
}

function deliveredPerSecond(nodes: number, events: number): number {
  const t0 = performance.now();
  const r = simulate(stormSpec(nodes, events), storm);
  const s = (performance.now() - t0) / 1000;
  let delivered = 0;
  for (let i = 0; i < r.trace.length; i++) {
    const k = r.trace.kindCode(i);
    if (k === K.deliver || k === K.deliverDup) delivered++;
  }
  return delivered / s;
}

export async function benchScale(): Promise<BenchRow[]> {
  const big = ringCase(10_000);
  const small = ringCase(1_000);
  const EVENTS = 1_000_000;
  deliveredPerSecond(5, 200_000);
  deliveredPerSecond(10_000, 200_000);
  let five = 0;
  let tenK = 0;
  for (let r = 0; r < 5; r++) {
    five = Math.max(five, deliveredPerSecond(5, EVENTS));
    tenK = Math.max(tenK, deliveredPerSecond(10_000, EVENTS));
  }
  return [
    { name: 'scale: ring 10 000 nodes × 20 vnodes, 10^6 keys placed, trace + invariants', value: Math.round(big.ms), unit: 'ms', target: '≤ 5 000 ms' },
    { name: 'scale: ring 10 000 nodes × 20 vnodes, peak memory (max RSS)', value: Math.round(big.maxRssMb), unit: 'MB', target: '≤ 1 536 MB' },
    { name: 'scale: ring 10 000 nodes vs the same run with 1 000 nodes', value: Math.round(big.ms), unit: 'ms',
      baseline: { name: '1 000 nodes', value: Math.round(small.ms) }, target: 'ratio ≤ 3×' },
    { name: 'scale: storm delivered events/s, 10 000 nodes, 10^6 events, trace', value: Math.round(tenK), unit: 'events/s',
      baseline: { name: '5-node storm, same process', value: Math.round(five) }, target: 'ratio ≥ 0.5×' },
  ];
}
