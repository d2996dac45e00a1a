/**
 * The atomic-commit panel (src/protocols/commit): a grid of nodes ×
 * transactions, each cell the node's state in that transaction — INIT,
 * READY, PRECOMMIT, COMMITTED, ABORTED — coloured, with a legend; the
 * coordinator's cell outlined; under an uncertain or late-decided cell the
 * time the participant spent blocked. Paxos Commit's acceptors get a row
 * each: how many of the transaction's instances they accepted. Below the
 * grid, for the node picked with the buttons: its write-ahead log (records
 * on disk, and those still in flight), the locks it holds and what is
 * blocked there.
 *
 * Everything is read defensively from the trace (untrusted JSON) and drawn
 * with text nodes and SVG attributes only (dom.ts; strict CSP). The picked
 * node survives stepping (module state of the webview, not of the engine).
 */
import type { Json } from '../../src/engine/protocol.js';
import { h, shorten, svg } from '../dom.js';
import { isRecord, type PanelInput, type PanelLegendItem, type ProtocolPanel } from './panel.js';

const STATES = ['INIT', 'READY', 'PRECOMMIT', 'COMMITTED', 'ABORTED'] as const;
type Cell = (typeof STATES)[number];
const COLOUR: Record<Cell, string> = {
  INIT: '#6b7280', READY: '#d97706', PRECOMMIT: '#2563eb', COMMITTED: '#16a34a', ABORTED: '#dc2626',
};
const MEANING: Record<Cell, string> = {
  INIT: 'not voted (a coordinator: collecting votes)',
  READY: 'voted yes, outcome unknown: blocked, holding locks',
  PRECOMMIT: '3PC: committable, outcome unknown',
  COMMITTED: 'committed',
  ABORTED: 'aborted',
};
const MAX_TXS = 40;
const MAX_WAL = 40;

interface PartCell { state: Cell; coordinator: boolean; blocked: number | null; since: number | null; recovered: boolean }
interface NodeRow { id: string; acceptor: boolean; down: boolean; cells: Map<string, PartCell>; parts: Map<string, string[]>; acc: Map<string, { prepared: number; aborted: number }>; locks: [string, string][]; wal: Json[]; durable: number }

const str = (v: Json | undefined): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: Json | undefined): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const asCell = (v: Json | undefined): Cell | undefined => (STATES as readonly string[]).includes(String(v)) ? (v as Cell) : undefined;
const ms = (us: number): string => `${Math.round(us / 100) / 10}ms`;

function readNode(id: string, state: Json | undefined, down: boolean): NodeRow | undefined {
  if (!isRecord(state) || !isRecord(state.txs) || !isRecord(state.coord)) return undefined;
  const cells = new Map<string, PartCell>();
  const parts = new Map<string, string[]>();
  const noteParts = (tx: string, list: Json | undefined) => {
    if (Array.isArray(list) && list.length > 0 && !parts.has(tx)) parts.set(tx, list.filter((p): p is string => typeof p === 'string'));
  };
  for (const [tx, c] of Object.entries(state.coord)) {
    if (!isRecord(c) || c.presumed === true) continue;
    noteParts(tx, c.parts);
    const phase = str(c.phase);
    const cell = phase === 'VOTING' ? 'INIT' : asCell(phase);
    if (cell) cells.set(tx, { state: cell, coordinator: true, blocked: null, since: null, recovered: c.recovered === true });
  }
  for (const [tx, t] of Object.entries(state.txs)) {
    if (!isRecord(t)) continue;
    noteParts(tx, t.parts);
    const cell = asCell(t.state);
    if (!cell) continue;
    const voted = num(t.votedAt) ?? -1;
    const decided = num(t.decidedAt) ?? -1;
    const uncertain = cell === 'READY' || cell === 'PRECOMMIT';
    const blocked = t.vote === 'yes' && voted >= 0 ? (decided >= 0 ? decided - voted : num(t.waited) ?? 0) : null;
    cells.set(tx, { state: cell, coordinator: false, blocked, since: uncertain && voted >= 0 ? voted : null, recovered: t.recovered === true });
  }
  const acc = new Map<string, { prepared: number; aborted: number }>();
  if (isRecord(state.acc)) {
    for (const [key, a] of Object.entries(state.acc)) {
      const tx = key.slice(0, Math.max(0, key.lastIndexOf('/')));
      if (!isRecord(a) || tx === '') continue;
      const e = acc.get(tx) ?? { prepared: 0, aborted: 0 };
      if (a.val === 'prepared') e.prepared++;
      if (a.val === 'aborted') e.aborted++;
      acc.set(tx, e);
    }
  }
  const locks = isRecord(state.locks) ? Object.entries(state.locks).filter((e): e is [string, string] => typeof e[1] === 'string') : [];
  const wal = Array.isArray(state.wal) ? state.wal : [];
  return { id, acceptor: state.kind === 'acceptor', down, cells, parts, acc, locks, wal, durable: num(state.durableLen) ?? wal.length };
}

