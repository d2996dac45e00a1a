/**
 * The space-time diagram (Lamport's diagram, as ShiViz draws it): time runs
 * left to right, one horizontal lane per node, one arrow per message from its
 * send to its delivery (dropped messages end in an X, duplicate deliveries are
 * dashed, messages still in flight at the end fade out). Crashed or paused
 * spans grey the lane, partitions tint the lanes by side, violations are red.
 *
 * Drawn on a canvas; only what is inside the time window is visited (binary
 * search on event times and on arrow send times; the few very long arrows are
 * kept aside), and when a window holds more marks than pixels, routine marks
 * are thinned, so a 100 000-event trace stays smooth. A minimap below shows
 * the whole run and the window; wheel zooms, drag pans.
 */
import { formatTime, type Arrow, type TraceModel } from './model.js';
import type { TraceEvent } from '../src/trace/format.js';

const LABEL_W = 120;
const AXIS_H = 20;
const MINIMAP_H = 34;

interface Palette {
  bg: string; fg: string; muted: string; lane: string; arrow: string; drop: string; dup: string;
  violation: string; client: string; reply: string; cursor: string; down: string;
  partA: string; partB: string; highlight: string; divergence: string; restart: string; labelBg: string;
}

export interface DiagramOptions {
  /** The user clicked an event. */
  onPick(index: number): void;
  /** The role of a node at the cursor, for lane labels. */
  roleOf?(node: string): string | undefined;
}

export interface DrawStats { arrows: number; marks: number; lanes: number; thinned: boolean }

export class Diagram {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly minimap: HTMLCanvasElement;
  private readonly model: TraceModel;
  private readonly options: DiagramOptions;
  private readonly shortArrows: number[] = [];
  private readonly longArrows: number[] = [];
  private readonly shortSpan: number;
  private readonly density: Uint32Array;
  /** Indices of the events drawn even in an overview (all but send, deliver, state, timer). */
  private readonly notable: number[] = [];
  private palette!: Palette;
  private frame = 0;
  /** The visible time window, µs. */
  view: { t0: number; t1: number };
  cursor = -1;
  divergence = -1;
  stats: DrawStats = { arrows: 0, marks: 0, lanes: 0, thinned: false };
  /** The cached cursor-independent layer, and what it was drawn for. */
  private readonly base = document.createElement('canvas');
  private baseKey = '';
  private themeVersion = 0;
  private highlightVersion = 0;
  private highlightSet: ReadonlySet<number> = new Set();
  get highlighted(): ReadonlySet<number> { return this.highlightSet; }
  set highlighted(value: ReadonlySet<number>) {
    if (value !== this.highlightSet) { this.highlightSet = value; this.highlightVersion++; }
  }

  constructor(model: TraceModel, options: DiagramOptions) {
    this.model = model;
    this.options = options;
    this.element = document.createElement('div');
    this.element.className = 'diagram';
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'diagram-canvas';
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', `Space-time diagram: ${model.nodes.length} nodes, ${model.arrows.length} messages, ${model.length} events. Click an event to select it.`);
    this.minimap = document.createElement('canvas');
    this.minimap.className = 'diagram-minimap';
    this.minimap.setAttribute('role', 'img');
    this.minimap.setAttribute('aria-label', 'Minimap of the whole run; click or drag to move the visible window');
    this.element.append(this.canvas, this.minimap);
    this.view = { t0: model.start, t1: model.end };
    // Long arrows (far above the typical span) are scanned separately so the
    // binary-search window for the others stays tight.
    const spans = model.arrows.map((a) => a.t1 - a.t0).sort((a, b) => a - b);
    const p99 = spans.length ? spans[Math.floor(spans.length * 0.99)]! : 0;
    const limit = Math.max(p99 * 2, 1);
    let shortSpan = 0;
    model.arrows.forEach((a, k) => {
      const span = a.t1 - a.t0;
      if (span > limit) this.longArrows.push(k); else { this.shortArrows.push(k); shortSpan = Math.max(shortSpan, span); }
    });
    this.shortSpan = shortSpan;
    model.doc.events.forEach((e, i) => { if (e.kind !== 'send' && e.kind !== 'deliver' && e.kind !== 'state' && e.kind !== 'timer') this.notable.push(i); });
    this.density = new Uint32Array(512);
    const range = model.end - model.start || 1;
    for (let i = 0; i < model.times.length; i++) {
      this.density[Math.min(511, Math.floor(((model.times[i]! - model.start) / range) * 512))]!++;
    }
    this.attachInput();
    new ResizeObserver(() => this.requestDraw()).observe(this.element);
  }

