/**
 * The five safety properties of Figure 3 (Ongaro & Ousterhout), as named
 * predicates over the world, checked by the simulator after every step.
 *
 * Figure 3 talks about history ("a leader never overwrites…", "an entry
 * committed in a term is present in the logs of all later leaders"), so the
 * five share one monitor (`raftHistory`) whose memory the engine creates for
 * each run: what was last observed of each node, and each property's record
 * of the past — the leader of each term, each leader's log, every (index,
 * term) entry, the committed entries and the applied ones.
 *
 * Only nodes that are not crashed are inspected (a crashed node's volatile
 * state is gone; its durable log is seen again after restart). Checks are
 * incremental: once per step the monitor observes the nodes the simulator
 * says changed, and lists those whose role, term, log, commit or apply index
 * differ from their last live observation (`moved`) — most steps only move
 * a heartbeat time or a leader's nextIndex, and then no property looks at
 * anything. Since logs only ever change by truncating a suffix and
 * appending, when a node's log still holds the same entry object at the last
 * index checked, only the new suffix is scanned. Entries are compared by
 * identity first (replicas share the leader's entry objects) and by
 * `entryKey` only when the objects differ, so the common case builds no key
 * string.
 */
import type { NodeId, NodeView, World } from '../../engine/protocol.js';
import type { InvariantSpec, MonitorSpec } from '../../engine/vocabulary.js';
import { EMPTY_LOG, entryAt, entryKey, lastIndex, lastTerm, type Log } from './_log.js';
import type { Entry } from './entry.js';
import { parseDurable, type RaftState } from './state.js';

type View = NodeView<RaftState>;

/** What the monitor knows about one node: the state and status last observed and the last live state. */
interface Track {
  readonly id: NodeId;
  readonly view: View;
  state: unknown;
  status: string;
  live: boolean;
  /** The last live state observed (what a change is compared with). */
  s: RaftState | null;
  leader: boolean;
}

type LiveTrack = Track & { readonly s: RaftState };

/** Where to resume scanning a node's log: after the last index seen, if that entry is still the same object. */
interface Seen { log: Log; upTo: number }

/** One run's memory, shared by the five properties. */
export interface RaftHistory {
  /** Tracks by node index, and in the world's node order. */
  readonly tracks: (Track | undefined)[];
  readonly list: Track[];
  /** The live nodes whose role, term, log, commit or apply index changed in this step, in node order. */
  readonly moved: LiveTrack[];
  movedCount: number;
  /** Election Safety: the leader seen in each term. */
  readonly leaderOfTerm: Map<number, NodeId>;
  /** Leader Append-Only: each leader's last log. */
  readonly leaderLogs: Map<NodeId, { term: number; log: Log }>;
  /** Log Matching: entries[i] = the entries seen at index i, one per term (usually a single one). */
  readonly matching: { entries: { term: number; entry: Entry; prevTerm: number; node: NodeId }[][]; seen: Map<NodeId, Seen> };
  /** Leader Completeness: committed[i] = the entry seen committed at index i+1 and the lowest term of a node that had committed it. */
  readonly completeness: {
    committed: { entry: Entry; atTerm: number }[];
    seen: Map<NodeId, Seen>;
    leaders: Map<NodeId, Seen & { term: number; committed: number }>;
  };
  /** State Machine Safety: the entry applied at each index. */
  readonly applied: { applied: { entry: Entry; node: NodeId }[]; seen: Map<NodeId, Seen> };
  /** Committed Survives: the highest index seen committed and its entry. */
  readonly top: { index: number; entry: Entry | null };
}

function isLive(n: { status: string; state: RaftState }): boolean {
  return n.status !== 'crashed' && !!n.state && Array.isArray(n.state.log);
}

/** Brings a node's track up to date with its view; true when it is live and a field the properties read changed. */
function observe(t: Track): boolean {
  const n = t.view;
  const s = n.state;
  if (s === t.state && n.status === t.status) return false;
  t.state = s;
  t.status = n.status;
  t.live = isLive(n);
  if (!t.live) return false;
  const o = t.s;
  t.s = s;
  t.leader = s.role === 'leader';
  if (o === s) return false;
  return !(o !== null && o.log === s.log && o.role === s.role && o.currentTerm === s.currentTerm
    && o.commitIndex === s.commitIndex && o.lastApplied === s.lastApplied);
}

