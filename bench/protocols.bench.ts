/**
 * Protocol benchmarks: the consistent-hash ring's lookup rate against the
 * `hashring` npm package's `get()` on the same 100 000 keys and the same ten
 * servers (160 points each, hashring's default), and digest throughput of
 * the hash protocol's algorithms on 1 MiB inputs, with node:crypto as the
 * baseline for md5 / sha256. Each figure is the best of several timed
 * rounds after a warm-up.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { digest } from '../src/protocols/hash/algorithms.js';
import { fnv1a32 } from '../src/protocols/hash/fnv1a.js';
import { murmur3_32 } from '../src/protocols/hash/murmur3.js';
import { xxhash64Halves } from '../src/protocols/hash/xxhash64.js';
import { Ring } from '../src/protocols/ring/ring.js';
import type { BenchRow } from './types.js';

const HashRing = createRequire(import.meta.url)('hashring') as new (servers: unknown, algorithm?: string, options?: Record<string, unknown>) => {
  get(key: string): string;
};

let sink = 0;

/**
 * Operations per second of `round` (which does `ops` operations): warm up
 * until the JIT has settled (≥ 200 ms), then time batches of rounds lasting
 * ≥ 50 ms each and keep the best batch.
 */
function rate(ops: number, round: () => void, batches = 5): number {
  const warmEnd = performance.now() + 200;
  let perBatch = 0;
  while (performance.now() < warmEnd) { round(); perBatch++; }
  perBatch = Math.max(1, Math.ceil(perBatch / 4));
  let best = Infinity;
  for (let b = 0; b < batches; b++) {
    const t0 = performance.now();
    for (let r = 0; r < perBatch; r++) round();
    best = Math.min(best, (performance.now() - t0) / perBatch);
  }
  return ops / (best / 1000);
}

const KEYS = 100_000;
const SERVERS = Array.from({ length: 10 }, (_, i) => `10.0.0.${i + 1}:11211`);

function ringRows(): BenchRow[] {
  const keys = Array.from({ length: KEYS }, (_, i) => `key-${i}`);
  const theirs = new HashRing(SERVERS, 'md5', {});
  const theirRate = rate(KEYS, () => {
    for (let i = 0; i < KEYS; i++) sink += theirs.get(keys[i]!).length;
  });
  const baseline = { name: 'hashring get()', value: theirRate };
  const rows: BenchRow[] = [];
  for (const hash of ['fnv1a', 'murmur3'] as const) {
    const ours = new Ring({ vnodes: 160, hash, weights: SERVERS });
    rows.push({
      name: `Ring#locate(key) incl. ${hash} key hash, 100k keys, 10 servers`,
      value: rate(KEYS, () => {
        for (let i = 0; i < KEYS; i++) sink += ours.locate(keys[i]!)!.length;
      }),
      unit: 'lookups/s',
      baseline,
      target: '≥ 15×',
    });
  }
  const ours = new Ring({ vnodes: 160, hash: 'fnv1a', weights: SERVERS });
  const hashes = new Uint32Array(KEYS);
  for (let i = 0; i < KEYS; i++) hashes[i] = ours.hashKey(keys[i]!);
  rows.push({
    name: 'Ring#ownerIndexOfHash(h), key hashes precomputed',
    value: rate(KEYS, () => {
      for (let i = 0; i < KEYS; i++) sink += ours.ownerIndexOfHash(hashes[i]!);
    }),
    unit: 'lookups/s',
    baseline,
    target: '≥ 30×',
  });
  const ketama = new Ring({ vnodes: 40, mode: 'ketama', weights: SERVERS });
  rows.push({
    name: 'Ring#locate(key), ketama mode (md5, same mapping as hashring)',
    value: rate(KEYS, () => {
      for (let i = 0; i < KEYS; i++) sink += ketama.locate(keys[i]!)!.length;
    }),
    unit: 'lookups/s',
    baseline,
  });
  return rows;
}

function digestRows(): BenchRow[] {
  const MIB = 1 << 20;
  const data = new Uint8Array(MIB);
  for (let i = 0; i < MIB; i++) data[i] = (i * 2654435761) >>> 24;
  const mbps = (fn: () => void) => rate(MIB / 1e6, fn);
  const rows: BenchRow[] = [];
  for (const alg of ['sha256', 'md5', 'sha1', 'sha512'] as const) {
    const node = mbps(() => { sink += createHash(alg).update(data).digest()[0]!; });
    rows.push({
      name: `${alg} (@noble/hashes), 1 MiB`,
      value: mbps(() => { sink += digest(alg, data)[0]!; }),
      unit: 'MB/s',
      baseline: { name: `node:crypto ${alg}`, value: node },
    });
  }
  rows.push({ name: 'fnv1a32, 1 MiB', value: mbps(() => { sink += fnv1a32(data); }), unit: 'MB/s' });
  rows.push({ name: 'murmur3_32, 1 MiB', value: mbps(() => { sink += murmur3_32(data, 0); }), unit: 'MB/s' });
  rows.push({ name: 'xxhash64, 1 MiB', value: mbps(() => { sink += xxhash64Halves(data, 0)[1]; }), unit: 'MB/s' });
  return rows;
}

export async function benchProtocols(): Promise<BenchRow[]> {
  const rows = [...ringRows(), ...digestRows()];
  if (sink === 0.5) rows.push({ name: 'sink', value: sink, unit: '' }); // keeps the work observable
  return rows;
}
