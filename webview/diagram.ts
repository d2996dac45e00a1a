/**
 * The space-time diagram (Lamport's diagram, as ShiViz draws it): time runs
 * left to right, one horizontal lane per node, one arrow per message from its
 * send to its delivery, coloured by message type (src/trace/palette.ts).
 * Dropped messages end in ×, duplicate deliveries and messages still in
 * flight at the end are dashed; crashed or paused spans grey the lane;
 * during a partition each lane is tinted by its side; violations are red.
 *
 * Readable at every scale:
 * - routine periodic exchanges (heartbeats, src/trace/periodic.ts) are drawn
 *   as one band per run of rounds while the rounds are closer than
 *   `EXPAND_PX` on screen, and as arrows once zoomed in; they can be hidden,
 *   and so can any message type (`setFilter`);
 * - labels go through one LabelPlacer (src/trace/labels.ts): a label is
 *   drawn only where it fits and never over another; the boxes drawn are
 *   reported by `labels`, which the browser tests check;
 * - hovering an arrow, a band or an event mark shows a tooltip; Shift+drag
 *   selects a time span and zooms to it; double-click fits the whole run.
 *
 * What to draw where is decided by src/trace/scene.ts (the SVG exporter
 * draws the same scene); this file paints it on a canvas, adds the cursor,
 * lane labels and minimap, and handles input. The cursor-independent layer
 * is cached; a step redraws only the overlay.
 */
import type { TraceEvent } from '../src/trace/format.js';
import type { PlacedLabel } from '../src/trace/labels.js';
import { typeColour, type Theme, type TypeColour } from '../src/trace/palette.js';
import type { Periodic } from '../src/trace/periodic.js';
import { AXIS_H, buildScene, LABEL_W, laneGeometry, type Colour, type Scene, type SceneItem } from '../src/trace/scene.js';
import { describeEvent, formatTime, type TraceModel } from '../src/trace/spacetime.js';
import { h } from './dom.js';

const MINIMAP_H = 34;
const FONT = '10px sans-serif';

interface Palette {
  theme: Theme;
  bg: string; fg: string; muted: string; lane: string; drop: string; dup: string;
  violation: string; client: string; reply: string; cursor: string; down: string;
  sides: string[]; highlight: string; divergence: string; restart: string; labelBg: string;
}

export interface DiagramOptions {
  /** The user clicked an event. */
  onPick(index: number): void;
  /** The role of a node at the cursor, for lane labels. */
  roleOf?(node: string): string | undefined;
  /** The visible window changed by the user (wheel, drag, minimap, keys). */
  onViewChange?(view: { t0: number; t1: number }): void;
  /** Message type colours (shared by the two sides of a comparison). */
  colours: ReadonlyMap<string, TypeColour>;
  periodic: Periodic;
  /** The time span to fit (the union of both traces side by side). */
  extent?: { start: number; end: number };
}

export interface DiagramFilter {
  /** Message types not drawn. */
  readonly hiddenTypes: ReadonlySet<string>;
  /** Routine periodic exchanges not drawn. */
  readonly hidePeriodic: boolean;
}

export interface DrawStats { arrows: number; marks: number; lanes: number; thinned: boolean; bands: number; collapsed: number }

/** Partition sides: lane tints, in order (side 1, side 2, …). */
export const SIDE_VARS = ['--pp-side-1', '--pp-side-2', '--pp-side-3', '--pp-side-4'];

export class Diagram {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly minimap: HTMLCanvasElement;
  private readonly tooltip: HTMLElement;
  private readonly model: TraceModel;
  private readonly options: DiagramOptions;
  private readonly density: Uint32Array;
  private readonly start: number;
  private readonly end: number;
  private palette!: Palette;
  private frame = 0;
  /** The visible time window, µs. */
  view: { t0: number; t1: number };
  cursor = -1;
  divergence = -1;
  stats: DrawStats = { arrows: 0, marks: 0, lanes: 0, thinned: false, bands: 0, collapsed: 0 };
  /** The labels drawn in the last frame, in canvas pixels (CSS px). */
  labels: readonly PlacedLabel[] = [];
  /** The cached cursor-independent layer, and what it was drawn for. */
  private readonly base = document.createElement('canvas');
  private baseKey = '';
  private readonly miniBase = document.createElement('canvas');
  private miniKey = '';
  private themeVersion = 0;
  private highlightVersion = 0;
  private filterVersion = 0;
  private highlightSet: ReadonlySet<number> = new Set();
  private filter: DiagramFilter = { hiddenTypes: new Set(), hidePeriodic: false };
  /** The last scene drawn (for hover and the label report). */
  private scene: Scene | undefined;
  private brush: { x0: number; x1: number } | null = null;
  private readonly widths = new Map<string, number>();

  get highlighted(): ReadonlySet<number> { return this.highlightSet; }
  set highlighted(value: ReadonlySet<number>) {
    if (value !== this.highlightSet) { this.highlightSet = value; this.highlightVersion++; }
  }

