/**
 * The protocol panels, tried in order; the first whose protocol name matches
 * and applies is shown, else the first that applies by the shape of the
 * states. To add one: a file here exporting a `ProtocolPanel` (panel.ts says
 * what it must provide) and one entry in `PANELS` — see webview/README.md.
 */
import { h, svg } from '../dom.js';
import { commitPanel } from './commit.js';
import { kademliaPanel } from './kademlia.js';
import type { PanelInput, PanelLegendItem, ProtocolPanel } from './panel.js';
import { paxosPanel } from './paxos.js';
import { quorumPanel } from './quorum.js';
import { raftPanel } from './raft.js';
import { ringPanel } from './ring.js';

export const PANELS: readonly ProtocolPanel[] = [raftPanel, ringPanel, quorumPanel, commitPanel, paxosPanel, kademliaPanel];

/**
 * Protocols shown with the generic state view on purpose (their state reads
 * well as a tree). Every other protocol has a panel above; the protocol
 * conformance test (test/protocols/conformance.test.ts) checks one or the other.
 */
export const GENERIC_PANELS: readonly string[] = ['hash'];

export function panelFor(input: PanelInput): ProtocolPanel | undefined {
  const byName = PANELS.find((p) => p.id === input.protocol && p.applies(input));
  return byName ?? PANELS.find((p) => p.applies(input));
}

/** A panel's legend, drawn by the viewer above the picture so it is always in view. */
export function renderPanelLegend(items: readonly PanelLegendItem[]): HTMLElement {
  const list = h('ul', { class: 'panel-legend', 'aria-label': 'Legend' });
  for (const item of items) {
    let swatch: Element;
    switch (item.swatch) {
      case 'fill': swatch = svg('svg', { width: 12, height: 12, 'aria-hidden': 'true' }, svg('rect', { x: 0.5, y: 0.5, width: 11, height: 11, rx: 2, fill: item.colour?.startsWith('var(') ? undefined : item.colour ?? 'currentColor' })); break;
      case 'outline': case 'dashed':
        swatch = svg('svg', { width: 12, height: 12, 'aria-hidden': 'true' }, svg('rect', { x: 1, y: 1, width: 10, height: 10, rx: 2, class: `swatch-${item.swatch}` })); break;
      case 'line': swatch = svg('svg', { width: 14, height: 12, 'aria-hidden': 'true' }, svg('path', { d: 'M1 6 H13', class: 'swatch-line' })); break;
      case 'text': swatch = h('span', { class: 'swatch-text', 'aria-hidden': 'true' }, item.text ?? '•'); break;
    }
    // A theme colour (`var(--pp-…)`) cannot be an SVG attribute; CSSOM writes are allowed under the CSP.
    if (item.colour?.startsWith('var(')) {
      const shape = swatch.firstElementChild as SVGElement | null;
      const target = (shape ?? swatch) as SVGElement | HTMLElement;
      target.style.setProperty(item.swatch === 'fill' ? 'fill' : item.swatch === 'text' ? 'color' : 'stroke', item.colour);
    }
    list.append(h('li', {}, swatch, h('span', {}, item.label)));
  }
  return list;
}

export type { PanelInput, PanelLegendItem, ProtocolPanel } from './panel.js';
