/**
 * Raft and Multi-Paxos benchmarks (issue 3's and issue 10's targets):
 * - a 5-node cluster under a steady client load (RAFT_BENCH_OPS puts per
 *   simulated second, default 10, cycling over 16 keys) for RAFT_BENCH_S
 *   simulated seconds (default 60, long enough that per-entry costs show), every Figure 3 invariant checked after every step and
 *   the trace recorded, on the real simulator: simulated seconds per
 *   wall-clock second (target ≥ 2000) and events per second;
 * - the same cluster, load, timeouts and network running Multi-Paxos
 *   (`mode multi`), all seven Paxos invariants checked after every step
 *   and the trace recorded, measured in the same rounds as Raft (the two
 *   alternate, so a busy moment of a shared machine hits both): simulated
 *   seconds per wall-clock second, with Raft's figure as the baseline
 *   (target ≥ 1.0× Raft);
 * - the linearizability checker on a 10-client, 1 000-operation key-value
 *   history (put/get/cas over 8 keys, overlapping calls, a few unknown
 *   outcomes), target ≤ 1 s; and the same size on a single key, the hard case.
 * The history is generated from a sequential KV store with each operation
 * taking effect at a random instant inside its interval, so it is
 * linearizable by construction. Best of a few rounds after a warm-up.
 */
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import type { KvOperation } from '../src/checks/history.js';
import { checkLinearizable } from '../src/checks/linearizability.js';
import type { Json } from '../src/engine/protocol.js';
import { simulate } from '../src/engine/simulate.js';
import { DEFAULT_NETWORK, DEFAULT_STORAGE, type ScenarioSpec } from '../src/engine/spec.js';
import { raftProtocol as raft } from '../src/protocols/raft/index.js';
import { invariants } from '../src/protocols/raft/invariants.js';
import { paxosProtocol as paxos } from '../src/protocols/paxos/index.js';
import { invariants as paxosInvariants } from '../src/protocols/paxos/invariants.js';
import type { BenchRow } from './types.js';
import { mulberry32 } from '../test/_random.js';

const SIMULATED_S = Number(process.env.RAFT_BENCH_S ?? 60);
/** Client operations per simulated second, spread evenly over 16 keys. */
const OPS_PER_S = Number(process.env.RAFT_BENCH_OPS ?? 10);
const KEYS = 16;

const RAFT_PARAMS = { election_timeout: { min: 150_000, max: 300_000 }, heartbeat: 50_000, rpc_timeout: 100_000, max_entries: 64 };
const PAXOS_PARAMS = { mode: 'multi', election_timeout: { min: 150_000, max: 300_000 }, heartbeat: 50_000, rpc_timeout: 100_000 };

function clusterSpec(protocol = 'raft', params: ScenarioSpec['params'] = RAFT_PARAMS, checked: readonly string[] = invariants.map((i) => i.name)): ScenarioSpec {
  const nodes = ['n1', 'n2', 'n3', 'n4', 'n5'];
  return {
    name: 'bench', protocol, nodes, nodeParams: {}, seed: 1,
    params,
    network: { ...DEFAULT_NETWORK, latency: { kind: 'uniform', min: 1_000, max: 5_000 } },
    storage: DEFAULT_STORAGE,
    // 16 lines `every Xms client put kI = I`, staggered so one op leaves every 1/OPS_PER_S s.
    actions: Array.from({ length: KEYS }, (_, i) => ({
      at: 500_000 + Math.round((i * 1_000_000) / OPS_PER_S), every: Math.round((KEYS * 1_000_000) / OPS_PER_S),
      action: { kind: 'client' as const, op: 'put', args: { key: `k${i}`, value: i } },
    })),
    rules: [],
    run: { until: SIMULATED_S * 1_000_000, maxTime: SIMULATED_S * 1_000_000, maxEvents: 50_000_000 },
    expectations: [{ kind: 'always', invariants: [...checked] }],
  };
}

export function kvHistory(clients: number, ops: number, keys: number, seed = 1): KvOperation[] {
  const rnd = mulberry32(seed);
  const store = new Map<string, Json>();
  const clock = new Array<number>(clients).fill(0);
  const pending: { at: number; apply: () => void }[] = [];
  const out: KvOperation[] = [];
  for (let n = 0; n < ops; n++) {
    const c = n % clients;
    const call = clock[c]! + Math.floor(rnd() * 20);
    const ret = call + 1 + Math.floor(rnd() * 60);
    clock[c] = ret;
    const key = `k${Math.floor(rnd() * keys)}`;
    const r = rnd();
    const effect = call + Math.floor(rnd() * (ret - call));
    const id = `c${n}`;
    const unknown = rnd() < 0.02;
    const op: { -readonly [K in keyof KvOperation]: KvOperation[K] } = { id, call, ret: unknown ? null : ret, input: { op: 'get', key } };
    if (r < 0.4) {
      const value = n;
      op.input = { op: 'put', key, value };
      op.output = null;
      pending.push({ at: effect, apply: () => { store.set(key, value); } });
    } else if (r < 0.8) {
      pending.push({ at: effect, apply: () => { op.output = store.get(key) ?? null; } });
    } else {
      const expected = Math.floor(rnd() * 2) === 0 ? null : n - clients;
      const value = n;
      op.input = { op: 'cas', key, expected, value };
      pending.push({ at: effect, apply: () => {
        const ok = (store.get(key) ?? null) === expected;
        if (ok) store.set(key, value);
        op.output = ok;
      } });
    }
    out.push(op);
  }
  // Apply the effects in time order (a client's ops never overlap, so its order is kept).
  pending.sort((a, b) => a.at - b.at).forEach((p) => p.apply());
  return out;
}

