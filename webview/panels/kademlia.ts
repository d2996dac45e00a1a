/**
 * The Kademlia panel (Maymounkov & Mazières 2002): the id space as a circle,
 * every node a dot at its id (clockwise from 0 at the top); for the selected
 * node, its k-buckets as arcs — bucket i covers the ids whose XOR distance
 * from it lies in [2^i, 2^(i+1)), one contiguous stretch of the circle,
 * halving towards the node — shaded by how full they are, with its contacts
 * joined to it; and a lookup of the selected node (the one in progress, else
 * the last one) drawn round by round: the target as a triangle, a line to
 * every node it asked coloured by the hop that node was found at (dashed:
 * it did not answer), the rounds listed below. A table lists the buckets.
 *
 * Click a dot or pick a node from the list to select it; the selection is
 * kept while stepping. By default the panel selects the node whose lookup
 * ran last. It reads the state shape of src/protocols/kademlia/state.ts
 * (`self`, `table`, `lookups`, `last`) and trusts none of it: anything
 * missing or odd is skipped.
 */
import type { Json } from '../../src/engine/protocol.js';
import { h, shorten, svg } from '../dom.js';
import { hue, isRecord, type PanelInput, type PanelLegendItem, type ProtocolPanel } from './panel.js';

interface Contact { node: string; id: string }
interface Bucket { i: number; contacts: Contact[]; cache: number; stale: number }
interface Step { node: string; id: string; hop: number; st: string }
interface LookupView { kind: string; target: string; steps: Step[]; active: boolean; hops?: number; result: string[] }
interface NodeView { node: string; id: string; phase: string; table: Bucket[]; lookup?: LookupView; lastAt: number }

/** The node the user picked (kept across steps and redraws of this viewer). */
let selected: string | undefined;

const HEX = /^[0-9a-f]+$/;

function contactOf(v: Json | undefined): Contact | undefined {
  return isRecord(v) && typeof v.node === 'string' && typeof v.id === 'string' && HEX.test(v.id) ? { node: v.node, id: v.id } : undefined;
}

function lookupOf(v: Json | undefined, active: boolean): LookupView | undefined {
  if (!isRecord(v) || typeof v.target !== 'string' || !HEX.test(v.target)) return undefined;
  // A completed lookup's `path` is one array; a lookup in progress keeps its `list` in chunks (arrays of candidates).
  const raw = Array.isArray(v.path) ? v.path : Array.isArray(v.list) ? v.list : [];
  const list = raw.slice(0, 500).flatMap((x) => (Array.isArray(x) ? x.slice(0, 500) : [x]));
  const steps: Step[] = [];
  for (const x of list.slice(0, 500)) {
    if (!isRecord(x)) continue;
    const c = contactOf(x.c);
    if (c && typeof x.hop === 'number' && typeof x.st === 'string') steps.push({ ...c, hop: x.hop, st: x.st });
  }
  const result = Array.isArray(v.result) ? v.result.map(contactOf).filter((c): c is Contact => c !== undefined).map((c) => c.node) : [];
  return { kind: typeof v.kind === 'string' ? v.kind : 'lookup', target: v.target, steps, active, ...(typeof v.hops === 'number' ? { hops: v.hops } : {}), result };
}

function nodeOf(name: string, v: Json | undefined): NodeView | undefined {
  if (!isRecord(v) || !Array.isArray(v.table)) return undefined;
  const self = contactOf(v.self);
  if (!self) return undefined;
  const table: Bucket[] = [];
  for (const b of v.table) {
    if (!isRecord(b) || typeof b.i !== 'number' || !Array.isArray(b.contacts)) continue;
    table.push({
      i: b.i,
      contacts: b.contacts.map(contactOf).filter((c): c is Contact => c !== undefined),
      cache: Array.isArray(b.cache) ? b.cache.length : 0,
      stale: isRecord(b.stale) ? Object.keys(b.stale).length : 0,
    });
  }
  // The lookup to draw: the one in progress that started last, else the last one completed.
  let lookup: LookupView | undefined;
  let lastAt = -1;
  const running = Array.isArray(v.lookups) ? v.lookups : isRecord(v.lookups) ? Object.values(v.lookups) : [];
  for (const lk of running) {
    const at = isRecord(lk) && typeof lk.started === 'number' ? lk.started : -1;
    const view = lookupOf(lk, true);
    if (view && at >= lastAt) { lookup = view; lastAt = at; }
  }
  if (!lookup && isRecord(v.last)) {
    lookup = lookupOf(v.last, false);
    lastAt = typeof v.last.ended === 'number' ? v.last.ended : -1;
  }
  return { node: name, id: self.id, phase: typeof v.phase === 'string' ? v.phase : '?', table, ...(lookup ? { lookup } : {}), lastAt };
}

