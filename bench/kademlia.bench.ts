/**
 * Kademlia benchmarks (issue 12's targets):
 * - the k closest contacts to an id in one routing table (k = 20, 160-bit
 *   ids, 10 000 contacts offered; the table keeps the first 20 of each
 *   distance range, as the `k-bucket` npm package does) against k-bucket's
 *   `closest()` on the same contacts in the same process; both must give
 *   the same contacts in the same order for every target (target ≥ 1.2×);
 * - 10 000 nodes join one after the other, then 10 000 lookups of random ids
 *   from random nodes, every invariant checked and the trace recorded, in a
 *   child process so its peak memory is its own (kademlia-scale.ts): wall
 *   time, CPU time and peak RSS (targets ≤ 30 s and ≤ 2 GB); and the CPU
 *   time per event against the same run at 1 000 nodes (the cost of a
 *   simulated event must not grow with the number of nodes).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { randomId } from '../src/protocols/kademlia/ids.js';
import { closest, EMPTY_TABLE, makeContact, observe, type Contact, type Table } from '../src/protocols/kademlia/table.js';
import { mulberry32 } from '../test/_random.js';
import type { BenchRow } from './types.js';

interface KContact { id: Uint8Array; node: string }
const KBucket = createRequire(import.meta.url)('k-bucket') as new (options: { localNodeId: Uint8Array; numberOfNodesPerKBucket?: number }) => {
  add(contact: KContact): unknown;
  closest(id: Uint8Array, n?: number): KContact[];
  toArray(): KContact[];
};

const K = 20;
const BITS = 160;
const CONTACTS = 10_000;
const TARGETS = 2_000;

function bytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

let sink = 0;

/**
 * Queries per second of two rounds (each doing `ops` queries), measured in
 * alternating batches so that both see the same load on a shared machine:
 * a warm-up of ≥ 300 ms each, then 25 pairs of batches of ≥ 20 ms; the
 * best batch of each side counts.
 */
function rates(ops: number, a: () => void, b: () => void): [number, number] {
  const warm = (f: () => void): number => {
    const end = performance.now() + 300;
    let n = 0;
    while (performance.now() < end) { f(); n++; }
    return Math.max(1, Math.ceil(n / 15));
  };
  const per = [warm(a), warm(b)];
  const best = [Infinity, Infinity];
  for (let pair = 0; pair < 25; pair++) {
    [a, b].forEach((f, side) => {
      const t0 = performance.now();
      for (let r = 0; r < per[side]!; r++) f();
      best[side] = Math.min(best[side]!, (performance.now() - t0) / per[side]!);
    });
  }
  return [ops / (best[0]! / 1000), ops / (best[1]! / 1000)];
}

function closestRows(): BenchRow[] {
  const rnd = mulberry32(12);
  const int = (a: number, b: number) => a + Math.floor(rnd() * (b - a + 1));
  const self = randomId(BITS, int);
  const contacts: Contact[] = Array.from({ length: CONTACTS }, (_, i) => makeContact(`n${i}`, randomId(BITS, int)));
  const targets = Array.from({ length: TARGETS }, () => randomId(BITS, int));
  const targetBytes = targets.map(bytes);

  let table: Table = EMPTY_TABLE;
  for (const c of contacts) table = observe(table, self, c, K, BITS).table;
  const theirs = new KBucket({ localNodeId: bytes(self), numberOfNodesPerKBucket: K });
  for (const c of contacts) theirs.add({ id: bytes(c.id), node: c.node });

  // Same contacts kept, same answers.
  const kept = table.flatMap((b) => b.contacts.map((c) => c.node)).sort();
  const theirKept = theirs.toArray().map((c) => c.node).sort();
  if (kept.join() !== theirKept.join()) throw new Error(`benchKademlia: the tables keep different contacts (${kept.length} vs ${theirKept.length})`);
  for (let i = 0; i < TARGETS; i++) {
    const ours = closest(table, self, targets[i]!, K).map((c) => c.node).join();
    const them = theirs.closest(targetBytes[i]!, K).map((c) => c.node).join();
    if (ours !== them) throw new Error(`benchKademlia: closest(${targets[i]}) differs:\n ours ${ours}\n k-bucket ${them}`);
  }

  const [theirRate, ourRate] = rates(TARGETS, () => {
    for (let i = 0; i < TARGETS; i++) sink += theirs.closest(targetBytes[i]!, K).length;
  }, () => {
    for (let i = 0; i < TARGETS; i++) sink += closest(table, self, targets[i]!, K).length;
  });
  return [{
    name: `closest ${K} of one table (${kept.length} kept of ${CONTACTS / 1000}k offered), same results`,
    value: ourRate, unit: 'queries/s', baseline: { name: 'k-bucket closest()', value: theirRate }, target: '≥ 1.2× k-bucket',
  }];
}

