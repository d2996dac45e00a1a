/**
 * The space-time diagram as a scene: plain drawing instructions (rectangles,
 * lines, arrows, marks, labels) for one time window at one size, computed
 * from the trace's layout (spacetime.ts) and periodic exchanges
 * (periodic.ts). Two painters draw the same scene: the viewer's canvas
 * (webview/diagram.ts) and the SVG exporter (export/svg.ts), so a slide shows
 * what the screen showed.
 *
 * What a scene decides:
 * - visibility: only what is inside the window (binary search on times);
 *   hidden message types and, when asked, routine periodic messages are
 *   left out;
 * - bands: a run of periodic rounds is one band while its rounds are closer
 *   than `EXPAND_PX`, and its arrows once zoomed in;
 * - density: a window with more arrows than 4 per pixel column is thinned to
 *   one line per (column, from, to), and with more events than 3 per column
 *   only the notable marks (not send, deliver, state, timer) are kept;
 * - labels: every label goes through one LabelPlacer, in priority order
 *   (divergence, partitions and their sides, down spans, bands, then arrows
 *   with the rarest types first), so none is drawn where it does not fit and
 *   no two overlap. Widths come from the painter's `measure`.
 *
 * Colours are symbolic (`fg`, `muted`, `side:1`, `type:AppendEntries`, …);
 * each painter resolves them for its theme.
 */
import type { TraceEvent } from './format.js';
import { LabelPlacer, lineCandidates, type Box, type PlacedLabel } from './labels.js';
import type { Periodic } from './periodic.js';
import { formatTime, niceStep, type TraceModel } from './spacetime.js';

export const LABEL_W = 120;
export const AXIS_H = 20;
/** A band of periodic rounds opens into arrows once its rounds are this far apart on screen. */
export const EXPAND_PX = 28;
export const LABEL_H = 13;
const MAX_ARROW_LABELS = 400;

export type Colour = string;

export type SceneItem =
  /** `fill` may be 'none'; `alpha` is the fill's opacity. */
  | { readonly k: 'rect'; readonly x: number; readonly y: number; readonly w: number; readonly h: number; readonly fill: Colour; readonly alpha?: number; readonly stroke?: Colour; readonly strokeAlpha?: number; readonly strokeWidth?: number }
  | { readonly k: 'vline'; readonly x: number; readonly y0: number; readonly y1: number; readonly stroke: Colour; readonly dash?: boolean; readonly alpha?: number; readonly width?: number }
  | { readonly k: 'hline'; readonly x0: number; readonly x1: number; readonly y: number; readonly stroke: Colour }
  | { readonly k: 'arrow'; readonly index: number; readonly x0: number; readonly y0: number; readonly x1: number; readonly y1: number; readonly colour: Colour; readonly dash: boolean; readonly faded: boolean; readonly head: 'arrow' | 'x' | 'none'; readonly emphasis: boolean }
  /** Many arrows of one colour as one path, without heads: [x0, y0, x1, y1, …]. */
  | { readonly k: 'segments'; readonly colour: Colour; readonly coords: readonly number[] }
  | { readonly k: 'ticks'; readonly xs: readonly number[]; readonly y: number; readonly h: number; readonly stroke: Colour }
  | { readonly k: 'mark'; readonly event: TraceEvent; readonly x: number; readonly y: number; readonly r: number }
  | { readonly k: 'label'; readonly box: PlacedLabel; readonly colour: Colour };

export interface SceneFilter {
  readonly hiddenTypes: ReadonlySet<string>;
  readonly hidePeriodic: boolean;
}

export interface SceneInput {
  readonly model: TraceModel;
  readonly periodic: Periodic;
  readonly view: { readonly t0: number; readonly t1: number };
  readonly width: number;
  readonly height: number;
  readonly filter: SceneFilter;
  /** Width of a label's text in px (a canvas's measureText, or an estimate). */
  readonly measure: (text: string) => number;
  /** Events to outline (the editor cursor's scenario line). */
  readonly highlighted?: ReadonlySet<number>;
  /** The first divergence from another trace, or -1. */
  readonly divergence?: number;
  /** Draw marks for state changes and sends (small dots; off in exports). */
  readonly minorMarks?: boolean;
}

export interface SceneStats { arrows: number; marks: number; thinned: boolean; bands: number; collapsed: number }

