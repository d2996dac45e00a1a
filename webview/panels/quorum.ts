/**
 * The quorum store panel (src/protocols/quorum): the ring with each node's
 * virtual nodes and each key where it hashes, and per key its preference
 * list and what every node holds for it — each replica's versions with their
 * vector clocks, LWW timestamps or ABD tags, the hinted copies fallbacks keep
 * for a home replica, marked where a replica is behind the others — then the
 * hints waiting for handoff and the requests coordinators are carrying out.
 *
 * The ring and the preference lists come from the store's own placement code
 * (pure functions of the scenario's nodes and parameters), so the panel draws
 * the lists the store used. Everything read from the trace is checked before
 * use: a state of another shape draws what it can.
 */
import type { Json } from '../../src/engine/protocol.js';
import { readParams, type Mode } from '../../src/protocols/quorum/params.js';
import { homeOf, ringOf, walkOf } from '../../src/protocols/quorum/placement.js';
import { covers, NO_BUGS, reconcile, type Version } from '../../src/protocols/quorum/versions.js';
import { h, shorten, svg } from '../dom.js';
import { hue, isRecord, type PanelInput, type PanelLegendItem, type ProtocolPanel } from './panel.js';

type V = Version;
interface NodeData { store: Map<string, V[]>; hints: Map<string, Map<string, V[]>>; requests: Json[] }

const MAX_KEYS = 24;

function versions(v: Json | undefined): V[] {
  if (!Array.isArray(v)) return [];
  const out: V[] = [];
  for (const x of v.slice(0, 16)) {
    if (!isRecord(x) || typeof x.op !== 'string') continue;
    const clock: Record<string, number> = {};
    if (isRecord(x.clock)) for (const [k, c] of Object.entries(x.clock)) if (typeof c === 'number') clock[k] = c;
    out.push({ value: x.value ?? null, clock, ts: typeof x.ts === 'number' ? x.ts : 0, by: typeof x.by === 'string' ? x.by : '', op: x.op });
  }
  return out;
}

function dataOf(state: Json | undefined): NodeData {
  const store = new Map<string, V[]>();
  const hints = new Map<string, Map<string, V[]>>();
  if (!isRecord(state)) return { store, hints, requests: [] };
  if (isRecord(state.store)) for (const [k, v] of Object.entries(state.store)) store.set(k, versions(v));
  if (isRecord(state.hints)) {
    for (const [home, keys] of Object.entries(state.hints)) {
      if (!isRecord(keys)) continue;
      hints.set(home, new Map(Object.entries(keys).map(([k, v]) => [k, versions(v)])));
    }
  }
  return { store, hints, requests: isRecord(state.requests) ? Object.values(state.requests) : [] };
}

/** A version as the panel shows it: its value and how it is ordered. */
function stamp(mode: Mode, v: V): string {
  const value = shorten(JSON.stringify(v.value), 24);
  if (mode === 'lww') return `${value} @${(v.ts / 1000).toFixed(1)}ms ${v.by}`;
  if (mode === 'abd') return `${value} tag ${v.ts}.${v.by}`;
  return `${value} ⟨${Object.entries(v.clock).map(([k, c]) => `${k}:${c}`).join(' ')}⟩`;
}

const ops = (vs: readonly V[]): string => vs.map((v) => v.op).join(',');

/**
 * The ring: each node's virtual nodes as ticks in its colour, each key as a
 * dot where it hashes, and for each key (the first few) its preference list:
 * an arc clockwise from the key to the point of its N-th distinct node, with
 * the points that put a node on the list drawn long (Dynamo §4.3).
 */
