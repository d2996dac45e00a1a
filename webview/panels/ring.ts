/**
 * The consistent-hash ring panel (Karger et al. 1997; ketama): the ring drawn
 * as a circle, each virtual node a tick at its position coloured by its
 * physical node, and a bar per node of vnodes and keys (the load histogram).
 *
 * It reads any node state that holds a list of ring points — an array under
 * `ring`, `points` or `vnodes` whose items carry a position (`point`, `hash`,
 * `position`, `pos`, `token`; a number or a hex string) and an owner (`node`,
 * `owner`, `id`) — plus optional key placements (`keys`: key → owner, or
 * `load`/`keyCounts`: owner → count). The ring's size is `space` (or 2^`bits`),
 * else 2^32, else the largest position.
 *
 * The ring router of src/protocols/ring keeps only `members`, `weights` and
 * `load` (keys per node), not the points: then the circle shows each member's
 * share of the keys as an arc (labelled as such, not as positions), and the
 * vnodes per node are the scenario's `vnodes` × weight.
 */
import type { Json } from '../../src/engine/protocol.js';
import { h, svg } from '../dom.js';
import { hue, isRecord, type PanelInput, type ProtocolPanel } from './panel.js';

interface Ring { points: { pos: number; owner: string }[]; space: number; keys: Map<string, number>; vnodes?: Map<string, number>; members?: string[] }

function num(v: Json | undefined): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^(0x)?[0-9a-f]{1,13}$/i.test(v)) return parseInt(v.replace(/^0x/i, ''), 16);
  if (typeof v === 'string' && /^(0x)?[0-9a-f]{14,}$/i.test(v)) return parseInt(v.replace(/^0x/i, '').slice(0, 13), 16) / 2 ** 52; // fraction of the ring
  return undefined;
}

function countsOf(v: Json | undefined): Map<string, number> {
  const m = new Map<string, number>();
  if (isRecord(v)) for (const [k, c] of Object.entries(v)) if (typeof c === 'number' && Number.isFinite(c)) m.set(k, c);
  return m;
}

/** The router's shape: members, weights, load (keys per node). */
function findRouter(state: Json | undefined, params: PanelInput['params']): Ring | undefined {
  if (!isRecord(state) || !Array.isArray(state.members) || !isRecord(state.load)) return undefined;
  const members = state.members.filter((m): m is string => typeof m === 'string');
  const weights = countsOf(state.weights);
  const per = typeof params.vnodes === 'number' ? params.vnodes : undefined;
  const vnodes = per === undefined ? undefined : new Map(members.map((m) => [m, Math.round(per * (weights.get(m) ?? 1))]));
  return { points: [], space: 1, keys: countsOf(state.load), members, ...(vnodes ? { vnodes } : {}) };
}

function findRing(state: Json | undefined, params: PanelInput['params']): Ring | undefined {
  if (!isRecord(state)) return undefined;
  const list = [state.ring, state.points, state.vnodes].find((v) => Array.isArray(v)) as Json[] | undefined;
  if (!list || list.length === 0) return findRouter(state, params);
  const points: Ring['points'] = [];
  let fractional = false;
  for (const item of list.slice(0, 20000)) {
    if (!isRecord(item)) return undefined;
    const raw = item.point ?? item.hash ?? item.position ?? item.pos ?? item.token;
    const pos = num(raw);
    const owner = item.node ?? item.owner ?? item.id;
    if (pos === undefined || typeof owner !== 'string') return undefined;
    if (typeof raw === 'string' && raw.replace(/^0x/i, '').length >= 14) fractional = true;
    points.push({ pos, owner });
  }
  const maxPos = Math.max(...points.map((p) => p.pos));
  let space = typeof state.space === 'number' ? state.space : typeof state.bits === 'number' ? 2 ** state.bits : fractional ? 1 : maxPos < 2 ** 32 ? 2 ** 32 : maxPos + 1;
  if (!(space > 0)) space = 1;
  const keys = new Map<string, number>();
  if (isRecord(state.keys)) for (const owner of Object.values(state.keys)) if (typeof owner === 'string') keys.set(owner, (keys.get(owner) ?? 0) + 1);
  const counts = isRecord(state.load) ? state.load : isRecord(state.keyCounts) ? state.keyCounts : undefined;
  if (counts) for (const [owner, c] of Object.entries(counts)) if (typeof c === 'number') keys.set(owner, c);
  return { points, space, keys };
}