/** An id of `bits` bits as a fraction of the circle, from its first 13 hex digits. */
function frac(id: string, bits: number): number {
  const m = Math.min(13, id.length);
  return (parseInt(id.slice(0, m), 16) / 16 ** m) * 2 ** (4 * id.length - bits);
}

/** The stretch of the circle bucket i of `self` covers: [start, end) as fractions. */
function bucketArc(selfFrac: number, i: number, bits: number): [number, number] {
  const prefix = bits - 1 - i; // the bits it shares with self
  const block = 2 ** -prefix;
  const base = Math.floor(selfFrac / block) * block;
  const half = block / 2;
  const start = selfFrac - base >= half ? base : base + half;
  return [start, start + half];
}

/**
 * The subtree bucket i covers, as the paper's Figure 1 draws it: the ids that
 * share the node's first bits - 1 - i bits and differ in the next (`01…` for
 * bucket 6 of node 0011… with 8-bit ids); for ids over 32 bits, how many
 * leading bits they share.
 */
function subtree(id: string, i: number, bits: number): string {
  const shared = bits - 1 - i;
  if (bits > 32) return `${shared} bits shared`;
  const bin = parseInt(id, 16).toString(2).padStart(bits, '0');
  return `${bin.slice(0, shared)}${bin[shared] === '0' ? '1' : '0'}…`;
}

function bitsOf(input: PanelInput, nodes: NodeView[]): number {
  const p = input.params['id_bits'];
  if (typeof p === 'number' && p >= 1 && p <= 160) return p;
  return Math.max(4, ...nodes.map((n) => n.id.length * 4));
}

const SIZE = 360;
const C = SIZE / 2;
const R = 130;
/** Draw at most this many dots (a 10 000-node network would only be a grey ring). */
const MAX_DOTS = 3000;

function at(f: number, r: number): [number, number] {
  const a = f * Math.PI * 2 - Math.PI / 2;
  return [C + Math.cos(a) * r, C + Math.sin(a) * r];
}

function arcPath(f0: number, f1: number, r: number): string {
  const [x0, y0] = at(f0, r);
  const [x1, y1] = at(Math.min(f1, f0 + 0.999999), r);
  return `M ${x0} ${y0} A ${r} ${r} 0 ${f1 - f0 > 0.5 ? 1 : 0} 1 ${x1} ${y1}`;
}

function hopColour(hop: number): string {
  return `hsl(${hue(hop + 2)}, 70%, 46%)`;
}

