/**
 * The five safety properties of Figure 3 (Ongaro & Ousterhout), as named
 * predicates over the world, checked by the simulator after every step.
 *
 * Figure 3 talks about history ("a leader never overwrites…", "an entry
 * committed in a term is present in the logs of all later leaders"), so each
 * invariant keeps a small memo of what it has seen so far in this run: the
 * leader of each term, each leader's log, every (index, term) entry, the
 * committed entries and the applied ones. A memo belongs to one run: the
 * simulator builds one World object per run, so memos are keyed on that
 * object (two runs of the same spec never share one). As a safety net a memo
 * also starts over if virtual time goes backwards; a host that built a fresh
 * World per step would only degrade the checks to the current instant.
 *
 * Only nodes that are not crashed are inspected (a crashed node's volatile
 * state is gone; its durable log is seen again after restart). Checks are
 * incremental: a node is looked at only when its role, term, log, commit or
 * apply index changed since the invariant last ran (a per-run node tracker,
 * shared by the five, notices such changes once; when the simulator passes
 * the nodes that changed since the previous check, only those are observed),
 * and since logs only ever change by truncating a suffix and appending, when
 * a node's log still holds the same entry object at the last index checked,
 * only the new suffix is scanned. Entries are compared by identity first
 * (replicas share the leader's entry objects) and by `entryKey` only when
 * the objects differ, so the common case builds no key string.
 */
import type { NodeId, NodeView, World } from '../../engine/protocol.js';
import type { InvariantSpec } from '../../engine/vocabulary.js';
import { entryAt, entryKey, lastIndex, type Log } from './_log.js';
import type { Entry, RaftState } from './types.js';

type RaftWorld = World<RaftState>;
type View = NodeView<RaftState>;

/**
 * What the invariants know about one node in one run, shared by all five:
 * the state and status last observed, whether the node was live then, and a
 * version bumped each time an observation finds a live state whose role,
 * term, log, commitIndex or lastApplied differ from the last live state
 * observed. Every property here depends on those fields only, so an
 * invariant re-examines a node only when its version moved past the one the
 * invariant last processed (`seen[k]`, k = the invariant's number) — most
 * steps only move a heartbeat time or a leader's nextIndex, and the field
 * comparison is done once per change, not once per invariant.
 */
interface Track {
  readonly id: NodeId;
  /** Position in the run's list (the world's node order). */
  readonly order: number;
  readonly view: View;
  state: unknown;
  status: string;
  live: boolean;
  /** The last live state observed (what a change is compared with). */
  s: RaftState | null;
  leader: boolean;
  v: number;
  readonly seen: number[];
}

/** One run's memory: node tracks, and each invariant's own memo (by number). */
type LiveTrack = Track & { readonly s: RaftState };

interface Run {
  now: number;
  readonly tracks: Map<NodeId, Track>;
  readonly list: Track[];
  readonly memos: unknown[];
  /** Per invariant: whether it has looked at every node once (before that, `changed` lists are not enough). */
  readonly scanned: boolean[];
  /** The tracks of the last `changed` list, by position (most invariants of a step get the same list). */
  readonly resolved: Track[];
  /**
   * The list `changed` fills (see there), reused by every call.
   */
  readonly out: Track[];
}

const runs = new WeakMap<object, Run>();
/** The world of the last check and its run: the five invariants of a step ask for the same one in a row. */
let lastWorld: object | null = null;
let lastRun: Run | null = null;

function runOf(world: RaftWorld): Run {
  let run = world === lastWorld ? lastRun : runs.get(world);
  if (run === undefined || run === null || world.now < run.now) {
    run = { now: world.now, tracks: new Map(), list: [], memos: [], scanned: [], resolved: [], out: [] };
    runs.set(world, run);
  } else run.now = world.now;
  lastWorld = world;
  lastRun = run;
  return run;
}

/** Invariant k's memo for this run. */
function memo<T>(run: Run, k: number, make: () => T): T {
  let m = run.memos[k] as T | undefined;
  if (m === undefined) run.memos[k] = m = make();
  return m;
}

function isLive(n: { status: string; state: RaftState }): boolean {
  return n.status !== 'crashed' && !!n.state && Array.isArray(n.state.log);
}

function trackOf(run: Run, view: View): Track {
  let t = run.tracks.get(view.id);
  if (t === undefined) {
    t = { id: view.id, order: run.list.length, view, state: undefined, status: '', live: false, s: null, leader: false, v: 0, seen: [] };
    run.tracks.set(view.id, t);
    run.list.push(t);
  }
  return t;
}

/** Brings a node's track up to date with its view. */
function observe(t: Track): void {
  const n = t.view;
  const s = n.state;
  if (s === t.state && n.status === t.status) return;
  t.state = s;
  t.status = n.status;
  t.live = isLive(n);
  if (!t.live) return;
  const o = t.s;
  t.s = s;
  t.leader = s.role === 'leader';
  if (o === s) return;
  if (o !== null && o.log === s.log && o.role === s.role && o.currentTerm === s.currentTerm
    && o.commitIndex === s.commitIndex && o.lastApplied === s.lastApplied) return;
  t.v++;
}

/**
 * The live nodes invariant k has not processed in their current form (see
 * Track), written to `run.out[0..n)`; returns n. When the simulator says
 * which nodes changed since the previous check (`ids`), only those are
 * observed, once invariant k has looked at every node; otherwise every node
 * is. The list is a count over a reused array, not a fresh array per check
 * (those were the largest source of garbage in a Raft run), so a caller
 * reads it before the next invariant asks.
 */
