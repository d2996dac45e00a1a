/**
 * The Raft panel: each node's log as a row of cells, one per index, showing
 * the entry's term (colour by term), with the commit index (thick underline)
 * and applied entries (filled) marked, the leader starred, and each node's
 * current term. Field names are Figure 2's (src/protocols/raft/types.ts); the
 * log arrives as chunks of entries, flattened here.
 */
import { h, svg } from '../dom.js';
import { hue, isRecord, type PanelInput, type ProtocolPanel } from './panel.js';

const CELL = 22;

function raftState(v: unknown): { log: { term: number }[]; currentTerm: number; commitIndex: number; lastApplied: number } | undefined {
  if (!isRecord(v) || !Array.isArray(v.log) || typeof v.currentTerm !== 'number') return undefined;
  // The log is stored in chunks of entries (src/protocols/raft/_log.ts); older traces hold a flat entry list.
  const entries: unknown[] = v.log.every((c) => Array.isArray(c)) ? (v.log as unknown[][]).flat() : v.log;
  const log = entries.map((e) => ({ term: isRecord(e) && typeof e.term === 'number' ? e.term : 0 }));
  return { log, currentTerm: v.currentTerm, commitIndex: typeof v.commitIndex === 'number' ? v.commitIndex : 0, lastApplied: typeof v.lastApplied === 'number' ? v.lastApplied : 0 };
}

export const raftPanel: ProtocolPanel = {
  id: 'raft',
  title: 'Raft logs',
  applies: (input: PanelInput) => input.protocol === 'raft' || input.nodes.some((n) => raftState(input.states[n]) !== undefined),
  render(input: PanelInput): Element {
    const rows = input.nodes.map((n) => ({ id: n, s: raftState(input.states[n]) }));
    const maxLen = Math.min(200, Math.max(1, ...rows.map((r) => r.s?.log.length ?? 0)));
    const labelW = 110;
    const width = labelW + maxLen * CELL + 10, height = 20 + rows.length * (CELL + 6);
    const root = svg('svg', { class: 'raft-grid', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': 'Raft logs: terms per index; underline = committed, filled = applied' });
    for (let k = 1; k <= maxLen; k++) root.append(svg('text', { x: labelW + (k - 1) * CELL + CELL / 2, y: 12, class: 'axis', 'text-anchor': 'middle' }, String(k)));
    rows.forEach((r, row) => {
      const y = 20 + row * (CELL + 6);
      const role = input.roles[r.id] ?? (isRecord(input.states[r.id]) ? String((input.states[r.id] as Record<string, unknown>).role ?? '') : '');
      const label = `${role === 'leader' ? '★ ' : ''}${r.id.length > 12 ? `${r.id.slice(0, 11)}…` : r.id}${r.s ? ` t${r.s.currentTerm}` : ''}`;
      root.append(svg('text', { x: 4, y: y + CELL * 0.7, class: `label${input.down.has(r.id) ? ' down' : ''}${role === 'leader' ? ' leader' : ''}` }, label));
      if (!r.s) return;
      r.s.log.slice(0, maxLen).forEach((e, k) => {
        const x = labelW + k * CELL;
        const applied = k < r.s!.lastApplied, committed = k < r.s!.commitIndex;
        root.append(svg('rect', { x: x + 1, y, width: CELL - 2, height: CELL - 2, rx: 3, class: `cell${applied ? ' applied' : ''}`, fill: `hsl(${hue(e.term)}, 55%, ${applied ? 42 : 28}%)` }));
        root.append(svg('text', { x: x + CELL / 2, y: y + CELL * 0.68, class: 'term', 'text-anchor': 'middle' }, String(e.term)));
        if (committed) root.append(svg('rect', { x: x + 1, y: y + CELL, width: CELL - 2, height: 3, class: 'commit' }));
      });
    });
    return h('div', { class: 'panel-scroll' }, root);
  },
};
