/**
 * `explore` across cores: run indices are handed to a WorkerPool in
 * batches, in increasing order, and the search stops at the first finding.
 * The result does not depend on the number of workers (or on how fast each
 * was): when run k finds something, no run after k is started, the runs
 * before k still finish, and the lowest finding index wins — the same run a
 * single core would have stopped at.
 *
 * `--shard I/N` keeps the indices k with k mod N = I - 1, so N machines
 * split one search without talking to each other; `--runs R` counts runs
 * over all shards (shard I runs the k < R it owns).
 */
import type { Protocol } from '../engine/protocol.js';
import { Search, type FoundRun, type SearchPlan } from '../explore/search.js';
import { protocols } from '../protocols/registry.js';
import type { ExploreJobResult } from './jobs.js';
import { WorkerPool } from './pool.js';

export interface ExploreProgress {
  readonly runs: number;
  readonly events: number;
  readonly violations: number;
  readonly seconds: number;
}

export interface ExploreParallelOptions {
  readonly workers: number;
  /** The worker script (dist/search-worker.cjs); unused with one worker. */
  readonly script: string;
  /** Total runs over all shards (default: unbounded, then `timeMs` must be set). */
  readonly runs?: number;
  readonly timeMs?: number;
  /** 0-based shard index and shard count. */
  readonly shard: { readonly index: number; readonly count: number };
  /** Wall-clock milliseconds (the caller's clock). */
  readonly now: () => number;
  readonly onProgress?: (p: ExploreProgress) => void;
  /** Stop early (the VS Code command's Cancel). */
  readonly cancel?: { readonly cancelled: boolean };
  /** Needed with one worker (runs in this thread): the protocol object, for protocols outside the registry. */
  readonly protocol?: Protocol;
}

export interface ExploreOutcome {
  readonly runs: number;
  readonly events: number;
  readonly seconds: number;
  readonly found?: FoundRun;
  readonly cancelled: boolean;
}

/** The first index the shard owns at or after `k`. */
function ownIndexFrom(k: number, shard: { index: number; count: number }): number {
  const r = ((k - shard.index) % shard.count + shard.count) % shard.count;
  return r === 0 ? k : k + (shard.count - r);
}

export async function exploreParallel(plan: SearchPlan, o: ExploreParallelOptions): Promise<ExploreOutcome> {
  const started = o.now();
  const deadline = o.timeMs === undefined ? Infinity : started + o.timeMs;
  const limit = o.runs ?? Infinity;
  if (limit === Infinity && deadline === Infinity) throw new RangeError('exploreParallel: give a run budget or a time budget');
  const planId = `${started}-${Math.round(o.now() * 1000) % 1e9}`;
  const protocol = o.protocol ?? protocols.get(plan.spec.protocol);
  if (protocol === undefined) throw new RangeError(`exploreParallel: unknown protocol ${plan.spec.protocol}`);
  const local = o.workers <= 1 ? new Search(plan, protocol) : undefined;
  const pool = local === undefined ? new WorkerPool(o.script, o.workers) : undefined;
  let next = ownIndexFrom(0, o.shard);
  let runs = 0;
  let events = 0;
  let violations = 0;
  let best: FoundRun | undefined;
  let batchSize = 4;
  let lastProgress = started;
  const inFlight = new Map<number, number>(); // batch first index → its last index
  const progress = (force = false) => {
    const now = o.now();
    if (o.onProgress && (force || now - lastProgress >= 250)) {
      lastProgress = now;
      o.onProgress({ runs, events, violations, seconds: (now - started) / 1000 });
    }
  };
  const stopped = () => o.cancel?.cancelled === true || o.now() > deadline;

  /** The next batch of indices, or undefined when the budget (or a finding) says stop. */
  const take = (): number[] | undefined => {
    if (stopped()) return undefined;
    const ks: number[] = [];
    while (ks.length < batchSize && next < limit && (best === undefined || next < best.k)) {
      ks.push(next);
      next += o.shard.count;
    }
    return ks.length > 0 ? ks : undefined;
  };
  const absorb = (r: { runs: number; events: number; found?: FoundRun }) => {
    runs += r.runs;
    events += r.events;
    if (r.found !== undefined) {
      violations++;
      if (best === undefined || r.found.k < best.k) best = r.found;
    }
    progress();
  };

  try {
    if (local !== undefined) {
      for (let ks = take(); ks !== undefined; ks = take()) {
        const t0 = o.now();
        absorb(local.batch(ks));
        // Batches of about a tenth of a second: progress and cancellation stay responsive.
        const ms = Math.max(1, o.now() - t0);
        batchSize = Math.max(1, Math.min(1000, Math.round(batchSize * (100 / ms))));
        if (best !== undefined) break;
        await new Promise((r) => setImmediate(r));
      }
    } else {
      await new Promise<void>((resolve, reject) => {
        let failed = false;
        const pump = () => {
          while (!failed && inFlight.size < o.workers * 2) {
            const ks = take();
            if (ks === undefined) break;
            const first = ks[0]!;
            inFlight.set(first, ks[ks.length - 1]!);
            const t0 = o.now();
            pool!.run({ kind: 'explore', planId, plan, ks }).then((r) => {
              inFlight.delete(first);
              absorb(r as ExploreJobResult);
              const ms = Math.max(1, o.now() - t0);
              batchSize = Math.max(1, Math.min(1000, Math.round((batchSize + ks.length * (200 / ms)) / 2)));
              pump();
              // Done when nothing is in flight that could still find something earlier than the best so far.
              const waiting = [...inFlight.keys()].some((k) => best === undefined || k < best.k);
              if (!waiting) resolve();
            }, (e: unknown) => {
              failed = true;
              reject(e instanceof Error ? e : new Error(String(e)));
            });
          }
          if (inFlight.size === 0) resolve();
        };
        pump();
      });
    }
  } finally {
    await pool?.close();
  }
  progress(true);
  return { runs, events, seconds: (o.now() - started) / 1000, cancelled: o.cancel?.cancelled === true, ...(best !== undefined ? { found: best } : {}) };
}