  /** Re-reads the theme colours (call when the VS Code theme changes). */
  refreshTheme(): void {
    const cs = getComputedStyle(this.element);
    const v = (name: string, fallback: string): string => cs.getPropertyValue(name).trim() || fallback;
    this.palette = {
      bg: v('--pp-bg', '#1e1e1e'), fg: v('--pp-fg', '#cccccc'), muted: v('--pp-muted', '#888888'), lane: v('--pp-lane', '#555555'),
      arrow: v('--pp-arrow', '#4fa3ff'), drop: v('--pp-drop', '#e0a030'), dup: v('--pp-dup', '#b180d7'),
      violation: v('--pp-violation', '#f14c4c'), client: v('--pp-client', '#3dc9b0'), reply: v('--pp-reply', '#89d185'),
      cursor: v('--pp-cursor', '#ffcc00'), down: v('--pp-down', 'rgba(128,128,128,0.35)'),
      partA: v('--pp-part-a', 'rgba(80,140,255,0.12)'), partB: v('--pp-part-b', 'rgba(255,140,60,0.14)'),
      highlight: v('--pp-highlight', '#ffcc00'), divergence: v('--pp-divergence', '#ff00ff'), restart: v('--pp-restart', '#89d185'),
      labelBg: v('--pp-label-bg', '#252526'),
    };
    this.themeVersion++;
    this.requestDraw();
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

  fit(): void { this.setView(this.model.start, this.model.end); }

  zoom(factor: number, at?: number): void {
    const { t0, t1 } = this.view;
    const c = at ?? (this.cursor >= 0 ? this.model.times[this.cursor]! : (t0 + t1) / 2);
    const w = Math.max((t1 - t0) * factor, 10);
    const frac = (c - t0) / (t1 - t0 || 1);
    this.setView(c - w * frac, c - w * frac + w);
  }

  pan(fraction: number): void {
    const w = this.view.t1 - this.view.t0;
    this.setView(this.view.t0 + w * fraction, this.view.t1 + w * fraction);
  }

  setView(t0: number, t1: number): void {
    const span = this.model.end - this.model.start;
    const pad = span * 0.02 + 1;
    let w = Math.min(t1 - t0, span + 2 * pad);
    w = Math.max(w, 10);
    let a = Math.max(this.model.start - pad, Math.min(t0, this.model.end + pad - w));
    if (!Number.isFinite(a)) a = this.model.start;
    this.view = { t0: a, t1: a + w };
    this.requestDraw();
  }

  private laneGeometry(height: number): { top: number; laneH: number } {
    const n = Math.max(1, this.model.nodes.length);
    const laneH = Math.max(4, (height - AXIS_H - 8) / n);
    return { top: AXIS_H + 4, laneH };
  }

  /** Draws the diagram: the cursor-independent layer is cached and only redrawn when the window, size or marks change. */
  draw(): void {
    if (!this.palette) this.refreshTheme();
    const dpr = window.devicePixelRatio || 1;
    const cw = this.canvas.clientWidth, ch = this.canvas.clientHeight;
    if (cw === 0 || ch === 0) return;
    const pw = Math.round(cw * dpr), ph = Math.round(ch * dpr);
    if (this.canvas.width !== pw || this.canvas.height !== ph) { this.canvas.width = pw; this.canvas.height = ph; }
    const key = `${this.view.t0}|${this.view.t1}|${pw}|${ph}|${this.divergence}|${this.highlightVersion}|${this.themeVersion}`;
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

  private geometry(cw: number, ch: number): { x: (t: number) => number; y: (lane: number) => number; plotW: number; laneH: number } {
    const { t0, t1 } = this.view;
    const plotW = Math.max(10, cw - LABEL_W - 10);
    const { top, laneH } = this.laneGeometry(ch);
    return { x: (t) => LABEL_W + ((t - t0) / (t1 - t0)) * plotW, y: (lane) => top + (lane + 0.5) * laneH, plotW, laneH };
  }

  /** Everything that does not depend on the cursor. */
  private drawBase(ctx: CanvasRenderingContext2D, cw: number, ch: number): void {
    const P = this.palette, m = this.model;
    const { t0, t1 } = this.view;
    const { x, y, plotW, laneH } = this.geometry(cw, ch);
    ctx.fillStyle = P.bg; ctx.fillRect(0, 0, cw, ch);
    ctx.save();
    ctx.beginPath(); ctx.rect(LABEL_W, 0, plotW + 10, ch); ctx.clip();
    // Partitions: tint each lane by its side.
    for (const p of m.partitions) {
      if (p.t1 < t0 || p.t0 > t1) continue;
      const xa = Math.max(LABEL_W, x(p.t0)), xb = Math.min(cw, x(p.t1));
      for (let l = 0; l < m.nodes.length; l++) {
        const g = p.groupOf[l]!;
        const onCut = p.cut && (p.cut[0] === l || p.cut[1] === l);
        if (g < 0 && !onCut) continue;
        ctx.fillStyle = onCut ? P.partB : g % 2 === 0 ? P.partA : P.partB;
        ctx.fillRect(xa, y(l) - laneH / 2, xb - xa, laneH);
      }
      ctx.strokeStyle = P.muted; ctx.setLineDash([4, 3]); ctx.beginPath();
      ctx.moveTo(x(p.t0), AXIS_H); ctx.lineTo(x(p.t0), ch); ctx.moveTo(x(p.t1), AXIS_H); ctx.lineTo(x(p.t1), ch); ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = P.muted; ctx.font = '10px sans-serif'; ctx.fillText(p.cut ? 'cut' : 'partition', x(p.t0) + 3, AXIS_H + 10);
    }
    // Crashed / paused spans.
    for (const d of m.down) {
      if (d.t1 < t0 || d.t0 > t1) continue;
      const xa = Math.max(LABEL_W, x(d.t0)), xb = Math.min(cw, x(d.t1));
      ctx.fillStyle = P.down; ctx.fillRect(xa, y(d.lane) - laneH * 0.35, xb - xa, laneH * 0.7);
      if (laneH >= 14 && xb - xa > 50) { ctx.fillStyle = P.muted; ctx.font = '10px sans-serif'; ctx.fillText(d.kind === 'crash' ? 'crashed' : 'paused', xa + 4, y(d.lane) - 4); }
    }
    // Lanes.
    ctx.strokeStyle = P.lane; ctx.lineWidth = 1;
    ctx.beginPath();
    for (let l = 0; l < m.nodes.length; l++) { ctx.moveTo(LABEL_W, y(l)); ctx.lineTo(cw, y(l)); }
    ctx.stroke();

    // Violations: a faint red line across all lanes.
    for (const vi of m.violations) {
      const t = m.times[vi]!;
      if (t < t0 || t > t1) continue;
      ctx.strokeStyle = P.violation; ctx.globalAlpha = 0.5; ctx.beginPath(); ctx.moveTo(x(t), AXIS_H); ctx.lineTo(x(t), ch); ctx.stroke(); ctx.globalAlpha = 1;
    }

    // Arrows.
        const visible: number[] = [];
    const lo = m.arrows.length ? this.lowerShort(t0 - this.shortSpan) : 0;
    for (let k = lo; k < this.shortArrows.length; k++) {
      const a = m.arrows[this.shortArrows[k]!]!;
      if (a.t0 > t1) break;
      if (a.t1 >= t0) visible.push(this.shortArrows[k]!);
    }
    for (const k of this.longArrows) { const a = m.arrows[k]!; if (a.t0 <= t1 && a.t1 >= t0) visible.push(k); }
    const thinned = visible.length > plotW * 4;
    let drawnArrows = 0;
    ctx.lineWidth = 1;
    if (thinned) {
      // Overview: at most one line per (pixel column, from, to), one path per colour, no heads or labels.
      const seen = new Set<number>();
      const paths = { arrow: new Path2D(), drop: new Path2D(), dup: new Path2D() };
      for (const k of visible) {
        const a = m.arrows[k]!;
        const key = (Math.round(x(a.t0)) * 4096 + a.from) * 4096 + a.to;
        if (seen.has(key)) continue;
        seen.add(key);
        const path = a.dropped ? paths.drop : a.dup ? paths.dup : paths.arrow;
        path.moveTo(x(a.t0), y(a.from)); path.lineTo(x(a.t1), y(a.to));
        drawnArrows++;
      }
      ctx.strokeStyle = P.arrow; ctx.stroke(paths.arrow);
      ctx.strokeStyle = P.drop; ctx.stroke(paths.drop);
      ctx.strokeStyle = P.dup; ctx.stroke(paths.dup);
    } else {
      for (const k of visible) {
        const a = m.arrows[k]!;
        this.drawArrow(ctx, a, x, y, laneH, this.highlighted.has(a.sendIndex) || this.highlighted.has(a.endIndex) ? 'highlight' : 'normal');
        drawnArrows++;
      }
    }

    // Event marks. When the window holds more events than pixels, only the notable ones (not send,
    // deliver, state, timer) are drawn, found through their own sorted index list.
    const first = m.lowerBound(t0), last = m.lastAtOrBefore(t1);
    const many = last - first > plotW * 3;
    let marks = 0;
    if (many) {
      const list = this.notable;
      for (let k = lowerBoundIndex(list, first); k < list.length && list[k]! <= last; k++) {
        if (this.drawMark(ctx, m.event(list[k]!)!, x, y, laneH, ch)) marks++;
      }
    } else {
      for (let i = first; i <= last; i++) if (this.drawMark(ctx, m.event(i)!, x, y, laneH, ch)) marks++;
    }
    // Highlighted events (from the editor cursor on a scenario line).
    for (const i of this.highlighted) {
      const e = m.event(i); if (!e) continue;
      const t = e.t; if (t < t0 || t > t1) continue;
      const lane = m.laneOfEvent(e);
      ctx.strokeStyle = P.highlight; ctx.lineWidth = 2;
      ctx.strokeRect(x(t) - 6, (lane >= 0 ? y(lane) : AXIS_H + 6) - 6, 12, 12);
      ctx.lineWidth = 1;
    }
    // Divergence marker.
    if (this.divergence >= 0 && this.divergence < m.length) {
      const t = m.times[this.divergence]!;
      if (t >= t0 && t <= t1) {
        ctx.strokeStyle = P.divergence; ctx.lineWidth = 2; ctx.setLineDash([6, 3]);
        ctx.beginPath(); ctx.moveTo(x(t), AXIS_H); ctx.lineTo(x(t), ch); ctx.stroke(); ctx.setLineDash([]); ctx.lineWidth = 1;
        ctx.fillStyle = P.divergence; ctx.font = 'bold 10px sans-serif'; ctx.fillText('first divergence', x(t) + 4, ch - 6);
      }
    }
    ctx.restore();

    // Time axis.
    ctx.fillStyle = P.labelBg; ctx.fillRect(0, 0, cw, AXIS_H);
    ctx.fillStyle = P.muted; ctx.strokeStyle = P.lane; ctx.font = '10px sans-serif';
    const step = niceStep((t1 - t0) / Math.max(1, plotW / 90));
    for (let t = Math.ceil(t0 / step) * step; t <= t1; t += step) {
      const tx = x(t); if (tx < LABEL_W) continue;
      ctx.beginPath(); ctx.moveTo(tx, AXIS_H - 5); ctx.lineTo(tx, AXIS_H); ctx.stroke();
      ctx.fillText(formatTime(Math.round(t)), tx + 2, AXIS_H - 7);
    }
    this.stats = { arrows: drawnArrows, marks, lanes: m.nodes.length, thinned: thinned || many };
  }

  /** The cursor, its message's arrow, and the lane labels (roles and down state at the cursor). */
  private drawOverlay(ctx: CanvasRenderingContext2D, cw: number, ch: number): void {
    const P = this.palette, m = this.model;
    const { x, y, plotW, laneH } = this.geometry(cw, ch);
    ctx.save();
    ctx.beginPath(); ctx.rect(LABEL_W, AXIS_H, plotW + 10, ch - AXIS_H); ctx.clip();
    const cursorArrow = this.cursor >= 0 ? m.arrowOfEvent.get(this.cursor) : undefined;
    if (cursorArrow !== undefined) this.drawArrow(ctx, m.arrows[cursorArrow]!, x, y, laneH, 'cursor');
    // Cursor.
    if (this.cursor >= 0 && this.cursor < m.length) {
      const e = m.event(this.cursor)!;
      const cx = x(e.t);
      ctx.strokeStyle = P.cursor; ctx.lineWidth = 1.5;
      ctx.beginPath(); ctx.moveTo(cx, AXIS_H); ctx.lineTo(cx, ch); ctx.stroke();
      const lane = m.laneOfEvent(e);
      if (lane >= 0) { ctx.lineWidth = 2; ctx.beginPath(); ctx.arc(cx, y(lane), 7, 0, Math.PI * 2); ctx.stroke(); }
      ctx.lineWidth = 1;
    }
    ctx.restore();
    // Lane labels.
    ctx.fillStyle = P.labelBg; ctx.fillRect(0, AXIS_H, LABEL_W, ch - AXIS_H);
    if (laneH >= 9) {
      ctx.font = `${Math.min(12, Math.floor(laneH * 0.6))}px sans-serif`;
      for (let l = 0; l < m.nodes.length; l++) {
        const id = m.nodes[l]!;
        const role = this.options.roleOf?.(id);
        const down = this.cursor >= 0 && m.isDown(l, m.times[this.cursor]!);
        ctx.fillStyle = down ? P.muted : P.fg;
        ctx.fillText(fitText(ctx, role ? `${id} · ${role}` : id, LABEL_W - 10), 6, y(l) + 4);
      }
    }
  }

  private lowerShort(t: number): number {
    const arr = this.shortArrows, A = this.model.arrows;
    let lo = 0, hi = arr.length;
    while (lo < hi) { const mid = (lo + hi) >>> 1; if (A[arr[mid]!]!.t0 < t) lo = mid + 1; else hi = mid; }
    return lo;
  }

  private drawArrow(ctx: CanvasRenderingContext2D, a: Arrow, x: (t: number) => number, y: (l: number) => number, laneH: number, mode: 'normal' | 'cursor' | 'highlight'): void {
    const P = this.palette;
    const x0 = x(a.t0), y0 = y(a.from);
    let x1 = x(a.t1), y1 = y(a.to);
    if (a.dropped && x1 - x0 < 10) { x1 = x0 + 10; y1 = y0 + (y1 - y0) * 0.4; }
    const color = mode === 'cursor' ? P.cursor : mode === 'highlight' ? P.highlight : a.dropped ? P.drop : a.dup ? P.dup : P.arrow;
    ctx.strokeStyle = color; ctx.fillStyle = color;
    ctx.lineWidth = mode === 'normal' ? 1 : 2.5;
    if (a.dup || a.endIndex < 0) ctx.setLineDash([4, 3]);
    if (a.endIndex < 0) ctx.globalAlpha = 0.5;
    ctx.beginPath(); ctx.moveTo(x0, y0); ctx.lineTo(x1, y1); ctx.stroke();
    ctx.setLineDash([]);
    if (a.dropped) {
      ctx.beginPath(); ctx.moveTo(x1 - 4, y1 - 4); ctx.lineTo(x1 + 4, y1 + 4); ctx.moveTo(x1 + 4, y1 - 4); ctx.lineTo(x1 - 4, y1 + 4); ctx.stroke();
    } else if (a.endIndex >= 0) {
      const ang = Math.atan2(y1 - y0, x1 - x0);
      ctx.beginPath(); ctx.moveTo(x1, y1);
      ctx.lineTo(x1 - 7 * Math.cos(ang - 0.4), y1 - 7 * Math.sin(ang - 0.4));
      ctx.lineTo(x1 - 7 * Math.cos(ang + 0.4), y1 - 7 * Math.sin(ang + 0.4));
      ctx.closePath(); ctx.fill();
    }
    ctx.globalAlpha = 1; ctx.lineWidth = 1;
    const len = Math.hypot(x1 - x0, y1 - y0);
    if (Math.abs(x1 - x0) > 60 && laneH >= 20) {
      ctx.font = '10px sans-serif'; ctx.fillStyle = mode === 'normal' ? P.muted : color;
      const label = fitText(ctx, a.msg.type, Math.min(len - 20, 140));
      ctx.save(); ctx.translate((x0 + x1) / 2, (y0 + y1) / 2); ctx.rotate(Math.atan2(y1 - y0, x1 - x0));
      ctx.fillText(label, -ctx.measureText(label).width / 2, -3); ctx.restore();
    }
  }

  private drawMark(ctx: CanvasRenderingContext2D, e: TraceEvent, x: (t: number) => number, y: (l: number) => number, laneH: number, ch: number): boolean {
    const P = this.palette;
    const lane = this.model.laneOfEvent(e);
    const cx = x(e.t);
    const cy = lane >= 0 ? y(lane) : AXIS_H + 8;
    const r = Math.max(2.5, Math.min(5, laneH / 5));
    switch (e.kind) {
      case 'timer':
        ctx.strokeStyle = P.muted; ctx.beginPath(); ctx.moveTo(cx, cy - r - 2); ctx.lineTo(cx, cy + r + 2); ctx.stroke(); return true;
      case 'client':
        ctx.fillStyle = P.client; diamond(ctx, cx, cy, r + 1.5); ctx.fill(); return true;
      case 'reply':
        ctx.strokeStyle = e.ok ? P.reply : P.violation; ctx.lineWidth = 1.5; diamond(ctx, cx, cy, r + 1.5); ctx.stroke(); ctx.lineWidth = 1; return true;
      case 'crash':
        ctx.strokeStyle = P.violation; ctx.lineWidth = 2.5; ctx.beginPath();
        ctx.moveTo(cx - r - 1, cy - r - 1); ctx.lineTo(cx + r + 1, cy + r + 1); ctx.moveTo(cx + r + 1, cy - r - 1); ctx.lineTo(cx - r - 1, cy + r + 1); ctx.stroke(); ctx.lineWidth = 1; return true;
      case 'restart': case 'resume':
        ctx.strokeStyle = P.restart; ctx.lineWidth = 2; ctx.beginPath(); ctx.arc(cx, cy, r + 1, 0, Math.PI * 2); ctx.stroke(); ctx.lineWidth = 1; return true;
      case 'pause':
        ctx.fillStyle = P.muted; ctx.fillRect(cx - 3, cy - r, 2, 2 * r); ctx.fillRect(cx + 1, cy - r, 2, 2 * r); return true;
      case 'violation':
        ctx.fillStyle = P.violation; ctx.beginPath(); ctx.arc(cx, cy, r + 2, 0, Math.PI * 2); ctx.fill();
        ctx.fillStyle = P.bg; ctx.font = 'bold 9px sans-serif'; ctx.fillText('!', cx - 1.5, cy + 3); return true;
      case 'state':
        ctx.fillStyle = P.muted; ctx.fillRect(cx - 1.5, cy + r, 3, 3); return true;
      case 'note':
        ctx.fillStyle = P.fg; ctx.beginPath(); ctx.moveTo(cx, cy - r - 4); ctx.lineTo(cx - 3, cy - r - 9); ctx.lineTo(cx + 3, cy - r - 9); ctx.fill(); return true;
      case 'send':
        ctx.fillStyle = P.arrow; ctx.beginPath(); ctx.arc(cx, cy, 1.8, 0, Math.PI * 2); ctx.fill(); return true;
      case 'partition': case 'heal':
        ctx.strokeStyle = e.kind === 'heal' ? P.restart : P.drop; ctx.beginPath(); ctx.moveTo(cx, AXIS_H); ctx.lineTo(cx, ch); ctx.stroke(); return true;
      default: return false;
    }
  }

  private drawMinimap(): void {
    const dpr = window.devicePixelRatio || 1;
    const cw = this.minimap.clientWidth, ch = this.minimap.clientHeight || MINIMAP_H;
    if (cw === 0) return;
    if (this.minimap.width !== Math.round(cw * dpr) || this.minimap.height !== Math.round(ch * dpr)) {
      this.minimap.width = Math.round(cw * dpr); this.minimap.height = Math.round(ch * dpr);
    }
    const ctx = this.minimap.getContext('2d')!;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const P = this.palette, m = this.model;
    ctx.fillStyle = P.labelBg; ctx.fillRect(0, 0, cw, ch);
    const max = Math.max(1, ...this.density);
    const bw = cw / this.density.length;
    ctx.fillStyle = P.arrow; ctx.globalAlpha = 0.6;
    this.density.forEach((c, k) => { if (c) { const hgt = Math.max(1, (Math.sqrt(c) / Math.sqrt(max)) * (ch - 4)); ctx.fillRect(k * bw, ch - hgt, Math.max(1, bw), hgt); } });
    ctx.globalAlpha = 1;
    const span = m.end - m.start || 1;
    const mx = (t: number): number => ((t - m.start) / span) * cw;
    ctx.fillStyle = P.violation;
    for (const vi of m.violations) ctx.fillRect(mx(m.times[vi]!) - 1, 0, 2, ch);
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

  private attachInput(): void {
    let drag: { x: number; t0: number; t1: number; moved: boolean } | null = null;
    this.canvas.addEventListener('wheel', (ev) => {
      ev.preventDefault();
      if (ev.shiftKey || Math.abs(ev.deltaX) > Math.abs(ev.deltaY)) this.pan((ev.deltaX || ev.deltaY) / 800);
      else this.zoom(Math.exp(ev.deltaY / 400), this.timeAtX(ev.offsetX));
    }, { passive: false });
    this.canvas.addEventListener('pointerdown', (ev) => {
      drag = { x: ev.clientX, t0: this.view.t0, t1: this.view.t1, moved: false };
      this.canvas.setPointerCapture(ev.pointerId);
    });
    this.canvas.addEventListener('pointermove', (ev) => {
      if (!drag) return;
      const dx = ev.clientX - drag.x;
      if (Math.abs(dx) > 3) drag.moved = true;
      if (!drag.moved) return;
      const plotW = Math.max(10, this.canvas.clientWidth - LABEL_W - 10);
      const dt = (-dx / plotW) * (drag.t1 - drag.t0);
      this.setView(drag.t0 + dt, drag.t1 + dt);
    });
    this.canvas.addEventListener('pointerup', (ev) => {
      const wasDrag = drag?.moved;
      drag = null;
      if (!wasDrag) { const i = this.pick(ev.offsetX, ev.offsetY); if (i >= 0) this.options.onPick(i); }
    });
    this.canvas.addEventListener('dblclick', () => this.fit());
    const moveTo = (ev: PointerEvent): void => {
      const span = this.model.end - this.model.start;
      const t = this.model.start + (ev.offsetX / Math.max(1, this.minimap.clientWidth)) * span;
      const w = this.view.t1 - this.view.t0;
      this.setView(t - w / 2, t + w / 2);
    };
    let mini = false;
    this.minimap.addEventListener('pointerdown', (ev) => { mini = true; this.minimap.setPointerCapture(ev.pointerId); moveTo(ev); });
    this.minimap.addEventListener('pointermove', (ev) => { if (mini) moveTo(ev); });
    this.minimap.addEventListener('pointerup', () => { mini = false; });
  }
}

function lowerBoundIndex(list: readonly number[], value: number): number {
  let lo = 0, hi = list.length;
  while (lo < hi) { const mid = (lo + hi) >>> 1; if (list[mid]! < value) lo = mid + 1; else hi = mid; }
  return lo;
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

/** A round step (1, 2 or 5 × 10^k) near `raw`. */
function niceStep(raw: number): number {
  if (!(raw > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(raw));
  const f = raw / p;
  return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * p;
}
