/**
 * The consistent-hash ring panel (Karger et al. 1997; ketama): the ring drawn
 * as a circle of the 32-bit hash space, each virtual node's token a tick at
 * its position in its member's colour, the arcs each member owns between
 * tokens, and — after an `add` or `remove` — the arcs whose owner changed and
 * the keys that moved with them, counted per (from → to) pair. Beside it, a
 * table of vnodes, keys and share per member.
 *
 * The ring protocol's router keeps only members, weights and key counts
 * (src/protocols/ring/state.ts): the ring is a pure function of those and
 * the scenario's `vnodes`, `hash` and `mode`, so the panel rebuilds it with
 * the protocol's own `Ring` (pure code, the same points the engine used)
 * rather than the trace carrying thousands of tokens. Moved keys are the
 * generated keys (`key-0` …, src/protocols/_keys.ts) whose owner differs
 * between the rings before and after the change; the per-pair counts are
 * the router's Handoff messages in the trace.
 *
 * Other states that list their points (`ring`, `points` or `vnodes`: items
 * with a position and an owner) are drawn the same way, without moves.
 */
import type { Json } from '../../src/engine/protocol.js';
import { Ring, RING_HASHES, RING_MODES, type RingHash, type RingMode } from '../../src/protocols/ring/ring.js';
import { generatedKey } from '../../src/protocols/_keys.js';
import type { TraceDocument } from '../../src/trace/format.js';
import { h, svg } from '../dom.js';
import { hue, isRecord, type PanelInput, type PanelLegendItem, type ProtocolPanel } from './panel.js';

const SPACE = 2 ** 32;
const MAX_TOKENS = 4000;
const MAX_KEY_DOTS = 1500;
/** Above this many keys the moved keys are not hashed in the page (the counts still show). */
const MAX_HASHED_KEYS = 50_000;

interface Arc { readonly from: number; readonly to: number; readonly owner: string }
interface Moved {
  readonly kind: 'add' | 'remove';
  readonly node: string;
  readonly moved: number;
  readonly arcs: readonly (Arc & { readonly before: string })[];
  readonly keys: readonly { readonly pos: number; readonly to: string }[];
  readonly pairs: readonly (readonly [string, string, number])[];
}
interface Picture {
  readonly members: readonly string[];
  /** Token positions as fractions of the ring, with their owners. */
  readonly tokens: readonly { readonly pos: number; readonly owner: string }[];
  readonly arcs: readonly Arc[];
  readonly vnodes: ReadonlyMap<string, number>;
  readonly keys: ReadonlyMap<string, number>;
  readonly total: number;
  readonly change?: Moved;
}

function countsOf(v: Json | undefined): Map<string, number> {
  const m = new Map<string, number>();
  if (isRecord(v)) for (const [k, c] of Object.entries(v)) if (typeof c === 'number' && Number.isFinite(c)) m.set(k, c);
  return m;
}

function ringOf(members: readonly string[], weights: ReadonlyMap<string, number>, params: PanelInput['params']): Ring | undefined {
  const vnodes = typeof params.vnodes === 'number' && Number.isInteger(params.vnodes) && params.vnodes > 0 ? params.vnodes : 100;
  const hash = (RING_HASHES as readonly unknown[]).includes(params.hash) ? params.hash as RingHash : 'md5';
  const mode = (RING_MODES as readonly unknown[]).includes(params.mode) ? params.mode as RingMode : 'standard';
  if (members.length === 0) return undefined;
  try {
    return new Ring({ vnodes, hash, mode, weights: members.map((m) => [m, weights.get(m) ?? 1] as const) });
  } catch {
    return undefined; // weights the Ring refuses: no tokens to draw
  }
}

/** The arcs each owner holds: (previous token, token] belongs to the token's owner. */
function arcsOf(tokens: readonly { pos: number; owner: string }[]): Arc[] {
  const arcs: Arc[] = [];
  tokens.forEach((t, k) => {
    const prev = tokens[(k + tokens.length - 1) % tokens.length]!;
    const last = arcs[arcs.length - 1];
    if (k > 0 && last && last.owner === t.owner) arcs[arcs.length - 1] = { ...last, to: t.pos };
    else arcs.push({ from: k === 0 ? prev.pos - 1 : prev.pos, to: t.pos, owner: t.owner });
  });
  return arcs;
}

