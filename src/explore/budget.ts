/**
 * Where explore's budget comes from, part by part: what the caller was told
 * explicitly (the command line's flags), else the scenario's `explore { … }`
 * block (ExploreSpec), else the defaults (the command line's, or the
 * *Explore* CodeLens's settings). One function for each search, used by the
 * CLI and the CodeLens alike, so the precedence is written once.
 *
 * The parts: the fault kinds (`--faults` / `faults`), the faults per run
 * (`--max-faults` / `max faults`), the search seed, the expect mode, and the
 * run budget — `--runs` and `--time` (`runs` and `time`) count as one: a
 * budget given on the command line replaces the block's whole, so
 * `--time 10s` is ten seconds even when the block says `runs 2000`. The
 * exhaustive search's depth, states, timers, time, network and storage are
 * taken one by one.
 */
import type { ExploreSpec, FaultAllowance } from '../engine/spec.js';
import type { ExpectMode } from './candidate.js';
import type { SearchNetwork, SearchStorage } from './exhaustive.js';
import { FAULT_KINDS, type FaultBudget, type FaultKind } from './faults.js';

/** Where a part of the budget came from. */
export type Origin = 'flag' | 'block' | 'default';

/** What the caller was told explicitly; each part given overrides the block's. */
export interface ExploreOverrides {
  readonly faults?: readonly FaultAllowance[];
  readonly maxFaults?: number;
  readonly runs?: number;
  readonly timeMs?: number;
  readonly seed?: number;
  readonly expect?: ExpectMode;
  readonly depth?: number;
  readonly maxStates?: number;
  readonly timers?: number;
  readonly network?: SearchNetwork;
  readonly storage?: SearchStorage;
}

export interface RandomDefaults {
  /** Runs and wall-clock ms; at least one of them. */
  readonly runs?: number;
  readonly timeMs?: number;
  readonly maxFaults: number;
  readonly seed: number;
  readonly expect: ExpectMode;
}

/** `protocol-playground explore`'s defaults: 1000 runs, 4 faults per run of every kind, search seed 1, `expect safety`. */
export const CLI_DEFAULTS: RandomDefaults = { runs: 1000, maxFaults: 4, seed: 1, expect: 'safety' };

export interface RandomBudget {
  readonly faults: FaultBudget;
  readonly runs?: number;
  readonly timeMs?: number;
  readonly seed: number;
  readonly expect: ExpectMode;
  readonly from: { readonly faults: Origin; readonly maxFaults: Origin; readonly limit: Origin; readonly seed: Origin; readonly expect: Origin };
}

function pick<T>(flag: T | undefined, block: T | undefined, fallback: T): [T, Origin] {
  if (flag !== undefined) return [flag, 'flag'];
  if (block !== undefined) return [block, 'block'];
  return [fallback, 'default'];
}

/** The random search's budget: flags over the block over the defaults. A kind listed without a count may happen up to the faults per run. */
export function randomBudget(block: ExploreSpec | undefined, over: ExploreOverrides, defaults: RandomDefaults): RandomBudget {
  const [max, maxFrom] = pick(over.maxFaults, block?.maxFaults, defaults.maxFaults);
  const [allowances, faultsFrom] = pick<readonly FaultAllowance[] | undefined>(over.faults, block?.faults, undefined);
  const kinds = allowances === undefined
    ? Object.fromEntries(FAULT_KINDS.map((k) => [k, max]))
    : Object.fromEntries(allowances.map((a) => [a.kind, a.max ?? max]));
  const [seed, seedFrom] = pick(over.seed, block?.seed, defaults.seed);
  const [expect, expectFrom] = pick(over.expect, block?.expect, defaults.expect);
  let limit: { runs?: number; timeMs?: number } = defaults;
  let limitFrom: Origin = 'default';
  if (over.runs !== undefined || over.timeMs !== undefined) {
    limit = over;
    limitFrom = 'flag';
  } else if (block?.runs !== undefined || block?.time !== undefined) {
    limit = { ...(block.runs !== undefined ? { runs: block.runs } : {}), ...(block.time !== undefined ? { timeMs: block.time / 1000 } : {}) };
    limitFrom = 'block';
  }
  return {
    faults: { kinds, max }, seed, expect,
    ...(limit.runs !== undefined ? { runs: limit.runs } : {}), ...(limit.timeMs !== undefined ? { timeMs: limit.timeMs } : {}),
    from: { faults: faultsFrom, maxFaults: maxFrom, limit: limitFrom, seed: seedFrom, expect: expectFrom },
  };
}

/** The exhaustive search's bounds, each flag over the block over the default (depth 20, 2 000 000 states, one crash and one restart). */
export interface ExhaustiveLimits {
  readonly crash: number;
  readonly restart: number;
  readonly duplicate: number;
  readonly depth: number;
  readonly maxStates: number;
  readonly timers?: number;
  readonly timeMs?: number;
  readonly network: SearchNetwork;
  /** Absent: the scenario's (see SearchStorage). */
  readonly storage?: SearchStorage;
  /** Where each part came from (a part with no default is `default` when nothing set it). */
  readonly from: { readonly [K in ExhaustivePart]: Origin };
}

/** The parts of the exhaustive search's budget, as its block lines name them. */
export const EXHAUSTIVE_PARTS = ['faults', 'depth', 'max states', 'timers', 'time', 'network', 'storage'] as const;
export type ExhaustivePart = (typeof EXHAUSTIVE_PARTS)[number];

const EXHAUSTIVE_FAULTS: readonly FaultAllowance[] = [{ kind: 'crash', max: 1 }, { kind: 'restart', max: 1 }];

/** A kind listed without a count is one fault; kinds the exhaustive search does not draw (it has every partition and loss already) are ignored. */
export function exhaustiveLimits(block: ExploreSpec | undefined, over: ExploreOverrides): ExhaustiveLimits {
  const [allowances, faultsFrom] = pick(over.faults, block?.faults, EXHAUSTIVE_FAULTS);
  const count = (k: FaultKind): number => {
    const a = allowances.find((x) => x.kind === k);
    return a === undefined ? 0 : a.max ?? 1;
  };
  const [depth, depthFrom] = pick(over.depth, block?.depth, 20);
  const [maxStates, statesFrom] = pick(over.maxStates, block?.maxStates, 2_000_000);
  const [timers, timersFrom] = pick<number | undefined>(over.timers, block?.timers, undefined);
  const [timeMs, timeFrom] = pick<number | undefined>(over.timeMs, block?.time !== undefined ? block.time / 1000 : undefined, undefined);
  const [network, networkFrom] = pick<SearchNetwork>(over.network, block?.network, 'async');
  const [storage, storageFrom] = pick<SearchStorage | undefined>(over.storage, block?.storage, undefined);
  return {
    crash: count('crash'), restart: count('restart'), duplicate: count('duplicate'), depth, maxStates, network,
    ...(timers !== undefined ? { timers } : {}), ...(timeMs !== undefined ? { timeMs } : {}), ...(storage !== undefined ? { storage } : {}),
    from: { faults: faultsFrom, depth: depthFrom, 'max states': statesFrom, timers: timersFrom, time: timeFrom, network: networkFrom, storage: storageFrom },
  };
}
