/**
 * Trace format version 1: the JSON document a run produces and every view
 * (viewer, CLI summary, exporters, tests) reads. `trace.schema.json` beside
 * this file is the published contract; these types mirror it.
 *
 * The trace is an append-only list of tagged events. Node state is never
 * stored per event: `state` events carry only the changes, and `keyframes`
 * hold full states every so often, so the state at any index is the nearest
 * key frame at or before it plus the changes after it.
 *
 * Times are integer microseconds of virtual time.
 */
import type { Json, NodeId, ParamValue } from '../engine/protocol.js';
import type { SourceRange } from '../engine/spec.js';

export const TRACE_FORMAT = 'protocol-playground-trace';
export const TRACE_VERSION = 1;

export interface TraceDocument {
  readonly format: typeof TRACE_FORMAT;
  readonly version: typeof TRACE_VERSION;
  /** `protocol-playground 0.1.0`: what wrote the file. Not part of determinism checks across versions. */
  readonly generator?: string;
  readonly scenario: TraceScenario;
  readonly nodes: readonly TraceNode[];
  readonly events: readonly TraceEvent[];
  /** Full node states after event `i` (`i = -1`: the initial states, before any event). Ascending by `i`. */
  readonly keyframes: readonly Keyframe[];
  readonly checks: readonly TraceCheck[];
  readonly metrics: Readonly<Record<string, number>>;
  readonly end: RunEnd;
}

export interface TraceScenario {
  readonly name: string;
  readonly file?: string;
  readonly protocol: string;
  readonly seed: number;
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly source?: SourceRange;
  /** The scenario file's text, so a standalone viewer can show source lines. Optional. */
  readonly text?: string;
}

export interface TraceNode {
  readonly id: NodeId;
  /** The role at the start of the run. */
  readonly role: string;
}

export interface Keyframe {
  readonly i: number;
  readonly states: Readonly<Record<NodeId, Json>>;
}

/** A path into a state value: object keys and array indices. */
export type StatePath = readonly (string | number)[];
/** `[path, value]` sets (or adds) the value at path; `[path]` deletes it. */
export type StateChange = readonly [StatePath, Json] | readonly [StatePath];

export interface TraceMessage {
  /** Unique per run, in send order from 1. */
  readonly id: number;
  readonly type: string;
  readonly from: NodeId;
  readonly to: NodeId;
  readonly body?: Json;
}

interface EventBase {
  /** Position in `events`, from 0. */
  readonly i: number;
  /** Virtual time, µs. */
  readonly t: number;
  /** The event that led to this one, or null for scripted and spontaneous ones. */
  readonly cause: number | null;
  /** For scripted actions (and rule-triggered ones): the scenario line that made it happen. */
  readonly source?: SourceRange;
}

export type DropReason = 'loss' | 'partition' | 'rule' | 'crashed' | 'paused' | 'persist-lost';

export type TraceEvent =
  | (EventBase & { readonly kind: 'send'; readonly node: NodeId; readonly msg: TraceMessage })
  /** `msg` is the id of the sent message; `dup` marks a duplicate delivery. */
  | (EventBase & { readonly kind: 'deliver'; readonly node: NodeId; readonly msg: number; readonly dup?: boolean })
  | (EventBase & { readonly kind: 'drop'; readonly node: NodeId; readonly msg: number; readonly reason: DropReason })
  | (EventBase & { readonly kind: 'timer'; readonly node: NodeId; readonly name: string })
  | (EventBase & { readonly kind: 'client'; readonly node: NodeId; readonly op: { readonly id: string; readonly name: string; readonly args: Readonly<Record<string, Json>> } })
  | (EventBase & { readonly kind: 'reply'; readonly node: NodeId; readonly op: string; readonly ok: boolean; readonly result?: Json })
  | (EventBase & { readonly kind: 'crash' | 'restart' | 'pause' | 'resume'; readonly node: NodeId })
  | (EventBase & { readonly kind: 'partition'; readonly groups?: readonly (readonly NodeId[])[]; readonly cut?: readonly [NodeId, NodeId] })
  | (EventBase & { readonly kind: 'heal' })
  /** A state change of `node`, caused by event `cause`; `role` is present when the role changed. */
  | (EventBase & { readonly kind: 'state'; readonly node: NodeId; readonly changes: readonly StateChange[]; readonly role?: string })
  /** The first violation of an invariant (later ones of the same invariant are not repeated). */
  | (EventBase & { readonly kind: 'violation'; readonly node?: NodeId; readonly invariant: string; readonly message: string })
  | (EventBase & { readonly kind: 'note'; readonly node?: NodeId; readonly text: string })
  /** A write of `node` completed: its durable state is now what it last wrote; sends and replies waiting for it leave. */
  | (EventBase & { readonly kind: 'durable'; readonly node: NodeId });

export type TraceEventKind = TraceEvent['kind'];

export const EVENT_KINDS: readonly TraceEventKind[] = [
  'send', 'deliver', 'drop', 'timer', 'client', 'reply', 'crash', 'restart', 'pause', 'resume',
  'partition', 'heal', 'state', 'violation', 'note', 'durable',
];

export interface TraceCheck {
  /** The expect line as written, e.g. `always election_safety` or `at end committed x = 1`. */
  readonly name: string;
  readonly kind: 'always' | 'violated' | 'eventually' | 'atEnd' | 'linearizable';
  readonly status: 'held' | 'failed';
  /** The event where it failed (always) or was satisfied (eventually, violated). */
  readonly event?: number;
  readonly message?: string;
  readonly source?: SourceRange;
}

export interface RunEnd {
  /** `until`: reached the scenario's `run until`; `quiescent`: nothing left to do; the others are bounds. */
  readonly reason: 'until' | 'condition' | 'quiescent' | 'maxTime' | 'maxEvents' | 'cancelled';
  readonly time: number;
  readonly events: number;
  /** A human sentence, e.g. "stopped after 10000000 events (the max events bound)". */
  readonly message: string;
}
