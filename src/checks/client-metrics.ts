/**
 * What the clients saw, as metrics: for a protocol whose client operations
 * follow a sequential model (`history` in its vocabulary), the runner derives
 * these from the trace's `client` and `reply` events when the run ends.
 *
 * - `availability`: the fraction of the model's operations answered with
 *   `ok` (1 when there were none). A definite failure, an operation given up
 *   with an unknown outcome and one still pending at the end all count as
 *   unanswered — Gilbert & Lynch's availability: every request gets a
 *   (non-error) response.
 * - Latencies (ms, from invocation to reply) of the reads and of the writes
 *   answered `ok`, median and 99th percentile (nearest rank); absent when no
 *   such operation was answered.
 * - `stale_reads`: reads that returned only values that had already been
 *   overwritten before the read began — for every value returned, every
 *   write of that value had completed before some other write, itself
 *   completed before the read's invocation, began. (A read returning
 *   "absent" is stale when any write completed before it began.) Only keys
 *   written by plain writes (`put`, `write`) are judged: append and cas
 *   results are not values a read can be matched with. A linearizable
 *   history has none; the converse does not hold.
 * - `sibling_reads`: reads answered with several concurrent values at once
 *   (`{ siblings: [...] }`, Dynamo §4.4), which no single register returns.
 */
import type { HistorySpec, Json } from '../engine/index.js';
import type { TraceEvent } from '../trace/format.js';
import { modelInput, type ModelInput } from './history.js';
import { jsonEqual } from './models.js';

interface Op {
  readonly id: string;
  readonly input: ModelInput;
  readonly call: number;
  ret?: number;
  ok?: boolean;
  result?: Json;
}

/** Nearest-rank quantile of sorted values (the median of an even count is the lower middle). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new RangeError('quantile: no values');
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

const isRead = (i: ModelInput): boolean => i.op === 'get' || i.op === 'read';
const isPlainWrite = (i: ModelInput): boolean => i.op === 'put' || i.op === 'write';
const keyOf = (i: ModelInput): string => ('key' in i ? i.key : '');

/** The values a read returned: the siblings of a `{ siblings: [...] }` result, else the one value. */
export function valuesRead(result: Json | undefined): Json[] {
  if (result !== null && typeof result === 'object' && !Array.isArray(result) && Array.isArray(result.siblings)) return result.siblings;
  return [result ?? null];
}

function hasSiblings(result: Json | undefined): boolean {
  return result !== null && typeof result === 'object' && !Array.isArray(result) && Array.isArray(result.siblings);
}

/** The client metrics of a trace's client and reply events (in trace order). */
export function clientMetrics(events: readonly TraceEvent[], spec: HistorySpec): Record<string, number> {
  const ops = new Map<string, Op>();
  for (const e of events) {
    if (e.kind === 'client') {
      const name = spec.ops === undefined ? e.op.name : spec.ops[e.op.name];
      const input = name === undefined ? undefined : modelInput(spec.model, name, e.op.args);
      if (input !== undefined && !ops.has(e.op.id)) ops.set(e.op.id, { id: e.op.id, input, call: e.t });
    } else if (e.kind === 'reply') {
      const op = ops.get(e.op);
      if (op !== undefined && op.ret === undefined) {
        op.ret = e.t;
        op.ok = e.ok;
        op.result = e.result;
      }
    }
  }
  const all = [...ops.values()];
  const answered = all.filter((o) => o.ok === true);
  const out: Record<string, number> = {
    ops: all.length,
    availability: all.length === 0 ? 1 : answered.length / all.length,
  };
  const latencies = (pick: (i: ModelInput) => boolean) => answered.filter((o) => pick(o.input)).map((o) => (o.ret! - o.call) / 1000).sort((a, b) => a - b);
  const reads = latencies(isRead);
  const writes = latencies((i) => !isRead(i));
  if (reads.length > 0) {
    out.read_latency_p50_ms = quantile(reads, 0.5);
    out.read_latency_p99_ms = quantile(reads, 0.99);
  }
  if (writes.length > 0) {
    out.write_latency_p50_ms = quantile(writes, 0.5);
    out.write_latency_p99_ms = quantile(writes, 0.99);
  }
  out.stale_reads = staleReads(all);
  out.sibling_reads = answered.filter((o) => isRead(o.input) && hasSiblings(o.result)).length;
  return out;
}

/** Reads that returned only values overwritten before they began (see the module header). */
function staleReads(all: readonly Op[]): number {
  const byKey = new Map<string, Op[]>();
  for (const o of all) {
    const k = keyOf(o.input);
    const list = byKey.get(k);
    if (list) list.push(o);
    else byKey.set(k, [o]);
  }
  let stale = 0;
  for (const ops of byKey.values()) {
    if (ops.some((o) => !isRead(o.input) && !isPlainWrite(o.input))) continue;
    const writes = ops.filter((o) => isPlainWrite(o.input));
    const done = writes.filter((w) => w.ok === true);
    for (const r of ops) {
      if (!isRead(r.input) || r.ok !== true) continue;
      // Writes completed before the read began: each one overwrote whatever was written entirely before it.
      const before = done.filter((w) => w.ret! < r.call);
      if (before.length === 0) continue;
      const overwritten = (v: Json): boolean => {
        const sources = writes.filter((w) => jsonEqual((w.input as { value: Json }).value, v));
        // "absent" (null) was never written: it is overwritten by any completed write.
        if (sources.length === 0) return v === null;
        return before.some((w2) => sources.every((w) => w.ret !== undefined && w.ok === true && w.ret < w2.call));
      };
      if (valuesRead(r.result).every(overwritten)) stale++;
    }
  }
  return stale;
}