function ringPicture(input: PanelInput, keys: readonly string[], colour: (n: string) => string): SVGElement {
  const p = readParams(input.params as never);
  const ring = ringOf(input.nodes, p);
  const size = 240, c = size / 2, r = size / 2 - 26;
  const pic = svg('svg', { class: 'quorum-ring', width: size, height: size, viewBox: `0 0 ${size} ${size}`, role: 'img',
    'aria-label': `Ring: ${ring.size} virtual nodes of ${input.nodes.length} nodes and ${keys.length} keys, with their preference lists` });
  pic.append(svg('circle', { cx: c, cy: c, r, class: 'ring-track' }));
  const angle = (pos: number) => (pos / 2 ** 32) * Math.PI * 2 - Math.PI / 2;
  const at = (pos: number, radius: number): [number, number] => [c + Math.cos(angle(pos)) * radius, c + Math.sin(angle(pos)) * radius];
  const tick = (i: number, inner: number, outer: number, width: number) => {
    const [x1, y1] = at(ring.points[i]!, inner);
    const [x2, y2] = at(ring.points[i]!, outer);
    pic.append(svg('line', { x1, y1, x2, y2, stroke: colour(ring.members[ring.owners[i]!]!), 'stroke-width': width }));
  };
  for (let i = 0; i < ring.size; i++) tick(i, r - 5, r + 5, 1.5);
  keys.slice(0, 6).forEach((key, k) => {
    const h0 = ring.hashKey(key);
    // Walk clockwise from the key: the points that add a new node to the list, until N nodes.
    const start = ring.pointIndex(h0);
    const seen = new Set<number>();
    let last = start;
    for (let step = 0; step < ring.size && seen.size < Math.min(p.n, ring.members.length); step++) {
      const i = (start + step) % ring.size;
      if (seen.has(ring.owners[i]!)) continue;
      seen.add(ring.owners[i]!);
      last = i;
      tick(i, r - 9, r + 12, 3);
    }
    const radius = r - 14 - k * 7;
    const a0 = angle(h0), a1 = angle(ring.points[last]!);
    const sweep = ((a1 - a0) + Math.PI * 4) % (Math.PI * 2);
    const [x0, y0] = [c + Math.cos(a0) * radius, c + Math.sin(a0) * radius];
    const [x1, y1] = [c + Math.cos(a0 + sweep) * radius, c + Math.sin(a0 + sweep) * radius];
    pic.append(svg('path', { d: `M ${x0} ${y0} A ${radius} ${radius} 0 ${sweep > Math.PI ? 1 : 0} 1 ${x1} ${y1}`, fill: 'none', class: 'quorum-arc', stroke: 'currentColor', 'stroke-width': 1.5, opacity: 0.6 }));
    const [kx, ky] = at(h0, r);
    pic.append(svg('circle', { cx: kx, cy: ky, r: 4, class: 'quorum-key' }));
    const [lx, ly] = at(h0, r + 17);
    pic.append(svg('text', { x: lx, y: ly + 4, 'text-anchor': 'middle' }, shorten(key, 8)));
  });
  for (const key of keys.slice(6)) {
    const [kx, ky] = at(ring.hashKey(key), r);
    pic.append(svg('circle', { cx: kx, cy: ky, r: 3, class: 'quorum-key' }));
  }
  return pic;
}

/** A node's name with a swatch of its colour. */
function nodeLabel(n: string, colour: (n: string) => string, down: boolean): Element {
  const dot = svg('svg', { width: 10, height: 10, viewBox: '0 0 10 10', 'aria-hidden': 'true' }, svg('circle', { cx: 5, cy: 5, r: 4.5, fill: colour(n) }));
  return h('span', { class: `quorum-node${down ? ' down' : ''}` }, dot, ` ${n}${down ? ' ✕' : ''}`);
}