function pickRing(input: PanelInput): Ring | undefined {
  for (const n of input.nodes) { const r = findRing(input.states[n], input.params); if (r) return r; }
  return undefined;
}

export const ringPanel: ProtocolPanel = {
  id: 'ring',
  title: 'Hash ring',
  applies: (input) => pickRing(input) !== undefined,
  render(input) {
    const ring = pickRing(input)!;
    const owners = [...new Set([...(ring.members ?? []), ...ring.points.map((p) => p.owner), ...ring.keys.keys()])].sort();
    const colour = new Map(owners.map((o, k) => [o, `hsl(${hue(k)}, 65%, 55%)`]));
    const size = 220, c = size / 2, r = size / 2 - 16;
    const byPoints = ring.points.length > 0;
    const circle = svg('svg', { class: 'ring-circle', width: size, height: size, viewBox: `0 0 ${size} ${size}`, role: 'img',
      'aria-label': byPoints ? `Hash ring with ${ring.points.length} virtual nodes of ${owners.length} nodes` : `Share of the keys per node (${owners.length} nodes)` });
    circle.append(svg('circle', { cx: c, cy: c, r, class: 'ring-track' }));
    for (const p of ring.points) {
      const a = (p.pos / ring.space) * Math.PI * 2 - Math.PI / 2;
      circle.append(svg('line', { x1: c + Math.cos(a) * (r - 7), y1: c + Math.sin(a) * (r - 7), x2: c + Math.cos(a) * (r + 7), y2: c + Math.sin(a) * (r + 7), stroke: colour.get(p.owner) ?? 'gray', 'stroke-width': 2 }));
    }
    if (!byPoints) {
      const total = [...ring.keys.values()].reduce((a, b) => a + b, 0);
      let at = -Math.PI / 2;
      for (const o of owners) {
        const share = total > 0 ? (ring.keys.get(o) ?? 0) / total : 1 / Math.max(1, owners.length);
        if (share <= 0) continue;
        const end = at + share * Math.PI * 2 - (share >= 1 ? 1e-6 : 0);
        const large = end - at > Math.PI ? 1 : 0;
        circle.append(svg('path', { d: `M ${c + Math.cos(at) * r} ${c + Math.sin(at) * r} A ${r} ${r} 0 ${large} 1 ${c + Math.cos(end) * r} ${c + Math.sin(end) * r}`, fill: 'none', stroke: colour.get(o) ?? 'gray', 'stroke-width': 14 }));
        at = end;
      }
      circle.append(svg('text', { x: c, y: c + 4, 'text-anchor': 'middle', class: 'axis' }, total > 0 ? `${total} keys` : 'no keys yet'));
    }
    const vnodes = ring.vnodes ?? new Map<string, number>();
    if (!ring.vnodes) for (const p of ring.points) vnodes.set(p.owner, (vnodes.get(p.owner) ?? 0) + 1);
    const rowH = 16, barW = 160, labelW = 90;
    const maxV = Math.max(1, ...vnodes.values()), maxK = Math.max(1, ...ring.keys.values());
    const hist = svg('svg', { class: 'ring-hist', width: labelW + barW * 2 + 30, height: 20 + owners.length * rowH, role: 'img', 'aria-label': 'Virtual nodes and keys per node' });
    hist.append(svg('text', { x: labelW, y: 12, class: 'axis' }, 'vnodes'), svg('text', { x: labelW + barW + 20, y: 12, class: 'axis' }, 'keys'));
    owners.forEach((o, k) => {
      const y = 18 + k * rowH;
      const v = vnodes.get(o) ?? 0, n = ring.keys.get(o) ?? 0;
      hist.append(svg('text', { x: 2, y: y + 11, class: 'label' }, o.length > 12 ? `${o.slice(0, 11)}…` : o));
      hist.append(svg('rect', { x: labelW, y, width: Math.max(1, (v / maxV) * barW), height: rowH - 4, fill: colour.get(o) ?? 'gray' }));
      hist.append(svg('text', { x: labelW + 4, y: y + 10, class: 'bar-value' }, String(v)));
      if (ring.keys.size) {
        hist.append(svg('rect', { x: labelW + barW + 20, y, width: Math.max(1, (n / maxK) * barW), height: rowH - 4, fill: colour.get(o) ?? 'gray', opacity: 0.7 }));
        hist.append(svg('text', { x: labelW + barW + 24, y: y + 10, class: 'bar-value' }, String(n)));
      }
    });
    return h('div', { class: 'ring-panel' }, circle, hist);
  },
};
