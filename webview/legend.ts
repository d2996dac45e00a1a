/**
 * The diagram's legend, which is also its filter: one chip per message type
 * (its colour, its name, how many were sent; click to hide or show it), a
 * "hide periodic" switch for routine heartbeat exchanges, and a key to the
 * marks and shadings the trace actually uses (client request ◆, reply ◇,
 * crash ×, restart ○, …), drawn as small SVGs in the same colours as the
 * canvas. Two traces side by side share one legend.
 */
import { clear, h, svg } from './dom.js';
import type { DiagramFilter } from './diagram.js';

export interface LegendInput {
  /** Message types with their colour and count (summed over both traces side by side). */
  readonly types: readonly { readonly name: string; readonly colour: string; readonly count: number }[];
  /** Routine periodic messages in all (0: no switch). */
  readonly periodic: number;
  /** Event kinds present, and whether there are partitions, drops, duplicates, messages in flight. */
  readonly kinds: ReadonlySet<string>;
  readonly has: { readonly partition: boolean; readonly down: boolean; readonly drop: boolean; readonly dashed: boolean; readonly bands: boolean };
}

type Mark = { readonly key: string; readonly label: string; readonly icon: () => SVGElement; readonly when: (i: LegendInput) => boolean };

const icon = (...children: SVGElement[]): SVGElement => svg('svg', { class: 'legend-icon', width: 16, height: 12, viewBox: '0 0 16 12', 'aria-hidden': 'true' }, ...children);

const MARKS: readonly Mark[] = [
  { key: 'client', label: 'client request', when: (i) => i.kinds.has('client'), icon: () => icon(svg('path', { d: 'M8 1 L13 6 L8 11 L3 6 Z', class: 'mk-client' })) },
  { key: 'reply', label: 'reply (red: failed)', when: (i) => i.kinds.has('reply'), icon: () => icon(svg('path', { d: 'M8 1 L13 6 L8 11 L3 6 Z', class: 'mk-reply' })) },
  { key: 'timer', label: 'timer fires', when: (i) => i.kinds.has('timer'), icon: () => icon(svg('path', { d: 'M8 1 V11', class: 'mk-timer' })) },
  { key: 'crash', label: 'crash', when: (i) => i.kinds.has('crash'), icon: () => icon(svg('path', { d: 'M3 1 L13 11 M13 1 L3 11', class: 'mk-crash' })) },
  { key: 'restart', label: 'restart / resume', when: (i) => i.kinds.has('restart') || i.kinds.has('resume'), icon: () => icon(svg('circle', { cx: 8, cy: 6, r: 4.5, class: 'mk-restart' })) },
  { key: 'pause', label: 'pause', when: (i) => i.kinds.has('pause'), icon: () => icon(svg('path', { d: 'M5 2 V10 M10 2 V10', class: 'mk-pause' })) },
  { key: 'down', label: 'node down', when: (i) => i.has.down, icon: () => icon(svg('rect', { x: 1, y: 3, width: 14, height: 6, class: 'mk-down' })) },
  { key: 'violation', label: 'invariant violated', when: (i) => i.kinds.has('violation'), icon: () => icon(svg('circle', { cx: 8, cy: 6, r: 5, class: 'mk-violation' })) },
  { key: 'note', label: 'note', when: (i) => i.kinds.has('note'), icon: () => icon(svg('path', { d: 'M5 2 L11 2 L8 8 Z', class: 'mk-note' })) },
  { key: 'state', label: 'state change', when: (i) => i.kinds.has('state'), icon: () => icon(svg('rect', { x: 6.5, y: 6, width: 3, height: 3, class: 'mk-state' })) },
  { key: 'drop', label: 'message dropped', when: (i) => i.has.drop, icon: () => icon(svg('path', { d: 'M1 2 L10 7 M8 4 L13 10 M13 4 L8 10', class: 'mk-drop' })) },
  { key: 'dashed', label: 'duplicate / in flight', when: (i) => i.has.dashed, icon: () => icon(svg('path', { d: 'M1 6 H15', class: 'mk-dashed' })) },
  { key: 'band', label: 'periodic rounds (zoom in)', when: (i) => i.has.bands, icon: () => icon(svg('rect', { x: 1, y: 2, width: 14, height: 8, class: 'mk-band' })) },
  { key: 'side1', label: 'partition side 1', when: (i) => i.has.partition, icon: () => icon(svg('rect', { x: 1, y: 1, width: 14, height: 10, class: 'mk-side-1' })) },
  { key: 'side2', label: 'side 2', when: (i) => i.has.partition, icon: () => icon(svg('rect', { x: 1, y: 1, width: 14, height: 10, class: 'mk-side-2' })) },
];