function render(input: PanelInput, nodes: NodeView[], root: HTMLElement): void {
  const bits = bitsOf(input, nodes);
  const kParam = typeof input.params['k'] === 'number' ? input.params['k'] as number : 20;
  const byName = new Map(nodes.map((n) => [n.node, n]));
  if (selected === undefined || !byName.has(selected)) {
    selected = nodes.reduce<NodeView | undefined>((best, n) => (n.lastAt > (best?.lastAt ?? -1) ? n : best), undefined)?.node ?? nodes[0]?.node;
  }
  const sel = selected !== undefined ? byName.get(selected) : undefined;
  const redraw = (): void => { root.replaceChildren(); render(input, nodes, root); };

  const pick = h('select', { class: 'kad-select', 'aria-label': 'Node whose buckets and lookup are shown' });
  for (const n of nodes.slice(0, 5000)) pick.append(h('option', { value: n.node, selected: n.node === selected }, `${shorten(n.node, 16)} · ${shorten(n.id, 12)} · ${n.phase}`));
  pick.addEventListener('change', () => { selected = (pick as HTMLSelectElement).value; redraw(); });

  const circle = svg('svg', {
    class: 'kad-circle', width: SIZE, height: SIZE, viewBox: `0 0 ${SIZE} ${SIZE}`, role: 'img',
    'aria-label': `The ${bits}-bit id space as a circle: ${nodes.length} nodes${nodes.length > MAX_DOTS ? ` (${MAX_DOTS} drawn)` : ''}${sel ? `; ${sel.node}'s k-buckets as arcs` : ''}`,
  });
  circle.append(svg('circle', { cx: C, cy: C, r: R, class: 'kad-track' }));
  circle.append(svg('text', { x: C, y: C - R - 26, 'text-anchor': 'middle', class: 'axis' }, `0 · ${bits}-bit ids, clockwise`));

  const selFrac = sel ? frac(sel.id, bits) : 0;
  if (sel) {
    // Buckets: arcs outside the circle, shaded by fill, the bucket index beside the larger ones.
    for (const b of sel.table) {
      const [f0, f1] = bucketArc(selFrac, b.i, bits);
      const fill = Math.min(1, b.contacts.length / Math.max(1, kParam));
      circle.append(svg('path', { d: arcPath(f0, f1, R + 12), class: 'kad-bucket', 'stroke-opacity': (0.2 + 0.8 * fill).toFixed(2) }, svg('title', {}, `bucket ${b.i}: ${b.contacts.length}/${kParam} contacts`)));
      if (f1 - f0 > 0.02) {
        const [x, y] = at((f0 + f1) / 2, R + 26);
        circle.append(svg('text', { x, y: y + 4, 'text-anchor': 'middle', class: 'axis' }, String(b.i)));
      }
    }
    const [sx, sy] = at(selFrac, R);
    for (const b of sel.table) {
      for (const c of b.contacts) {
        const [x, y] = at(frac(c.id, bits), R);
        circle.append(svg('line', { x1: sx, y1: sy, x2: x, y2: y, class: 'kad-contact' }));
      }
    }
  }

  // Dots.
  const step = Math.max(1, Math.ceil(nodes.length / MAX_DOTS));
  for (let j = 0; j < nodes.length; j += step) {
    const n = nodes[j]!;
    const [x, y] = at(frac(n.id, bits), R);
    const down = input.down.has(n.node) || n.phase === 'out';
    const dot = svg('circle', { cx: x, cy: y, r: n.node === selected ? 6 : nodes.length > 200 ? 2 : 4, class: `kad-node${down ? ' down' : ''}${n.phase === 'joining' ? ' joining' : ''}${n.node === selected ? ' selected' : ''}`, 'data-node': n.node },
      svg('title', {}, `${n.node} · ${n.id} · ${n.phase}`));
    dot.addEventListener('click', () => { selected = n.node; redraw(); });
    circle.append(dot);
  }

  // The lookup: its target and a line to every node it asked, coloured by hop.
  const lk = sel?.lookup;
  if (sel && lk) {
    const [sx, sy] = at(selFrac, R);
    for (const s of lk.steps) {
      if (s.st === 'new' || s.node === sel.node) continue;
      const [x, y] = at(frac(s.id, bits), R);
      circle.append(svg('line', { x1: sx, y1: sy, x2: x, y2: y, stroke: hopColour(s.hop), class: `kad-asked${s.st === 'failed' ? ' failed' : ''}` }, svg('title', {}, `hop ${s.hop}: ${s.node} (${s.st})`)));
    }
    const [tx, ty] = at(frac(lk.target, bits), R - 12);
    const [ox, oy] = at(frac(lk.target, bits), R - 2);
    circle.append(svg('path', { d: `M ${ox} ${oy} L ${tx - 5} ${ty} L ${tx + 5} ${ty} Z`, class: 'kad-target' }, svg('title', {}, `target ${lk.target}`)));
  }
  if (sel) circle.append(svg('text', { x: C, y: C + 4, 'text-anchor': 'middle' }, `${shorten(sel.node, 14)} · ${shorten(sel.id, 14)}`));

  // The rounds of the lookup, as text.
  const rounds = h('div', { class: 'kad-rounds' });
  if (sel && lk) {
    rounds.append(h('h5', {}, `${lk.active ? 'Lookup in progress' : 'Last lookup'} (${lk.kind}) of ${shorten(lk.target, 42)}${lk.hops !== undefined ? ` · ${lk.hops} hops` : ''}`));
    const maxHop = Math.max(0, ...lk.steps.map((s) => s.hop));
    for (let hop = 1; hop <= maxHop; hop++) {
      const at = lk.steps.filter((s) => s.hop === hop && s.st !== 'new');
      if (at.length === 0) continue;
      const label = h('span', { class: 'kad-hop', 'data-hop': hop }, `hop ${hop}: `);
      label.style.color = hopColour(hop); // a CSSOM write: allowed under the viewer's CSP
      const line = h('div', { class: 'kad-round' }, label);
      at.forEach((s, k) => line.append(h('span', { class: `kad-step ${s.st}` }, `${k > 0 ? ' ' : ''}${s.node}${s.st === 'failed' ? ' ✗' : s.st === 'asked' ? ' …' : ''}`)));
      rounds.append(line);
    }
    if (!lk.active && lk.result.length > 0) rounds.append(h('div', { class: 'kad-result' }, `found: ${lk.result.slice(0, 20).join(' ')}${lk.result.length > 20 ? ' …' : ''}`));
  } else rounds.append(h('p', { class: 'empty' }, sel ? `${sel.node} has made no lookup yet.` : 'No Kademlia node in this state.'));

  // The bucket table.
  const table = h('table', { class: 'kad-buckets' }, h('tr', {}, h('th', {}, 'bucket'), h('th', {}, 'subtree'), h('th', {}, 'distance'), h('th', {}, 'fill'), h('th', {}, 'contacts'), h('th', {}, 'cache')));
  for (const b of sel?.table ?? []) {
    if (b.contacts.length === 0 && b.cache === 0) continue;
    const bar = h('span', { class: 'kad-fill' }, `${b.contacts.length}/${kParam}`);
    table.append(h('tr', { 'data-bucket': b.i },
      h('td', {}, String(b.i)),
      h('td', { class: 'kad-subtree' }, sel ? subtree(sel.id, b.i, bits) : ''),
      h('td', {}, `2^${b.i}..2^${b.i + 1}`),
      h('td', {}, bar),
      h('td', { class: 'kad-names' }, shorten(b.contacts.map((c) => c.node).join(' '), 160) + (b.stale > 0 ? ` (${b.stale} stale)` : '')),
      h('td', {}, String(b.cache))));
  }

  root.append(
    h('div', { class: 'kad-controls' }, h('label', {}, 'node ', pick)),
    h('div', { class: 'kad-panel' }, circle, h('div', { class: 'kad-side' }, rounds, table)),
  );
}

