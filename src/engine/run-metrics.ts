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