interface ScaleRun { nodes: number; lookups: number; wallMs: number; cpuMs: number; peakRssMB: number; events: number; exact: number; hops: number }

/**
 * kademlia-scale.ts bundled by esbuild with the options of dist/cli.cjs: the
 * engine as users run it (one module, no loader hooks). Under tsx the same
 * run is a few per cent slower.
 */
function scaleScript(dir: string): string {
  const out = join(dir, 'kademlia-scale.cjs');
  buildSync({ entryPoints: [fileURLToPath(new URL('./kademlia-scale.ts', import.meta.url))], outfile: out, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning' });
  return out;
}

/** Runs kademlia-scale.ts with `nodes` nodes in a child process (its own heap and peak RSS) and reads the JSON line it prints. */
function scaleRun(script: string, nodes: number): ScaleRun {
  const child = spawnSync(process.execPath, [script], { encoding: 'utf8', maxBuffer: 1 << 24, env: { ...process.env, KADEMLIA_BENCH_NODES: String(nodes) } });
  const line = child.stdout.trim().split('\n').pop() ?? '';
  if (child.status !== 0 || !line.startsWith('{')) throw new Error(`benchKademlia: the ${nodes}-node run failed (exit ${child.status}):\n${child.stderr.slice(-2000)}`);
  return JSON.parse(line) as ScaleRun;
}

/**
 * The 10 000-node run, and the cost of a simulated event against the same
 * run at 1 000 nodes (joins, then as many lookups): CPU time per recorded
 * event, which must not grow with the number of nodes.
 */
function scaleRows(): BenchRow[] {
  const dir = mkdtempSync(join(tmpdir(), 'pp-kademlia-'));
  let small: ScaleRun;
  let r: ScaleRun;
  try {
    const script = scaleScript(dir);
    small = scaleRun(script, 1_000);
    r = scaleRun(script, 10_000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const perEvent = (x: ScaleRun): number => (x.cpuMs * 1000) / x.events;
  return [
    { name: `kademlia ${r.nodes} nodes join + ${r.lookups} lookups, checks + trace: wall`, value: r.wallMs / 1000, unit: 's', target: '≤ 30 s' },
    { name: '  the same run: CPU time (user + system)', value: r.cpuMs / 1000, unit: 's' },
    { name: '  the same run: peak memory (RSS of the child process)', value: r.peakRssMB, unit: 'MB', target: '≤ 2048 MB' },
    { name: `  the same run: events recorded (lookup_exact ${r.exact}, mean hops ${r.hops})`, value: r.events, unit: 'events' },
    {
      name: `  CPU per event at ${r.nodes} nodes`, value: perEvent(r), unit: 'µs',
      baseline: { name: `at ${small.nodes} nodes (${small.events} events)`, value: perEvent(small) }, target: 'ratio ≈ 1 (no growth with N)',
    },
  ];
}

export async function benchKademlia(): Promise<BenchRow[]> {
  const rows = closestRows();
  if (sink < 0) throw new Error('unreachable');
  if (process.env.KADEMLIA_BENCH_SCALE !== '0') rows.push(...scaleRows());
  return rows;
}
