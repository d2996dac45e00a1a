/**
 * The Paxos panel (src/protocols/paxos): what the acceptors hold, with
 * every ballot in its own colour (one hue per ballot, the same wherever it
 * appears) and the value chosen marked.
 *
 * - Single-decree (`mode single`): a table of the proposers — each one's
 *   phase (prepare, accept, backoff, chosen), ballot, the promises (p) and
 *   accepts (a) it holds, and the value of its accept request — and one of
 *   the acceptors and learners — each one's promise, accepted proposal, the
 *   ballots of every vote it cast, and what it learned; roles as letters
 *   (P, A, L) after the name. Above them, a line saying which value is
 *   chosen (a majority of acceptors voted for it in one ballot). The legend
 *   (drawn by the viewer above the picture) also names the message phases
 *   the diagram's arrows carry (P1a prepare, P1b promise, P2a accept, P2b
 *   accepted).
 * - Multi-Paxos (`mode multi`): acceptors × slots. A cell is the pvalue the
 *   acceptor accepted in that slot — the command, on its ballot's colour; a
 *   slot whose column a majority of acceptors share one ballot in is
 *   underlined (chosen), and a ✓ above it says a replica knows it decided.
 *   Each row names the node, its role (★ the leader), its promise and how
 *   far its replica has decided and applied. The last 24 slots are shown.
 *
 * States come from a trace file (untrusted): every field is checked before
 * use, and text reaches the page only as text. The panel styles its own
 * elements through the CSSOM (allowed under the viewer's CSP), so it needs
 * nothing in the shared stylesheet.
 */
import { h, shorten, svg } from '../dom.js';
import { hue, isRecord, type PanelInput, type PanelLegendItem, type ProtocolPanel } from './panel.js';

type Ballot = [number, string];

function ballotOf(v: unknown): Ballot | null {
  return Array.isArray(v) && v.length === 2 && typeof v[0] === 'number' && typeof v[1] === 'string' ? [v[0], v[1]] : null;
}

function sameBallot(a: Ballot | null, b: Ballot | null): boolean {
  return a !== null && b !== null && a[0] === b[0] && a[1] === b[1];
}

function ballotText(b: Ballot | null): string {
  return b === null || b[0] === 0 ? '⊥' : `${b[0]}.${b[1]}`;
}

/** One hue per ballot: rounds spread around the wheel, proposers offset within a round. */
function ballotColour(b: Ballot | null, nodes: readonly string[], light = 38): string {
  if (b === null || b[0] === 0) return 'hsl(0, 0%, 35%)';
  const k = b[0] * 5 + Math.max(0, nodes.indexOf(b[1]));
  return `hsl(${hue(k)}, 55%, ${light}%)`;
}

function valueText(v: unknown): string {
  if (isRecord(v) && typeof v.op === 'string') {
    const key = typeof v.key === 'string' ? v.key : '?';
    switch (v.op) {
      case 'noop': return 'noop';
      case 'put': return `${key}=${JSON.stringify(v.value ?? null)}`;
      case 'get': return `get ${key}`;
      case 'append': return `${key}+=${JSON.stringify(v.value ?? null)}`;
      case 'cas': return `cas ${key}`;
      default: return v.op;
    }
  }
  return JSON.stringify(v ?? null);
}

function mode(input: PanelInput): 'single' | 'multi' | null {
  for (const n of input.nodes) {
    const s = input.states[n];
    if (isRecord(s) && (s.mode === 'single' || s.mode === 'multi') && Array.isArray(s.roles) && ballotOf(s.promised) !== null) return s.mode;
  }
  return null;
}

function roles(s: Record<string, unknown>): string[] {
  return Array.isArray(s.roles) ? s.roles.filter((r): r is string => typeof r === 'string') : [];
}

/** Sets CSS properties on an element through the CSSOM. */
function styled<E extends HTMLElement>(e: E, style: Partial<Record<'background' | 'color' | 'padding' | 'margin' | 'borderRadius' | 'fontWeight' | 'fontSize' | 'borderCollapse' | 'textAlign' | 'whiteSpace' | 'borderBottom' | 'opacity' | 'fontFamily', string>>): E {
  Object.assign(e.style, style);
  return e;
}

/** A ballot as a small coloured chip. */
function chip(b: Ballot | null, nodes: readonly string[], text = ballotText(b)): HTMLElement {
  const e = h('span', { class: 'paxos-chip', title: b === null || b[0] === 0 ? 'no ballot' : `ballot (${b[0]}, ${b[1]})` }, text);
  return styled(e, { background: ballotColour(b, nodes), color: '#ffffff', padding: '0 5px', margin: '0 2px 0 0', borderRadius: '3px', whiteSpace: 'nowrap', fontFamily: 'var(--pp-mono, monospace)', fontSize: '0.9em' });
}