export interface Scene {
  readonly items: SceneItem[];
  readonly labels: readonly PlacedLabel[];
  readonly ticks: readonly { readonly x: number; readonly text: string }[];
  /** Per band: 1 when drawn (or would be drawn) collapsed at this zoom. */
  readonly collapsed: Uint8Array;
  /** Collapsed bands in view with their boxes, for hover. */
  readonly bandBoxes: readonly { readonly band: number; readonly box: Box }[];
  readonly stats: SceneStats;
  readonly x: (t: number) => number;
  readonly y: (lane: number) => number;
  readonly laneH: number;
  readonly plotW: number;
}

/** Lane geometry of a diagram of `height` px with `lanes` lanes. */
export function laneGeometry(height: number, lanes: number): { top: number; laneH: number } {
  const laneH = Math.max(4, (height - AXIS_H - 8) / Math.max(1, lanes));
  return { top: AXIS_H + 4, laneH };
}

/**
 * Per arrow index: kept apart when its span is far above the typical one, so
 * the binary-search window for the others stays tight. Built once per model.
 */
export class ArrowIndex {
  readonly short: number[] = [];
  readonly long: number[] = [];
  readonly shortSpan: number;
  /** Events drawn even in an overview (all but send, deliver, state, timer). */
  readonly notable: number[] = [];

  constructor(private readonly model: TraceModel) {
    const spans = model.arrows.map((a) => a.t1 - a.t0).sort((a, b) => a - b);
    const p99 = spans.length ? spans[Math.floor(spans.length * 0.99)]! : 0;
    const limit = Math.max(p99 * 2, 1);
    let shortSpan = 0;
    model.arrows.forEach((a, k) => {
      const span = a.t1 - a.t0;
      if (span > limit) this.long.push(k); else { this.short.push(k); shortSpan = Math.max(shortSpan, span); }
    });
    this.shortSpan = shortSpan;
    const events = model.doc.events;
    for (let i = 0; i < events.length; i++) {
      const k = events[i]!.kind;
      if (k !== 'send' && k !== 'deliver' && k !== 'state' && k !== 'timer') this.notable.push(i);
    }
  }

  /** Arrow indices that overlap [t0, t1] and pass `keep`. */
  visible(t0: number, t1: number, keep: (k: number) => boolean): number[] {
    const A = this.model.arrows, arr = this.short, out: number[] = [];
    let lo = 0, hi = arr.length;
    const from = t0 - this.shortSpan;
    while (lo < hi) { const mid = (lo + hi) >>> 1; if (A[arr[mid]!]!.t0 < from) lo = mid + 1; else hi = mid; }
    for (let k = lo; k < arr.length; k++) {
      const idx = arr[k]!, a = A[idx]!;
      if (a.t0 > t1) break;
      if (a.t1 >= t0 && keep(idx)) out.push(idx);
    }
    for (const k of this.long) { const a = A[k]!; if (a.t0 <= t1 && a.t1 >= t0 && keep(k)) out.push(k); }
    return out;
  }
}

const indexes = new WeakMap<TraceModel, ArrowIndex>();
export function arrowIndexOf(model: TraceModel): ArrowIndex {
  let index = indexes.get(model);
  if (!index) indexes.set(model, (index = new ArrowIndex(model)));
  return index;
}