function best(rounds: number, f: () => void, warmups = 1): number {
  for (let i = 0; i < warmups; i++) f();
  let t = Infinity;
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    f();
    t = Math.min(t, performance.now() - t0);
  }
  return t;
}

/** One run of `spec`: its wall-clock ms and its events; throws if an invariant failed. */
function timedRun(spec: ScenarioSpec, protocol: typeof raft | typeof paxos, what: string): { ms: number; events: number } {
  const t0 = performance.now();
  const r = simulate(spec, protocol as Parameters<typeof simulate>[1]);
  const ms = performance.now() - t0;
  if (r.checks.some((c) => c.status !== 'held')) throw new Error(`bench: an invariant failed in the ${what} run`);
  return { ms, events: r.trace.length };
}

/** Raft's and Multi-Paxos's best times (ms) and event counts, measured in alternating rounds in this process. */
export function clusterRounds(): { ms: number; paxosMs: number; events: number; paxosEvents: number } {
  const spec = clusterSpec();
  const paxosSpec = clusterSpec('paxos', PAXOS_PARAMS, paxosInvariants.map((i) => i.name));
  // A run takes ~30 ms. The JIT needs about five runs to settle (measured: 220, 180, 130, 60, 60, 31 ms for the
  // first six), so warm up five times, then keep the best of 15: on a busy shared machine the best run is the one
  // least disturbed by other load. Raft and Multi-Paxos alternate, so their figures share the machine's moods.
  for (let i = 0; i < 5; i++) {
    timedRun(spec, raft, 'raft');
    timedRun(paxosSpec, paxos, 'paxos');
  }
  let ms = Infinity;
  let paxosMs = Infinity;
  let events = 0;
  let paxosEvents = 0;
  for (let i = 0; i < 15; i++) {
    const r = timedRun(spec, raft, 'raft');
    const p = timedRun(paxosSpec, paxos, 'paxos');
    ms = Math.min(ms, r.ms);
    paxosMs = Math.min(paxosMs, p.ms);
    events = r.events;
    paxosEvents = p.events;
  }
  return { ms, paxosMs, events, paxosEvents };
}

export async function benchRaft(): Promise<BenchRow[]> {
  // The cluster rounds run in a fresh process (bench/consensus-child.ts) holding only the simulator and the two
  // protocols. In the bench's own process, with every bench module loaded, V8 tenured the per-step state copies
  // that Paxos's trace keeps and its runs took up to twice as long, Raft's half again (measured in issue 10's
  // follow-up): a figure of V8's heuristics, not of the protocols. Both still run in one process, alternating.
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/consensus-child.ts'], { encoding: 'utf8', env: process.env });
  const { ms, paxosMs, events, paxosEvents } = JSON.parse(out.trim().split('\n').at(-1)!) as ReturnType<typeof clusterRounds>;
  const history = kvHistory(10, 1000, 8);
  const single = kvHistory(10, 1000, 1, 2);
  let ok = true;
  const linMs = best(3, () => { ok = checkLinearizable(history).ok && ok; });
  const singleMs = best(3, () => { ok = checkLinearizable(single).ok && ok; });
  if (!ok) throw new Error('benchRaft: a generated history was judged not linearizable');
  const raftRate = SIMULATED_S / (ms / 1000);
  return [
    { name: `raft 5 nodes, ${OPS_PER_S} puts/s, invariants + trace (${SIMULATED_S} s)`, value: raftRate, unit: 'sim s / wall s', target: '≥ 2000' },
    { name: 'raft 5 nodes, events per wall-clock second', value: events / (ms / 1000), unit: 'events/s' },
    {
      name: `Multi-Paxos 5 nodes, ${OPS_PER_S} puts/s, invariants + trace`, value: SIMULATED_S / (paxosMs / 1000), unit: 'sim s / wall s',
      baseline: { name: 'raft', value: raftRate }, target: '≥ 1.0× raft',
    },
    { name: 'Multi-Paxos 5 nodes, events per wall-clock second', value: paxosEvents / (paxosMs / 1000), unit: 'events/s' },
    { name: 'linearizability: 10 clients, 1 000 KV ops, 8 keys', value: linMs, unit: 'ms', target: '≤ 1000 ms' },
    { name: 'linearizability: 10 clients, 1 000 KV ops, 1 key', value: singleMs, unit: 'ms', target: '≤ 1000 ms' },
  ];
}