const PHASE_COLOURS: Record<string, string> = { idle: '#777777', prepare: '#c08a1e', accept: '#2f7fc1', backoff: '#a04a4a', chosen: '#2e8b57' };

// ---------------------------------------------------------------- single-decree

interface Vote { b: Ballot; v: unknown }

function votesOf(s: Record<string, unknown>): Vote[] {
  if (!Array.isArray(s.votes)) return [];
  return s.votes.flatMap((x) => (isRecord(x) && ballotOf(x.b) !== null ? [{ b: ballotOf(x.b)!, v: x.v }] : []));
}

/** The value a majority of acceptors voted for in one ballot (lowest such ballot), from the states shown. */
function chosenSingle(input: PanelInput): Vote | null {
  const acceptors = input.nodes.filter((n) => isRecord(input.states[n]) && roles(input.states[n] as Record<string, unknown>).includes('acceptor'));
  const need = Math.floor(acceptors.length / 2) + 1;
  const tally = new Map<string, { vote: Vote; count: number }>();
  for (const n of acceptors) {
    const seen = new Set<string>();
    for (const v of votesOf(input.states[n] as Record<string, unknown>)) {
      const k = `${v.b[0]}.${v.b[1]}`;
      if (seen.has(k)) continue;
      seen.add(k);
      const t = tally.get(k);
      if (t) t.count++;
      else tally.set(k, { vote: v, count: 1 });
    }
  }
  let best: Vote | null = null;
  for (const { vote, count } of tally.values()) if (count >= need && (best === null || vote.b[0] < best.b[0])) best = vote;
  return best;
}

/** A table of one row per node in `ids`, under the column titles `head`; `row` gives a node's cells after its name. */
function nodeTable(input: PanelInput, ids: readonly string[], cls: string, head: readonly string[], row: (s: Record<string, unknown>, r: string[]) => (Node | string)[][]): Element {
  const th = h('tr', {}, ...['node', ...head].map((t) => styled(h('th', {}, t), { textAlign: 'left', padding: '2px 8px 2px 0', borderBottom: '1px solid var(--pp-border, #555)' })));
  const cell = (children: (Node | string)[]) => styled(h('td', {}, ...children), { padding: '3px 8px 3px 0', whiteSpace: 'nowrap' });
  const rows = ids.map((n) => {
    const s = input.states[n];
    const down = input.down.has(n);
    if (!isRecord(s)) return h('tr', { class: 'down' }, h('td', {}, n));
    const r = roles(s);
    // Roles as letters after the name: P proposer, A acceptor, L learner.
    const letters = r.map((x) => x[0]!.toUpperCase()).join('');
    return styled(h('tr', { class: down ? 'down' : '', title: `${n}: ${r.join(', ') || 'no role'}${down ? ' (down)' : ''}` },
      cell([styled(h('span', { class: 'paxos-node' }, n), { fontWeight: '600' }), styled(h('span', {}, ` ${letters}${down ? ' down' : ''}`), { opacity: '0.7', fontSize: '0.85em' })]),
      ...row(s, r).map(cell),
    ), { opacity: down ? '0.5' : '1' });
  });
  return h('div', { class: 'panel-scroll' }, styled(h('table', { class: `paxos-table ${cls}` }, h('thead', {}, th), h('tbody', {}, ...rows)), { borderCollapse: 'collapse', margin: '0 0 8px' }));
}

const hasRole = (input: PanelInput, role: string) => (n: string): boolean => {
  const s = input.states[n];
  return isRecord(s) && roles(s).includes(role);
};

/**
 * Two tables, so each fits a narrow column: the proposers (phase, ballot,
 * promises and accepts held, the value of its accept request), then the
 * acceptors and learners (promise, accepted proposal, every vote, what was
 * learned). A node with both kinds of role is in both.
 */
