/**
 * The trace viewer: toolbar, scrubber, one or two space-time diagrams, and a
 * side area with the current event, the node states (inspector), a protocol
 * panel, checks and metrics, and the scenario source. One index — the step —
 * drives everything; in side-by-side mode the right trace follows the left by
 * index or by time. The host (VS Code webview or standalone page) is reached
 * only through `ViewerHost`, which speaks src/shared/messages.ts.
 */
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { ViewerToHost } from '../src/shared/messages.js';
import { EVENT_KINDS, type TraceDocument, type TraceEvent } from '../src/trace/format.js';
import { compilePattern, type Matcher } from './breakpoint.js';
import { firstDivergence, mapIndex, type SyncMode } from './compare.js';
import { Diagram, type DiagramFilter } from './diagram.js';
import { clear, el, h, shorten } from './dom.js';
import { Legend } from './legend.js';
import { assignTypeColours } from '../src/trace/palette.js';
import { findPeriodic, type Periodic } from '../src/trace/periodic.js';
import { codicon, group, iconButton, menuButton, tooltipOf } from './toolbar.js';
import { exportDiagram, EXPORT_FORMATS, type ExportFormat } from './export.js';
import { Inspector } from './inspector.js';
import { renderChecks, renderMetrics } from './metrics.js';
import { describeEvent, formatTime, TraceModel } from '../src/trace/spacetime.js';
import { panelFor, renderPanelLegend, type PanelInput } from './panels/index.js';
import { DESCRIPTIONS, SHORTCUTS, commandFor, type Command } from './shortcuts.js';
import { StateIndex } from '../src/trace/states.js';
import type { ViewerSummary } from './summary.js';
import type { Json } from '../src/engine/protocol.js';
import type { SourceRange } from '../src/engine/spec.js';

interface Snapshot {
  readonly i: number;
  readonly states: Readonly<Record<string, Json>>;
  readonly roles: Readonly<Record<string, string>>;
  readonly down: ReadonlySet<string>;
}

export interface ViewState {
  step: number;
  tab: Tab;
  sync: SyncMode;
  kind: string;
  node: string;
  breakpoint: string;
  speed: number;
  view?: { t0: number; t1: number };
  /** Message types hidden in the diagram, and whether routine periodic messages are. */
  hiddenTypes: string[];
  hidePeriodic: boolean;
}

export interface ViewerHost {
  post(message: ViewerToHost): void;
  saveState(state: ViewState): void;
  /** Whether the host can reveal source lines itself (VS Code); otherwise the viewer shows a source pane. */
  readonly revealsSource: boolean;
  /** Whether the host can run the scenario again with another seed (VS Code, a trace of a scenario file). */
  readonly comparesSeeds: boolean;
  /** Saves an exported file: a download on a page, a save dialog in VS Code. */
  saveFile(name: string, content: { text: string } | { base64: string }): void;
  /** Shows a broken trace's text as it is (VS Code: the JSON editor; a page: a text view). */
  openAsJson(): void;
}

export type { ViewerSummary } from './summary.js';
type Tab = 'state' | 'panel' | 'checks' | 'source';
const TABS: readonly { id: Tab; label: string }[] = [
  { id: 'state', label: 'State' }, { id: 'panel', label: 'Picture' }, { id: 'checks', label: 'Checks & metrics' }, { id: 'source', label: 'Source' },
];
const SPEEDS = [1, 2, 5, 10, 20, 50, 100, 500];

interface Pane {
  model: TraceModel;
  periodic: Periodic;
  replay: StateIndex;
  diagram: Diagram;
  inspector: Inspector;
  step: number;
  snapshot?: Snapshot;
}

export class Viewer {
  private readonly root: HTMLElement;
  private readonly host: ViewerHost;
  private state: ViewState = { step: 0, tab: 'state', sync: 'index', kind: '', node: '', breakpoint: '', speed: 10, hiddenTypes: [], hidePeriodic: false };
  private left?: Pane;
  private right?: Pane;
  private divergence = -1;
  private playing = false;
  private playHandle = 0;
  private matcher: Matcher = () => false;
  private highlightedLine = 0;
  private highlighted = new Set<number>();
  private error?: string;
  private ui!: {
    scrubber: HTMLInputElement; position: HTMLElement; playButton: HTMLElement; speed: HTMLElement; sync: HTMLElement;
    eventBox: HTMLElement; tabs: Map<Tab, HTMLElement>; tabBodies: Map<Tab, HTMLElement>; help: HTMLElement; status: HTMLElement;
    kindSelect: HTMLElement & { value: string }; nodeSelect: HTMLElement & { value: string }; breakField: HTMLElement & { value: string };
    divergenceBox: HTMLElement; sourceBox: HTMLElement; panes: HTMLElement; legend: Legend;
  };

  constructor(root: HTMLElement, host: ViewerHost, saved?: Partial<ViewState>) {
    this.root = root;
    this.host = host;
    if (saved) this.state = { ...this.state, ...sanitizeState(saved) };
    document.addEventListener('keydown', (ev) => this.onKey(ev));
    // VS Code signals a theme change through the body's class; a standalone page through the colour scheme.
    const retheme = (): void => { this.left?.diagram.refreshTheme(); this.right?.diagram.refreshTheme(); };
    new MutationObserver(retheme).observe(document.body, { attributes: true, attributeFilter: ['class'] });
    window.matchMedia?.('(prefers-color-scheme: dark)').addEventListener?.('change', retheme);
  }

