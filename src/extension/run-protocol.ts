/**
 * The messages between the extension host and its run worker
 * (dist/run-worker.cjs), declared once here and imported by both sides. A job
 * goes in as `workerData`; the worker answers with progress messages and one
 * `done` (or `failed`). Cancellation is a shared flag the simulator polls
 * (`Atomics.load(flag, 0) === 1`), so a cancelled run still ends cleanly with
 * `end.reason = 'cancelled'` instead of the thread being killed mid-write.
 */
import type { Diagnostic } from '../dsl/compile.js';
import type { RunEnd, TraceCheck } from '../trace/format.js';
import type { SourceRange } from '../engine/spec.js';
import type { ExhaustiveResult } from '../explore/exhaustive.js';
import type { ExhaustiveFinding, ExhaustivePlan } from '../explore/exhaustive-explore.js';

export interface RunJob {
  /** Absolute path of the scenario file (read from disk, with its imports). */
  readonly path: string;
  /** The path recorded in traces (workspace-relative when possible). */
  readonly display: string;
  /** Names of the scenarios to run; all of the file's scenarios when absent. */
  readonly select?: readonly string[];
  /** A `compare` block's name: runs its left and right scenarios, in that order. */
  readonly compare?: string;
  /** A `sweep` block's name: runs its variants and reports the table, no traces. */
  readonly sweep?: string;
  /** Overrides every scenario's seed (Run with seed…). */
  readonly seed?: number;
  /** The seed of scenarios that set none (the `protocolPlayground.defaultSeed` setting). */
  readonly defaultSeed?: number;
  /** Caps on every run (µs and events); 0 or absent leaves the scenario's own bound. */
  readonly maxTime?: number;
  readonly maxEvents?: number;
  /** An Int32Array(1) over this buffer; 1 means cancel. */
  readonly cancel: SharedArrayBuffer;
}

export interface ScenarioReport {
  readonly name: string;
  /** The seed it ran with (its own, the default seed setting, or an override). */
  readonly seed: number;
  readonly passed: boolean;
  readonly source?: SourceRange;
  readonly checks: readonly TraceCheck[];
  readonly end: RunEnd;
  readonly events: number;
  /** The trace as JSON text (stringifyTrace). */
  readonly trace: string;
}

export interface SweepReport {
  readonly name: string;
  readonly passed: boolean;
  readonly runs: number;
  /** The table, one line per string (src/cli/report.ts formatSweep, no colours). */
  readonly table: readonly string[];
  /** Its `chart` lines, rendered to SVG (src/charts), for light themes and for dark ones. */
  readonly charts: readonly { readonly title: string; readonly svg: string; readonly svgDark: string }[];
}

export interface RunReport {
  /** False when the file has errors: nothing ran. */
  readonly compiled: boolean;
  readonly diagnostics: readonly Diagnostic[];
  readonly scenarios: readonly ScenarioReport[];
  /** Names asked for in `select` that the file does not declare. */
  readonly missing: readonly string[];
  /** A sweep's outcome: its table as the CLI prints it. */
  readonly sweep?: SweepReport;
  readonly cancelled: boolean;
}

export type WorkerToHost =
  | { readonly type: 'progress'; readonly scenario: string; readonly time: number; readonly events: number }
  | { readonly type: 'done'; readonly report: RunReport }
  | { readonly type: 'failed'; readonly message: string };

/**
 * An *Explore* job (dist/explore-worker.cjs): random fault schedules on one
 * scenario, on every core, until the run or time budget is spent or a run
 * breaks an invariant; that run is shrunk and printed as a scenario file.
 */
export interface ExploreJob {
  readonly kind: 'random';
  readonly path: string;
  readonly display: string;
  readonly scenario: string;
  /**
   * Total runs and wall-clock milliseconds (whichever ends first), faults
   * per run, the search seed: the settings, which the scenario's `explore`
   * block overrides part by part.
   */
  readonly runs: number;
  readonly timeMs: number;
  readonly maxFaults: number;
  /** Worker threads (dist/search-worker.cjs); 1 runs in the explore worker itself. */
  readonly workers: number;
  readonly searchSeed: number;
  readonly cancel: SharedArrayBuffer;
}