function changed(world: RaftWorld, run: Run, k: number, ids: readonly NodeId[] | undefined): number {
  const out = run.out;
  let n = 0;
  if (ids !== undefined && run.scanned[k] === true) {
    const resolved = run.resolved;
    for (let j = 0; j < ids.length; j++) {
      let t: Track | undefined = resolved[j];
      if (t === undefined || t.id !== ids[j]) {
        t = run.tracks.get(ids[j]);
        if (t === undefined) {
          const view = world.node(ids[j]);
          if (view === undefined) continue;
          t = trackOf(run, view);
        }
        resolved[j] = t;
      }
      if (pick(t, k)) out[n++] = t;
    }
    // In the world's node order, as a full scan finds them (the first violation found is the one reported).
    for (let i = 1; i < n; i++) {
      const t = out[i]!;
      let j = i - 1;
      for (; j >= 0 && out[j]!.order > t.order; j--) out[j + 1] = out[j]!;
      out[j + 1] = t;
    }
  } else {
    for (const view of world.nodes) {
      const t = trackOf(run, view);
      if (pick(t, k)) out[n++] = t;
    }
    run.scanned[k] = true;
  }
  return n;
}

/** Observes a node; true when invariant k has not yet processed its current form (and marks it processed). */
function pick(t: Track, k: number): boolean {
  observe(t);
  if (!t.live || t.seen[k] === t.v) return false;
  t.seen[k] = t.v;
  return true;
}

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
interface Seen { log: Log; upTo: number }
function resumeFrom(seen: Seen | undefined, log: Log): number {
  if (!seen || seen.upTo === 0) return 0;
  if (seen.log === log) return seen.upTo;
  const i = Math.min(seen.upTo, lastIndex(log));
  return i > 0 && entryAt(log, i) === entryAt(seen.log, i) ? i : 0;
}

// Each invariant's memo, made on its first check in a run (named functions, not a closure per check).
const newLeaderMemo = () => new Map<number, NodeId>();
const newAppendOnlyMemo = () => new Map<NodeId, { term: number; log: Log }>();
/** entries[i]: the entries seen at index i, one per term (usually a single one). */
const newMatchingMemo = () => ({ entries: [] as { term: number; entry: Entry; prevTerm: number; node: NodeId }[][], seen: new Map<NodeId, Seen>() });
/** committed[i] = the entry seen committed at index i+1 and the lowest term of a node that had committed it. */
const newCompletenessMemo = () => ({
  committed: [] as { entry: Entry; atTerm: number }[],
  seen: new Map<NodeId, Seen>(),
  leaders: new Map<NodeId, Seen & { term: number; committed: number }>(),
});
const newAppliedMemo = () => ({ applied: [] as { entry: Entry; node: NodeId }[], seen: new Map<NodeId, Seen>() });

export const electionSafety: InvariantSpec<RaftState> = {
  name: 'election_safety',
  doc: 'Election Safety (Figure 3): at most one leader can be elected in a given term.',
  check(world, ids) {
    const run = runOf(world);
    const leaders = memo(run, 0, newLeaderMemo);
    for (let j = 0, n = changed(world, run, 0, ids); j < n; j++) {
      const { id, s } = run.out[j] as LiveTrack;
      if (s.role !== 'leader') continue;
      const other = leaders.get(s.currentTerm);
      if (other !== undefined && other !== id) return `${other} and ${id} were both leaders in term ${s.currentTerm}`;
      leaders.set(s.currentTerm, id);
    }
    return null;
  },
};

export const leaderAppendOnly: InvariantSpec<RaftState> = {
  name: 'leader_append_only',
  doc: 'Leader Append-Only (Figure 3): a leader never overwrites or deletes entries in its log; it only appends.',
  check(world, ids) {
    const run = runOf(world);
    const last = memo(run, 1, newAppendOnlyMemo);
    for (let j = 0, n = changed(world, run, 1, ids); j < n; j++) {
      const { id, s } = run.out[j] as LiveTrack;
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

export const logMatching: InvariantSpec<RaftState> = {
  name: 'log_matching',
  doc: 'Log Matching (Figure 3): if two logs contain an entry with the same index and term, the logs are identical in all entries up through that index.',
  check(world, ids) {
    // Checked inductively over every log held so far: each (index, term) pair always names the same
    // entry with the same predecessor term, which implies identical prefixes.
    const run = runOf(world);
    const m = memo(run, 2, newMatchingMemo);
    for (let j = 0, n = changed(world, run, 2, ids); j < n; j++) {
      const { id, s } = run.out[j] as LiveTrack;
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

export const leaderCompleteness: InvariantSpec<RaftState> = {
  name: 'leader_completeness',
  doc: 'Leader Completeness (Figure 3): if an entry is committed in a given term, it is present in the logs of the leaders of all higher terms.',
  check(world, ids) {
    const run = runOf(world);
    const m = memo(run, 3, newCompletenessMemo);
    // Nothing committed anew and no leader changed: nothing to re-check.
    const moved = changed(world, run, 3, ids);
    if (moved === 0) return null;
    for (let j = 0; j < moved; j++) {
      const { id, s } = run.out[j] as LiveTrack;
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
    for (const t of run.list) {
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

export const stateMachineSafety: InvariantSpec<RaftState> = {
  name: 'state_machine_safety',
  doc: 'State Machine Safety (Figure 3): if a server has applied a log entry at a given index, no other server ever applies a different entry at that index.',
  check(world, ids) {
    const run = runOf(world);
    const m = memo(run, 4, newAppliedMemo);
    for (let j = 0, n = changed(world, run, 4, ids); j < n; j++) {
      const { id, s } = run.out[j] as LiveTrack;
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

export const invariants: readonly InvariantSpec<RaftState>[] = [
  electionSafety, leaderAppendOnly, logMatching, leaderCompleteness, stateMachineSafety,
];