  showError(message: string): void {
    this.stop();
    this.error = message;
    this.left = undefined; this.right = undefined;
    clear(this.root);
    const open = h('button', { type: 'button', class: 'action open-json' }, codicon('json'), ' Open as JSON');
    open.addEventListener('click', () => this.host.openAsJson());
    this.root.append(h('div', { class: 'error-view', role: 'alert' },
      h('h2', {}, 'This trace cannot be shown'), h('p', { class: 'error-message' }, shorten(message, 2000)), open));
    this.host.post({ type: 'error', message });
  }

  show(leftDoc: TraceDocument, rightDoc?: TraceDocument): void {
    this.stop();
    this.error = undefined;
    clear(this.root);
    this.buildChrome(leftDoc, rightDoc);
    const leftModel = new TraceModel(leftDoc);
    const rightModel = rightDoc ? new TraceModel(rightDoc) : undefined;
    const colours = assignTypeColours(leftModel.types, rightModel?.types ?? []);
    const extent = { start: Math.min(leftModel.start, rightModel?.start ?? Infinity), end: Math.max(leftModel.end, rightModel?.end ?? -Infinity) };
    this.left = this.makePane(leftModel, 'left', colours, extent);
    this.right = rightModel ? this.makePane(rightModel, 'right', colours, extent) : undefined;
    this.renderLegend();
    this.divergence = this.right ? firstDivergence(this.left.model, this.right.model) : -1;
    this.left.diagram.divergence = this.divergence;
    if (this.right) this.right.diagram.divergence = this.divergence;
    this.fillSelects();
    this.setBreakpoint(this.state.breakpoint);
    this.renderDivergence();
    this.renderChecksTab();
    this.renderSourceTab();
    this.selectTab(this.state.tab);
    const max = this.left.model.length - 1;
    this.ui.scrubber.max = String(Math.max(0, max));
    if (this.state.view) this.left.diagram.setView(this.state.view.t0, this.state.view.t1);
    else if (this.right) this.left.diagram.fit();
    this.goto(Math.min(Math.max(0, this.state.step), Math.max(0, max)), false);
  }

  // ---- building the page ----

