/**
 * The 10 000-node Kademlia run of kademlia.bench.ts, in a process of its own
 * so that its peak memory is measured alone: KADEMLIA_BENCH_NODES nodes
 * (default 10 000) join one per millisecond through n1 — each pings n1 and
 * looks up its own id (join_refresh off: refreshing every farther bucket
 * costs about 13 more lookups per join at this size, see docs/kademlia.md)
 * — then as many lookups of random ids from random nodes (or
 * KADEMLIA_BENCH_LOOKUPS), every invariant
 * checked after every step and the trace recorded. Prints one JSON line.
 * `npm run bench kademlia` runs it bundled by esbuild, as dist/cli.cjs is;
 * `node --import tsx bench/kademlia-scale.ts` runs it from source, a few per
 * cent slower.
 */
import { performance } from 'node:perf_hooks';
import { simulate } from '../src/engine/simulate.js';
import { DEFAULT_NETWORK, DEFAULT_STORAGE, type ScenarioSpec, type TimedAction } from '../src/engine/spec.js';
import { kademliaProtocol } from '../src/protocols/kademlia/index.js';
import { mulberry32 } from '../test/_random.js';

const N = Number(process.env.KADEMLIA_BENCH_NODES ?? 10_000);
/** Lookups after the joins (default: as many as nodes); more of them lengthen the run without changing N. */
const LOOKUPS = Number(process.env.KADEMLIA_BENCH_LOOKUPS ?? N);
const GAP = 1_000; // µs between joins
const joined = N * GAP + 2_000_000;
const rnd = mulberry32(5);
const actions: TimedAction[] = Array.from({ length: LOOKUPS }, (_, i) => ({
  at: joined + i * 100,
  action: { kind: 'client', target: { kind: 'nodes', nodes: [`n${1 + Math.floor(rnd() * N)}`] }, op: 'lookup', args: { target: 'random' } },
}));
const params = Object.fromEntries(kademliaProtocol.vocabulary.params.filter((p) => p.scope !== 'node').map((p) => [p.name, p.default]));
const spec: ScenarioSpec = {
  name: 'kademlia bench', protocol: 'kademlia', nodes: [], nodeParams: {}, seed: 1,
  params: { ...params, size: N, join_gap: GAP, join_refresh: false },
  network: { ...DEFAULT_NETWORK, latency: { kind: 'uniform', min: 1_000, max: 5_000 } },
  storage: DEFAULT_STORAGE, actions, rules: [],
  run: { until: joined + LOOKUPS * 100 + 5_000_000, maxTime: 10_000_000_000, maxEvents: 100_000_000 },
  expectations: [{ kind: 'always', invariants: ['bucket_size', 'bucket_prefix', 'no_self_contact', 'lookup_alpha'] }],
};
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const result = simulate(spec, kademliaProtocol);
const wallMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
if (result.checks.some((c) => c.status !== 'held')) throw new Error(`kademlia-scale: a check failed: ${JSON.stringify(result.checks)}`);
console.log(JSON.stringify({
  nodes: N, lookups: result.metrics['lookups'], wallMs: Math.round(wallMs), cpuMs: Math.round((cpu.user + cpu.system) / 1000),
  peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024), events: result.trace.length,
  exact: result.metrics['lookup_exact'], hops: result.metrics['lookup_hops_mean'],
}));