export const raftHistory: MonitorSpec<RaftState, RaftHistory> = {
  name: 'raft history',
  create: () => ({
    tracks: [], list: [], moved: [], movedCount: 0,
    leaderOfTerm: new Map(),
    leaderLogs: new Map(),
    matching: { entries: [], seen: new Map() },
    completeness: { committed: [], seen: new Map(), leaders: new Map() },
    applied: { applied: [], seen: new Map() },
    top: { index: 0, entry: null },
  }),
  observe(m, _world: World<RaftState>, changed) {
    let n = 0;
    for (let j = 0; j < changed.length; j++) {
      const view = changed[j]!;
      let t = m.tracks[view.index];
      if (t === undefined) {
        t = { id: view.id, view, state: undefined, status: '', live: false, s: null, leader: false };
        m.tracks[view.index] = t;
        m.list.push(t);
        m.list.sort((a, b) => a.view.index - b.view.index);
      }
      if (observe(t)) m.moved[n++] = t as LiveTrack;
    }
    m.movedCount = n;
  },
};

/** Whether two entries are the same (term and command id): the same object, or equal keys. */
function sameEntry(a: Entry, b: Entry): boolean {
  return a === b || entryKey(a) === entryKey(b);
}

/** Records that `id`'s log `log` was scanned up to `upTo` (updating the memo's record in place). */
function remember(seen: Map<NodeId, Seen>, id: NodeId, log: Log, upTo: number): void {
  const r = seen.get(id);
  if (r === undefined) seen.set(id, { log, upTo });
  else {
    r.log = log;
    r.upTo = upTo;
  }
}

/** Where to resume scanning a node's log: after the last index seen, if that entry is still the same object. */
function resumeFrom(seen: Seen | undefined, log: Log): number {
  if (!seen || seen.upTo === 0) return 0;
  if (seen.log === log) return seen.upTo;
  const i = Math.min(seen.upTo, lastIndex(log));
  return i > 0 && entryAt(log, i) === entryAt(seen.log, i) ? i : 0;
}

export const electionSafety: InvariantSpec<RaftState, RaftHistory> = {
  name: 'election_safety',
  doc: 'Election Safety (Figure 3): at most one leader can be elected in a given term.',
  monitor: raftHistory,
  check(_world, _changed, h) {
    const leaders = h.leaderOfTerm;
    for (let j = 0; j < h.movedCount; j++) {
      const { id, s } = h.moved[j]!;
      if (s.role !== 'leader') continue;
      const other = leaders.get(s.currentTerm);
      if (other !== undefined && other !== id) return `${other} and ${id} were both leaders in term ${s.currentTerm}`;
      leaders.set(s.currentTerm, id);
    }
    return null;
  },
};

export const leaderAppendOnly: InvariantSpec<RaftState, RaftHistory> = {
  name: 'leader_append_only',
  doc: 'Leader Append-Only (Figure 3): a leader never overwrites or deletes entries in its log; it only appends.',
  monitor: raftHistory,
  check(_world, _changed, h) {
    const last = h.leaderLogs;
    for (let j = 0; j < h.movedCount; j++) {
      const { id, s } = h.moved[j]!;
      if (s.role !== 'leader') continue;
      const prev = last.get(id);
      last.set(id, { term: s.currentTerm, log: s.log });
      if (!prev || prev.term !== s.currentTerm || prev.log === s.log) continue;
      const n = lastIndex(prev.log);
      if (lastIndex(s.log) < n) return `leader ${id} of term ${s.currentTerm} shrank its log from ${n} to ${lastIndex(s.log)} entries`;
      if (n > 0 && entryAt(s.log, n) === entryAt(prev.log, n)) continue;
      for (let i = 1; i <= n; i++) {
        const was = entryKey(entryAt(prev.log, i)!);
        const is = entryKey(entryAt(s.log, i)!);
        if (is !== was) return `leader ${id} of term ${s.currentTerm} overwrote entry ${i} (${was} → ${is})`;
      }
    }
    return null;
  },
};