export class Legend {
  readonly element: HTMLElement;
  private filter: { hiddenTypes: Set<string>; hidePeriodic: boolean };

  constructor(private readonly onChange: (filter: DiagramFilter) => void, saved?: { hiddenTypes?: readonly string[]; hidePeriodic?: boolean }) {
    this.element = h('div', { class: 'legend', role: 'group', 'aria-label': 'Legend and filters' });
    this.filter = { hiddenTypes: new Set(saved?.hiddenTypes ?? []), hidePeriodic: saved?.hidePeriodic ?? false };
  }

  get current(): DiagramFilter { return this.filter; }

  render(input: LegendInput): void {
    clear(this.element);
    const types = h('div', { class: 'legend-types', role: 'group', 'aria-label': 'Message types: click to hide or show' });
    for (const t of input.types) {
      const hidden = this.filter.hiddenTypes.has(t.name);
      const chip = h('button', {
        type: 'button', class: `legend-chip${hidden ? ' off' : ''}`, 'aria-pressed': String(!hidden), 'data-type': t.name,
        title: `${t.name}: ${t.count} sent. Click to ${hidden ? 'show' : 'hide'} them.`,
      });
      const swatch = svg('svg', { class: 'legend-swatch', width: 18, height: 10, viewBox: '0 0 18 10', 'aria-hidden': 'true' },
        svg('path', { d: 'M1 5 H13', stroke: t.colour, 'stroke-width': 2 }), svg('path', { d: 'M12 1.5 L17 5 L12 8.5 Z', fill: t.colour }));
      chip.append(swatch, h('span', { class: 'legend-name' }, t.name), h('span', { class: 'legend-count' }, String(t.count)));
      chip.addEventListener('click', () => {
        if (this.filter.hiddenTypes.has(t.name)) this.filter.hiddenTypes.delete(t.name); else this.filter.hiddenTypes.add(t.name);
        this.onChange(this.filter);
        this.render(input);
      });
      types.append(chip);
    }
    if (input.periodic > 0) {
      const box = h('input', { type: 'checkbox', class: 'hide-periodic', id: 'hide-periodic' });
      box.checked = this.filter.hidePeriodic;
      box.addEventListener('change', () => { this.filter.hidePeriodic = box.checked; this.onChange(this.filter); });
      types.append(h('label', { class: 'legend-switch', for: 'hide-periodic', title: 'Routine periodic exchanges: heartbeats and their acknowledgements, sent by a recurring timer with the usual content (press p)' },
        box, `Hide periodic (${input.periodic})`));
    }
    const marks = h('div', { class: 'legend-marks', role: 'list', 'aria-label': 'Marks' });
    for (const m of MARKS) if (m.when(input)) marks.append(h('span', { class: `legend-mark mark-${m.key}`, role: 'listitem' }, m.icon(), m.label));
    this.element.append(types, marks);
  }

  /** Toggles the periodic switch (the `p` key). */
  togglePeriodic(): void {
    this.filter.hidePeriodic = !this.filter.hidePeriodic;
    const box = this.element.querySelector<HTMLInputElement>('input.hide-periodic');
    if (box) box.checked = this.filter.hidePeriodic;
    this.onChange(this.filter);
  }
}