const movedCache = new WeakMap<TraceDocument, Map<string, Moved>>();

/** What the last add/remove moved: arcs and keys whose owner changed, and the Handoffs' counts. */
function movesOf(input: PanelInput, before: Ring, after: Ring, change: { kind: 'add' | 'remove'; node: string; moved: number }, keys: number): Moved {
  const key = `${change.kind}|${change.node}|${before.members.join(',')}|${after.members.join(',')}|${keys}`;
  let cache = movedCache.get(input.doc);
  if (!cache) movedCache.set(input.doc, (cache = new Map()));
  const hit = cache.get(key);
  if (hit) return hit;
  const points = [...new Set([...before.points, ...after.points])].sort((a, b) => a - b);
  const arcs: (Arc & { before: string })[] = [];
  points.forEach((p, k) => {
    const was = before.locateHash(p), now = after.locateHash(p);
    if (was === undefined || now === undefined || was === now) return;
    const prev = k === 0 ? points[points.length - 1]! - SPACE : points[k - 1]!;
    const last = arcs[arcs.length - 1];
    if (last && last.to === prev / SPACE && last.owner === now && last.before === was) arcs[arcs.length - 1] = { ...last, to: p / SPACE };
    else arcs.push({ from: prev / SPACE, to: p / SPACE, owner: now, before: was });
  });
  const moved: { pos: number; to: string }[] = [];
  if (keys <= MAX_HASHED_KEYS) {
    for (let i = 0; i < keys; i++) {
      const hsh = after.hashKey(generatedKey(i));
      const now = after.locateHash(hsh);
      if (now !== undefined && now !== before.locateHash(hsh)) moved.push({ pos: hsh / SPACE, to: now });
    }
  }
  const step = Math.max(1, Math.ceil(moved.length / MAX_KEY_DOTS));
  // The router's Handoff messages of this change (the latest ones at or before the step) give the counts.
  const pairs: [string, string, number][] = [];
  let cause: number | null | undefined;
  for (let i = Math.min(input.index, input.doc.events.length - 1); i >= 0; i--) {
    const e = input.doc.events[i]!;
    if (e.kind !== 'send' || e.msg.type !== 'Handoff') continue;
    if (cause === undefined) cause = e.cause;
    else if (e.cause !== cause) break;
    const moves = isRecord(e.msg.body) && isRecord(e.msg.body.moves) ? e.msg.body.moves : {};
    for (const [to, c] of Object.entries(moves)) if (typeof c === 'number' && c > 0) pairs.push([e.msg.to, to, c]);
  }
  pairs.reverse();
  const result: Moved = { ...change, arcs, keys: moved.filter((_, k) => k % step === 0), pairs };
  cache.set(key, result);
  return result;
}

/** The router's shape: members, weights, load (keys per node), lastChange. */
function fromRouter(state: Json | undefined, input: PanelInput): Picture | undefined {
  if (!isRecord(state) || !Array.isArray(state.members) || !isRecord(state.load)) return undefined;
  const members = state.members.filter((m): m is string => typeof m === 'string');
  const weights = countsOf(state.weights);
  const ring = ringOf(members, weights, input.params);
  const tokens = ring ? Array.from(ring.points, (p, k) => ({ pos: p / SPACE, owner: ring.members[ring.owners[k]!]! })) : [];
  const vnodes = new Map<string, number>();
  if (ring) ring.pointCounts().forEach((c, k) => vnodes.set(ring.members[k]!, c));
  const keys = countsOf(state.load);
  const total = typeof state.keys === 'number' ? state.keys : [...keys.values()].reduce((a, b) => a + b, 0);
  let change: Moved | undefined;
  const last = state.lastChange;
  if (ring && isRecord(last) && (last.kind === 'add' || last.kind === 'remove') && typeof last.node === 'string' && Array.isArray(last.before)) {
    const beforeMembers = last.before.filter((m): m is string => typeof m === 'string');
    const before = ringOf(beforeMembers, countsOf(last.beforeWeights), input.params);
    if (before) change = movesOf(input, before, ring, { kind: last.kind, node: last.node, moved: typeof last.moved === 'number' ? last.moved : 0 }, total);
  }
  return { members, tokens, arcs: arcsOf(tokens), vnodes, keys, total, ...(change ? { change } : {}) };
}

