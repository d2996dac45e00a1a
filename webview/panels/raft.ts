/**
 * The Raft panel, after RaftScope (Ongaro's visualization): for each server
 * its role, term, vote and election timer, and for the leader's followers
 * the leader's nextIndex and matchIndex (Figure 2); below, the logs as a
 * grid — one row per server, one cell per index, coloured by the entry's
 * term and showing its command (`x=1`, `get x`, `no-op`), committed entries
 * with a solid border and the others dashed, the commit index as a bar, and
 * on each follower's row the leader's nextIndex (▲) and matchIndex (●).
 *
 * Election timers come from the trace through raft-timers.ts: a ring that
 * fills as the deadline nears — exact when the trace shows the timer firing,
 * otherwise the earliest and latest deadline of the random timeout.
 *
 * Field names are Figure 2's (src/protocols/raft/types.ts); the log arrives
 * in chunks of entries, flattened here. The grid shows the last entries that
 * fit (`MAX_COLUMNS`), so the panel fits beside an editor.
 */
import { h, svg } from '../dom.js';
import { formatTime } from '../../src/trace/spacetime.js';
import { hue, isRecord, type PanelInput, type PanelLegendItem, type ProtocolPanel } from './panel.js';
import { electionTimers, type TimerView } from './raft-timers.js';

const CELL_W = 40;
const CELL_H = 30;
const ROW_GAP = 10;
const LABEL_W = 56;
const MAX_COLUMNS = 10;

interface Entry { readonly term: number; readonly text: string }
interface RaftView {
  readonly role: string;
  readonly term: number;
  readonly votedFor: string | null;
  readonly log: readonly Entry[];
  readonly commitIndex: number;
  readonly lastApplied: number;
  readonly nextIndex: Readonly<Record<string, number>>;
  readonly matchIndex: Readonly<Record<string, number>>;
}

function str(v: unknown): string {
  if (typeof v === 'string') return v;
  return JSON.stringify(v) ?? String(v);
}

/** A log entry's command in a few characters. */
export function commandText(cmd: unknown): string {
  if (!isRecord(cmd)) return '?';
  switch (cmd.op) {
    case 'noop': return 'no-op';
    case 'put': return `${str(cmd.key)}=${str(cmd.value)}`;
    case 'get': return `get ${str(cmd.key)}`;
    case 'cas': return `${str(cmd.key)}:${str(cmd.expected)}→${str(cmd.value)}`;
    default: return str(cmd.op);
  }
}

function numbers(v: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (isRecord(v)) for (const [k, n] of Object.entries(v)) if (typeof n === 'number') out[k] = n;
  return out;
}

function raftState(v: unknown): RaftView | undefined {
  if (!isRecord(v) || !Array.isArray(v.log) || typeof v.currentTerm !== 'number') return undefined;
  // The log is stored in chunks of entries (src/protocols/raft/_log.ts); older traces hold a flat entry list.
  const entries: unknown[] = v.log.every((c) => Array.isArray(c)) ? (v.log as unknown[][]).flat() : v.log;
  return {
    role: typeof v.role === 'string' ? v.role : '',
    term: v.currentTerm,
    votedFor: typeof v.votedFor === 'string' ? v.votedFor : null,
    log: entries.map((e) => ({ term: isRecord(e) && typeof e.term === 'number' ? e.term : 0, text: isRecord(e) ? commandText(e.cmd) : '?' })),
    commitIndex: typeof v.commitIndex === 'number' ? v.commitIndex : 0,
    lastApplied: typeof v.lastApplied === 'number' ? v.lastApplied : 0,
    nextIndex: numbers(v.nextIndex),
    matchIndex: numbers(v.matchIndex),
  };
}

const termColour = (term: number): string => `hsl(${hue(term + 2)}, 50%, 42%)`;

/** The leader whose nextIndex / matchIndex to show: the live one of the highest term. */
function currentLeader(input: PanelInput, views: ReadonlyMap<string, RaftView | undefined>): string | undefined {
  let best: string | undefined;
  for (const [id, v] of views) {
    if (!v || v.role !== 'leader' || input.down.has(id)) continue;
    if (best === undefined || v.term > views.get(best)!.term) best = id;
  }
  return best;
}

/** A duration to the millisecond, for the timer column. */
const ms = (us: number): string => (us >= 10_000_000 ? `${(us / 1_000_000).toFixed(1)}s` : `${Math.round(Math.max(0, us) / 1000)}ms`);