export const logMatching: InvariantSpec<RaftState, RaftHistory> = {
  name: 'log_matching',
  doc: 'Log Matching (Figure 3): if two logs contain an entry with the same index and term, the logs are identical in all entries up through that index.',
  monitor: raftHistory,
  check(_world, _changed, h) {
    // Checked inductively over every log held so far: each (index, term) pair always names the same
    // entry with the same predecessor term, which implies identical prefixes.
    const m = h.matching;
    for (let j = 0; j < h.movedCount; j++) {
      const { id, s } = h.moved[j]!;
      const seen = m.seen.get(id);
      if (seen && seen.log === s.log) continue; // unchanged since the last check
      const len = lastIndex(s.log);
      for (let i = resumeFrom(seen, s.log) + 1; i <= len; i++) {
        const e = entryAt(s.log, i)!;
        const prevTerm = i === 1 ? 0 : entryAt(s.log, i - 1)!.term;
        const atIndex = (m.entries[i] ??= []);
        let known: (typeof atIndex)[number] | undefined;
        for (let j = 0; j < atIndex.length; j++) if (atIndex[j].term === e.term) known = atIndex[j];
        if (!known) atIndex.push({ term: e.term, entry: e, prevTerm, node: id });
        else if (!sameEntry(known.entry, e) || known.prevTerm !== prevTerm) {
          return `${id} and ${known.node} both hold an entry at index ${i} term ${e.term} but their logs differ up to it`;
        }
      }
      remember(m.seen, id, s.log, len);
    }
    return null;
  },
};

export const leaderCompleteness: InvariantSpec<RaftState, RaftHistory> = {
  name: 'leader_completeness',
  doc: 'Leader Completeness (Figure 3): if an entry is committed in a given term, it is present in the logs of the leaders of all higher terms.',
  monitor: raftHistory,
  check(_world, _changed, h) {
    const m = h.completeness;
    // Nothing committed anew and no leader changed: nothing to re-check.
    const moved = h.movedCount;
    if (moved === 0) return null;
    for (let j = 0; j < moved; j++) {
      const { id, s } = h.moved[j]!;
      const upTo = Math.min(s.commitIndex, lastIndex(s.log));
      for (let i = Math.min(resumeFrom(m.seen.get(id), s.log), upTo); i < upTo; i++) {
        const c = m.committed[i];
        const e = entryAt(s.log, i + 1)!;
        if (!c) m.committed[i] = { entry: e, atTerm: s.currentTerm };
        else if (s.currentTerm < c.atTerm && sameEntry(c.entry, e)) c.atTerm = s.currentTerm;
      }
      remember(m.seen, id, s.log, upTo);
    }
    // Every track is current: the nodes not observed just now have not changed since they were.
    for (const t of h.list) {
      if (!t.live || !t.leader) continue;
      const { id, s } = t as LiveTrack;
      const prev = m.leaders.get(id);
      let from = 0;
      if (prev && prev.term === s.currentTerm) from = Math.min(resumeFrom(prev, s.log), prev.committed);
      for (let i = from; i < m.committed.length; i++) {
        const c = m.committed[i]!;
        if (c.atTerm >= s.currentTerm) continue;
        const e = entryAt(s.log, i + 1);
        if (!e || !sameEntry(e, c.entry)) {
          return `leader ${id} of term ${s.currentTerm} lacks entry ${i + 1} (${entryKey(c.entry)}), committed by term ${c.atTerm}`;
        }
      }
      if (prev) {
        prev.log = s.log;
        prev.upTo = lastIndex(s.log);
        prev.term = s.currentTerm;
        prev.committed = m.committed.length;
      } else m.leaders.set(id, { log: s.log, upTo: lastIndex(s.log), term: s.currentTerm, committed: m.committed.length });
    }
    return null;
  },
};