  private buildChrome(leftDoc: TraceDocument, rightDoc?: TraceDocument): void {
    const sc = leftDoc.scenario;
    const title = h('div', { class: 'title' },
      h('span', { class: 'scenario-name', title: sc.name }, shorten(sc.name, 120)),
      h('span', { class: 'meta' }, `${shorten(sc.protocol, 40)} · seed ${String(sc.seed)} · ${leftDoc.events.length} events · ${leftDoc.nodes.length} nodes`),
      rightDoc ? h('span', { class: 'meta vs' }, `vs ${shorten(rightDoc.scenario.name, 80)} · seed ${String(rightDoc.scenario.seed)}`) : null);
    const run = (c: Command): void => this.run(c);
    const playButton = iconButton(this.playing ? 'debug-pause' : 'play', 'play', run, { cls: 'play' });
    const speed = h('span', { class: 'speed', 'aria-live': 'polite', title: 'Events per second while playing (< and >)' }, `${this.state.speed}/s`);
    const kindSelect = el('vscode-single-select', { class: 'kind-select', 'aria-label': 'Event kind for the jump buttons (k / Shift+K)', title: 'Event kind to jump to (k / Shift+K)' }) as HTMLElement & { value: string };
    kindSelect.addEventListener('change', () => { this.state.kind = kindSelect.value; this.save(); });
    const nodeSelect = el('vscode-single-select', { class: 'node-select', 'aria-label': 'Node for the jump buttons (n / Shift+N)', title: 'Node to jump to (n / Shift+N)' }) as HTMLElement & { value: string };
    nodeSelect.addEventListener('change', () => { this.state.node = nodeSelect.value; this.left?.inspector.openNode(nodeSelect.value); this.save(); });
    const breakField = el('vscode-textfield', { class: 'break-field', placeholder: 'breakpoint: kind=deliver type=AppendEntries', 'aria-label': 'Breakpoint pattern (b / Shift+B; play stops on a match)', title: 'Breakpoint pattern: play stops on a match (b / Shift+B)' }) as HTMLElement & { value: string };
    breakField.addEventListener('input', () => this.setBreakpoint(breakField.value));
    const sync = iconButton('arrow-both', 'sync', run, { text: this.state.sync === 'index' ? 'by index' : 'by time', cls: 'sync' });
    const exportMenu = menuButton('export', tooltipOf('export'), EXPORT_FORMATS.map((f) => ({ id: f.id, label: f.label, icon: f.icon })), (id) => this.exportAs(id as ExportFormat));
    const toolbar = h('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Stepping and view' },
      group('Step',
        iconButton('debug-step-back', 'first', run, { cls: 'first' }),
        iconButton('triangle-left', 'prev', run),
        playButton,
        iconButton('triangle-right', 'next', run),
        iconButton('debug-continue', 'last', run, { cls: 'last' })),
      group('Speed', iconButton('remove', 'slower', run), speed, iconButton('add', 'faster', run)),
      group('Violations', iconButton('chevron-left', 'prevViolation', run), h('span', { class: 'group-label', title: 'Invariant violations (v / Shift+V)' }, codicon('error')), iconButton('chevron-right', 'nextViolation', run)),
      group('Event kind', iconButton('chevron-left', 'prevKind', run), kindSelect, iconButton('chevron-right', 'nextKind', run)),
      group('Node', iconButton('chevron-left', 'prevNode', run), nodeSelect, iconButton('chevron-right', 'nextNode', run)),
      group('Breakpoint', breakField),
      group('Zoom', iconButton('zoom-out', 'zoomOut', run), iconButton('zoom-in', 'zoomIn', run), iconButton('screen-full', 'fit', run), iconButton('target', 'zoomSelection', run)),
      group('More', rightDoc ? sync : null,
        this.host.comparesSeeds && !rightDoc ? iconButton('git-compare', 'compareSeeds', run, { text: 'Compare seeds…', cls: 'compare-seeds' }) : null,
        exportMenu,
        iconButton('keyboard', 'help', run, { cls: 'help-button' })));
    const scrubber = h('input', { type: 'range', class: 'scrubber', min: 0, max: 0, step: 1, value: 0, 'aria-label': 'Event index' });
    scrubber.addEventListener('input', () => this.goto(Number(scrubber.value)));
    const position = h('span', { class: 'position', 'aria-live': 'polite' });
    const status = h('span', { class: 'status', 'aria-live': 'polite' });
    const panes = h('div', { class: `panes${rightDoc ? ' pair' : ''}` });
    const eventBox = h('section', { class: 'event-box', 'aria-label': 'Current event' });
    const tabBar = h('div', { class: 'tabs', role: 'tablist' });
    const tabs = new Map<Tab, HTMLElement>(), tabBodies = new Map<Tab, HTMLElement>();
    const bodies = h('div', { class: 'tab-bodies' });
    for (const t of TABS) {
      const b = h('button', { type: 'button', class: 'tab', role: 'tab', id: `tab-${t.id}`, 'aria-controls': `tabpanel-${t.id}`, 'aria-selected': 'false' }, t.label);
      b.addEventListener('click', () => this.selectTab(t.id));
      tabs.set(t.id, b); tabBar.append(b);
      const body = h('div', { class: `tab-body tab-${t.id}`, role: 'tabpanel', id: `tabpanel-${t.id}`, 'aria-labelledby': `tab-${t.id}` });
      tabBodies.set(t.id, body); bodies.append(body);
    }
    const divergenceBox = h('div', { class: 'divergence-box', 'aria-live': 'polite' });
    const sourceBox = h('pre', { class: 'source', 'aria-label': 'Scenario source' });
    const help = this.buildHelp();
    const legend = new Legend((filter) => this.applyFilter(filter), { hiddenTypes: this.state.hiddenTypes, hidePeriodic: this.state.hidePeriodic });
    const hint = h('span', { class: 'hint key-hint' }, 'Press ', h('kbd', {}, '?'), ' for keys');
    this.root.append(h('div', { class: 'app' },
      h('header', { class: 'header' }, title, toolbar),
      h('div', { class: 'scrub-row' }, scrubber, position, status, hint),
      divergenceBox,
      h('div', { class: 'main' }, h('div', { class: 'diagram-column' }, legend.element, panes), h('aside', { class: 'side' }, eventBox, tabBar, bodies)),
      help));
    this.ui = { scrubber, position, playButton, speed, sync, eventBox, tabs, tabBodies, help, status, kindSelect, nodeSelect, breakField, divergenceBox, sourceBox, panes, legend };
    breakField.value = this.state.breakpoint;
  }

  /** Applies the legend's filter to both diagrams. */
  private applyFilter(filter: DiagramFilter): void {
    this.state.hiddenTypes = [...filter.hiddenTypes];
    this.state.hidePeriodic = filter.hidePeriodic;
    this.left?.diagram.setFilter(filter);
    this.right?.diagram.setFilter(filter);
    this.save();
  }

  /** The legend's content: both traces' types (one colour each), their counts, and the marks they use. */
  private renderLegend(): void {
    const panes = [this.left, this.right].filter((p): p is Pane => p !== undefined);
    const counts = new Map<string, number>();
    const kinds = new Set<string>();
    const has = { partition: false, down: false, drop: false, dashed: false, bands: false };
    let periodic = 0;
    for (const p of panes) {
      p.model.types.forEach((t, k) => counts.set(t, (counts.get(t) ?? 0) + p.model.typeCounts[k]!));
      for (const e of p.model.doc.events) kinds.add(e.kind);
      has.partition ||= p.model.partitions.length > 0;
      has.down ||= p.model.down.length > 0;
      has.drop ||= p.model.arrows.some((a) => a.dropped);
      has.dashed ||= p.model.arrows.some((a) => a.dup || a.endIndex < 0);
      has.bands ||= p.periodic.bands.length > 0;
      periodic += p.periodic.count;
    }
    const diagram = this.left!.diagram;
    this.ui.legend.render({ types: [...counts].map(([name, count]) => ({ name, count, colour: diagram.colourOf(name) })), periodic, kinds, has });
  }

  private buildHelp(): HTMLElement {
    const rows = SHORTCUTS.map((s) => h('tr', {}, h('td', {}, h('kbd', {}, s.label)), h('td', {}, DESCRIPTIONS[s.command])));
    const help = h('div', { class: 'help', role: 'dialog', 'aria-label': 'Keyboard shortcuts', 'aria-modal': 'true', hidden: true },
      h('div', { class: 'help-card' },
        h('h2', {}, 'Keyboard shortcuts'),
        h('table', {}, h('tbody', {}, ...rows)),
        h('p', { class: 'hint' }, 'Diagram: wheel zooms the time axis, Shift+wheel or drag pans, double-click fits, click an event to select it. Breakpoint pattern: kind=… node=… type=… from=… to=… name=… or words.'),
        iconButton('close', 'close', (c) => this.run(c), { text: 'Close' })));
    help.addEventListener('click', (ev) => { if (ev.target === help) this.run('close'); });
    return help;
  }

  private makePane(model: TraceModel, side: 'left' | 'right', colours: ReturnType<typeof assignTypeColours>, extent: { start: number; end: number }): Pane {
    const doc = model.doc;
    const replay = new StateIndex(doc);
    const periodic = findPeriodic(model);
    const pane: Pane = {
      model, replay, periodic, step: -1, inspector: new Inspector(),
      diagram: new Diagram(model, {
        onPick: (i) => {
          if (side === 'right') { this.gotoRight(i); return; }
          this.goto(i);
          // In VS Code a click on an event also shows the scenario line behind it.
          if (this.host.revealsSource && this.sourceOf(i)) this.revealSource();
        },
        roleOf: (node) => pane.snapshot?.roles[node],
        // Side by side, the two time axes stay aligned: a zoom or pan on one moves the other.
        onViewChange: (view) => {
          const other = side === 'left' ? this.right : this.left;
          other?.diagram.setView(view.t0, view.t1, false);
          this.saveSoon();
        },
        colours, periodic, extent,
      }),
    };
    const wrap = h('div', { class: `pane pane-${side}`, 'data-side': side },
      this.ui.panes.classList.contains('pair')
        ? h('div', { class: 'pane-title' }, `${side === 'left' ? 'Left' : 'Right'}: ${shorten(doc.scenario.name, 80)} · seed ${String(doc.scenario.seed)}`) : null,
      pane.diagram.element);
    this.ui.panes.append(wrap);
    pane.diagram.refreshTheme();
    pane.diagram.setFilter(this.ui.legend.current);
    return pane;
  }

  private fillSelects(): void {
    const model = this.left!.model;
    const nodes = model.nodes;
    const { kindSelect, nodeSelect } = this.ui;
    for (const n of nodes.slice(0, 2000)) nodeSelect.append(el('vscode-option', { value: n }, shorten(n, 40)));
    if (!nodes.includes(this.state.node)) this.state.node = nodes[0] ?? '';
    // Only the kinds this trace has, with their counts; the default is the first one worth jumping to.
    const counts = new Map<string, number>();
    for (const e of model.doc.events) counts.set(e.kind, (counts.get(e.kind) ?? 0) + 1);
    const present = EVENT_KINDS.filter((k) => counts.has(k));
    for (const k of present) kindSelect.append(el('vscode-option', { value: k, description: String(counts.get(k)) }, `${k} (${counts.get(k)})`));
    if (!present.includes(this.state.kind as (typeof EVENT_KINDS)[number])) this.state.kind = defaultKind(present);
    queueMicrotask(() => { kindSelect.value = this.state.kind; nodeSelect.value = this.state.node; });
  }

  // ---- stepping ----

  goto(index: number, reveal = true): void {
    const pane = this.left;
    if (!pane || pane.model.length === 0) { this.renderEmpty(); return; }
    const i = Math.max(0, Math.min(pane.model.length - 1, Math.trunc(Number.isFinite(index) ? index : 0)));
    this.state.step = i;
    this.setPaneStep(pane, i, reveal);
    if (this.right) this.setPaneStep(this.right, mapIndex(i, pane.model, this.right.model, this.state.sync), reveal);
    this.ui.scrubber.value = String(i);
    const e = pane.model.event(i)!;
    this.ui.position.textContent = `#${i} / ${pane.model.length - 1} · ${formatTime(e.t)}${this.right ? ` · right #${this.right.step}` : ''}`;
    this.renderEvent();
    this.renderInspectors();
    this.renderPanel();
    this.highlightSourceLine(e.source?.line);
    this.save();
    this.host.post({ type: 'stepped', index: i, ...(e.source ? { source: e.source } : {}) });
  }

  private gotoRight(i: number): void {
    if (!this.left || !this.right) return;
    if (this.state.sync === 'index') { this.goto(i); return; }
    this.goto(this.left.model.lastAtOrBefore(this.right.model.times[i] ?? 0));
  }

  private setPaneStep(pane: Pane, i: number, reveal: boolean): void {
    pane.step = i;
    pane.snapshot = snapshotAt(pane, i);
    pane.diagram.cursor = i;
    pane.diagram.highlighted = pane === this.left ? this.highlighted : new Set();
    if (reveal && i >= 0) pane.diagram.reveal(pane.model.times[i]!);
    pane.diagram.requestDraw();
  }

  private run(command: Command): void {
    const pane = this.left;
    if (command === 'help') { this.ui.help.hidden = !this.ui.help.hidden; if (!this.ui.help.hidden) (this.ui.help.querySelector('vscode-button') as HTMLElement | null)?.focus(); return; }
    if (command === 'close') { this.ui.help.hidden = true; return; }
    if (!pane) return;
    const m = pane.model, i = this.state.step;
    const jump = (dir: 1 | -1, pred: (e: TraceEvent) => boolean, what: string): void => {
      const j = m.find(i, dir, pred);
      if (j >= 0) { this.goto(j); this.flash(''); } else this.flash(`No ${dir > 0 ? 'next' : 'previous'} ${what}.`);
    };
    switch (command) {
      case 'next': this.goto(i + 1); break;
      case 'prev': this.goto(i - 1); break;
      case 'next10': this.goto(i + 10); break;
      case 'prev10': this.goto(i - 10); break;
      case 'first': this.goto(0); break;
      case 'last': this.goto(m.length - 1); break;
      case 'play': if (this.playing) this.stop(); else this.play(); break;
      case 'faster': case 'slower': {
        const k = SPEEDS.indexOf(this.state.speed);
        this.state.speed = SPEEDS[Math.max(0, Math.min(SPEEDS.length - 1, (k < 0 ? 3 : k) + (command === 'faster' ? 1 : -1)))]!;
        this.ui.speed.textContent = `${this.state.speed}/s`; this.save(); break;
      }
      case 'nextViolation': jump(1, (e) => e.kind === 'violation', 'violation'); break;
      case 'prevViolation': jump(-1, (e) => e.kind === 'violation', 'violation'); break;
      case 'nextKind': jump(1, (e) => e.kind === this.state.kind, `${this.state.kind} event`); break;
      case 'prevKind': jump(-1, (e) => e.kind === this.state.kind, `${this.state.kind} event`); break;
      case 'nextNode': jump(1, (e) => 'node' in e && e.node === this.state.node, `event of ${this.state.node}`); break;
      case 'prevNode': jump(-1, (e) => 'node' in e && e.node === this.state.node, `event of ${this.state.node}`); break;
      case 'nextBreak': jump(1, this.matcher, 'breakpoint match'); break;
      case 'prevBreak': jump(-1, this.matcher, 'breakpoint match'); break;
      case 'cause': { const c = m.event(i)?.cause; if (typeof c === 'number') this.goto(c); else this.flash('This event has no cause (scripted or spontaneous).'); break; }
      case 'source': this.revealSource(); break;
      case 'zoomIn': pane.diagram.zoom(0.5); this.saveSoon(); break;
      case 'zoomOut': pane.diagram.zoom(2); this.saveSoon(); break;
      case 'fit': pane.diagram.fit(); this.saveSoon(); break;
      case 'zoomSelection': pane.diagram.zoomToEvent(i); this.saveSoon(); break;
      case 'togglePeriodic': this.ui.legend.togglePeriodic(); break;
      case 'export': (this.ui.legend.element.closest('.app')?.querySelector('.menu-wrap > button') as HTMLElement | null)?.click(); break;
      case 'compareSeeds': this.host.post({ type: 'compareSeeds', seed: m.doc.scenario.seed, scenario: m.doc.scenario.name }); break;
      case 'panLeft': pane.diagram.pan(-0.25); this.saveSoon(); break;
      case 'panRight': pane.diagram.pan(0.25); this.saveSoon(); break;
      case 'divergence': if (this.divergence >= 0) this.goto(this.divergence); else this.flash(this.right ? 'The traces do not diverge.' : 'Side by side only.'); break;
      case 'sync':
        if (!this.right) break;
        this.state.sync = this.state.sync === 'index' ? 'time' : 'index';
        this.ui.sync.querySelector('.tool-text')!.textContent = this.state.sync === 'index' ? 'by index' : 'by time';
        this.goto(i); break;
    }
  }

  private play(): void {
    if (!this.left || this.playing) return;
    if (this.state.step >= this.left.model.length - 1) this.goto(0);
    this.playing = true;
    this.setPlayIcon();
    let last = performance.now(), carry = 0;
    const tick = (now: number): void => {
      if (!this.playing || !this.left) return;
      carry += ((now - last) / 1000) * this.state.speed;
      last = now;
      const steps = Math.floor(carry);
      carry -= steps;
      let target = this.state.step;
      for (let s = 0; s < steps; s++) {
        target++;
        const e = this.left.model.event(target);
        if (!e) break;
        if (this.matcher(e)) { this.goto(target); this.stop(); this.flash(`Breakpoint: #${target}`); return; }
      }
      if (target !== this.state.step) this.goto(target);
      if (this.state.step >= this.left.model.length - 1) { this.stop(); return; }
      this.playHandle = requestAnimationFrame(tick);
    };
    this.playHandle = requestAnimationFrame(tick);
  }

  private stop(): void {
    this.playing = false;
    cancelAnimationFrame(this.playHandle);
    if (this.ui?.playButton) this.setPlayIcon();
  }

  private setPlayIcon(): void {
    const b = this.ui.playButton;
    b.querySelector('.codicon')!.className = `codicon codicon-${this.playing ? 'debug-pause' : 'play'}`;
    const tip = this.playing ? 'Pause (Space)' : 'Play (Space)';
    b.title = tip; b.setAttribute('aria-label', tip);
  }

  private onKey(ev: KeyboardEvent): void {
    const target = ev.target as HTMLElement | null;
    const tag = target?.tagName?.toLowerCase() ?? '';
    if (tag === 'input' && (target as HTMLInputElement).type !== 'range' && (target as HTMLInputElement).type !== 'checkbox') return;
    if (tag === 'textarea' || tag === 'vscode-textfield' || tag === 'vscode-single-select' || target?.isContentEditable) return;
    if (tag === 'input' && (ev.key === 'ArrowLeft' || ev.key === 'ArrowRight' || ev.key === 'Home' || ev.key === 'End' || ev.key.startsWith('Page'))) {
      ev.preventDefault(); // the scrubber: let our handler do the step, so the inspector follows
    }
    const command = commandFor(ev);
    if (!command) return;
    if ((tag === 'button' || tag === 'vscode-button' || tag === 'summary' || tag === 'input') && (ev.key === ' ' || ev.key === 'Enter')) return;
    if (command === 'close' && this.ui?.help.hidden) return;
    ev.preventDefault();
    this.run(command);
  }

  private flash(text: string): void { if (this.ui) this.ui.status.textContent = text; }

  private setBreakpoint(pattern: string): void {
    this.state.breakpoint = pattern;
    if (!this.left) return;
    const compiled = compilePattern(this.left.model, pattern);
    if ('error' in compiled) { this.matcher = () => false; this.flash(compiled.error); } else { this.matcher = compiled.match; this.flash(''); }
    this.save();
  }

  // ---- the side area ----

  private renderEmpty(): void {
    if (!this.ui) return;
    this.ui.position.textContent = 'This trace has no events.';
    clear(this.ui.eventBox);
    this.renderInspectors();
  }

  private renderEvent(): void {
    const pane = this.left!, box = this.ui.eventBox;
    clear(box);
    const e = pane.model.event(this.state.step);
    if (!e) return;
    const head = h('div', { class: `event-head kind-${e.kind}` },
      h('span', { class: 'event-index' }, `#${e.i}`),
      h('span', { class: 'event-time' }, formatTime(e.t)),
      h('span', { class: `event-kind kind-${e.kind}` }, e.kind));
    const desc = h('div', { class: 'event-desc', 'aria-live': 'polite' }, shorten(describeEvent(pane.model, e), 500));
    const links = h('div', { class: 'event-links' });
    if (typeof e.cause === 'number') {
      const c = e.cause;
      const b = h('button', { type: 'button', class: 'link', 'aria-label': `Go to the cause, event ${c} (c)` }, `caused by #${c}`);
      b.addEventListener('click', () => this.goto(c));
      links.append(b);
    }
    const found = this.sourceOf(e.i);
    if (found) {
      const via = found.via === e.i ? '' : ` (via #${found.via})`;
      const b = h('button', { type: 'button', class: 'link source-link', 'aria-label': `Reveal scenario line ${found.source.line}${via} (Enter)` }, `line ${found.source.line}${via}`);
      b.addEventListener('click', () => this.revealSource());
      links.append(b);
    }
    box.append(head, desc, links);
    const msg = e.kind === 'send' ? e.msg : e.kind === 'deliver' || e.kind === 'drop' ? pane.model.messages.get(e.msg)?.msg : undefined;
    if (msg?.body !== undefined) {
      let text = JSON.stringify(msg.body, null, 1) ?? '';
      if (text.length > 4000) text = `${text.slice(0, 4000)}\n… (${text.length} characters)`;
      box.append(h('pre', { class: 'payload', 'aria-label': 'Message body' }, text));
    }
    if (e.kind === 'reply' && e.result !== undefined) box.append(h('pre', { class: 'payload' }, shorten(JSON.stringify(e.result) ?? '', 2000)));
    if (e.kind === 'client') box.append(h('pre', { class: 'payload' }, shorten(JSON.stringify(e.op.args) ?? '', 2000)));
    if (this.right) {
      const re = this.right.model.event(this.right.step);
      box.append(h('div', { class: `event-right${this.state.step === this.divergence ? ' divergent' : ''}` },
        h('span', { class: 'event-index' }, `right #${this.right.step}`), ' ', re ? shorten(describeEvent(this.right.model, re), 300) : '(before the first event)'));
    }
  }

  private downSet(pane: Pane): ReadonlySet<string> {
    return pane.snapshot?.down ?? new Set();
  }

  private renderInspectors(): void {
    const body = this.ui.tabBodies.get('state')!;
    const panes = [this.left, this.right].filter((p): p is Pane => p !== undefined);
    if (body.childNodes.length !== panes.length) {
      clear(body);
      for (const p of panes) {
        body.append(panes.length > 1 ? h('div', { class: 'inspector-wrap' }, h('h3', {}, p === this.left ? 'Left' : 'Right'), p.inspector.element) : p.inspector.element);
      }
    }
    for (const p of panes) {
      const other = p === this.left ? this.right : this.left;
      p.inspector.update({
        nodes: p.model.nodes, states: p.snapshot?.states ?? {}, roles: p.snapshot?.roles ?? {}, down: this.downSet(p),
        event: p.model.event(p.step), ...(other?.snapshot ? { other: other.snapshot.states } : {}),
      });
    }
  }

  private renderPanel(): void {
    const body = this.ui.tabBodies.get('panel')!;
    if (this.state.tab !== 'panel') return;
    clear(body);
    for (const p of [this.left, this.right]) {
      if (!p?.snapshot) continue;
      const doc = p.model.doc;
      const input: PanelInput = {
        protocol: doc.scenario.protocol, nodes: p.model.nodes, states: p.snapshot.states, roles: p.snapshot.roles, down: this.downSet(p),
        params: doc.scenario.params, doc, index: p.snapshot.i, time: p.snapshot.i >= 0 ? p.model.times[p.snapshot.i]! : p.model.start,
      };
      const panel = panelFor(input);
      if (this.right) body.append(h('h3', {}, p === this.left ? 'Left' : 'Right'));
      if (!panel) { body.append(h('p', { class: 'empty' }, `No picture for protocol "${shorten(input.protocol, 40)}" yet; see the State tab.`)); continue; }
      try {
        body.append(h('div', { class: `panel panel-${panel.id}`, 'data-panel': panel.id }, h('h4', {}, panel.title), renderPanelLegend(panel.legend(input)), panel.render(input)));
      } catch (err) {
        body.append(h('p', { class: 'error-message' }, `The ${panel.title} panel could not draw this state: ${String((err as Error).message)}`));
      }
    }
  }

  private renderChecksTab(): void {
    const body = this.ui.tabBodies.get('checks')!;
    clear(body);
    for (const p of [this.left, this.right]) {
      if (!p) continue;
      const doc = p.model.doc;
      if (this.right) body.append(h('h3', {}, p === this.left ? 'Left' : 'Right'));
      body.append(h('h4', {}, 'Checks'), renderChecks(doc.checks, (i) => (p === this.left ? this.goto(i) : this.gotoRight(i))));
      body.append(h('h4', {}, 'Metrics'), renderMetrics(doc.metrics));
      if (doc.end && typeof doc.end.message === 'string') body.append(h('p', { class: 'run-end' }, shorten(doc.end.message, 500)));
    }
  }

  private renderSourceTab(): void {
    const body = this.ui.tabBodies.get('source')!;
    clear(body);
    const sc = this.left!.model.doc.scenario;
    if (typeof sc.file === 'string') body.append(h('div', { class: 'source-file' }, shorten(sc.file, 300)));
    if (typeof sc.text !== 'string') {
      body.append(h('p', { class: 'empty' }, this.host.revealsSource ? 'Source lines open in the editor (Enter on an event with a line).' : 'This trace does not include the scenario text.'));
      return;
    }
    const lines = sc.text.split('\n').slice(0, 20000);
    const box = this.ui.sourceBox;
    clear(box);
    lines.forEach((line, k) => {
      const row = h('div', { class: 'source-line', 'data-line': k + 1 }, h('span', { class: 'line-no' }, String(k + 1)), h('span', { class: 'line-text' }, shorten(line, 2000)));
      row.addEventListener('click', () => this.highlightSource(k + 1));
      box.append(row);
    });
    body.append(box);
  }

  private highlightSourceLine(line: number | undefined): void {
    for (const row of this.ui.sourceBox.querySelectorAll('.source-line.current')) row.classList.remove('current');
    if (line === undefined) return;
    const row = this.ui.sourceBox.querySelector(`.source-line[data-line="${line}"]`);
    if (row) { row.classList.add('current'); if (this.state.tab === 'source') row.scrollIntoView({ block: 'nearest' }); }
  }

  /** The scenario line behind event i: its own source range, or the nearest one up its chain of causes. */
  private sourceOf(i: number): { source: SourceRange; via: number } | undefined {
    const m = this.left?.model;
    for (let k = i, hops = 0; m && k >= 0 && hops < 10_000; hops++) {
      const e = m.event(k);
      if (!e) return undefined;
      if (e.source) return { source: e.source, via: k };
      if (typeof e.cause !== 'number') return undefined;
      k = e.cause;
    }
    return undefined;
  }

  private revealSource(): void {
    const found = this.sourceOf(this.state.step);
    if (!found) { this.flash('No scenario line led to this event.'); return; }
    const file = this.left!.model.doc.scenario.file;
    this.host.post({ type: 'revealSource', range: found.source, ...(typeof file === 'string' ? { file } : {}) });
    if (!this.host.revealsSource) { this.selectTab('source'); this.highlightSourceLine(found.source.line); }
  }

  /** The editor cursor is on a scenario line: mark the events that line caused (and select the next one on a click in the source pane). */
  highlightSource(line: number): void {
    if (!this.left) return;
    this.highlightedLine = line;
    this.highlighted = new Set();
    for (const e of this.left.model.doc.events) if (e.source && e.source.line <= line && line <= e.source.endLine) this.highlighted.add(e.i);
    this.left.diagram.highlighted = this.highlighted;
    this.left.diagram.requestDraw();
    this.flash(this.highlighted.size ? `Line ${line}: ${this.highlighted.size} event${this.highlighted.size === 1 ? '' : 's'} highlighted.` : `Line ${line} caused no events.`);
  }

  private renderDivergence(): void {
    const box = this.ui.divergenceBox;
    clear(box);
    if (!this.left || !this.right) return;
    if (this.divergence < 0) { box.append(h('span', { class: 'same' }, 'The two traces are identical.')); return; }
    const l = this.left.model.event(this.divergence), r = this.right.model.event(this.divergence);
    const b = h('button', { type: 'button', class: 'link', 'aria-label': `Go to the first divergence, event ${this.divergence} (d)` }, `first divergence at #${this.divergence}`);
    b.addEventListener('click', () => this.goto(this.divergence));
    box.append(h('span', { class: 'diverge-label' }, '≠ '), b, h('span', { class: 'diverge-detail' },
      ` left: ${l ? shorten(describeEvent(this.left.model, l), 160) : '(ended)'} · right: ${r ? shorten(describeEvent(this.right.model, r), 160) : '(ended)'}`));
  }

  private selectTab(tab: Tab): void {
    this.state.tab = TABS.some((t) => t.id === tab) ? tab : 'state';
    for (const [id, b] of this.ui.tabs) b.setAttribute('aria-selected', String(id === this.state.tab));
    for (const [id, body] of this.ui.tabBodies) body.hidden = id !== this.state.tab;
    if (this.state.tab === 'panel') this.renderPanel();
    this.save();
  }

  private saveTimer = 0;
  private saveSoon(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = window.setTimeout(() => this.save(), 200);
  }

  private save(): void {
    if (!this.left) return;
    this.host.saveState({ ...this.state, view: { ...this.left.diagram.view } });
  }

  summary(): ViewerSummary {
    const l = this.left;
    const inspector = this.ui?.tabBodies.get('state');
    return {
      mode: this.error !== undefined ? 'error' : !l ? 'empty' : this.right ? 'pair' : 'single',
      ...(this.error !== undefined ? { error: this.error } : {}),
      lanes: l?.model.nodes.length ?? 0,
      arrows: l?.model.arrows.length ?? 0,
      events: l?.model.length ?? 0,
      step: this.state.step,
      time: l ? l.model.times[this.state.step] ?? 0 : 0,
      ...(l?.model.event(this.state.step) ? { eventKind: l.model.event(this.state.step)!.kind } : {}),
      violations: l ? [...l.model.violations] : [],
      divergence: this.divergence,
      rightStep: this.right?.step ?? -1,
      drawnArrows: l?.diagram.stats.arrows ?? 0,
      inspectedNodes: inspector?.querySelectorAll('.node-state').length ?? 0,
      changedValues: inspector?.querySelectorAll('.changed').length ?? 0,
      differingValues: inspector?.querySelectorAll('.differs').length ?? 0,
      ...(this.ui?.tabBodies.get('panel')?.querySelector('[data-panel]') ? { panel: this.ui.tabBodies.get('panel')!.querySelector('[data-panel]')!.getAttribute('data-panel')! } : {}),
      playing: this.playing,
      highlighted: this.highlighted.size,
      labels: l ? l.diagram.labels.map((b) => ({ x: b.x, y: b.y, w: b.w, h: b.h, text: b.text })) : [],
      bands: l?.diagram.stats.bands ?? 0,
      collapsedBands: l?.diagram.stats.collapsed ?? 0,
      periodic: l?.periodic.count ?? 0,
      view: l ? { ...l.diagram.view } : { t0: 0, t1: 0 },
      rightView: this.right ? { ...this.right.diagram.view } : undefined,
      kind: this.state.kind,
    };
  }

  /** Exports the left diagram (as drawn: window and filters) or the trace, through the host. */
  private exportAs(format: ExportFormat): void {
    const p = this.left;
    if (!p) return;
    const file = exportDiagram(format, { model: p.model, periodic: p.periodic, diagram: p.diagram, filter: this.ui.legend.current });
    this.host.saveFile(file.name, file.content);
    this.flash(`Exported ${file.name}`);
  }

  /** Where event i of the left trace is drawn, in page coordinates (for tests). */
  eventPoint(i: number): { x: number; y: number } | undefined {
    const d = this.left?.diagram;
    const p = d?.pointOf(i);
    if (!d || !p) return undefined;
    const r = d.surface.getBoundingClientRect();
    return { x: r.left + p.x, y: r.top + p.y };
  }

  /** Draws every diagram now (for measurements). */
  drawNow(): void { this.left?.diagram.draw(); this.right?.diagram.draw(); }

  get sourceLine(): number { return this.highlightedLine; }
}