/** Every node's row; a participant with no record of a transaction it is listed in shows INIT (it has not voted). */
function rowsOf(input: PanelInput): NodeRow[] {
  const rows = input.nodes.flatMap((n) => { const r = readNode(n, input.states[n], input.down.has(n)); return r ? [r] : []; });
  const parts = new Map<string, string[]>();
  for (const r of rows) for (const [tx, list] of r.parts) if (!parts.has(tx)) parts.set(tx, list);
  for (const r of rows) {
    if (r.acceptor) continue;
    for (const [tx, list] of parts) {
      if (list.includes(r.id) && !r.cells.has(tx)) r.cells.set(tx, { state: 'INIT', coordinator: false, blocked: null, since: null, recovered: false });
    }
  }
  return rows;
}

/** Transactions in the order they began (then by name), at most MAX_TXS. */
function transactions(input: PanelInput, rows: NodeRow[]): { list: string[]; more: number } {
  const began = new Map<string, number>();
  for (const r of rows) {
    const s = input.states[r.id];
    if (!isRecord(s)) continue;
    for (const table of [s.coord, s.txs]) {
      if (!isRecord(table)) continue;
      for (const [tx, t] of Object.entries(table)) {
        const b = isRecord(t) ? num(t.began) ?? Infinity : Infinity;
        began.set(tx, Math.min(began.get(tx) ?? Infinity, b < 0 ? Infinity : b));
      }
    }
    for (const tx of r.acc.keys()) if (!began.has(tx)) began.set(tx, Infinity);
  }
  const all = [...began.keys()].sort((a, b) => (began.get(a)! - began.get(b)!) || (a < b ? -1 : a > b ? 1 : 0));
  return { list: all.slice(0, MAX_TXS), more: Math.max(0, all.length - MAX_TXS) };
}

