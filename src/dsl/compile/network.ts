/**
 * The network and storage of a scenario: latency distributions (`5ms`,
 * `5ms..15ms`, `normal MEAN SD`, `lognormal MEDIAN SIGMA`), loss,
 * duplication and reordering, per-link overrides (`link a -> b { … }`), and
 * storage latency with per-node overrides (`latency 10ms on n1`).
 */
import type { NodeId } from '../../engine/protocol.js';
import type { Distribution as SpecDistribution, LinkSpec, NetworkSpec, StorageSpec } from '../../engine/spec.js';
import type { Distribution, LinkSetting, Network, Storage } from '../generated/ast.js';
import { literalText, quantityNumber, quantityPercent, quantityTime } from '../_units.js';
import type { CompileContext, Mutable } from './context.js';
import { nodeItem, singleNode } from './nodes.js';

export function compileDistribution(cx: CompileContext, d: Distribution | undefined, what: string): SpecDistribution | undefined {
  if (!d) return undefined;
  if (d.kind === 'normal') {
    const mean = cx.take(quantityTime(d.a, `${what} mean`), d, 'a');
    const sd = cx.take(quantityTime(d.b, `${what} standard deviation`), d, 'b');
    return mean !== undefined && sd !== undefined ? { kind: 'normal', mean, stddev: sd } : undefined;
  }
  if (d.kind === 'lognormal') {
    const median = cx.take(quantityTime(d.a, `${what} median`), d, 'a');
    const sigma = cx.take(quantityNumber(d.b, `${what} sigma`), d, 'b');
    if (sigma !== undefined && sigma < 0) cx.error(d, `${what} sigma must not be negative`, 'out-of-range', 'b');
    return median !== undefined && sigma !== undefined && sigma >= 0 ? { kind: 'lognormal', median, sigma } : undefined;
  }
  const a = cx.take(quantityTime(d.a, what), d, 'a');
  if (!d.b) return a !== undefined ? { kind: 'fixed', value: a } : undefined;
  const b = cx.take(quantityTime(d.b, what), d, 'b');
  if (a === undefined || b === undefined) return undefined;
  if (b < a) {
    cx.error(d, `${what}: the range ${literalText(d.a)}..${literalText(d.b)} ends before it starts`, 'invalid-range');
    return undefined;
  }
  return { kind: 'uniform', min: a, max: b };
}

function linkSetting(cx: CompileContext, s: LinkSetting, into: Mutable<NetworkSpec>): void {
  switch (s.kind) {
    case 'latency': {
      const d = compileDistribution(cx, s.dist, 'latency');
      if (d) into.latency = d;
      break;
    }
    case 'loss':
    case 'duplicate':
    case 'reorder': {
      const p = cx.take(quantityPercent(s.value, s.kind), s, 'value');
      if (p !== undefined) into[s.kind] = p;
      if (s.window) {
        const w = cx.take(quantityTime(s.window, 'window'), s, 'window');
        if (w !== undefined) into.reorderWindow = w;
      }
      break;
    }
  }
}

/** A `network { … }` block, added to what earlier blocks of the scenario set. */
export function compileNetwork(cx: CompileContext, block: Network, network: Mutable<NetworkSpec>, links: { from: NodeId; to: NodeId; spec: LinkSpec }[]): void {
  for (const s of block.settings) {
    if (s.$type === 'Link') {
      const from = singleNode(cx, s.from, 'link');
      const to = singleNode(cx, s.to, 'link');
      const spec: Mutable<NetworkSpec> = {};
      for (const ls of s.settings) linkSetting(cx, ls, spec);
      delete spec.reorderWindow;
      if (from && to) links.push({ from, to, spec: spec as LinkSpec });
    } else linkSetting(cx, s, network);
  }
}

/** A `storage { … }` block: the new storage, with per-node latencies added to `perNode`. */
export function compileStorage(cx: CompileContext, block: Storage, storage: StorageSpec, perNode: Record<NodeId, SpecDistribution>): StorageSpec {
  let out = storage;
  for (const s of block.settings) {
    const d = compileDistribution(cx, s.dist, 'storage latency');
    if (!d) continue;
    if (s.nodes.length === 0) out = { ...out, latency: d };
    else for (const n of s.nodes.flatMap((it) => nodeItem(cx, it))) perNode[n] = d;
  }
  return out;
}
