/**
 * ScenarioSpec: a scenario compiled to plain data, the only thing the
 * simulator runs. `src/dsl/compile.ts` produces it from scenario text; tests
 * and benchmarks may build one by hand. Every time is integer microseconds,
 * every probability a number in [0, 1]. Names are already resolved and
 * checked; the simulator trusts the shape but still never throws on a
 * protocol fault (those become trace events).
 */
import type { FaultKind } from './fault-kinds.js';
import type { Json, NodeId, Params } from './protocol.js';
import { RUN_METRIC_LIST } from './run-metrics.js';

/** Where a scripted thing came from in the scenario file (1-based lines and columns, end exclusive). */
export interface SourceRange {
  readonly line: number;
  readonly col: number;
  readonly endLine: number;
  readonly endCol: number;
}

/** A latency (or storage delay) distribution, in µs. */
export type Distribution =
  | { readonly kind: 'fixed'; readonly value: number }
  | { readonly kind: 'uniform'; readonly min: number; readonly max: number }
  | { readonly kind: 'normal'; readonly mean: number; readonly stddev: number }
  | { readonly kind: 'lognormal'; readonly median: number; readonly sigma: number };

export interface LinkSpec {
  /** Message-level behaviour; omitted fields fall back to the network's. */
  readonly latency?: Distribution;
  readonly loss?: number;
  readonly duplicate?: number;
  /** Probability that a message gets an extra random delay of up to `reorderWindow`, overtaking others. */
  readonly reorder?: number;
}

export interface NetworkSpec extends LinkSpec {
  readonly latency: Distribution;
  readonly loss: number;
  readonly duplicate: number;
  readonly reorder: number;
  /** Maximum extra delay for reordered messages (µs). */
  readonly reorderWindow: number;
  /** Per directed link overrides, `link n1 -> n2 { … }`. */
  readonly links: readonly { readonly from: NodeId; readonly to: NodeId; readonly spec: LinkSpec }[];
}

export interface StorageSpec {
  /** Time for a persist to become durable (fsync), per node unless overridden. Default fixed 0. */
  readonly latency: Distribution;
  readonly perNode?: Readonly<Record<NodeId, Distribution>>;
}

/** Who an action applies to: named nodes, or a role query resolved when the action runs. */
export type Target =
  | { readonly kind: 'nodes'; readonly nodes: readonly NodeId[] }
  | { readonly kind: 'query'; readonly query: string; readonly args: Readonly<Record<string, Json>> };

export type Action =
  | { readonly kind: 'client'; readonly target?: Target; readonly op: string; readonly args: Readonly<Record<string, Json>> }
  | { readonly kind: 'crash' | 'restart' | 'pause' | 'resume'; readonly target: Target }
  /** Only nodes in the same group can talk; nodes in no group are isolated from all groups' members. */
  | { readonly kind: 'partition'; readonly groups: readonly (readonly NodeId[])[] }
  /** One-way cut: messages from `from` to `to` are lost (the other direction still works). */
  | { readonly kind: 'cut'; readonly from: NodeId; readonly to: NodeId }
  /** Remove every partition and cut. */
  | { readonly kind: 'heal' }
  | { readonly kind: 'note'; readonly text: string }
  /** Clock drift on this node's timers: a timer set for d µs fires after d * rate. */
  | { readonly kind: 'drift'; readonly target: Target; readonly rate: number };

export interface TimedAction {
  /**
   * When it happens (µs): an absolute time, or with `after`, the time from
   * that earlier action. `after` lines that follow a fixed time are resolved
   * to absolute times by the compiler.
   */
  readonly at: number;
  /**
   * `at 1s..1.075s`: a random time, drawn for each run uniformly from
   * `at`..`atMax` (whole µs) from the scenario's seed, on its own stream
   * (`actions`), so the network's and the nodes' draws do not shift.
   */
  readonly atMax?: number;
  /**
   * The index in `actions` of an earlier action whose (drawn) time `at` counts
   * from: an `after D` line after a line with a random time.
   */
  readonly after?: number;
  readonly action: Action;
  readonly source?: SourceRange;
  /** `every 10ms …`: repeat with this period until `until` (or the end of the run). */
  readonly every?: number;
  readonly until?: number;
}

