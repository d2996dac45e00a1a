/**
 * The jobs a search worker runs, as pure functions of plain data (what
 * crosses a thread boundary by structured clone): checking one key of a
 * history for `lincheck`, and a batch of `explore` runs.
 */
import type { Json } from '../engine/protocol.js';
import type { ModelName } from '../engine/vocabulary.js';
import type { ModelInput, Operation } from '../checks/history.js';
import { checkPart, type PartResult } from '../checks/linearizability.js';
import { modelNamed, withInitial } from '../checks/models.js';

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

export type Job = LincheckJob;
export type JobResult = LincheckJobResult;

export function runJob(job: Job): JobResult {
  switch (job.kind) {
    case 'lincheck': {
      const model = withInitial(modelNamed(job.model), job.initial);
      const budget = { now: () => Date.now(), ...(job.deadline !== undefined ? { timeMs: Math.max(0, job.deadline - Date.now()) } : {}), ...(job.memoryBytes !== undefined ? { memoryBytes: job.memoryBytes } : {}) };
      return { kind: 'lincheck', label: job.label, result: checkPart(model, job.ops, budget) };
    }
  }
}