export const quorumPanel: ProtocolPanel = {
  id: 'quorum',
  title: 'Quorum store',
  applies: (input) => input.protocol === 'quorum',
  legend(input): PanelLegendItem[] {
    const mode = readParams(input.params as never).mode;
    const versions = mode === 'vclock' ? 'value ⟨vector clock⟩; several: siblings' : mode === 'lww' ? 'value @timestamp coordinator (last writer wins)' : 'value tag seq.writer (ABD)';
    return [
      { label: 'a node\'s colour: its points on the ring and its column', swatch: 'text', text: '●' },
      { label: 'arc: a key\'s preference list on the ring', swatch: 'line' },
      { label: `a replica's versions: ${versions}`, swatch: 'text', text: 'v' },
      { label: '✕ after a name: the node is down', swatch: 'text', text: '✕' },
    ];
  },
  render(input) {
    const p = readParams(input.params as never);
    const mode = p.mode;
    const data = new Map(input.nodes.map((n) => [n, dataOf(input.states[n])]));
    const keySet = new Set<string>();
    for (const d of data.values()) {
      for (const k of d.store.keys()) keySet.add(k);
      for (const byKey of d.hints.values()) for (const k of byKey.keys()) keySet.add(k);
    }
    const keys = [...keySet].sort().slice(0, MAX_KEYS);
    const colours = new Map(input.nodes.map((n, k) => [n, `hsl(${hue(k)}, 65%, 55%)`]));
    const colour = (n: string) => colours.get(n) ?? 'gray';

    // Per key: a header row (the key, its preference list, whether its replicas agree), then a row per node
    // holding something for it — the home replicas in list order, then the fallbacks keeping hints.
    const table = h('table', { class: 'quorum-table', border: 1, cellpadding: 3, cellspacing: 0 });
    for (const key of keys) {
      const home = homeOf(input.nodes, p, key);
      const walk = walkOf(input.nodes, p, key);
      // The newest versions any replica or hint holds: a replica without all of them is behind.
      let newest: V[] = [];
      for (const n of walk) {
        const d = data.get(n)!;
        newest = reconcile(mode, newest, d.store.get(key) ?? [], NO_BUGS);
        for (const byKey of d.hints.values()) newest = reconcile(mode, newest, byKey.get(key) ?? [], NO_BUGS);
      }
      const agree = new Set(home.map((n) => ops(data.get(n)?.store.get(key) ?? []))).size === 1;
      table.append(h('tr', { class: 'quorum-key-row' },
        h('th', { colspan: 2, scope: 'colgroup' }, `${shorten(key, 30)}: ${home.join(' → ')}${walk.length > home.length ? ` (fallbacks ${walk.slice(home.length).join(', ')})` : ''}`,
          agree ? ' — replicas agree' : ' — replicas differ')));
      for (const n of walk) {
        const d = data.get(n)!;
        const isHome = home.includes(n);
        const lines: string[] = [];
        for (const v of d.store.get(key) ?? []) lines.push(stamp(mode, v));
        for (const [target, byKey] of d.hints) for (const v of byKey.get(key) ?? []) lines.push(`hint for ${target}: ${stamp(mode, v)}`);
        if (!isHome && lines.length === 0) continue;
        const behind = isHome && !covers(mode, d.store.get(key) ?? [], newest);
        const role = isHome ? `replica ${home.indexOf(n) + 1}` : 'fallback';
        table.append(h('tr', { class: behind ? 'behind' : '' },
          h('td', {}, nodeLabel(n, colour, input.down.has(n)), h('br'), h('span', { class: 'axis' }, role)),
          h('td', {}, ...(lines.length === 0 ? ['— nothing'] : lines.flatMap((l, i) => (i === 0 ? [l] : [h('br'), l]))),
            behind ? h('span', { class: 'differs-badge' }, ' ◂ behind') : null)));
      }
    }

    const hints: string[] = [];
    for (const [n, d] of data) for (const [target, byKey] of d.hints) hints.push(`${n} keeps for ${target}: ${[...byKey].map(([k, vs]) => `${shorten(k, 20)} (${vs.length})`).join(', ')}`);
    const busy: string[] = [];
    for (const [n, d] of data) {
      for (const r of d.requests.slice(0, 8)) {
        if (!isRecord(r) || !isRecord(r.cmd) || r.status !== 'pending') continue;
        const cmd = r.cmd;
        const what = cmd.op === 'put' ? `put ${String(cmd.key)} = ${shorten(JSON.stringify(cmd.value ?? null), 20)}` : `get ${String(cmd.key)}`;
        const got = r.phase === 'write' ? `${Array.isArray(r.acks) ? r.acks.length : 0}/${p.w} acks` : `${isRecord(r.replies) ? Object.keys(r.replies).length : 0}/${p.r} replies`;
        busy.push(`${n} coordinates ${String(cmd.id)} ${what}: ${String(r.phase)} phase, ${got}, round ${typeof r.round === 'number' ? r.round + 1 : 1}`);
      }
    }
    // lww: each node's own clock (it drifts with the scenario's `drift`), as the store reads it at its last tick.
    const clocks = mode !== 'lww' ? [] : input.nodes.flatMap((n) => {
      const st = input.states[n];
      const clock = isRecord(st) && isRecord(st.clock) ? st.clock : undefined;
      return clock && typeof clock.ticks === 'number' ? [`${n} ${((clock.ticks * p.clockTick) / 1e6).toFixed(2)}s`] : [];
    });
    const legend = mode === 'vclock' ? 'versions: value ⟨vector clock⟩; several = siblings' : mode === 'lww' ? 'versions: value @timestamp coordinator (last writer wins)' : 'versions: value tag seq.writer (ABD)';
    return h('div', { class: 'quorum-panel' },
      h('div', { class: 'ring-panel' }, ringPicture(input, keys, colour),
        h('div', {}, h('p', {}, `mode ${mode}, N=${p.n} R=${p.r} W=${p.w}, ${p.sloppy ? 'sloppy' : 'strict'} quorums — ${legend}`),
          h('p', {}, ...input.nodes.flatMap((n) => [nodeLabel(n, colour, input.down.has(n)), ' '])),
          ...(clocks.length ? [h('p', {}, `clocks: ${clocks.join(', ')}`)] : []),
          h('p', {}, hints.length === 0 ? 'No hints waiting for handoff.' : 'Hints waiting for handoff:'), ...(hints.length ? [h('ul', {}, ...hints.map((t) => h('li', {}, t)))] : []),
          ...(busy.length ? [h('p', {}, 'Requests in progress:'), h('ul', {}, ...busy.map((t) => h('li', {}, t)))] : []))),
      keys.length === 0 ? h('p', { class: 'empty' }, 'No key written yet.') : h('div', { class: 'panel-scroll' }, table),
      keySet.size > MAX_KEYS ? h('p', { class: 'more' }, `…and ${keySet.size - MAX_KEYS} more keys`) : null);
  },
};