/** A message pattern: type and endpoints; omitted fields match anything. */
export interface MessagePattern {
  readonly type?: string;
  readonly from?: NodeId;
  readonly to?: NodeId;
}

/** A role query as a pattern: the event's node is one the query names at that instant (`on crash leader`: the node that was leader as it crashed). */
export interface RolePattern {
  readonly query: string;
  readonly args: Readonly<Record<string, Json>>;
}

/** What an event rule (and a measurement's start) matches: a kind of event and a pattern; omitted fields match anything. */
export interface EventPattern {
  /** `send`: when a node sends; `deliver`: when a message is about to be delivered; the others fire after such an event. */
  readonly on: 'send' | 'deliver' | 'timer' | 'client' | 'reply' | 'crash' | 'restart';
  readonly pattern: MessagePattern & { readonly node?: NodeId; readonly role?: RolePattern; readonly name?: string };
}

/** What a rule does to the message that matched (for `send` / `deliver` rules). */
export type Disposition =
  | { readonly kind: 'drop' }
  | { readonly kind: 'delay'; readonly by: number }
  | { readonly kind: 'duplicate'; readonly copies: number }
  /** Keep the message back until time `until` (µs), or until the heal of the network if absent. */
  | { readonly kind: 'hold'; readonly until?: number };

export interface RuleSpec extends EventPattern {
  /** `next`: fires once, on the first match; `every`: on each match. */
  readonly times: 'next' | 'every';
  /** Optional window (µs) in which the rule is active. */
  readonly from?: number;
  readonly until?: number;
  readonly disposition?: Disposition;
  /**
   * Event-triggered actions, run `delay` µs after the matching event (0 = at
   * once); with `delayMax`, a delay drawn uniformly from `delay`..`delayMax`
   * each time the rule fires (stream `rule-actions` of the seed).
   */
  readonly actions: readonly { readonly delay: number; readonly delayMax?: number; readonly action: Action; readonly source?: SourceRange }[];
  readonly source?: SourceRange;
}

/** A condition over the world: a query, optionally compared with a value. */
export interface Condition {
  /** A name from the protocol's queries, or `metric`. */
  readonly query: string;
  readonly args: Readonly<Record<string, Json>>;
  /** Omitted: the query's result must be truthy (a non-empty node list, true, non-zero). */
  readonly compare?:
    | { readonly op: '=' | '!=' | '<' | '<=' | '>' | '>='; readonly value: Json }
    | { readonly op: 'in'; readonly min: number; readonly max: number };
}

export type Expectation =
  /** Each named invariant holds after every step. */
  | { readonly kind: 'always'; readonly invariants: readonly string[]; readonly source?: SourceRange }
  /** The named invariant is violated at some step (for scenarios that demonstrate a bug). */
  | { readonly kind: 'violated'; readonly invariant: string; readonly source?: SourceRange }
  /**
   * The condition becomes true at some step at or after `after` (default 0)
   * and no later than `after + within` (default: the end). With `measure`,
   * the time that took (ms from `after`) is recorded as that metric — how a
   * scenario measures, say, the leaderless gap after it crashes a leader.
   */
  | { readonly kind: 'eventually'; readonly condition: Condition; readonly after?: number; readonly within?: number; readonly measure?: string; readonly source?: SourceRange }
  /** The condition holds when the run ends. */
  | { readonly kind: 'atEnd'; readonly condition: Condition; readonly source?: SourceRange }
  /**
   * The client history (invocations and replies in the trace) is linearizable
   * for the protocol's client model — or, with `violated` (`expect violated
   * linearizable`), is not. Evaluated after the run by the runner
   * (`src/runner/linearizable.ts`), not by the simulator.
   */
  | { readonly kind: 'linearizable'; readonly violated?: boolean; readonly source?: SourceRange };

/**
 * `measure NAME from EVENT|TIME until CONDITION [within D]`: the time (ms)
 * from the first event matching `from` (or from a fixed time) until the
 * condition first holds, recorded as metric NAME for the run. A run in which
 * the condition never holds by the end (or within D) records no value, and
 * a sweep counts it as missing.
 */
