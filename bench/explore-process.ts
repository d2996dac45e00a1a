/**
 * One explore search in a process of its own, as `protocol-playground
 * explore --runs R --workers W` runs it: the Raft failover scenario, random
 * faults from the default budget, R = EXPLORE_RUNS runs (default 3 000) on
 * W = EXPLORE_WORKERS threads (default 1), started cold. Prints `{"runsPerSecond": …}`
 * (runs over the search's wall time, worker start-up included).
 * explore.bench.ts compares one thread with every core, and one such
 * process with one per core at once: what the machine gives to independent
 * processes is the ceiling for explore's threads.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadScenarioFile } from '../src/cli/load.js';
import { defaultBudget } from '../src/explore/faults.js';
import type { SearchPlan } from '../src/explore/search.js';
import { exploreParallel } from '../src/workers/explore-parallel.js';

const runs = Number(process.env.EXPLORE_RUNS ?? 3000);
const workers = Number(process.env.EXPLORE_WORKERS ?? 1);
const failover = await loadScenarioFile('examples/raft/leader-failover.scenario');
const plan: SearchPlan = { spec: failover.compiled.file.scenarios[0]!, budget: defaultBudget(), searchSeed: 1, expect: 'safety' };
const o = await exploreParallel(plan, {
  workers, runs, script: join(process.cwd(), 'dist', 'search-worker.cjs'), shard: { index: 0, count: 1 }, now: () => performance.now(),
});
if (o.found !== undefined) throw new Error(`explore bench: the failover scenario failed: ${o.found.finding.message}`);
console.log(JSON.stringify({ runsPerSecond: o.runs / o.seconds }));
