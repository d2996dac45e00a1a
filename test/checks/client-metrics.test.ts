// What the clients saw, as metrics (src/checks/client-metrics.ts): availability,
// latency percentiles and stale reads, from client and reply events.
import assert from 'node:assert/strict';
import { clientMetrics, quantile } from '../../src/checks/client-metrics.js';
import type { Json } from '../../src/engine/protocol.js';
import type { TraceEvent } from '../../src/trace/format.js';

type Op = { id: string; name: string; args: Record<string, Json>; call: number; ret?: number; ok?: boolean; result?: Json };

/** The client and reply events of some operations, in time order. */
function events(ops: Op[]): TraceEvent[] {
  const out: { t: number; e: TraceEvent }[] = [];
  for (const o of ops) {
    out.push({ t: o.call, e: { t: o.call, kind: 'client', node: 'n1', op: { id: o.id, name: o.name, args: o.args } } as TraceEvent });
    if (o.ret !== undefined) out.push({ t: o.ret, e: { t: o.ret, kind: 'reply', node: 'n1', op: o.id, ok: o.ok ?? true, ...(o.result !== undefined ? { result: o.result } : {}) } as TraceEvent });
  }
  return out.sort((a, b) => a.t - b.t).map((x) => x.e);
}

const put = (id: string, value: Json, call: number, ret?: number, ok = true): Op => ({ id, name: 'put', args: { key: 'x', value }, call, ret, ok, result: null });
const get = (id: string, result: Json, call: number, ret: number): Op => ({ id, name: 'get', args: { key: 'x' }, call, ret, ok: true, result });
const KV = { model: 'kv' } as const;

describe('client metrics (src/checks/client-metrics.ts)', () => {
  it('availability is the fraction of operations answered ok; failures and unanswered ones count against it', () => {
    const m = clientMetrics(events([put('c1', 1, 0, 1000), put('c2', 2, 0), get('c3', 1, 0, 2000), { ...get('c4', null, 0, 500), ok: false }]), KV);
    assert.equal(m.ops, 4);
    assert.equal(m.availability, 0.5);
  });

  it('with no operations availability is 1 and no latency is reported', () => {
    const m = clientMetrics([], KV);
    assert.equal(m.availability, 1);
    assert.equal(m.read_latency_p50_ms, undefined);
  });

  it('read and write latencies are nearest-rank percentiles in ms over the operations answered ok', () => {
    const reads = Array.from({ length: 100 }, (_, i) => get(`r${i}`, null, 0, (i + 1) * 1000));
    const m = clientMetrics(events([...reads, put('w1', 1, 0, 3000), put('w2', 2, 0, 5000)]), KV);
    assert.equal(m.read_latency_p50_ms, 50);
    assert.equal(m.read_latency_p99_ms, 99);
    assert.equal(m.write_latency_p50_ms, 3);
    assert.equal(m.write_latency_p99_ms, 5);
    assert.equal(quantile([1, 2, 3, 4], 0.5), 2);
  });

  it('a read returning a value overwritten before it began is stale; one concurrent with the overwrite is not', () => {
    const base = [put('c1', 1, 0, 10), put('c2', 2, 20, 30)];
    assert.equal(clientMetrics(events([...base, get('c3', 1, 40, 50)]), KV).stale_reads, 1);
    assert.equal(clientMetrics(events([...base, get('c3', 1, 25, 50)]), KV).stale_reads, 0);
    assert.equal(clientMetrics(events([...base, get('c3', 2, 40, 50)]), KV).stale_reads, 0);
  });

  it('reading "absent" after a completed write is stale; siblings with one fresh value are not, but count as sibling reads', () => {
    const base = [put('c1', 1, 0, 10), put('c2', 2, 20, 30)];
    assert.equal(clientMetrics(events([...base, get('c3', null, 40, 50)]), KV).stale_reads, 1);
    const m = clientMetrics(events([...base, get('c3', { siblings: [1, 2] }, 40, 50)]), KV);
    assert.equal(m.stale_reads, 0);
    assert.equal(m.sibling_reads, 1);
  });

  it('a value whose write has an unknown outcome is never judged stale (it may have taken effect late)', () => {
    const m = clientMetrics(events([put('c1', 1, 0), put('c2', 2, 20, 30), get('c3', 1, 40, 50)]), KV);
    assert.equal(m.stale_reads, 0);
  });
});