export const stateMachineSafety: InvariantSpec<RaftState, RaftHistory> = {
  name: 'state_machine_safety',
  doc: 'State Machine Safety (Figure 3): if a server has applied a log entry at a given index, no other server ever applies a different entry at that index.',
  monitor: raftHistory,
  check(_world, _changed, h) {
    const m = h.applied;
    for (let j = 0; j < h.movedCount; j++) {
      const { id, s } = h.moved[j]!;
      const upTo = Math.min(s.lastApplied, lastIndex(s.log));
      const start = Math.min(resumeFrom(m.seen.get(id), s.log), upTo);
      for (let i = start; i < upTo; i++) {
        const e = entryAt(s.log, i + 1)!;
        const a = m.applied[i];
        if (!a) m.applied[i] = { entry: e, node: id };
        else if (!sameEntry(a.entry, e)) return `${id} applied ${entryKey(e)} at index ${i + 1} but ${a.node} applied ${entryKey(a.entry)} there`;
      }
      remember(m.seen, id, s.log, upTo);
    }
    return null;
  },
};

/** Durable records already parsed (they are immutable): a crashed node's log is read once, not on every step. */
const durableLogs = new WeakMap<object, Log>();

/** The log a node would vote with: its live log, or the durable one while it is crashed (it restarts with that). */
function votingLog(n: NodeView<RaftState>): Log {
  if (n.status !== 'crashed') return n.state && Array.isArray(n.state.log) ? n.state.log : EMPTY_LOG;
  const d = n.durable;
  if (d === null || typeof d !== 'object') return EMPTY_LOG;
  let log = durableLogs.get(d);
  if (log === undefined) {
    log = parseDurable(d).log;
    durableLogs.set(d, log);
  }
  return log;
}

/** §5.4.1's order: whose log is more up-to-date (by last term, then length); negative when a is behind b. */
function compareUpToDate(a: Log, b: Log): number {
  return lastTerm(a) - lastTerm(b) || lastIndex(a) - lastIndex(b);
}

/**
 * The step of §5.4.3's proof of Leader Completeness, checked the moment it
 * fails rather than at the next election: a committed entry is on a
 * majority, so any server that can collect a majority of votes — one whose
 * log is at least as up-to-date (§5.4.1) as each of a majority's, crashed
 * servers counted with the log they would restart with — already holds it.
 * Figure 8 is the case it catches: the leader of term 4 counts an entry of
 * term 2 as committed once it is on a majority (panel c, which §5.4.2
 * forbids), while S5 with its entry of term 3 can still win (panel d).
 * Leader Completeness sees that only after S5 is elected; this sees it at
 * the commit. With Log Matching, holding the highest committed entry means
 * holding all of them, so only that one is compared. Not in Figure 3. Like
 * every invariant of the vocabulary it is checked on every run (the trace
 * marks its violations); it costs a pass over the nodes on a step where a
 * live node's log, term, role or commit moved, or a node crashed — fine for
 * the clusters Raft is run with here (3–9 servers), not for thousands.
 */
export const committedSurvives: InvariantSpec<RaftState, RaftHistory> = {
  name: 'committed_survives',
  doc: 'Committed entries survive any election (the step of the Leader Completeness proof, §5.4.3): every server that could win an election already holds every committed entry.',
  monitor: raftHistory,
  check(world, changed, h) {
    const top = h.top;
    for (let j = 0; j < h.movedCount; j++) {
      const { s } = h.moved[j]!;
      const c = Math.min(s.commitIndex, lastIndex(s.log));
      if (c > top.index) {
        top.index = c;
        top.entry = entryAt(s.log, c)!;
      }
    }
    // Only a live node's log, term, role or commit moving, or a crash (the node then votes with its durable log), changes the answer.
    if (top.entry === null || (h.movedCount === 0 && !changed.some((v) => v.status === 'crashed'))) return null;
    const nodes = world.nodes;
    const logs = nodes.map(votingLog);
    for (let i = 0; i < nodes.length; i++) {
      const held = entryAt(logs[i]!, top.index);
      if (held !== undefined && sameEntry(held, top.entry)) continue;
      let behind = 0;
      for (const other of logs) if (compareUpToDate(logs[i]!, other) >= 0) behind++;
      if (2 * behind > nodes.length) {
        return `${nodes[i]!.id} could win an election (its log is at least as up-to-date as ${behind} of ${nodes.length} servers') but lacks committed entry ${top.index} (${entryKey(top.entry)})`;
      }
    }
    return null;
  },
};

export const invariants: readonly InvariantSpec<RaftState>[] = [
  electionSafety, leaderAppendOnly, logMatching, leaderCompleteness, stateMachineSafety, committedSurvives,
];