export interface MeasureSpec {
  readonly name: string;
  readonly from: { readonly at: number } | EventPattern;
  readonly until: Condition;
  readonly within?: number;
  readonly source?: SourceRange;
}

export interface RunBounds {
  /** Stop at this simulated time (µs) — `run until 6s`. */
  readonly until?: number;
  /** Stop as soon as this condition holds — `run until leader`. */
  readonly untilCondition?: Condition;
  /** Hard limits; reaching one ends the run with a clear reason. */
  readonly maxTime: number;
  readonly maxEvents: number;
}

/** `explore { faults crash 2, partition … }`: a kind of fault random search may draw, and the most of it in one run. */
export interface FaultAllowance {
  readonly kind: FaultKind;
  /** Omitted: up to the run's `maxFaults` (for `--exhaustive`: one). */
  readonly max?: number;
}

/**
 * The scenario's `explore { … }` block: the budget `protocol-playground
 * explore` and the *Explore* CodeLens use for it. Every field is optional,
 * and only what the block says is set, so a caller can tell "not said"
 * from a default: a command-line flag overrides its field, a field
 * overrides the default (src/explore/budget.ts resolves them). The
 * simulator ignores it.
 */
export interface ExploreSpec {
  /** `faults KIND [N], …`: the kinds random search draws (absent: all of them). */
  readonly faults?: readonly FaultAllowance[];
  /** `max faults N`: faults per run, all kinds together. */
  readonly maxFaults?: number;
  /** `runs N` / `time T` (µs of wall-clock time): the search's budget; together, whichever ends first. */
  readonly runs?: number;
  readonly time?: number;
  /** `seed S`: the search seed (not the scenario's `seed`). */
  readonly seed?: number;
  /** `expect safety|all`: which expect lines count as violations. */
  readonly expect?: 'safety' | 'all';
  /** `depth D`, `max states N`, `timers N`: the exhaustive search's bounds (`--exhaustive` only). */
  readonly depth?: number;
  readonly maxStates?: number;
  readonly timers?: number;
  /** `network async|lockstep`, `storage instant|latency`: the exhaustive search's models (src/explore/exhaustive.ts). */
  readonly network?: 'async' | 'lockstep';
  readonly storage?: 'instant' | 'latency';
  readonly source?: SourceRange;
}

export interface ScenarioSpec {
  readonly name: string;
  /** The scenario file's workspace-relative path, for the trace. */
  readonly file?: string;
  readonly source?: SourceRange;
  readonly protocol: string;
  /** Cluster parameters with defaults filled in. */
  readonly params: Params;
  /** Nodes as declared (the protocol may add implicit ones), in order. */
  readonly nodes: readonly NodeId[];
  readonly nodeParams: Readonly<Record<NodeId, Params>>;
  readonly seed: number;
  readonly network: NetworkSpec;
  readonly storage: StorageSpec;
  readonly actions: readonly TimedAction[];
  readonly rules: readonly RuleSpec[];
  readonly run: RunBounds;
  readonly expectations: readonly Expectation[];
  /** `measure` lines (optional: specs built by hand may leave it out). */
  readonly measures?: readonly MeasureSpec[];
  /** The `explore { … }` block, when the scenario has one. */
  readonly explore?: ExploreSpec;
}

/** Defaults the compiler applies when a scenario says nothing. */
export const DEFAULT_NETWORK: NetworkSpec = {
  latency: { kind: 'fixed', value: 1000 },
  loss: 0,
  duplicate: 0,
  reorder: 0,
  reorderWindow: 10000,
  links: [],
};
export const DEFAULT_STORAGE: StorageSpec = { latency: { kind: 'fixed', value: 0 } };
/** 10 simulated minutes and ten million events: generous, but a runaway still ends. */
export const DEFAULT_MAX_TIME = 600_000_000;
export const DEFAULT_MAX_EVENTS = 10_000_000;

/** The names of the metrics every run reports (run-metrics.ts has their docs and values). */
export const RUN_METRICS: readonly string[] = RUN_METRIC_LIST.map((m) => m.name);