function grid(rows: NodeRow[], txs: string[]): SVGElement {
  const labelW = 104, cellW = 78, cellH = 34, top = 18;
  const width = labelW + Math.max(1, txs.length) * cellW + 8;
  const height = top + rows.length * (cellH + 4) + 4;
  const root = svg('svg', { class: 'commit-grid', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': 'State of each node in each transaction' });
  txs.forEach((tx, k) => root.append(svg('text', { x: labelW + k * cellW + cellW / 2, y: 12, class: 'axis', 'text-anchor': 'middle' }, shorten(tx, 12))));
  rows.forEach((r, i) => {
    const y = top + i * (cellH + 4);
    const locks = r.locks.length > 0 ? ` · ${r.locks.length} lock${r.locks.length > 1 ? 's' : ''}` : '';
    root.append(svg('text', { x: 4, y: y + cellH * 0.6, class: `label${r.down ? ' down' : ''}` }, `${shorten(r.id, 10)}${r.acceptor ? ' (acc)' : ''}${r.down ? ' ✕' : locks}`));
    txs.forEach((tx, k) => {
      const x = labelW + k * cellW;
      if (r.acceptor) {
        const a = r.acc.get(tx);
        if (!a) return;
        const fill = a.aborted > 0 ? COLOUR.ABORTED : COLOUR.COMMITTED;
        const g = svg('g', { class: 'commit-cell', opacity: r.down ? 0.45 : 1 },
          svg('title', {}, `${r.id} accepted ${a.prepared} "prepared" and ${a.aborted} "aborted" vote(s) of ${tx}`),
          svg('rect', { x: x + 2, y: y + 6, width: cellW - 4, height: cellH - 12, rx: 4, fill, 'fill-opacity': 0.55 }),
          svg('text', { x: x + cellW / 2, y: y + cellH * 0.62, class: 'term', 'text-anchor': 'middle' }, `✓${a.prepared}${a.aborted ? ` ✗${a.aborted}` : ''}`));
        root.append(g);
        return;
      }
      const c = r.cells.get(tx);
      if (!c) return;
      const tip = `${r.id} · ${tx}: ${c.state}${c.coordinator ? ' (coordinator)' : ''} — ${MEANING[c.state]}${c.blocked !== null ? `; uncertain ${ms(c.blocked)}` : ''}${c.since !== null ? ` since ${ms(c.since)}` : ''}${c.recovered ? '; recovered from its log' : ''}`;
      const g = svg('g', { class: `commit-cell state-${c.state.toLowerCase()}`, 'data-node': r.id, 'data-tx': tx, 'data-state': c.state, opacity: r.down ? 0.45 : 1 },
        svg('title', {}, tip),
        svg('rect', { x: x + 2, y: y + 1, width: cellW - 4, height: cellH - 2, rx: 4, fill: COLOUR[c.state], ...(c.coordinator ? { stroke: '#ffffff', 'stroke-width': 2, 'stroke-dasharray': '4 2' } : {}) }),
        svg('text', { x: x + cellW / 2, y: y + 14, class: 'term', 'text-anchor': 'middle' }, c.state),
        c.blocked !== null && c.blocked >= 1000 ? svg('text', { x: x + cellW / 2, y: y + 27, class: 'term', 'text-anchor': 'middle' }, `wait ${c.since !== null ? '≥' : ''}${ms(c.blocked)}`) : null);
      root.append(g);
    });
  });
  return root;
}

/** The legend the viewer draws above the picture: each state's colour and meaning, the coordinator's outline, the wait. */
function legendItems(): PanelLegendItem[] {
  return [
    ...STATES.map((st): PanelLegendItem => ({ label: `${st}: ${MEANING[st]}`, swatch: 'fill', colour: COLOUR[st] })),
    { label: 'dashed outline: the transaction\'s coordinator', swatch: 'dashed' },
    { label: 'wait: time the participant was uncertain (blocked)', swatch: 'text', text: '⧗' },
  ];
}

/** One WAL record as a line of text. */
function walLine(r: Json): string {
  if (!isRecord(r)) return '?';
  const at = num(r.at);
  const tx = str(r.tx) ?? '?';
  const head = `${at === undefined ? '' : ms(at).padStart(8)}  ${str(r.kind) ?? '?'} ${tx}`;
  switch (r.kind) {
    case 'prepared': return `${head}${r.key !== null && r.key !== undefined ? ` (${String(r.key)} = ${JSON.stringify(r.value)})` : ''} coordinator ${str(r.coord) ?? '?'}`;
    case 'commit':
    case 'abort': return `${head} from ${str(r.by) ?? '?'}`;
    case 'acceptor': return `${head}/${str(r.ins) ?? '?'} promised ${String(r.mbal)} accepted ${String(r.bal)}:${String(r.val)}`;
    case 'ballot': return `${head} round ${String(r.round)}`;
    default: return head;
  }
}

function details(row: NodeRow): HTMLElement {
  const box = h('div', { class: 'commit-details', 'data-node': row.id });
  box.append(h('h4', {}, `${row.id}: write-ahead log${row.down ? ' (crashed: what is on disk survives)' : ''}`));
  if (row.wal.length === 0) box.append(h('p', { class: 'empty' }, 'no records'));
  else {
    const from = Math.max(0, row.wal.length - MAX_WAL);
    const list = h('ol', { class: 'commit-wal', start: from + 1 });
    for (let i = from; i < row.wal.length; i++) {
      const inFlight = i >= row.durable;
      list.append(h('li', { class: inFlight ? 'in-flight' : 'on-disk', 'data-durable': String(!inFlight) }, walLine(row.wal[i]!), inFlight ? h('span', { class: 'hint' }, '  — in flight, not yet on disk') : null));
    }
    if (from > 0) box.append(h('p', { class: 'more' }, `… ${from} earlier records`));
    box.append(list);
  }
  const locks = row.locks.map(([k, tx]) => `${k} (held by ${tx}${row.cells.get(tx) ? `, ${row.cells.get(tx)!.state}` : ''})`);
  box.append(h('p', { class: 'commit-locks' }, `Locks held: ${locks.length > 0 ? locks.join(', ') : 'none'}`));
  const blocked = [...row.cells].filter(([, c]) => c.since !== null);
  box.append(h('p', { class: 'commit-blocked' }, blocked.length === 0 ? 'Blocked: nothing'
    : `Blocked: ${blocked.map(([tx, c]) => `${tx} ${c.state} since ${ms(c.since!)} (≥ ${ms(c.blocked ?? 0)} so far)`).join('; ')}`));
  return box;
}

/** The node picked for the details; kept across steps. */
let picked: string | undefined;

function defaultPick(rows: NodeRow[]): string | undefined {
  const blocked = rows.find((r) => !r.acceptor && [...r.cells.values()].some((c) => c.since !== null));
  return (blocked ?? rows.find((r) => r.wal.length > 0) ?? rows[0])?.id;
}

function draw(root: HTMLElement, input: PanelInput): void {
  while (root.firstChild) root.removeChild(root.firstChild);
  const rows = rowsOf(input);
  const { list, more } = transactions(input, rows);
  if (list.length === 0) root.append(h('p', { class: 'empty' }, 'No transaction yet.'));
  else root.append(h('div', { class: 'panel-scroll' }, grid(rows, list)));
  if (more > 0) root.append(h('p', { class: 'more' }, `… and ${more} more transactions`));
  const current = rows.find((r) => r.id === picked) ? picked : defaultPick(rows);
  const pick = h('div', { class: 'commit-pick', role: 'group', 'aria-label': 'Show the log of' }, h('span', { class: 'hint' }, 'Log of: '));
  for (const r of rows) {
    const b = h('button', { type: 'button', class: 'commit-node', 'aria-pressed': String(r.id === current), 'data-node': r.id }, r.id);
    b.addEventListener('click', () => {
      picked = r.id;
      draw(root, input);
    });
    pick.append(b);
  }
  root.append(pick);
  const row = rows.find((r) => r.id === current);
  if (row) root.append(details(row));
}

export const commitPanel: ProtocolPanel = {
  id: 'commit',
  title: 'Atomic commit',
  applies: (input) => input.protocol === 'commit' || input.nodes.some((n) => { const s = input.states[n]; return isRecord(s) && isRecord(s.txs) && isRecord(s.coord) && Array.isArray(s.wal); }),
  render(input) {
    const root = h('div', { class: 'commit-panel' });
    draw(root, input);
    return root;
  },
  legend: () => legendItems(),
};