function timerCell(view: TimerView, now: number): HTMLElement {
  if (view.state === 'off') {
    const text = view.why === 'leader' ? 'leading' : view.why === 'down' ? 'down' : '—';
    return h('td', { class: 'timer off', title: view.why === 'leader' ? 'A leader has no election timer; it sends heartbeats' : view.why === 'down' ? 'Down: no timers' : '' }, text);
  }
  const total = (view.fires ?? view.max) - view.since;
  const elapsed = Math.max(0, now - view.since);
  const frac = total > 0 ? Math.min(1, elapsed / total) : 1;
  const r = 7, c = 2 * Math.PI * r;
  const ring = svg('svg', { class: 'timer-ring', width: 18, height: 18, viewBox: '0 0 18 18', 'aria-hidden': 'true' },
    svg('circle', { cx: 9, cy: 9, r, class: 'timer-track' }),
    svg('circle', { cx: 9, cy: 9, r, class: `timer-fill${view.fires !== undefined ? ' exact' : ''}`, 'stroke-dasharray': `${(frac * c).toFixed(2)} ${c.toFixed(2)}`, transform: 'rotate(-90 9 9)' }));
  const text = view.fires !== undefined
    ? `fires in ${ms(view.fires - now)}`
    : `in ${ms(view.min - now)}–${ms(view.max - now)}`;
  const title = view.fires !== undefined
    ? `Armed at ${formatTime(view.since)}; fires at ${formatTime(view.fires)} (nothing re-arms it first)`
    : `Armed at ${formatTime(view.since)} with a random timeout; it would fire between ${formatTime(view.min)} and ${formatTime(view.max)}, but is re-armed before that`;
  return h('td', { class: 'timer', title }, ring, h('span', {}, text));
}