function num(v: Json | undefined): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^(0x)?[0-9a-f]{1,8}$/i.test(v)) return parseInt(v.replace(/^0x/i, ''), 16);
  return undefined;
}

/** A state that lists its points: an array under `ring`, `points` or `vnodes` of {position, owner}. */
function fromPoints(state: Json | undefined): Picture | undefined {
  if (!isRecord(state)) return undefined;
  const list = [state.ring, state.points, state.vnodes].find((v) => Array.isArray(v) && v.length > 0) as Json[] | undefined;
  if (!list) return undefined;
  const raw: { pos: number; owner: string }[] = [];
  for (const item of list.slice(0, MAX_TOKENS)) {
    if (!isRecord(item)) return undefined;
    const pos = num(item.point ?? item.hash ?? item.position ?? item.pos ?? item.token);
    const owner = item.node ?? item.owner ?? item.id;
    if (pos === undefined || typeof owner !== 'string') return undefined;
    raw.push({ pos, owner });
  }
  const space = typeof state.space === 'number' && state.space > 0 ? state.space : typeof state.bits === 'number' ? 2 ** state.bits : SPACE;
  const tokens = raw.map((t) => ({ pos: t.pos / space, owner: t.owner })).sort((a, b) => a.pos - b.pos);
  const vnodes = new Map<string, number>();
  for (const t of tokens) vnodes.set(t.owner, (vnodes.get(t.owner) ?? 0) + 1);
  const keys = new Map<string, number>();
  if (isRecord(state.keys)) for (const owner of Object.values(state.keys)) if (typeof owner === 'string') keys.set(owner, (keys.get(owner) ?? 0) + 1);
  for (const [o, c] of countsOf(state.load ?? state.keyCounts)) keys.set(o, c);
  return { members: [...vnodes.keys()].sort(), tokens, arcs: arcsOf(tokens), vnodes, keys, total: [...keys.values()].reduce((a, b) => a + b, 0) };
}

function pictureOf(input: PanelInput): Picture | undefined {
  for (const n of input.nodes) {
    const p = fromRouter(input.states[n], input) ?? fromPoints(input.states[n]);
    if (p) return p;
  }
  return undefined;
}

function colours(input: PanelInput, picture: Picture): Map<string, string> {
  // Every node that ever was a member keeps one colour across steps: by its place among the nodes.
  const order = [...new Set([...input.nodes, ...picture.members])];
  return new Map(order.map((o, k) => [o, `hsl(${hue(k)}, 62%, 52%)`]));
}

