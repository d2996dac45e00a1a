/**
 * The random search's unit of work: runs `k` of a search, each from its own
 * scenario seed and fault schedule (faults.ts `scheduleOf`), checked the way
 * candidate.ts says. Plain data in and out, so a batch runs the same in this
 * thread or in a worker (src/workers/jobs.ts), and `--shard I/N` only
 * chooses which `k` a machine runs.
 */
import type { Protocol } from '../engine/protocol.js';
import type { ScenarioSpec } from '../engine/spec.js';
import { emptyCandidate, prepareBase, runCandidate, type ExpectMode, type ExploreBase, type Finding } from './candidate.js';
import { faultTargets, scheduleOf, type Fault, type FaultBudget } from './faults.js';

/** What every run of a search shares (structured-cloneable). */
export interface SearchPlan {
  /** The base scenario as compiled (prepareBase is applied on each side). */
  readonly spec: ScenarioSpec;
  readonly budget: FaultBudget;
  readonly searchSeed: number;
  readonly expect: ExpectMode;
}

export interface FoundRun {
  readonly k: number;
  readonly seed: number;
  readonly faults: readonly Fault[];
  readonly finding: Finding;
}

export interface BatchResult {
  readonly runs: number;
  readonly events: number;
  /** The first run of the batch (in index order) that found something; the batch stops there. */
  readonly found?: FoundRun;
}

/** A prepared search: the base and the targets faults draw from, computed once per thread. */
export class Search {
  readonly base: ExploreBase;
  private readonly targets;

  constructor(readonly plan: SearchPlan, protocol: Protocol) {
    this.base = prepareBase(plan.spec, protocol, plan.expect);
    this.targets = faultTargets(this.base.spec, protocol);
  }

  schedule(k: number): { seed: number; faults: Fault[] } {
    return scheduleOf(this.plan.searchSeed, k, this.plan.budget, this.targets);
  }

  /** Runs `ks` in order, stopping at the first finding. */
  batch(ks: readonly number[]): BatchResult {
    let events = 0;
    let runs = 0;
    for (const k of ks) {
      const s = this.schedule(k);
      const r = runCandidate(this.base, emptyCandidate(s.seed, s.faults));
      runs++;
      events += r.events;
      if (r.finding !== null) return { runs, events, found: { k, seed: s.seed, faults: s.faults, finding: r.finding } };
    }
    return { runs, events };
  }
}