function nodesOf(input: PanelInput): NodeView[] {
  const out: NodeView[] = [];
  for (const name of input.nodes) {
    const n = nodeOf(name, input.states[name]);
    if (n) out.push(n);
  }
  return out;
}

export const kademliaPanel: ProtocolPanel = {
  id: 'kademlia',
  title: 'Kademlia: ids, k-buckets and a lookup',
  applies: (input) => input.protocol === 'kademlia' || input.nodes.slice(0, 50).some((n) => nodeOf(n, input.states[n]) !== undefined),
  legend(input): PanelLegendItem[] {
    const any = input.nodes.some((n) => nodeOf(n, input.states[n]) !== undefined);
    return [
      { label: 'node (at its id; click to select)', swatch: 'text', text: '●', colour: 'var(--pp-fg)' },
      { label: 'selected node', swatch: 'text', text: '●', colour: 'var(--pp-cursor)' },
      { label: 'joining', swatch: 'text', text: '●', colour: 'var(--pp-arrow)' },
      { label: 'down or left', swatch: 'text', text: '●', colour: 'var(--pp-muted)' },
      ...(any ? [
        { label: 'k-bucket i: XOR distance 2^i..2^(i+1), darker = fuller', swatch: 'fill' as const, colour: 'var(--pp-client)' },
        { label: 'a contact in its buckets', swatch: 'line' as const, colour: 'var(--pp-muted)' },
        { label: 'a node its lookup asked: a line coloured by hop (hop 1, 2, 3…; dashed: no answer)', swatch: 'fill' as const, colour: hopColour(1) },
        { label: 'in the rounds: asked, no answer yet (✗: none in time)', swatch: 'text' as const, text: '…' },
        { label: 'the lookup\'s target', swatch: 'text' as const, text: '▲', colour: 'var(--pp-cursor)' },
      ] : []),
    ];
  },
  render(input) {
    const root = h('div', { class: 'kad' });
    render(input, nodesOf(input), root);
    return root;
  },
};