function renderSingle(input: PanelInput): Element {
  const chosen = chosenSingle(input);
  const banner = styled(h('div', { class: `paxos-chosen${chosen ? ' yes' : ''}` },
    chosen ? '✓ chosen: ' : 'nothing chosen yet',
    chosen ? h('strong', {}, shorten(valueText(chosen.v), 40)) : null,
    chosen ? ' in ballot ' : null, chosen ? chip(chosen.b, input.nodes) : null), { margin: '4px 0 8px', fontWeight: chosen ? '600' : '400' });
  const proposers = nodeTable(input, input.nodes.filter(hasRole(input, 'proposer')), 'paxos-proposers', ['proposer', 'proposal'], (s) => {
    const phase = typeof s.phase === 'string' ? s.phase : '';
    const phaseChip = styled(h('span', { class: `paxos-phase ${phase}` }, phase), { color: '#ffffff', background: PHASE_COLOURS[phase] ?? '#777777', padding: '0 5px', borderRadius: '8px' });
    const proposer = phase === '' ? [] : phase === 'idle' ? [phaseChip]
      : [phaseChip, ' ', chip(ballotOf(s.ballot), input.nodes), ` ${Array.isArray(s.promises) ? s.promises.length : 0}p ${Array.isArray(s.accepts) ? s.accepts.length : 0}a`];
    const proposal = phase === 'accept' || phase === 'chosen' ? shorten(valueText(s.proposal), 14) : '';
    return [proposer, [proposal]];
  });
  const others = input.nodes.filter((n) => hasRole(input, 'acceptor')(n) || hasRole(input, 'learner')(n));
  const acceptors = nodeTable(input, others, 'paxos-acceptors', ['promised', 'accepted', 'votes', 'learned'], (s, r) => {
    const acceptor = r.includes('acceptor');
    const accepted = isRecord(s.accepted) && ballotOf(s.accepted.b) ? { b: ballotOf(s.accepted.b)!, v: s.accepted.v } : null;
    const votes = votesOf(s).slice(-6).map((v) => { const c = chip(v.b, input.nodes); c.title = `voted ${valueText(v.v)} in ballot (${v.b[0]}, ${v.b[1]})`; return c; });
    const learned = isRecord(s.learned) ? valueText(s.learned.v) : r.includes('learner') ? '—' : '';
    return [
      [acceptor ? chip(ballotOf(s.promised), input.nodes) : ''],
      [accepted ? h('span', {}, chip(accepted.b, input.nodes), ` ${shorten(valueText(accepted.v), 14)}`) : acceptor ? '—' : ''],
      votes,
      [shorten(learned, 14)],
    ];
  });
  return h('div', { class: 'paxos-panel' }, banner, proposers, acceptors);
}

// ---------------------------------------------------------------- Multi-Paxos

const CELL_W = 46;
const CELL_H = 22;
const SLOTS_SHOWN = 24;

interface PV { b: Ballot; cmd: unknown }

/** The entries of a chunked slot array (src/protocols/paxos/_slots.ts), by slot (1-based); null where empty. */
function slotEntries<T>(v: unknown, read: (e: unknown) => T | null): (T | null)[] {
  if (!Array.isArray(v)) return [];
  const out: (T | null)[] = [];
  for (const chunk of v) {
    if (!Array.isArray(chunk)) return out;
    for (const e of chunk) out.push(e === null ? null : read(e));
  }
  return out;
}

const readPV = (e: unknown): PV | null => (isRecord(e) && ballotOf(e.b) !== null ? { b: ballotOf(e.b)!, cmd: e.cmd } : null);