export function buildScene(input: SceneInput): Scene {
  const { model: m, periodic, filter, measure } = input;
  const { t0, t1 } = input.view;
  const cw = input.width, ch = input.height;
  const plotW = Math.max(10, cw - LABEL_W - 10);
  const { top, laneH } = laneGeometry(ch, m.nodes.length);
  const x = (t: number): number => LABEL_W + ((t - t0) / (t1 - t0)) * plotW;
  const y = (lane: number): number => top + (lane + 0.5) * laneH;
  const items: SceneItem[] = [];
  const placer = new LabelPlacer({ x: LABEL_W, y: AXIS_H, w: plotW + 8, h: ch - AXIS_H });
  const widths = new Map<string, number>();
  const width = (text: string): number => {
    let w = widths.get(text);
    if (w === undefined) widths.set(text, (w = measure(text) + 6));
    return w;
  };
  const labels: SceneItem[] = [];
  const label = (text: string, candidates: readonly Box[], colour: Colour): boolean => {
    const box = placer.place(text, candidates);
    if (box) labels.push({ k: 'label', box, colour });
    return box !== undefined;
  };
  const boxAt = (text: string, lx: number, ly: number): Box => ({ x: lx, y: ly - LABEL_H / 2, w: width(text), h: LABEL_H });
  const hiddenType = new Uint8Array(m.types.length);
  m.types.forEach((t, k) => { hiddenType[k] = filter.hiddenTypes.has(t) ? 1 : 0; });
  const highlighted = input.highlighted ?? new Set<number>();
  const divergence = input.divergence ?? -1;

  // The first divergence, labelled first: it matters most when comparing.
  if (divergence >= 0 && divergence < m.length) {
    const t = m.times[divergence]!;
    if (t >= t0 && t <= t1) {
      const text = 'first divergence';
      label(text, [boxAt(text, x(t) + 4, ch - 10), boxAt(text, x(t) - 4 - width(text), ch - 10)], 'divergence');
    }
  }

  // Partitions: each lane tinted by its side, and the side named on the lane.
  for (const p of m.partitions) {
    if (p.t1 < t0 || p.t0 > t1) continue;
    const xa = Math.max(LABEL_W, x(p.t0)), xb = Math.min(cw, x(p.t1));
    for (let l = 0; l < m.nodes.length; l++) {
      const g = p.groupOf[l]!;
      const onCut = p.cut && (p.cut[0] === l || p.cut[1] === l);
      if (g < 0 && !onCut) continue;
      const side = onCut ? (p.cut![0] === l ? 0 : 1) : g;
      items.push({ k: 'rect', x: xa, y: y(l) - laneH / 2, w: xb - xa, h: laneH, fill: `side:${side + 1}` });
    }
    items.push({ k: 'vline', x: x(p.t0), y0: AXIS_H, y1: ch, stroke: 'muted', dash: true }, { k: 'vline', x: x(p.t1), y0: AXIS_H, y1: ch, stroke: 'muted', dash: true });
    const what = p.cut ? `cut ${m.nodes[p.cut[0]] ?? '?'} ↛ ${m.nodes[p.cut[1]] ?? '?'}` : 'partition';
    label(what, [boxAt(what, xa + 3, AXIS_H + 8)], 'muted');
    if (!p.cut && laneH >= LABEL_H) {
      for (let l = 0; l < m.nodes.length; l++) {
        const g = p.groupOf[l]!;
        if (g < 0) continue;
        const text = `side ${g + 1}`;
        label(text, [boxAt(text, xa + 3, y(l) - laneH / 4), boxAt(text, xa + 3, y(l) + laneH / 4)], 'fg');
      }
    }
  }
  // Crashed and paused spans.
  for (const d of m.down) {
    if (d.t1 < t0 || d.t0 > t1) continue;
    const xa = Math.max(LABEL_W, x(d.t0)), xb = Math.min(cw, x(d.t1));
    items.push({ k: 'rect', x: xa, y: y(d.lane) - laneH * 0.35, w: xb - xa, h: laneH * 0.7, fill: 'down' });
    const text = d.kind === 'crash' ? 'crashed' : 'paused';
    if (xb - xa > width(text) + 4) label(text, [boxAt(text, xa + 4, y(d.lane) - laneH * 0.2), boxAt(text, xa + 4, y(d.lane) + laneH * 0.2)], 'muted');
  }
  for (let l = 0; l < m.nodes.length; l++) items.push({ k: 'hline', x0: LABEL_W, x1: cw, y: y(l), stroke: 'lane' });
  for (const vi of m.violations) {
    const t = m.times[vi]!;
    if (t >= t0 && t <= t1) items.push({ k: 'vline', x: x(t), y0: AXIS_H, y1: ch, stroke: 'violation', alpha: 0.5 });
  }

  // Bands of periodic rounds: collapsed while their rounds are closer than EXPAND_PX.
  const pxPerUs = plotW / (t1 - t0);
  const collapsed = new Uint8Array(periodic.bands.length);
  const bandBoxes: { band: number; box: Box }[] = [];
  const bandLabels: (() => void)[] = [];
  let bandsShown = 0;
  periodic.bands.forEach((b, index) => {
    if (filter.hidePeriodic || b.types.every((t) => hiddenType[t])) { collapsed[index] = 1; return; }
    const close = b.period * pxPerUs < EXPAND_PX;
    collapsed[index] = close ? 1 : 0;
    if (b.t1 < t0 || b.t0 > t1) return;
    bandsShown++;
    if (!close) return;
    const xa = Math.max(LABEL_W, x(b.t0)), xb = Math.min(cw, x(b.t1));
    const ya = y(b.laneMin) - laneH * 0.32, yb = y(b.laneMax) + laneH * 0.32;
    const colour = `type:${m.types[b.types[0]!]!}`;
    // A ribbon on each lane the rounds touch, inside one faint outline: the space between lanes stays
    // free for the arrows and labels that matter, and partition tints stay visible.
    items.push({ k: 'rect', x: xa, y: ya, w: xb - xa, h: yb - ya, fill: 'none', stroke: colour, strokeAlpha: 0.4 });
    for (const l of b.lanes) items.push({ k: 'rect', x: xa, y: y(l) - laneH * 0.1, w: xb - xa, h: laneH * 0.2, fill: colour, alpha: 0.22 });
    if (b.period * pxPerUs >= 3) {
      const xs: number[] = [];
      for (let t = b.t0; t <= b.t1 && xs.length < 5000; t += b.period) { const tx = x(t); if (tx >= LABEL_W && tx <= cw) xs.push(tx); }
      items.push({ k: 'ticks', xs, y: y(b.lane), h: 8, stroke: colour });
    }
    bandBoxes.push({ band: index, box: { x: xa, y: ya, w: xb - xa, h: yb - ya } });
    const names = b.types.map((t) => m.types[t]!);
    const long = `${names.length > 2 ? `${names[0]} …` : names.join(' ⇄ ')} ×${b.rounds} · every ${formatTime(Math.round(b.period))}`;
    const short = `×${b.rounds} ${names[0]}`;
    const mid = (xa + xb) / 2;
    bandLabels.push(() => {
      const at = (text: string): Box[] => {
        const w = width(text);
        if (w > xb - xa) return [];
        const out: Box[] = [];
        for (let l = b.laneMin; l <= b.laneMax; l++) for (const dy of [-laneH * 0.32 + 1, laneH * 0.32 - LABEL_H - 1]) out.push({ x: mid - w / 2, y: y(l) + dy, w, h: LABEL_H });
        return out;
      };
      if (!label(long, at(long), colour)) label(short, at(short), colour);
    });
  });

  // Arrows.
  const arrows = m.arrows;
  const shown = (k: number): boolean => {
    const a = arrows[k]!;
    if (hiddenType[a.type] || (filter.hidePeriodic && periodic.routine[k])) return false;
    const band = periodic.bandOf[k]!;
    return band < 0 || !collapsed[band];
  };
  const visible = arrowIndexOf(m).visible(t0, t1, shown);
  const thinned = visible.length > plotW * 4;
  let drawn = visible.length;
  if (thinned) {
    // Overview: at most one line per (pixel column, from, to), one path per colour, no heads or labels.
    const seen = new Set<number>();
    const paths = new Map<Colour, number[]>();
    for (const k of visible) {
      const a = arrows[k]!;
      const key = (Math.round(x(a.t0)) * 4096 + a.from) * 4096 + a.to;
      if (seen.has(key)) continue;
      seen.add(key);
      const colour = a.dropped ? 'drop' : `type:${a.msg.type}`;
      let coords = paths.get(colour);
      if (!coords) paths.set(colour, (coords = []));
      coords.push(x(a.t0), y(a.from), x(a.t1), y(a.to));
    }
    for (const [colour, coords] of paths) items.push({ k: 'segments', colour, coords });
    drawn = seen.size;
  } else {
    for (const k of visible) {
      const a = arrows[k]!;
      let x1 = x(a.t1), y1 = y(a.to);
      const x0 = x(a.t0), y0 = y(a.from);
      if (a.dropped && x1 - x0 < 10) { x1 = x0 + 10; y1 = y0 + (y1 - y0) * 0.4; }
      const emphasis = highlighted.has(a.sendIndex) || highlighted.has(a.endIndex);
      items.push({
        k: 'arrow', index: k, x0, y0, x1, y1, colour: emphasis ? 'highlight' : a.dropped ? 'drop' : `type:${a.msg.type}`,
        dash: a.dup || a.endIndex < 0, faded: a.endIndex < 0, head: a.dropped ? 'x' : a.endIndex < 0 ? 'none' : 'arrow', emphasis,
      });
    }
  }

  // Event marks.
  const first = m.lowerBound(t0), last = m.lastAtOrBefore(t1);
  const many = last - first > plotW * 3;
  const r = Math.max(2.5, Math.min(5, laneH / 5));
  let marks = 0;
  const mark = (i: number): void => {
    const e = m.event(i)!;
    if (!input.minorMarks && (e.kind === 'state' || e.kind === 'send')) return;
    if (e.kind === 'deliver' || e.kind === 'drop') return;
    if (periodic.eventRoutine[i]) {
      if (filter.hidePeriodic) return;
      const band = periodic.eventBand[i]!;
      if (band >= 0 && collapsed[band]) return;
    }
    const arrow = m.arrowOfEvent[i]!;
    if (arrow >= 0 && hiddenType[arrows[arrow]!.type]) return;
    const lane = m.laneOfEvent(e);
    items.push({ k: 'mark', event: e, x: x(e.t), y: lane >= 0 ? y(lane) : AXIS_H + 8, r });
    marks++;
  };
  if (many) {
    const list = arrowIndexOf(m).notable;
    let lo = 0, hi = list.length;
    while (lo < hi) { const mid = (lo + hi) >>> 1; if (list[mid]! < first) lo = mid + 1; else hi = mid; }
    for (let k = lo; k < list.length && list[k]! <= last; k++) mark(list[k]!);
  } else {
    for (let i = first; i <= last; i++) mark(i);
  }
  for (const i of highlighted) {
    const e = m.event(i);
    if (!e || e.t < t0 || e.t > t1) continue;
    const lane = m.laneOfEvent(e);
    items.push({ k: 'rect', x: x(e.t) - 6, y: (lane >= 0 ? y(lane) : AXIS_H + 6) - 6, w: 12, h: 12, fill: 'none', stroke: 'highlight', strokeWidth: 2 });
  }
  if (divergence >= 0 && divergence < m.length) {
    const t = m.times[divergence]!;
    if (t >= t0 && t <= t1) items.push({ k: 'vline', x: x(t), y0: AXIS_H, y1: ch, stroke: 'divergence', dash: true, width: 2 });
  }

  // Labels: bands, then arrows (rarest types first; the heartbeats last), each only where it fits.
  for (const place of bandLabels) place();
  if (!thinned) {
    // A burst (one node sending a type to many, or many answering one, within a few pixels) gets one
    // label with its count: "RequestVote ×4".
    const bursts = new Map<string, number[]>();
    for (const k of visible) {
      const a = arrows[k]!;
      const key = `${a.type}|${a.dropped ? 1 : 0}|${Math.round(x(a.t0) / 8)}`;
      const list = bursts.get(key);
      if (list) list.push(k); else bursts.set(key, [k]);
    }
    const counts = m.typeCounts;
    const groups = [...bursts.values()].sort((p, q) => counts[arrows[p[0]!]!.type]! - counts[arrows[q[0]!]!.type]! || arrows[p[0]!]!.t0 - arrows[q[0]!]!.t0);
    let tried = 0;
    for (const group of groups) {
      if (tried++ >= MAX_ARROW_LABELS) break;
      const a = arrows[group[Math.floor(group.length / 2)]!]!;
      const x0 = x(a.t0), y0 = y(a.from), x1 = x(a.t1), y1 = y(a.to);
      if (Math.hypot(x1 - x0, y1 - y0) < 24) continue;
      const name = a.msg.type.length > 40 ? `${a.msg.type.slice(0, 39)}…` : a.msg.type;
      const text = group.length > 1 ? `${name} ×${group.length}` : name;
      label(text, lineCandidates(x0, y0, x1, y1, width(text), LABEL_H), a.dropped ? 'drop' : `type:${a.msg.type}`);
    }
  }
  items.push(...labels);

  const step = niceStep((t1 - t0) / Math.max(1, plotW / 90));
  const ticks: { x: number; text: string }[] = [];
  for (let t = Math.ceil(t0 / step) * step; t <= t1; t += step) if (x(t) >= LABEL_W) ticks.push({ x: x(t), text: formatTime(Math.round(t)) });

  return {
    items, labels: placer.placed, ticks, collapsed, bandBoxes, x, y, laneH, plotW,
    stats: { arrows: drawn, marks, thinned: thinned || many, bands: bandsShown, collapsed: bandBoxes.length },
  };
}