/** What both searches report first: whether the file compiled, and whether it has the scenario. */
export interface SearchReportHead {
  readonly compiled: boolean;
  readonly diagnostics: readonly Diagnostic[];
  /** Set when the file has no scenario of that name. */
  readonly missing?: string;
  readonly cancelled: boolean;
}

export interface ExploreReport extends SearchReportHead {
  readonly runs: number;
  readonly seconds: number;
  readonly workers: number;
  readonly found?: {
    readonly run: number;
    readonly check: string;
    readonly message: string;
    /** The faults as found and as shrunk, one line each. */
    readonly faults: readonly string[];
    readonly shrunk: readonly string[];
    readonly shrinkRuns: number;
    /** The shrunk run as a scenario file, and whether `run` on it fails the same check. */
    readonly text: string;
    readonly reproduces: boolean;
    readonly problem?: string;
    /** Its trace as JSON text. */
    readonly trace?: string;
  };
}

/** The budget the search runs with: the settings, with what the scenario's `explore { … }` block says over them (`fromBlock` names those parts). */
export interface ExploreBudgetMessage {
  readonly type: 'budget';
  readonly runs?: number;
  readonly timeMs?: number;
  readonly maxFaults: number;
  readonly seed: number;
  readonly expect: 'safety' | 'all';
  /** `faults`, `maxFaults`, `limit` (runs and time), `seed`, `expect`: the parts the block set. */
  readonly fromBlock: readonly string[];
}

export type ExploreWorkerToHost =
  | ExploreBudgetMessage
  | { readonly type: 'progress'; readonly phase: 'search' | 'shrink'; readonly runs: number; readonly seconds: number; readonly violations: number }
  | { readonly type: 'done'; readonly report: ExploreReport }
  | { readonly type: 'failed'; readonly message: string };

/**
 * An *Explore exhaustively* job (the same dist/explore-worker.cjs, on its own
 * thread): the breadth-first search of src/explore/exhaustive-explore.ts with
 * the scenario's `explore { … }` block over the CLI's defaults, as
 * `protocol-playground explore --exhaustive` runs it. Cancel stops the search.
 */
export interface ExhaustiveJob {
  readonly kind: 'exhaustive';
  readonly path: string;
  readonly display: string;
  readonly scenario: string;
  readonly cancel: SharedArrayBuffer;
}

/** The exhaustive search's budget, sent before it starts. */
export interface ExhaustiveBudgetMessage extends Omit<ExhaustivePlan, 'from'> {
  readonly type: 'budget';
  /** The budget in one line, as the CLI prints it. */
  readonly text: string;
  /** The block's lines that set it (`faults`, `depth`, `max states`, `timers`, `time`, `network`, `storage`). */
  readonly fromBlock: readonly string[];
}

export interface ExhaustiveReport extends SearchReportHead {
  /** Absent when nothing was searched (the file has errors or no such scenario). */
  readonly verdict?: ExhaustiveResult['verdict'];
  readonly stoppedBy?: ExhaustiveResult['stoppedBy'];
  /** For `complete` and `bounded`: the verdict in words, as the CLI prints it. */
  readonly verdictText?: string;
  readonly explored: number;
  readonly unique: number;
  readonly depth: number;
  readonly seconds: number;
  /** The shortest path, and the counterexample with its trace (texts: the host writes the files). */
  readonly found?: ExhaustiveFinding;
}

export type ExhaustiveWorkerToHost =
  | ExhaustiveBudgetMessage
  | { readonly type: 'progress'; readonly phase: 'search'; readonly depth: number; readonly states: number; readonly seconds: number }
  /** A violation found at `depth`: its path is being timed as a scenario and checked. */
  | { readonly type: 'progress'; readonly phase: 'timing'; readonly check: string; readonly depth: number }
  | { readonly type: 'done'; readonly report: ExhaustiveReport }
  | { readonly type: 'failed'; readonly message: string };
