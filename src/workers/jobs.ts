/**
 * The jobs a search worker runs, as pure functions of plain data (what
 * crosses a thread boundary by structured clone): checking one key of a
 * history for `lincheck`, and a batch of `explore` runs (against the
 * registry's protocols).
 */
import type { Json } from '../engine/protocol.js';
import type { ModelName } from '../engine/vocabulary.js';
import type { ModelInput, Operation } from '../checks/history.js';
import { checkPart, type PartResult } from '../checks/linearizability.js';
import { modelNamed, withInitial } from '../checks/models.js';
import { Search, type BatchResult, type SearchPlan } from '../explore/search.js';
import { protocols } from '../protocols/registry.js';

/** Check one part (key) of a history. */
export interface LincheckJob {
  readonly kind: 'lincheck';
  readonly model: ModelName;
  readonly initial: Json;
  readonly label: string;
  readonly ops: readonly Operation<ModelInput, Json>[];
  /** Give up at this wall-clock time (ms since the epoch: every thread reads the same clock). */
  readonly deadline?: number;
  readonly memoryBytes?: number;
}

export interface LincheckJobResult {
  readonly kind: 'lincheck';
  readonly label: string;
  readonly result: PartResult<ModelInput, Json>;
}

/** Run some indices of an explore search. */
export interface ExploreJob {
  readonly kind: 'explore';
  /** Names the plan: a worker prepares each plan once. */
  readonly planId: string;
  readonly plan: SearchPlan;
  readonly ks: readonly number[];
}

export interface ExploreJobResult extends BatchResult {
  readonly kind: 'explore';
  readonly ks: readonly number[];
}

export type Job = LincheckJob | ExploreJob;
export type JobResult = LincheckJobResult | ExploreJobResult;

/** One Search per plan per thread: a worker runs many batches of the same search. */
let cached: { id: string; search: Search } | undefined;

function searchFor(id: string, plan: SearchPlan): Search {
  if (cached === undefined || cached.id !== id) {
    const protocol = protocols.get(plan.spec.protocol);
    if (protocol === undefined) throw new RangeError(`explore: unknown protocol ${plan.spec.protocol}`);
    cached = { id, search: new Search(plan, protocol) };
  }
  return cached.search;
}

export function runJob(job: Job): JobResult {
  switch (job.kind) {
    case 'lincheck': {
      const model = withInitial(modelNamed(job.model), job.initial);
      const budget = { now: () => Date.now(), ...(job.deadline !== undefined ? { timeMs: Math.max(0, job.deadline - Date.now()) } : {}), ...(job.memoryBytes !== undefined ? { memoryBytes: job.memoryBytes } : {}) };
      return { kind: 'lincheck', label: job.label, result: checkPart(model, job.ops, budget) };
    }
    case 'explore':
      return { kind: 'explore', ks: job.ks, ...searchFor(job.planId, job.plan).batch(job.ks) };
  }
}