export const ringPanel: ProtocolPanel = {
  id: 'ring',
  title: 'Hash ring',
  applies: (input) => pictureOf(input) !== undefined,
  legend(input): PanelLegendItem[] {
    const picture = pictureOf(input);
    if (!picture) return [];
    const colour = colours(input, picture);
    return [
      ...picture.members.map((m) => ({ label: m, swatch: 'fill' as const, colour: colour.get(m)! })),
      { label: 'vnode token', swatch: 'text', text: '|' },
      { label: 'arc owned (up to its token)', swatch: 'line', colour: 'var(--pp-muted)' },
      ...(picture.change ? [
        { label: `range that moved (${picture.change.kind} ${picture.change.node})`, swatch: 'dashed' as const, colour: 'var(--pp-cursor)' },
        { label: 'a key that moved', swatch: 'text' as const, text: '•' },
      ] : []),
    ];
  },
  render(input) {
    const picture = pictureOf(input)!;
    const colour = colours(input, picture);
    const size = 260, c = size / 2, r = size / 2 - 26;
    const at = (frac: number, radius: number): [number, number] => {
      const a = frac * Math.PI * 2 - Math.PI / 2;
      return [c + Math.cos(a) * radius, c + Math.sin(a) * radius];
    };
    const arcPath = (from: number, to: number, radius: number): string => {
      const span = Math.min(0.999999, Math.max(0, to - from));
      const [x0, y0] = at(from, radius), [x1, y1] = at(from + span, radius);
      return `M ${x0.toFixed(2)} ${y0.toFixed(2)} A ${radius} ${radius} 0 ${span > 0.5 ? 1 : 0} 1 ${x1.toFixed(2)} ${y1.toFixed(2)}`;
    };
    const change = picture.change;
    const circle = svg('svg', { class: 'ring-circle', width: size, height: size, viewBox: `0 0 ${size} ${size}`, role: 'img',
      'aria-label': `Hash ring: ${picture.tokens.length} vnode tokens of ${picture.members.length} members${change ? `; ${change.kind} ${change.node} moved ${change.moved} keys` : ''}` });
    circle.append(svg('circle', { cx: c, cy: c, r, class: 'ring-track' }));
    for (const a of picture.arcs) circle.append(svg('path', { d: arcPath(a.from, a.to, r), class: 'ring-arc', stroke: colour.get(a.owner) ?? 'gray' }));
    if (change) {
      for (const a of change.arcs) {
        circle.append(svg('path', { d: arcPath(a.from, a.to, r + 12), class: 'ring-moved', stroke: colour.get(a.owner) ?? 'gray' },
          svg('title', {}, `${a.before} → ${a.owner}`)));
      }
      for (const k of change.keys) {
        const [x, y] = at(k.pos, r - 10);
        circle.append(svg('circle', { cx: x.toFixed(1), cy: y.toFixed(1), r: 1.4, class: 'ring-key', fill: colour.get(k.to) ?? 'gray' }));
      }
    }
    for (const t of picture.tokens.slice(0, MAX_TOKENS)) {
      const [x0, y0] = at(t.pos, r - 5), [x1, y1] = at(t.pos, r + 5);
      circle.append(svg('line', { x1: x0.toFixed(2), y1: y0.toFixed(2), x2: x1.toFixed(2), y2: y1.toFixed(2), class: 'ring-token', stroke: colour.get(t.owner) ?? 'gray' },
        svg('title', {}, `${t.owner}: token ${Math.round(t.pos * SPACE).toString(16).padStart(8, '0')}`)));
    }
    circle.append(svg('text', { x: c, y: c - 4, 'text-anchor': 'middle', class: 'ring-center' }, `${picture.members.length} members · ${picture.tokens.length} vnodes`));
    circle.append(svg('text', { x: c, y: c + 12, 'text-anchor': 'middle', class: 'axis' }, picture.total > 0 ? `${picture.total} keys` : 'no keys placed'));
    if (change) circle.append(svg('text', { x: c, y: c + 28, 'text-anchor': 'middle', class: 'axis moved-note' }, `${change.kind} ${change.node}: ${change.moved} moved`));

    const max = Math.max(1, ...picture.keys.values());
    const rows = [...new Set([...picture.members, ...picture.keys.keys()])].map((m) => {
      const keys = picture.keys.get(m) ?? 0;
      const bar = svg('svg', { width: 70, height: 10, 'aria-hidden': 'true' }, svg('rect', { x: 0, y: 1, width: Math.max(1, (keys / max) * 70), height: 8, fill: colour.get(m) ?? 'gray' }));
      return h('tr', { 'data-member': m },
        h('th', { scope: 'row' }, svg('svg', { width: 10, height: 10, 'aria-hidden': 'true' }, svg('rect', { width: 10, height: 10, fill: colour.get(m) ?? 'gray' })), ` ${m.length > 10 ? `${m.slice(0, 9)}…` : m}`),
        h('td', { class: 'num' }, String(picture.vnodes.get(m) ?? 0)),
        h('td', { class: 'num' }, String(keys)),
        h('td', {}, bar, picture.total > 0 ? ` ${((keys / picture.total) * 100).toFixed(1)}%` : ''));
    });
    const table = h('table', { class: 'ring-table' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'member'), h('th', { scope: 'col' }, 'vnodes'), h('th', { scope: 'col' }, 'keys'), h('th', { scope: 'col' }, 'share'))),
      h('tbody', {}, ...rows));
    const moves = change && change.pairs.length
      ? h('table', { class: 'ring-moves' },
        h('caption', {}, `Keys moved by ${change.kind} ${change.node}`),
        h('tbody', {}, ...change.pairs.map(([from, to, n]) => h('tr', {}, h('td', {}, `${from} → ${to}`), h('td', { class: 'num' }, String(n))))))
      : null;
    return h('div', { class: 'ring-panel' }, circle, h('div', { class: 'ring-side' }, table, moves));
  },
};
