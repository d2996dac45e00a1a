/**
 * A synthetic trace of any size for the viewer's load and step measurements:
 * nodes exchange messages in rounds (send → deliver → state change), with a
 * crash, a partition and a violation, and a key frame every 10 000 events.
 */
import type { Json } from '../../src/engine/protocol.js';
import type { Keyframe, TraceDocument, TraceEvent } from '../../src/trace/format.js';

export function syntheticTrace(targetEvents: number, nodeCount = 5): TraceDocument {
  const nodes = Array.from({ length: nodeCount }, (_, k) => `n${k + 1}`);
  const events: TraceEvent[] = [];
  const counters: Record<string, number> = Object.fromEntries(nodes.map((n) => [n, 0]));
  const states = (): Record<string, Json> => Object.fromEntries(nodes.map((n) => [n, { counter: counters[n]!, peers: nodes.filter((p) => p !== n) }]));
  const keyframes: Keyframe[] = [{ i: -1, states: states() }];
  let t = 0, id = 0, seq = 0;
  const push = (e: Omit<TraceEvent, 'i'>): number => {
    const i = events.length;
    (events as unknown[]).push({ i, ...e });
    if ((i + 1) % 10_000 === 0) keyframes.push({ i, states: states() });
    return i;
  };
  while (events.length < targetEvents) {
    const from = nodes[seq % nodeCount]!, to = nodes[(seq * 7 + 1) % nodeCount === seq % nodeCount ? (seq + 1) % nodeCount : (seq * 7 + 1) % nodeCount]!;
    seq++;
    t += 100 + (seq % 7) * 10;
    const s = push({ t, kind: 'send', node: from, cause: null, msg: { id: ++id, type: seq % 3 ? 'Ping' : 'Pong', from, to, body: { seq } } } as Omit<TraceEvent, 'i'>);
    if (seq === 1000) push({ t, kind: 'crash', node: nodes[nodeCount - 1]!, cause: null } as Omit<TraceEvent, 'i'>);
    if (seq === 3000) push({ t, kind: 'restart', node: nodes[nodeCount - 1]!, cause: null } as Omit<TraceEvent, 'i'>);
    if (seq === 5000) push({ t, kind: 'partition', groups: [nodes.slice(0, 2), nodes.slice(2)], cause: null } as Omit<TraceEvent, 'i'>);
    if (seq === 8000) push({ t, kind: 'heal', cause: null } as Omit<TraceEvent, 'i'>);
    const d = push({ t: t + 50, kind: seq % 50 === 0 ? 'drop' : 'deliver', node: to, msg: id, cause: s, ...(seq % 50 === 0 ? { reason: 'loss' } : {}) } as Omit<TraceEvent, 'i'>);
    if (seq % 50 !== 0) {
      counters[to]!++;
      push({ t: t + 50, kind: 'state', node: to, cause: d, changes: [[['counter'], counters[to]!]] } as Omit<TraceEvent, 'i'>);
    }
    if (seq === 20000) push({ t: t + 50, kind: 'violation', node: to, cause: d, invariant: 'demo', message: 'a made-up violation' } as Omit<TraceEvent, 'i'>);
  }
  return {
    format: 'protocol-playground-trace', version: 1,
    scenario: { name: `synthetic ${targetEvents}`, protocol: 'synthetic', seed: 1, params: {} },
    nodes: nodes.map((n) => ({ id: n, role: 'peer' })),
    events, keyframes, checks: [], metrics: { messages: id },
    end: { reason: 'quiescent', time: t + 100, events: events.length, message: 'done' },
  };
}