export const raftPanel: ProtocolPanel = {
  id: 'raft',
  title: 'Raft: servers and logs',
  applies: (input: PanelInput) => input.protocol === 'raft' || input.nodes.some((n) => raftState(input.states[n]) !== undefined),
  legend(input: PanelInput): PanelLegendItem[] {
    const terms = new Set<number>();
    for (const n of input.nodes) for (const e of raftState(input.states[n])?.log ?? []) terms.add(e.term);
    return [
      ...[...terms].sort((a, b) => a - b).slice(-6).map((t) => ({ label: `term ${t}`, swatch: 'fill' as const, colour: termColour(t) })),
      { label: 'committed', swatch: 'outline' },
      { label: 'not yet committed', swatch: 'dashed' },
      { label: 'commit index', swatch: 'line', colour: 'var(--pp-cursor)' },
      { label: "leader's nextIndex", swatch: 'text', text: '▲' },
      { label: "leader's matchIndex", swatch: 'text', text: '●' },
      { label: 'leader', swatch: 'text', text: '★' },
      { label: 'election timer: fills as its deadline nears', swatch: 'text', text: '◔' },
    ];
  },
  render(input: PanelInput): Element {
    const views = new Map(input.nodes.map((n) => [n, raftState(input.states[n])] as const));
    const leader = currentLeader(input, views);
    const lv = leader ? views.get(leader) : undefined;
    const timers = electionTimers(input.doc);

    // Servers: role, term, vote, election timer, commit; the leader's view of each follower.
    const rows = input.nodes.map((id) => {
      const v = views.get(id);
      const down = input.down.has(id);
      const role = down ? 'down' : v?.role ?? input.roles[id] ?? '';
      return h('tr', { class: `server role-${role}${id === leader ? ' current-leader' : ''}`, 'data-node': id },
        h('th', { scope: 'row', class: 'server-id' }, `${v?.role === 'leader' && !down ? '★ ' : ''}${id.length > 10 ? `${id.slice(0, 9)}…` : id}`),
        h('td', { class: `role role-${role}` }, role),
        h('td', { class: 'num' }, v ? String(v.term) : ''),
        h('td', { class: 'vote' }, v?.votedFor ?? '—'),
        down ? h('td', { class: 'timer off' }, 'down') : timerCell(timers.at(id, input.index), input.time),
        h('td', { class: 'num' }, v ? String(v.commitIndex) : ''),
        h('td', { class: 'num' }, lv && id !== leader && lv.nextIndex[id] !== undefined ? String(lv.nextIndex[id]) : '—'),
        h('td', { class: 'num' }, lv && id !== leader && lv.matchIndex[id] !== undefined ? String(lv.matchIndex[id]) : '—'));
    });
    const table = h('table', { class: 'raft-servers' },
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, 'server'), h('th', { scope: 'col' }, 'role'), h('th', { scope: 'col', title: 'currentTerm' }, 'term'),
        h('th', { scope: 'col', title: 'votedFor' }, 'vote'), h('th', { scope: 'col' }, 'election timer'),
        h('th', { scope: 'col', title: 'commitIndex' }, 'commit'),
        h('th', { scope: 'col', title: `The leader's nextIndex for this server${leader ? ` (leader ${leader})` : ''}` }, 'next'),
        h('th', { scope: 'col', title: `The leader's matchIndex for this server${leader ? ` (leader ${leader})` : ''}` }, 'match'))),
      h('tbody', {}, ...rows));

    // Logs: the last MAX_COLUMNS indices (one more for a nextIndex past the end).
    const longest = Math.max(0, ...[...views.values()].map((v) => v?.log.length ?? 0));
    const last = Math.max(1, longest + (lv ? 1 : 0));
    const first = Math.max(1, last - MAX_COLUMNS + 1);
    const columns = last - first + 1;
    const width = LABEL_W + columns * CELL_W + 4, height = 16 + input.nodes.length * (CELL_H + ROW_GAP);
    const grid = svg('svg', { class: 'raft-grid', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img',
      'aria-label': `Raft logs, indices ${first} to ${last}: colour = term; solid border = committed, dashed = not yet; ▲ the leader's nextIndex, ● its matchIndex` });
    for (let k = first; k <= last; k++) grid.append(svg('text', { x: LABEL_W + (k - first) * CELL_W + CELL_W / 2, y: 11, class: 'axis', 'text-anchor': 'middle' }, String(k)));
    input.nodes.forEach((id, row) => {
      const v = views.get(id);
      const y = 16 + row * (CELL_H + ROW_GAP);
      grid.append(svg('text', { x: 2, y: y + CELL_H * 0.62, class: `label${input.down.has(id) ? ' down' : ''}${id === leader ? ' leader' : ''}` }, id.length > 7 ? `${id.slice(0, 6)}…` : id));
      if (!v) return;
      for (let k = first; k <= Math.min(last, v.log.length); k++) {
        const e = v.log[k - 1]!;
        const x = LABEL_W + (k - first) * CELL_W;
        const committed = k <= v.commitIndex;
        grid.append(svg('rect', { x: x + 1.5, y: y + 1.5, width: CELL_W - 3, height: CELL_H - 3, rx: 3, fill: termColour(e.term), class: `cell${committed ? ' committed' : ' uncommitted'}` },
          svg('title', {}, `index ${k}, term ${e.term}: ${e.text}${committed ? ' (committed)' : ''}${k <= v.lastApplied ? ', applied' : ''}`)));
        grid.append(svg('text', { x: x + CELL_W / 2, y: y + 12, class: 'term', 'text-anchor': 'middle' }, String(e.term)));
        grid.append(svg('text', { x: x + CELL_W / 2, y: y + CELL_H - 6, class: 'cmd', 'text-anchor': 'middle' }, e.text.length > 6 ? `${e.text.slice(0, 5)}…` : e.text));
      }
      if (v.commitIndex >= first - 1 && v.commitIndex >= 1) {
        const cx = LABEL_W + (Math.min(v.commitIndex, last) - first + 1) * CELL_W;
        grid.append(svg('rect', { x: cx - 1.5, y: y - 2, width: 3, height: CELL_H + 4, class: 'commit' }, svg('title', {}, `commitIndex ${v.commitIndex}`)));
      }
      if (lv && id !== leader) {
        const next = lv.nextIndex[id], match = lv.matchIndex[id];
        if (next !== undefined && next >= first && next <= last) {
          const nx = LABEL_W + (next - first) * CELL_W + CELL_W / 2;
          grid.append(svg('path', { d: `M${nx} ${y + CELL_H + 1} l-4 6 h8 z`, class: 'next-index' }, svg('title', {}, `${leader}'s nextIndex for ${id}: ${next}`)));
        }
        if (match !== undefined && match >= first && match <= last) {
          const mx = LABEL_W + (match - first) * CELL_W + CELL_W / 2;
          grid.append(svg('circle', { cx: mx, cy: y + CELL_H + 5, r: 3, class: 'match-index' }, svg('title', {}, `${leader}'s matchIndex for ${id}: ${match}`)));
        }
      }
    });
    const note = first > 1 ? h('p', { class: 'more' }, `Indices 1–${first - 1} are not shown (the last ${columns} are).`) : null;
    return h('div', { class: 'raft-panel' }, h('div', { class: 'panel-scroll' }, table), note, h('div', { class: 'panel-scroll' }, grid));
  },
};
