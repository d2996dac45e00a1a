/**
 * `lincheck` across cores: the history's parts (one per key for the kv
 * model) are checked in parallel by a WorkerPool, in key order, stopping as
 * soon as the verdict is settled. The verdict does not depend on the number
 * of workers: when key k fails, keys after it are abandoned, keys before it
 * still finish, and the first failing key in key order is the one reported.
 * A part the budget cannot decide makes the verdict "unknown" unless some
 * key definitely fails.
 *
 * The time budget is one deadline for the whole check (wall-clock
 * milliseconds, which every thread reads alike); the memory budget is per
 * search, so N workers may hold up to N times it.
 */
import type { Json } from '../engine/protocol.js';
import type { ModelName } from '../engine/vocabulary.js';
import type { ModelInput, Operation } from '../checks/history.js';
import { cleanHistory, failureMessage, unknownMessage, type PartResult } from '../checks/linearizability.js';
import { modelNamed, withInitial } from '../checks/models.js';
import type { LincheckJobResult } from './jobs.js';
import { WorkerPool } from './pool.js';

type Op = Operation<ModelInput, Json>;

/** Histories shorter than this are checked in the calling thread. */
export const PARALLEL_FROM = 2000;

export interface ParallelCheckOptions {
  readonly model: ModelName;
  readonly initial: Json;
  readonly workers: number;
  /** The worker script (dist/search-worker.cjs); unused with one worker. */
  readonly script: string;
  readonly timeMs?: number;
  readonly memoryBytes?: number;
}

export type HistoryVerdict =
  | { readonly verdict: 'linearizable'; readonly keys: number; readonly configurations: number }
  | { readonly verdict: 'not linearizable'; readonly keys: number; readonly key: string; readonly window: Op[]; readonly culprit: Op; readonly minimal: boolean; readonly message: string }
  | { readonly verdict: 'unknown'; readonly keys: number; readonly key: string; readonly reason: 'time' | 'memory'; readonly message: string };

export async function checkHistoryParallel(ops: readonly Op[], o: ParallelCheckOptions): Promise<HistoryVerdict> {
  const model = withInitial(modelNamed(o.model), o.initial);
  const clean = cleanHistory(ops);
  const parts = model.partition ? model.partition(clean) : [{ label: '', ops: clean }];
  const deadline = o.timeMs === undefined ? undefined : Date.now() + o.timeMs;
  // Starting a worker costs about as much as checking a few thousand operations: small histories stay in this thread.
  const pool = new WorkerPool(o.script, clean.length < PARALLEL_FROM ? 1 : Math.min(o.workers, parts.length));
  const results: (PartResult<ModelInput, Json> | undefined)[] = new Array(parts.length);
  let firstFail = Infinity;
  let configurations = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      let left = parts.length;
      const settled = () => {
        // Done when every part before the first failure (or every part) has its result.
        for (let k = 0; k < Math.min(firstFail, parts.length); k++) if (results[k] === undefined) return false;
        return true;
      };
      if (left === 0) resolve();
      parts.forEach((part, k) => {
        pool.run({
          kind: 'lincheck', model: o.model, initial: o.initial, label: part.label, ops: part.ops,
          ...(deadline !== undefined ? { deadline } : {}), ...(o.memoryBytes !== undefined ? { memoryBytes: o.memoryBytes } : {}),
        }).then((r) => {
          const result = (r as LincheckJobResult).result;
          results[k] = result;
          configurations += result.configurations;
          if (result.verdict === 'not linearizable') firstFail = Math.min(firstFail, k);
          left--;
          if (left === 0 || settled()) resolve();
        }, reject);
      });
    });
  } finally {
    await pool.close();
  }
  if (firstFail < parts.length) {
    const r = results[firstFail] as Extract<PartResult<ModelInput, Json>, { verdict: 'not linearizable' }>;
    const label = parts[firstFail]!.label;
    return { verdict: 'not linearizable', keys: parts.length, key: label, window: r.window, culprit: r.culprit, minimal: r.minimal, message: failureMessage(label, r) };
  }
  const k = results.findIndex((r) => r?.verdict === 'unknown');
  if (k >= 0) {
    const r = results[k] as Extract<PartResult<ModelInput, Json>, { verdict: 'unknown' }>;
    const label = parts[k]!.label;
    const budget = { ...(o.timeMs !== undefined ? { timeMs: o.timeMs } : {}), ...(o.memoryBytes !== undefined ? { memoryBytes: o.memoryBytes } : {}) };
    return { verdict: 'unknown', keys: parts.length, key: label, reason: r.reason, message: unknownMessage(label, r.reason, budget, r.configurations) };
  }
  return { verdict: 'linearizable', keys: parts.length, configurations };
}