  constructor(model: TraceModel, options: DiagramOptions) {
    this.model = model;
    this.options = options;
    this.start = options.extent?.start ?? model.start;
    this.end = options.extent?.end ?? model.end;
    this.element = document.createElement('div');
    this.element.className = 'diagram';
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'diagram-canvas';
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', `Space-time diagram: ${model.nodes.length} nodes, ${model.arrows.length} messages, ${model.length} events. Click an event to select it; Shift+drag to zoom to a span.`);
    this.minimap = document.createElement('canvas');
    this.minimap.className = 'diagram-minimap';
    this.minimap.setAttribute('role', 'img');
    this.minimap.setAttribute('aria-label', 'Minimap of the whole run; click or drag to move the visible window');
    this.tooltip = h('div', { class: 'diagram-tooltip', role: 'tooltip', hidden: true });
    this.element.append(this.canvas, this.minimap, this.tooltip);
    this.view = { t0: this.start, t1: this.end };
    this.density = new Uint32Array(512);
    const range = this.end - this.start || 1;
    for (let i = 0; i < model.times.length; i++) {
      this.density[Math.max(0, Math.min(511, Math.floor(((model.times[i]! - this.start) / range) * 512)))]!++;
    }
    this.attachInput();
    new ResizeObserver(() => this.requestDraw()).observe(this.element);
  }

  /** Which message types and whether routine periodic exchanges are drawn. */
  setFilter(filter: DiagramFilter): void {
    this.filter = { hiddenTypes: new Set(filter.hiddenTypes), hidePeriodic: filter.hidePeriodic };
    this.filterVersion++;
    this.requestDraw();
  }

  /** Re-reads the theme colours (call when the VS Code theme changes). */
  refreshTheme(): void {
    const cs = getComputedStyle(this.element);
    const v = (name: string, fallback: string): string => cs.getPropertyValue(name).trim() || fallback;
    const bg = v('--pp-bg', '#1e1e1e');
    this.palette = {
      theme: luminance(bg) < 0.5 ? 'dark' : 'light',
      bg, fg: v('--pp-fg', '#cccccc'), muted: v('--pp-muted', '#888888'), lane: v('--pp-lane', '#555555'),
      drop: v('--pp-drop', '#e0a030'), dup: v('--pp-dup', '#b180d7'),
      violation: v('--pp-violation', '#f14c4c'), client: v('--pp-client', '#3dc9b0'), reply: v('--pp-reply', '#89d185'),
      cursor: v('--pp-cursor', '#ffcc00'), down: v('--pp-down', 'rgba(128,128,128,0.35)'),
      sides: SIDE_VARS.map((name, k) => v(name, ['rgba(60,170,230,0.2)', 'rgba(220,80,200,0.17)', 'rgba(120,200,80,0.2)', 'rgba(230,200,60,0.2)'][k]!)),
      highlight: v('--pp-highlight', '#ffcc00'), divergence: v('--pp-divergence', '#ff00ff'), restart: v('--pp-restart', '#89d185'),
      labelBg: v('--pp-label-bg', '#252526'),
    };
    this.themeVersion++;
    this.requestDraw();
  }

  /** The message type colours this diagram uses (shared with its comparison partner). */
  get colours(): ReadonlyMap<string, TypeColour> { return this.options.colours; }

  /** The colour of a message type on the current theme. */
  colourOf(type: string): string {
    if (!this.palette) this.refreshTheme();
    return typeColour(this.options.colours.get(type), this.palette.theme);
  }

