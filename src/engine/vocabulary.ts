/**
 * A protocol's vocabulary: everything the scenario language may say about it.
 *
 * It lives in the protocol's own folder, next to the state machine, and is
 * the single source for the validator (unknown names, types, ranges), hover
 * text and completion. Docs are one line, written for a person reading the
 * scenario.
 */
import type { Json, NodeId, NodeView, ParamValue, World } from './protocol.js';

/**
 * Parameter types, as written in a scenario:
 * - `int`, `number`: `3`, `0.5`
 * - `duration`: `150ms`, `1.5s`, `200us`, `2min` → integer µs
 * - `durationRange`: `150ms..300ms` → `{ min, max }` in µs (a single duration `d` means `d..d`)
 * - `percent`: `1%` → 0.01
 * - `bool`: `true` / `false`
 * - `enum`: one identifier of `choices`
 * - `string`: `"text"`
 */
export type ParamType = 'int' | 'number' | 'duration' | 'durationRange' | 'percent' | 'bool' | 'enum' | 'string';

export interface ParamSpec {
  readonly name: string;
  readonly type: ParamType;
  readonly doc: string;
  readonly default: ParamValue;
  /** Inclusive bounds for numeric types (in µs for durations). */
  readonly min?: number;
  readonly max?: number;
  /** For `enum`. */
  readonly choices?: readonly string[];
  /** `cluster` (default): set in the cluster block; `node`: set per node in `node n1 { … }`. */
  readonly scope?: 'cluster' | 'node';
}

/**
 * Argument slot types in an operation or query template:
 * - `int`, `number`, `string`, `duration`, `percent` as for parameters
 * - `key`: an identifier or a string (`x`, `"user:1"`) → string
 * - `value`: any literal (number, string, `true`/`false`) → Json
 * - `node`: a declared node's name → string (validated; go-to-definition works)
 * - `nodes`: one or more declared node names in a row (`p1 p2 p3`) → string[]
 * - `name`: a fresh identifier → string
 * - `algorithm`: an identifier → string, checked against `choices`
 */
export type ArgType = 'int' | 'number' | 'string' | 'duration' | 'percent' | 'key' | 'value' | 'node' | 'nodes' | 'name' | 'algorithm';

export interface ArgSpec {
  readonly name: string;
  readonly type: ArgType;
  readonly choices?: readonly string[];
  readonly min?: number;
  readonly max?: number;
}

/**
 * An operation or query's surface syntax as a template: words are literal
 * keywords, `<name:type>` is an argument slot, `[ … ]` is an optional group.
 * Examples: `put <key:key> = <value:value>`, `place <count:int> keys`,
 * `add <node:node> [weight <weight:int>]`. The first word is the name.
 * Omitted optional arguments are absent from `args` (the protocol applies
 * its defaults).
 */
export interface OpSpec {
  readonly name: string;
  readonly template: string;
  readonly doc: string;
  readonly args: readonly ArgSpec[];
}

/**
 * Per-run memory for invariants that need history (Raft's Figure 3 talks
 * about every leader of every term; Paxos's "one value chosen" about every
 * ballot ever accepted). The engine creates one memory per monitor per run —
 * invariants that name the same monitor object share it — so nothing is
 * kept in module scope or keyed on the world (Stateright's `History`).
 */
export interface MonitorSpec<S = unknown, M = unknown> {
  readonly name: string;
  /** A fresh memory for one run, before its first check. */
  create(world: World<S>): M;
  /**
   * Brings the memory up to date with the nodes that changed, once per step
   * that changed the world, before any invariant that uses it is checked.
   * Optional: invariants may update the memory themselves.
   */
  observe?(memory: M, world: World<S>, changed: readonly NodeView<S>[]): void;
  /**
   * Metrics the memory holds at the end of the run (anomalies a monitor
   * counted as it watched: writes lost, the most siblings seen…), merged
   * into the run's metrics after the protocol's `finalMetrics`. Optional.
   */
  metrics?(memory: M, world: World<S>): Record<string, number>;
}

/** A named predicate over the whole world, checked after every step that changed it. */
export interface InvariantSpec<S = unknown, M = any> {
  readonly name: string;
  readonly doc: string;
  /** The per-run memory this invariant reads and writes (shared with every invariant naming the same monitor). */
  readonly monitor?: MonitorSpec<S, M>;
  /**
   * null when it holds, otherwise a one-line explanation of the violation.
   *
   * `changed` lists the nodes whose view (state, status or durable state)
   * changed since the previous check in the same run — every node on the
   * first check — in the world's node order. An invariant may look only at
   * those (the cost of a step must not grow with the number of nodes); one
   * that ignores the argument stays correct. The array belongs to the caller
   * and is only valid during the call: copy it to keep it. `memory` is the
   * monitor's memory for this run (undefined without a monitor).
   */
  check(world: World<S>, changed: readonly NodeView<S>[], memory: M): string | null;
}

/**
 * A query a scenario can ask at run time: role queries (`leader`,
 * `followers`) name nodes and can be the target of `crash`, `restart`, …;
 * value queries (`committed x`, `owner "apple"`) appear in `expect` lines.
 * `metric NAME` is built in and need not be declared.
 */
export interface QuerySpec<S = unknown> {
  readonly name: string;
  readonly template: string;
  readonly doc: string;
  readonly args: readonly ArgSpec[];
  /** `nodes`: returns NodeId[] (a role query); otherwise a JSON value. */
  readonly returns: 'nodes' | 'number' | 'string' | 'bool' | 'value';
  evaluate(world: World<S>, args: Readonly<Record<string, Json>>): Json | NodeId[];
}

export interface MessageSpec {
  readonly type: string;
  readonly doc: string;
}

export interface Vocabulary<S = unknown> {
  /** One line for hover on the protocol's name. */
  readonly doc: string;
  readonly params: readonly ParamSpec[];
  readonly ops: readonly OpSpec[];
  readonly invariants: readonly InvariantSpec<S>[];
  readonly queries: readonly QuerySpec<S>[];
  readonly messages: readonly MessageSpec[];
  /** Metric names the protocol reports, with docs (for completion and hover). */
  readonly metrics: readonly { name: string; doc: string }[];
  /**
   * The sequential model the protocol's client operations follow, so `expect
   * linearizable` applies (checked by src/checks, generic). Absent: the
   * client history is not checked.
   */
  readonly history?: HistorySpec;
}

/** Models the linearizability checker knows (src/checks/models.ts). */
export type ModelName = 'register' | 'kv';

/**
 * How a protocol's client operations map onto a sequential model.
 * - `register`: one value; operations `read`, `write VALUE`, `cas EXPECTED VALUE`.
 * - `kv`: a map of registers, checked key by key; `get KEY`, `put KEY VALUE`,
 *   `append KEY VALUE` (string concatenation; an absent value is ""), `cas KEY EXPECTED VALUE`.
 * Arguments are read from the op's args by the model's names (`key`,
 * `value`, `expected`).
 */
export interface HistorySpec {
  readonly model: ModelName;
  /**
   * Protocol operation name → the model's operation; operations not listed
   * are not part of the history. Default: the names are the model's own.
   */
  readonly ops?: Readonly<Record<string, string>>;
}
