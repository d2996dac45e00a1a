/**
 * One scale case, run in a fresh process by scale.bench.ts so that its
 * peak memory (max RSS) and its caches are its own: prints one JSON line
 * `{ ms, maxRssMb, events }`. Usage: `node --import tsx bench/scale-child.ts ring NODES VNODES KEYS`.
 */
import { simulate } from '../src/engine/simulate.js';
import { makeSpec } from '../test/engine/fixtures/spec.js';
import { ringProtocol } from '../src/protocols/ring/index.js';

const [what, a, b, c] = process.argv.slice(2);
if (what !== 'ring') throw new RangeError(`scale-child: unknown case ${what}`);
const nodes = Array.from({ length: Number(a) }, (_, i) => `n${i + 1}`);
const spec = makeSpec({
  protocol: 'ring', nodes, params: { vnodes: Number(b), hash: 'murmur3', mode: 'standard', replicas: 3, initial: 0 },
  actions: [{ at: 0, action: { kind: 'client', op: 'place', args: { count: Number(c) } } }],
  run: { until: 1_000_000, maxEvents: 10_000_000 },
  expectations: [{ kind: 'always', invariants: ['single_owner', 'preference_distinct', 'moves_only_to_changed_node'] }],
});
const t0 = performance.now();
const r = simulate(spec, ringProtocol);
const ms = performance.now() - t0;
if (!r.checks.every((x) => x.status === 'held')) throw new Error(`scale-child: a check failed: ${JSON.stringify(r.checks)}`);
console.log(JSON.stringify({ ms, maxRssMb: process.resourceUsage().maxRSS / 1024, events: r.trace.length }));
