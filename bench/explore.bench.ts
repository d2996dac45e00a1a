/**
 * explore and lincheck (issue 15's figures):
 * - explore: runs/s of one search of the Raft failover scenario
 *   (examples/raft/leader-failover.scenario, random faults from the default
 *   budget, 12 000 runs: worker start-up, about a second, is part of the
 *   figure but not most of it) in a fresh process, as the CLI runs it
 *   (explore-process.ts): on one thread, and on every core (a worker
 *   thread per core running the built dist/search-worker.cjs; target
 *   ≥ 1.7× on 2 cores); next to the ceiling, one single-thread search per
 *   core at once in separate processes — threads cannot beat what the
 *   machine gives independent processes;
 * - the exhaustive search: states/s on three-node configurations of two
 *   protocols (Raft's "explore small", and a three-server ring placing,
 *   adding and removing), one crash and one restart in the budget;
 * - lincheck: 100 generated register histories like Jepsen's etcd test
 *   (5 clients, ~100 operations, 15 % unknown outcomes), all of them
 *   (target ≤ 1 s); and one key, 50 clients, 10 000 operations with a stale
 *   read — a verdict, not a crash (target ≤ 10 s).
 * Each explore figure is the best of three.
 */
import { execFile } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadScenarioFile } from '../src/cli/load.js';
import { parseAndCompile } from '../src/dsl/compile.js';
import { checkLinearizable } from '../src/checks/linearizability.js';
import { registerModel } from '../src/checks/models.js';
import { prepareBase } from '../src/explore/candidate.js';
import { exhaustive } from '../src/explore/exhaustive.js';
import { protocols } from '../src/protocols/registry.js';
import { registerHistory } from '../test/_histories.js';
import type { BenchRow } from './types.js';

const now = () => performance.now();

/** Runs explore-process.ts in `processes` processes at once, each a search on `workers` threads; their runs/s, summed. */
async function searchRate(processes: number, workers: number): Promise<number> {
  const script = fileURLToPath(new URL('./explore-process.ts', import.meta.url));
  const env = { ...process.env, EXPLORE_WORKERS: String(workers), EXPLORE_RUNS: process.env.EXPLORE_BENCH_RUNS ?? '12000' };
  const rates = await Promise.all(Array.from({ length: processes }, () => new Promise<number>((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', env }, (error, stdout, stderr) => {
      if (error !== null) reject(new Error(`explore bench: explore-process.ts failed: ${stderr.slice(-2000)}`));
      else resolve((JSON.parse(stdout.trim().split('\n').pop()!) as { runsPerSecond: number }).runsPerSecond);
    });
  })));
  return rates.reduce((x, y) => x + y, 0);
}

/** The best of three. */
async function best(rate: () => Promise<number>): Promise<number> {
  let top = 0;
  for (let round = 0; round < 3; round++) top = Math.max(top, await rate());
  return top;
}

async function exhaustiveRate(text: string, name: string): Promise<{ rate: number; states: number }> {
  const compiled = await parseAndCompile(text);
  const spec = compiled.file.scenarios.find((s) => s.name === name)!;
  const protocol = protocols.get(spec.protocol)!;
  const base = prepareBase(spec, protocol).spec;
  let best = { rate: 0, states: 0 };
  for (let round = 0; round < 3; round++) {
    const r = exhaustive(base, protocol, { crash: 1, restart: 1, duplicate: 0, depth: 40, maxStates: 30_000, now });
    const rate = r.unique / r.seconds;
    if (round > 0 && rate > best.rate) best = { rate, states: r.unique };
  }
  return best;
}

const RING_THREE = `
cluster three: ring { nodes n1..n3  initial 2  vnodes 10  replicas 2 }
scenario "small" {
  use three
  at 0ms  client place 200 keys
  at 10ms client add n3
  at 20ms client remove n1
  run until 50ms
  expect always single_owner, preference_distinct, moves_only_to_changed_node
}`;

export async function benchExplore(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const cores = availableParallelism();
  const one = await best(() => searchRate(1, 1));
  const all = await best(() => searchRate(1, cores));
  const apart = await best(() => searchRate(cores, 1));
  rows.push({ name: 'explore: Raft failover, 1 thread', value: one, unit: 'runs/s' });
  rows.push({ name: `explore: Raft failover, all ${cores} cores`, value: all, unit: 'runs/s', baseline: { name: '1 thread', value: one }, target: `≥ 1.7× on 2 cores` });
  // What this machine gives to independent processes: on a shared virtual machine two vCPUs may be far from two cores.
  rows.push({ name: `  ceiling: ${cores} such searches at once, 1 thread each`, value: apart, unit: 'runs/s', baseline: { name: '1 thread', value: one } });

  const raftText = (await loadScenarioFile('examples/raft/explore.scenario')).text;
  const raft = await exhaustiveRate(raftText, 'explore small');
  rows.push({ name: `exhaustive: Raft, 3 servers (${raft.states} states)`, value: raft.rate, unit: 'states/s' });
  const ring = await exhaustiveRate(RING_THREE, 'small');
  rows.push({ name: `exhaustive: ring, 3 servers + router (${ring.states} states)`, value: ring.rate, unit: 'states/s' });

  const histories = Array.from({ length: 100 }, (_, s) => registerHistory({ clients: 5, ops: 100, unknown: 0.15, seed: s + 1 }));
  for (const h of histories.slice(0, 10)) checkLinearizable(h, registerModel); // warm-up
  let t0 = now();
  let linearizable = 0;
  for (const h of histories) if (checkLinearizable(h, registerModel).ok) linearizable++;
  const etcdMs = now() - t0;
  if (linearizable !== 100) throw new Error(`lincheck bench: ${100 - linearizable} generated histories judged not linearizable`);
  rows.push({ name: 'lincheck: 100 etcd-like histories (5 clients, 100 ops)', value: etcdMs, unit: 'ms', target: '≤ 1000 ms in all' });

  const big = registerHistory({ clients: 50, ops: 10_000, unknown: 0, seed: 7, corrupt: true });
  t0 = now();
  const verdict = checkLinearizable(big, registerModel, { timeMs: 10_000, now });
  const bigMs = now() - t0;
  const said = verdict.ok ? 'linearizable (wrong!)' : verdict.unknown ? 'unknown' : 'not linearizable';
  rows.push({ name: `lincheck: 1 key, 50 clients, ${big.length} ops → ${said}`, value: bigMs, unit: 'ms', target: 'a verdict ≤ 10 000 ms' });
  return rows;
}