/** States, roles and down nodes of a pane after event i (src/trace/states.ts). */
function snapshotAt(pane: Pane, index: number): Snapshot {
  const i = Math.max(-1, Math.min(pane.model.length - 1, index));
  const roles: Record<string, string> = {};
  const down = new Set<string>();
  for (const n of pane.model.nodes) {
    roles[n] = pane.replay.roleAt(i, n);
    if (pane.replay.statusAt(i, n) !== 'up') down.add(n);
  }
  return { i, states: pane.replay.at(i), roles, down };
}

/** The kind the k / Shift+K jumps start with: the first present of the kinds a reader usually hunts for. */
function defaultKind(present: readonly string[]): string {
  const preferred = ['crash', 'restart', 'partition', 'heal', 'pause', 'client', 'reply', 'drop', 'note', 'timer', 'state', 'send', 'deliver'];
  return preferred.find((k) => present.includes(k)) ?? present[0] ?? 'send';
}

function sanitizeState(s: Partial<ViewState>): Partial<ViewState> {
  const out: Partial<ViewState> = {};
  if (typeof s.step === 'number' && Number.isFinite(s.step)) out.step = s.step;
  if (typeof s.tab === 'string' && TABS.some((t) => t.id === s.tab)) out.tab = s.tab;
  if (s.sync === 'index' || s.sync === 'time') out.sync = s.sync;
  if (typeof s.kind === 'string') out.kind = s.kind;
  if (typeof s.node === 'string') out.node = s.node;
  if (typeof s.breakpoint === 'string') out.breakpoint = s.breakpoint.slice(0, 500);
  if (typeof s.speed === 'number' && SPEEDS.includes(s.speed)) out.speed = s.speed;
  if (Array.isArray(s.hiddenTypes)) out.hiddenTypes = s.hiddenTypes.filter((t): t is string => typeof t === 'string').slice(0, 200);
  if (typeof s.hidePeriodic === 'boolean') out.hidePeriodic = s.hidePeriodic;
  if (s.view && typeof s.view.t0 === 'number' && typeof s.view.t1 === 'number' && s.view.t1 > s.view.t0) out.view = { t0: s.view.t0, t1: s.view.t1 };
  return out;
}