  requestDraw(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => { this.frame = 0; this.draw(); });
  }

  /** Moves the window so that time t is visible (keeps the zoom). */
  reveal(t: number): void {
    const { t0, t1 } = this.view;
    const w = t1 - t0;
    if (t < t0 || t > t1) this.setView(t - w / 2, t + w / 2);
  }

  fit(): void { this.setView(this.start, this.end); }

  zoom(factor: number, at?: number): void {
    const { t0, t1 } = this.view;
    const c = at ?? (this.cursor >= 0 ? this.model.times[this.cursor]! : (t0 + t1) / 2);
    const w = Math.max((t1 - t0) * factor, 10);
    const frac = (c - t0) / (t1 - t0 || 1);
    this.setView(c - w * frac, c - w * frac + w);
  }

  /**
   * Zooms to event i and what is tied to it: its message from send to
   * delivery, its cause, and the events it caused — with a margin.
   */
  zoomToEvent(i: number): void {
    const m = this.model;
    const e = m.event(i);
    if (!e) return;
    let a = e.t, b = e.t;
    const arrow = m.arrowOfEvent[i]!;
    if (arrow >= 0) { a = Math.min(a, m.arrows[arrow]!.t0); b = Math.max(b, m.arrows[arrow]!.t1); }
    if (typeof e.cause === 'number') a = Math.min(a, m.times[e.cause]!);
    for (let j = i + 1; j < m.length && j < i + 200; j++) if (m.event(j)!.cause === i) b = Math.max(b, m.times[j]!);
    const span = Math.max(b - a, (this.end - this.start) / 200, 20);
    this.setView(a - span * 0.4, b + span * 0.4);
  }

  pan(fraction: number): void {
    const w = this.view.t1 - this.view.t0;
    this.setView(this.view.t0 + w * fraction, this.view.t1 + w * fraction);
  }

  /** Sets the window; `notify` false when it follows another diagram's. */
  setView(t0: number, t1: number, notify = true): void {
    const span = this.end - this.start;
    const pad = span * 0.02 + 1;
    let w = Math.min(t1 - t0, span + 2 * pad);
    w = Math.max(w, 10);
    let a = Math.max(this.start - pad, Math.min(t0, this.end + pad - w));
    if (!Number.isFinite(a)) a = this.start;
    if (a === this.view.t0 && a + w === this.view.t1) return;
    this.view = { t0: a, t1: a + w };
    this.requestDraw();
    if (notify) this.options.onViewChange?.(this.view);
  }

  private laneGeometry(height: number): { top: number; laneH: number } {
    return laneGeometry(height, this.model.nodes.length);
  }

  /** Draws the diagram: the cursor-independent layer is cached and only redrawn when the window, size, filters or marks change. */
  draw(): void {
    if (!this.palette) this.refreshTheme();
    const dpr = window.devicePixelRatio || 1;
    const cw = this.canvas.clientWidth, ch = this.canvas.clientHeight;
    if (cw === 0 || ch === 0) return;
    const pw = Math.round(cw * dpr), ph = Math.round(ch * dpr);
    if (this.canvas.width !== pw || this.canvas.height !== ph) { this.canvas.width = pw; this.canvas.height = ph; }
    const key = `${this.view.t0}|${this.view.t1}|${pw}|${ph}|${this.divergence}|${this.highlightVersion}|${this.themeVersion}|${this.filterVersion}`;
    if (key !== this.baseKey) {
      if (this.base.width !== pw || this.base.height !== ph) { this.base.width = pw; this.base.height = ph; }
      const bctx = this.base.getContext('2d')!;
      bctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      this.drawBase(bctx, cw, ch);
      this.baseKey = key;
    }
    const ctx = this.canvas.getContext('2d')!;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.drawImage(this.base, 0, 0);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    this.drawOverlay(ctx, cw, ch);
    this.drawMinimap();
  }

  /** The diagram as it is drawn now, as a PNG data URL (for export). */
  toPng(): string {
    this.draw();
    return this.canvas.toDataURL('image/png');
  }

  private geometry(cw: number, ch: number): { x: (t: number) => number; y: (lane: number) => number; plotW: number; laneH: number } {
    const { t0, t1 } = this.view;
    const plotW = Math.max(10, cw - LABEL_W - 10);
    const { top, laneH } = this.laneGeometry(ch);
    return { x: (t) => LABEL_W + ((t - t0) / (t1 - t0)) * plotW, y: (lane) => top + (lane + 0.5) * laneH, plotW, laneH };
  }

  private textWidth(ctx: CanvasRenderingContext2D, text: string): number {
    let w = this.widths.get(text);
    if (w === undefined) { w = ctx.measureText(text).width; if (this.widths.size < 5000) this.widths.set(text, w); }
    return w;
  }

  /** A scene colour on this theme. */
  private colour(c: Colour): string {
    const P = this.palette;
    if (c.startsWith('type:')) return this.colourOf(c.slice(5));
    if (c.startsWith('side:')) return P.sides[(Number(c.slice(5)) - 1) % P.sides.length]!;
    return (P as unknown as Record<string, string>)[c] ?? P.fg;
  }

  /** Everything that does not depend on the cursor: the scene of the window. */
  private drawBase(ctx: CanvasRenderingContext2D, cw: number, ch: number): void {
    const P = this.palette;
    ctx.font = FONT;
    const scene = buildScene({
      model: this.model, periodic: this.options.periodic, view: this.view, width: cw, height: ch, filter: this.filter,
      measure: (text) => this.textWidth(ctx, text), highlighted: this.highlighted, divergence: this.divergence, minorMarks: true,
    });
    this.scene = scene;
    ctx.fillStyle = P.bg; ctx.fillRect(0, 0, cw, ch);
    ctx.save();
    ctx.beginPath(); ctx.rect(LABEL_W, 0, scene.plotW + 10, ch); ctx.clip();
    for (const item of scene.items) this.paint(ctx, item, ch);
    ctx.restore();
    // Time axis.
    ctx.fillStyle = P.labelBg; ctx.fillRect(0, 0, cw, AXIS_H);
    ctx.fillStyle = P.muted; ctx.strokeStyle = P.lane; ctx.font = FONT;
    for (const tick of scene.ticks) {
      ctx.beginPath(); ctx.moveTo(tick.x, AXIS_H - 5); ctx.lineTo(tick.x, AXIS_H); ctx.stroke();
      ctx.fillText(tick.text, tick.x + 2, AXIS_H - 7);
    }
    this.labels = scene.labels;
    this.stats = { ...scene.stats, lanes: this.model.nodes.length };
  }

  private paint(ctx: CanvasRenderingContext2D, item: SceneItem, ch: number): void {
    ctx.globalAlpha = 1; ctx.lineWidth = 1; ctx.setLineDash([]);
    switch (item.k) {
      case 'rect':
        if (item.fill !== 'none') { ctx.globalAlpha = item.alpha ?? 1; ctx.fillStyle = this.colour(item.fill); ctx.fillRect(item.x, item.y, item.w, item.h); }
        if (item.stroke) { ctx.globalAlpha = item.strokeAlpha ?? 1; ctx.strokeStyle = this.colour(item.stroke); ctx.lineWidth = item.strokeWidth ?? 1; ctx.strokeRect(item.x + 0.5, item.y + 0.5, item.w - 1, item.h - 1); }
        return;
      case 'vline':
        ctx.globalAlpha = item.alpha ?? 1; ctx.strokeStyle = this.colour(item.stroke); ctx.lineWidth = item.width ?? 1;
        if (item.dash) ctx.setLineDash(item.width ? [6, 3] : [4, 3]);
        ctx.beginPath(); ctx.moveTo(item.x, item.y0); ctx.lineTo(item.x, item.y1); ctx.stroke();
        return;
      case 'hline':
        ctx.strokeStyle = this.colour(item.stroke); ctx.beginPath(); ctx.moveTo(item.x0, item.y); ctx.lineTo(item.x1, item.y); ctx.stroke();
        return;
      case 'ticks':
        ctx.globalAlpha = 0.55; ctx.strokeStyle = this.colour(item.stroke); ctx.beginPath();
        for (const x of item.xs) { ctx.moveTo(x, item.y - item.h / 2); ctx.lineTo(x, item.y + item.h / 2); }
        ctx.stroke();
        return;
      case 'segments': {
        ctx.strokeStyle = this.colour(item.colour); ctx.beginPath();
        const c = item.coords;
        for (let k = 0; k < c.length; k += 4) { ctx.moveTo(c[k]!, c[k + 1]!); ctx.lineTo(c[k + 2]!, c[k + 3]!); }
        ctx.stroke();
        return;
      }
      case 'arrow':
        this.drawArrow(ctx, item, item.emphasis ? 'highlight' : 'normal');
        return;
      case 'mark':
        this.drawMark(ctx, item.event, item.x, item.y, item.r, ch);
        return;
      case 'label': {
        const l = item.box;
        ctx.fillStyle = this.palette.bg; ctx.globalAlpha = 0.85; ctx.fillRect(l.x, l.y, l.w, l.h); ctx.globalAlpha = 1;
        ctx.fillStyle = this.colour(item.colour); ctx.font = FONT; ctx.fillText(l.text, l.x + 3, l.y + l.h - 3);
        return;
      }
    }
  }

  /** The cursor, its message's arrow, the selection brush, and the lane labels (roles, down state and partition side at the cursor). */
  private drawOverlay(ctx: CanvasRenderingContext2D, cw: number, ch: number): void {
    const P = this.palette, m = this.model;
    const { x, y, plotW } = this.geometry(cw, ch);
    const laneH = this.laneGeometry(ch).laneH;
    ctx.save();
    ctx.beginPath(); ctx.rect(LABEL_W, AXIS_H, plotW + 10, ch - AXIS_H); ctx.clip();
    const cursorArrow = this.cursor >= 0 ? m.arrowOfEvent[this.cursor] ?? -1 : -1;
    if (cursorArrow >= 0) {
      const a = m.arrows[cursorArrow]!;
      let x1 = x(a.t1), y1 = y(a.to);
      const x0 = x(a.t0), y0 = y(a.from);
      if (a.dropped && x1 - x0 < 10) { x1 = x0 + 10; y1 = y0 + (y1 - y0) * 0.4; }
      this.drawArrow(ctx, { k: 'arrow', index: cursorArrow, x0, y0, x1, y1, colour: 'cursor', dash: a.dup || a.endIndex < 0, faded: false, head: a.dropped ? 'x' : a.endIndex < 0 ? 'none' : 'arrow', emphasis: true }, 'cursor');
    }
    if (this.cursor >= 0 && this.cursor < m.length) {
      const e = m.event(this.cursor)!;
      const cx = x(e.t);
      ctx.strokeStyle = P.cursor; ctx.lineWidth = 1.5;
      ctx.beginPath(); ctx.moveTo(cx, AXIS_H); ctx.lineTo(cx, ch); ctx.stroke();
      const lane = m.laneOfEvent(e);
      if (lane >= 0) { ctx.lineWidth = 2; ctx.beginPath(); ctx.arc(cx, y(lane), 7, 0, Math.PI * 2); ctx.stroke(); }
      ctx.lineWidth = 1;
    }
    if (this.brush) {
      const a = Math.min(this.brush.x0, this.brush.x1), b = Math.max(this.brush.x0, this.brush.x1);
      ctx.fillStyle = P.cursor; ctx.globalAlpha = 0.15; ctx.fillRect(a, AXIS_H, b - a, ch - AXIS_H); ctx.globalAlpha = 1;
      ctx.strokeStyle = P.cursor; ctx.strokeRect(a + 0.5, AXIS_H + 0.5, b - a - 1, ch - AXIS_H - 1);
    }
    ctx.restore();
    // Lane labels.
    ctx.fillStyle = P.labelBg; ctx.fillRect(0, AXIS_H, LABEL_W, ch - AXIS_H);
    if (laneH >= 9) {
      const t = this.cursor >= 0 ? m.times[this.cursor]! : -1;
      const partition = t >= 0 ? m.partitions.find((p) => p.t0 <= t && t < p.t1 && !p.cut) : undefined;
      ctx.font = `${Math.min(12, Math.floor(laneH * 0.6))}px sans-serif`;
      for (let l = 0; l < m.nodes.length; l++) {
        const id = m.nodes[l]!;
        const role = this.options.roleOf?.(id);
        const down = t >= 0 && m.isDown(l, t);
        let left = 6;
        const side = partition ? partition.groupOf[l]! : -1;
        if (side >= 0) {
          ctx.fillStyle = P.sides[side % P.sides.length]!.replace(/[\d.]+\)$/, '0.9)');
          ctx.fillRect(4, y(l) - 5, 8, 10);
          left = 16;
        }
        ctx.fillStyle = down ? P.muted : P.fg;
        ctx.fillText(fitText(ctx, `${id} · ${down ? 'down' : role ?? ''}`.replace(/ · $/, ''), LABEL_W - left - 4), left, y(l) + 4);
      }
    }
  }

  /** An arrow of the scene (or the cursor's message, drawn over it). */
  private drawArrow(ctx: CanvasRenderingContext2D, a: Extract<SceneItem, { k: 'arrow' }>, mode: 'normal' | 'cursor' | 'highlight'): void {
    const P = this.palette;
    const { x0, y0, x1, y1 } = a;
    const color = mode === 'cursor' ? P.cursor : mode === 'highlight' ? P.highlight : this.colour(a.colour);
    ctx.strokeStyle = color; ctx.fillStyle = color;
    ctx.lineWidth = mode === 'normal' ? 1.2 : 2.5;
    if (a.dash) ctx.setLineDash([4, 3]);
    if (a.faded) ctx.globalAlpha = 0.5;
    ctx.beginPath(); ctx.moveTo(x0, y0); ctx.lineTo(x1, y1); ctx.stroke();
    ctx.setLineDash([]);
    if (a.head === 'x') {
      ctx.beginPath(); ctx.moveTo(x1 - 4, y1 - 4); ctx.lineTo(x1 + 4, y1 + 4); ctx.moveTo(x1 + 4, y1 - 4); ctx.lineTo(x1 - 4, y1 + 4); ctx.stroke();
    } else if (a.head === 'arrow') {
      const ang = Math.atan2(y1 - y0, x1 - x0);
      ctx.beginPath(); ctx.moveTo(x1, y1);
      ctx.lineTo(x1 - 7 * Math.cos(ang - 0.4), y1 - 7 * Math.sin(ang - 0.4));
      ctx.lineTo(x1 - 7 * Math.cos(ang + 0.4), y1 - 7 * Math.sin(ang + 0.4));
      ctx.closePath(); ctx.fill();
    }
    ctx.globalAlpha = 1; ctx.lineWidth = 1;
  }

  private drawMark(ctx: CanvasRenderingContext2D, e: TraceEvent, cx: number, cy: number, r: number, ch: number): void {
    const P = this.palette;
    switch (e.kind) {
      case 'timer':
        ctx.strokeStyle = P.muted; ctx.beginPath(); ctx.moveTo(cx, cy - r - 2); ctx.lineTo(cx, cy + r + 2); ctx.stroke(); return;
      case 'client':
        ctx.fillStyle = P.client; diamond(ctx, cx, cy, r + 1.5); ctx.fill(); return;
      case 'reply':
        ctx.strokeStyle = e.ok ? P.reply : P.violation; ctx.lineWidth = 1.5; diamond(ctx, cx, cy, r + 1.5); ctx.stroke(); ctx.lineWidth = 1; return;
      case 'crash':
        ctx.strokeStyle = P.violation; ctx.lineWidth = 2.5; ctx.beginPath();
        ctx.moveTo(cx - r - 1, cy - r - 1); ctx.lineTo(cx + r + 1, cy + r + 1); ctx.moveTo(cx + r + 1, cy - r - 1); ctx.lineTo(cx - r - 1, cy + r + 1); ctx.stroke(); ctx.lineWidth = 1; return;
      case 'restart': case 'resume':
        ctx.strokeStyle = P.restart; ctx.lineWidth = 2; ctx.beginPath(); ctx.arc(cx, cy, r + 1, 0, Math.PI * 2); ctx.stroke(); ctx.lineWidth = 1; return;
      case 'pause':
        ctx.fillStyle = P.muted; ctx.fillRect(cx - 3, cy - r, 2, 2 * r); ctx.fillRect(cx + 1, cy - r, 2, 2 * r); return;
      case 'violation':
        ctx.fillStyle = P.violation; ctx.beginPath(); ctx.arc(cx, cy, r + 2, 0, Math.PI * 2); ctx.fill();
        ctx.fillStyle = P.bg; ctx.font = 'bold 9px sans-serif'; ctx.fillText('!', cx - 1.5, cy + 3); ctx.font = FONT; return;
      case 'state':
        ctx.fillStyle = P.muted; ctx.fillRect(cx - 1.5, cy + r, 3, 3); return;
      case 'note':
        ctx.fillStyle = P.fg; ctx.beginPath(); ctx.moveTo(cx, cy - r - 4); ctx.lineTo(cx - 3, cy - r - 9); ctx.lineTo(cx + 3, cy - r - 9); ctx.fill(); return;
      case 'send':
        ctx.fillStyle = this.colourOf(e.msg.type); ctx.beginPath(); ctx.arc(cx, cy, 1.8, 0, Math.PI * 2); ctx.fill(); return;
      case 'partition': case 'heal':
        ctx.strokeStyle = e.kind === 'heal' ? P.restart : P.drop; ctx.beginPath(); ctx.moveTo(cx, AXIS_H); ctx.lineTo(cx, ch); ctx.stroke(); return;
      default: return;
    }
  }

  private drawMinimap(): void {
    const dpr = window.devicePixelRatio || 1;
    const cw = this.minimap.clientWidth, ch = this.minimap.clientHeight || MINIMAP_H;
    if (cw === 0) return;
    if (this.minimap.width !== Math.round(cw * dpr) || this.minimap.height !== Math.round(ch * dpr)) {
      this.minimap.width = Math.round(cw * dpr); this.minimap.height = Math.round(ch * dpr);
    }
    const P = this.palette, m = this.model;
    const span = this.end - this.start || 1;
    const mx = (t: number): number => ((t - this.start) / span) * cw;
    // The histogram and the violations change only with the size or the theme: drawn once, then copied.
    const key = `${this.minimap.width}|${this.minimap.height}|${this.themeVersion}`;
    if (key !== this.miniKey) {
      this.miniBase.width = this.minimap.width; this.miniBase.height = this.minimap.height;
      const b = this.miniBase.getContext('2d')!;
      b.setTransform(dpr, 0, 0, dpr, 0, 0);
      b.fillStyle = P.labelBg; b.fillRect(0, 0, cw, ch);
      const max = Math.max(1, ...this.density);
      const bw = cw / this.density.length;
      b.fillStyle = P.muted; b.globalAlpha = 0.6;
      this.density.forEach((c, k) => { if (c) { const hgt = Math.max(1, (Math.sqrt(c) / Math.sqrt(max)) * (ch - 4)); b.fillRect(k * bw, ch - hgt, Math.max(1, bw), hgt); } });
      b.globalAlpha = 1;
      b.fillStyle = P.violation;
      for (const vi of m.violations) b.fillRect(mx(m.times[vi]!) - 1, 0, 2, ch);
      this.miniKey = key;
    }
    const ctx = this.minimap.getContext('2d')!;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.drawImage(this.miniBase, 0, 0);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    if (this.cursor >= 0) { ctx.fillStyle = P.cursor; ctx.fillRect(mx(m.times[this.cursor]!) - 0.5, 0, 1.5, ch); }
    ctx.strokeStyle = P.fg; ctx.lineWidth = 1.5;
    const a = mx(this.view.t0), b = mx(this.view.t1);
    ctx.strokeRect(Math.max(0.5, a), 1, Math.max(3, Math.min(cw - 1, b) - Math.max(0.5, a)), ch - 2);
    ctx.lineWidth = 1;
  }

  private timeAtX(px: number): number {
    const plotW = Math.max(10, this.canvas.clientWidth - LABEL_W - 10);
    return this.view.t0 + ((px - LABEL_W) / plotW) * (this.view.t1 - this.view.t0);
  }

  /** Where event i is drawn, in the canvas's CSS pixels (for tests and tooltips). */
  pointOf(i: number): { x: number; y: number } | undefined {
    const e = this.model.event(i);
    if (!e) return undefined;
    const { x, y } = this.geometry(this.canvas.clientWidth, this.canvas.clientHeight);
    const lane = this.model.laneOfEvent(e);
    return { x: x(e.t), y: lane >= 0 ? y(lane) : AXIS_H + 8 };
  }

  /** The canvas (for tests: pointer input). */
  get surface(): HTMLCanvasElement { return this.canvas; }

  /** The event nearest to a canvas point (within 10 px), or -1. */
  pick(px: number, py: number): number {
    const m = this.model;
    const plotW = Math.max(10, this.canvas.clientWidth - LABEL_W - 10);
    const { top, laneH } = this.laneGeometry(this.canvas.clientHeight);
    const perPx = (this.view.t1 - this.view.t0) / plotW;
    const t = this.timeAtX(px);
    const first = m.lowerBound(t - 10 * perPx), last = m.lastAtOrBefore(t + 10 * perPx);
    let best = -1, bestD = 100;
    for (let i = first; i <= last && i - first < 5000; i++) {
      const e = m.event(i)!;
      const lane = m.laneOfEvent(e);
      const ey = lane >= 0 ? top + (lane + 0.5) * laneH : AXIS_H + 8;
      const d = ((m.times[i]! - t) / perPx) ** 2 + (ey - py) ** 2;
      const score = e.kind === 'state' ? d + 20 : d; // prefer the visible marks over state dots
      if (score < bestD) { bestD = score; best = i; }
    }
    return best;
  }

  /** What is under a canvas point, as tooltip text (an event mark, an arrow, a band), or undefined. */
  describeAt(px: number, py: number): string | undefined {
    const m = this.model;
    const i = this.pick(px, py);
    if (i >= 0) {
      const e = m.event(i)!;
      const { top, laneH } = this.laneGeometry(this.canvas.clientHeight);
      const lane = m.laneOfEvent(e);
      const ey = lane >= 0 ? top + (lane + 0.5) * laneH : AXIS_H + 8;
      const plotW = Math.max(10, this.canvas.clientWidth - LABEL_W - 10);
      const ex = LABEL_W + ((e.t - this.view.t0) / (this.view.t1 - this.view.t0)) * plotW;
      if (Math.hypot(ex - px, ey - py) <= 7) return `#${i} · ${formatTime(e.t)} · ${e.kind}\n${describeEvent(m, e)}`;
    }
    let best = -1, bestD = 5;
    for (const item of this.scene?.items ?? []) {
      if (item.k !== 'arrow') continue;
      const d = segmentDistance(px, py, item.x0, item.y0, item.x1, item.y1);
      if (d < bestD) { bestD = d; best = item.index; }
    }
    if (best >= 0) {
      const a = m.arrows[best]!;
      const fate = a.dropped ? `dropped at ${formatTime(a.t1)}` : a.endIndex < 0 ? 'still in flight at the end' : `delivered at ${formatTime(a.t1)}${a.dup ? ' (duplicate)' : ''}`;
      const body = a.msg.body === undefined ? '' : `\n${shortJson(a.msg.body)}`;
      return `${a.msg.type} #${a.msg.id} ${a.msg.from} → ${a.msg.to}\nsent at ${formatTime(a.t0)}, ${fate} (${formatTime(a.t1 - a.t0)})${body}`;
    }
    for (const { band, box } of this.scene?.bandBoxes ?? []) {
      if (px >= box.x && px <= box.x + box.w && py >= box.y && py <= box.y + box.h) {
        const b = this.options.periodic.bands[band]!;
        return `${b.rounds} rounds of ${b.types.map((t) => m.types[t]).join(' and ')} from ${m.nodes[b.lane]}'s ${b.timer} timer, every ${formatTime(Math.round(b.period))}\n${formatTime(b.t0)} – ${formatTime(b.t1)}: ${b.arrows.length} routine messages. Zoom in to see them one by one.`;
      }
    }
    return undefined;
  }

  private showTooltip(ev: PointerEvent): void {
    const text = this.describeAt(ev.offsetX, ev.offsetY);
    if (text === undefined) { this.tooltip.hidden = true; return; }
    this.tooltip.textContent = text;
    this.tooltip.hidden = false;
    const box = this.element.getBoundingClientRect();
    const w = this.tooltip.offsetWidth, hgt = this.tooltip.offsetHeight;
    const left = Math.min(ev.offsetX + 14, box.width - w - 4);
    const top = ev.offsetY + 16 + hgt > box.height ? ev.offsetY - hgt - 8 : ev.offsetY + 16;
    // CSSOM writes are allowed under the page's CSP (no style attribute in markup).
    this.tooltip.style.left = `${Math.max(0, left)}px`;
    this.tooltip.style.top = `${Math.max(0, top)}px`;
  }

  private attachInput(): void {
    let drag: { x: number; t0: number; t1: number; moved: boolean; brush: boolean } | null = null;
    this.canvas.addEventListener('wheel', (ev) => {
      ev.preventDefault();
      if (ev.shiftKey || Math.abs(ev.deltaX) > Math.abs(ev.deltaY)) this.pan((ev.deltaX || ev.deltaY) / 800);
      else this.zoom(Math.exp(ev.deltaY / 400), this.timeAtX(ev.offsetX));
    }, { passive: false });
    this.canvas.addEventListener('pointerdown', (ev) => {
      drag = { x: ev.offsetX, t0: this.view.t0, t1: this.view.t1, moved: false, brush: ev.shiftKey };
      this.tooltip.hidden = true;
      this.canvas.setPointerCapture(ev.pointerId);
    });
    this.canvas.addEventListener('pointermove', (ev) => {
      if (!drag) { this.showTooltip(ev); return; }
      const dx = ev.offsetX - drag.x;
      if (Math.abs(dx) > 3) drag.moved = true;
      if (!drag.moved) return;
      if (drag.brush) { this.brush = { x0: drag.x, x1: ev.offsetX }; this.requestDraw(); return; }
      const plotW = Math.max(10, this.canvas.clientWidth - LABEL_W - 10);
      const dt = (-dx / plotW) * (drag.t1 - drag.t0);
      this.setView(drag.t0 + dt, drag.t1 + dt);
    });
    this.canvas.addEventListener('pointerleave', () => { this.tooltip.hidden = true; });
    this.canvas.addEventListener('pointerup', (ev) => {
      const was = drag;
      drag = null;
      if (was?.brush && was.moved && this.brush) {
        const a = this.timeAtX(Math.min(this.brush.x0, this.brush.x1)), b = this.timeAtX(Math.max(this.brush.x0, this.brush.x1));
        this.brush = null;
        this.setView(a, b);
        return;
      }
      this.brush = null;
      if (!was?.moved) { const i = this.pick(ev.offsetX, ev.offsetY); if (i >= 0) this.options.onPick(i); }
    });
    this.canvas.addEventListener('dblclick', () => this.fit());
    const moveTo = (ev: PointerEvent): void => {
      const span = this.end - this.start;
      const t = this.start + (ev.offsetX / Math.max(1, this.minimap.clientWidth)) * span;
      const w = this.view.t1 - this.view.t0;
      this.setView(t - w / 2, t + w / 2);
    };
    let mini = false;
    this.minimap.addEventListener('pointerdown', (ev) => { mini = true; this.minimap.setPointerCapture(ev.pointerId); moveTo(ev); });
    this.minimap.addEventListener('pointermove', (ev) => { if (mini) moveTo(ev); });
    this.minimap.addEventListener('pointerup', () => { mini = false; });
  }
}

