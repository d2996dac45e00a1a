/**
 * The metrics every run reports whatever the protocol, next to the
 * protocol's own and the scenario's measures: one list, read by `expect …
 * metric NAME` during the run, reported at the end, and offered by the
 * language's completion.
 */

/** What a run metric is computed from. */
export interface RunCounters {
  /** Events recorded. */
  readonly events: number;
  /** Messages sent. */
  readonly messages: number;
  /** Messages dropped (loss, partition, rule, crashed or paused receiver, write lost). */
  readonly dropped: number;
  /** Simulated time now (µs). */
  readonly now: number;
}

export interface RunMetric {
  readonly name: string;
  readonly doc: string;
  read(c: RunCounters): number;
}

export const RUN_METRIC_LIST: readonly RunMetric[] = [
  { name: 'events', doc: 'Events recorded in the trace.', read: (c) => c.events },
  { name: 'messages', doc: 'Messages sent.', read: (c) => c.messages },
  { name: 'dropped', doc: 'Messages dropped (loss, partition, rule, a crashed or paused receiver, a write lost in a crash).', read: (c) => c.dropped },
  { name: 'end_time_ms', doc: 'Simulated time in ms (at the end of the run: when it ended).', read: (c) => c.now / 1000 },
];

const byName = new Map(RUN_METRIC_LIST.map((m) => [m.name, m]));

/** The run metric `name`, or undefined when it is not one. */
export function runMetric(name: string): RunMetric | undefined {
  return byName.get(name);
}

/** Every run metric's value. */
export function runMetrics(c: RunCounters): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of RUN_METRIC_LIST) out[m.name] = m.read(c);
  return out;
}

/**
 * The metrics the runner derives from the client history when the run ends,
 * for a protocol whose vocabulary names a client model (src/checks/client-metrics.ts
 * computes them; a protocol lists them among its metrics for completion and hover).
 */
export const CLIENT_METRIC_LIST: readonly { readonly name: string; readonly doc: string }[] = [
  { name: 'ops', doc: 'Client operations of the store\'s model invoked during the run.' },
  { name: 'availability', doc: 'Fraction of client operations answered ok (failures, give-ups and operations still pending count as unanswered).' },
  { name: 'read_latency_p50_ms', doc: 'Median latency (ms) of the reads answered ok, from invocation to reply.' },
  { name: 'read_latency_p99_ms', doc: '99th-percentile latency (ms) of the reads answered ok.' },
  { name: 'write_latency_p50_ms', doc: 'Median latency (ms) of the writes answered ok, from invocation to reply.' },
  { name: 'write_latency_p99_ms', doc: '99th-percentile latency (ms) of the writes answered ok.' },
  { name: 'stale_reads', doc: 'Reads that returned only values already overwritten (in real time) before the read began.' },
  { name: 'sibling_reads', doc: 'Reads answered with several concurrent values (siblings) instead of one.' },
];