function renderMulti(input: PanelInput): Element {
  const rows = input.nodes.map((n) => {
    const s = input.states[n];
    return { id: n, s: isRecord(s) ? s : null, accepted: isRecord(s) ? slotEntries(s.accepted, readPV) : [] };
  });
  const acceptors = rows.filter((r) => r.s && roles(r.s).includes('acceptor'));
  const need = Math.floor(acceptors.length / 2) + 1;
  const maxSlot = Math.max(1, ...rows.map((r) => r.accepted.length), ...rows.map((r) => (r.s && typeof r.s.commit === 'number' ? r.s.commit : 0)));
  const first = Math.max(1, maxSlot - SLOTS_SHOWN + 1);
  const decided = Math.max(0, ...rows.map((r) => (r.s && !input.down.has(r.id) && typeof r.s.commit === 'number' ? r.s.commit : 0)));
  const labels = rows.map((r) => {
    const s = r.s;
    const down = input.down.has(r.id);
    const leader = s !== null && s.role === 'leader' && !down;
    const label = s === null ? r.id
      : `${leader ? '★ ' : ''}${shorten(r.id, 10)} ${down ? '(down)' : typeof s.role === 'string' ? s.role : ''} p=${ballotText(ballotOf(s.promised))} d=${typeof s.commit === 'number' ? s.commit : 0}/${typeof s.applied === 'number' ? s.applied : 0}`;
    return { leader, label };
  });
  // Wide enough for the longest row label (about 7.5 px a character, bold for the leader).
  const labelW = Math.max(120, Math.ceil(7.5 * Math.max(...labels.map((l) => l.label.length))) + 16);
  const width = labelW + (maxSlot - first + 1) * CELL_W + 10;
  const height = 34 + rows.length * (CELL_H + 8);
  const root = svg('svg', { class: 'paxos-grid', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img',
    'aria-label': 'Paxos acceptors by slot: each cell is the accepted command on its ballot\'s colour; underlined = chosen by a majority in one ballot; ✓ = decided' });
  for (let slot = first; slot <= maxSlot; slot++) {
    const x = labelW + (slot - first) * CELL_W + CELL_W / 2;
    root.append(svg('text', { x, y: 12, class: 'axis', 'text-anchor': 'middle' }, String(slot)));
    if (slot <= decided) root.append(svg('text', { x, y: 26, class: 'paxos-decided', 'text-anchor': 'middle' }, '✓'));
  }
  rows.forEach((r, row) => {
    const y = 32 + row * (CELL_H + 8);
    const { leader, label } = labels[row]!;
    root.append(svg('text', { x: 4, y: y + CELL_H * 0.7, class: `label${input.down.has(r.id) ? ' down' : ''}${leader ? ' leader' : ''}` }, label));
    for (let slot = first; slot <= maxSlot; slot++) {
      const pv = r.accepted[slot - 1] ?? null;
      if (pv === null) continue;
      const x = labelW + (slot - first) * CELL_W;
      const cell = svg('rect', { x: x + 1, y, width: CELL_W - 2, height: CELL_H - 2, rx: 3, class: 'cell', fill: ballotColour(pv.b, input.nodes) });
      cell.append(svg('title', {}, `slot ${slot}: ${valueText(pv.cmd)} in ballot (${pv.b[0]}, ${pv.b[1]})`));
      root.append(cell);
      root.append(svg('text', { x: x + CELL_W / 2, y: y + CELL_H * 0.68, class: 'term', 'text-anchor': 'middle' }, shorten(valueText(pv.cmd), 7)));
      const votes = acceptors.filter((a) => sameBallot(a.accepted[slot - 1]?.b ?? null, pv.b)).length;
      if (votes >= need) root.append(svg('rect', { x: x + 1, y: y + CELL_H, width: CELL_W - 2, height: 3, class: 'commit' }));
    }
  });
  return h('div', { class: 'paxos-panel' }, h('div', { class: 'panel-scroll' }, root));
}

export const paxosPanel: ProtocolPanel = {
  id: 'paxos',
  title: 'Paxos acceptors',
  applies: (input: PanelInput) => mode(input) !== null,
  render: (input: PanelInput) => (mode(input) === 'multi' ? renderMulti(input) : renderSingle(input)),
  legend: (input: PanelInput) => (mode(input) === 'multi' ? MULTI_LEGEND : SINGLE_LEGEND),
};

/** Sample swatches for the legend: a ballot of round 1, and no ballot. */
const BALLOT_SWATCHES: readonly PanelLegendItem[] = [
  { label: 'a ballot (round.proposer): one colour per ballot', swatch: 'fill', colour: ballotColour([1, ''], []) },
  { label: 'no ballot (⊥)', swatch: 'fill', colour: ballotColour(null, []) },
];

const SINGLE_LEGEND: readonly PanelLegendItem[] = [
  ...BALLOT_SWATCHES,
  ...(['prepare', 'accept', 'backoff', 'chosen'] as const).map((p): PanelLegendItem => ({ label: `proposer: ${p}`, swatch: 'fill', colour: PHASE_COLOURS[p]! })),
  { label: 'roles: Proposer, Acceptor, Learner; p / a: promises / accepts held', swatch: 'text', text: 'PAL' },
  { label: 'arrows: P1a prepare, P1b promise, P2a accept, P2b accepted, Nack refused', swatch: 'line' },
];

const MULTI_LEGEND: readonly PanelLegendItem[] = [
  { label: 'a cell: the command accepted in that slot, on its ballot\'s colour', swatch: 'fill', colour: ballotColour([1, ''], []) },
  { label: 'underlined: chosen (a majority accepted it in one ballot)', swatch: 'line' },
  { label: 'a replica knows the slot decided', swatch: 'text', text: '✓' },
  { label: 'the leader; p = promised ballot, d = decided/applied', swatch: 'text', text: '★' },
];