function segmentDistance(px: number, py: number, x0: number, y0: number, x1: number, y1: number): number {
  const dx = x1 - x0, dy = y1 - y0;
  const len = dx * dx + dy * dy;
  const f = len === 0 ? 0 : Math.max(0, Math.min(1, ((px - x0) * dx + (py - y0) * dy) / len));
  return Math.hypot(px - (x0 + f * dx), py - (y0 + f * dy));
}

function shortJson(v: unknown): string {
  const s = JSON.stringify(v) ?? '';
  return s.length > 300 ? `${s.slice(0, 299)}…` : s;
}

function diamond(ctx: CanvasRenderingContext2D, cx: number, cy: number, r: number): void {
  ctx.beginPath(); ctx.moveTo(cx, cy - r); ctx.lineTo(cx + r, cy); ctx.lineTo(cx, cy + r); ctx.lineTo(cx - r, cy); ctx.closePath();
}

function fitText(ctx: CanvasRenderingContext2D, text: string, max: number): string {
  const s = text.length > 200 ? text.slice(0, 200) : text;
  if (ctx.measureText(s).width <= max) return s;
  let lo = 0, hi = s.length;
  while (lo < hi) { const mid = (lo + hi + 1) >>> 1; if (ctx.measureText(`${s.slice(0, mid)}…`).width <= max) lo = mid; else hi = mid - 1; }
  return `${s.slice(0, lo)}…`;
}

/** Relative luminance of a CSS colour (#rgb, #rrggbb or rgb()), 0 black … 1 white; 0 for anything else. */
function luminance(colour: string): number {
  let r = 0, g = 0, b = 0;
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(colour.trim());
  const rgb = /^rgba?\(\s*(\d+)[ ,]+(\d+)[ ,]+(\d+)/i.exec(colour.trim());
  if (hex) {
    const s = hex[1]!.length === 3 ? hex[1]!.split('').map((c) => c + c).join('') : hex[1]!;
    [r, g, b] = [0, 2, 4].map((k) => parseInt(s.slice(k, k + 2), 16));
  } else if (rgb) [r, g, b] = [rgb[1], rgb[2], rgb[3]].map(Number);
  return (0.2126 * r! + 0.7152 * g! + 0.0722 * b!) / 255;
}
