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
 * apply index changed since the invariant last ran, and since logs only ever
 * change by truncating a suffix and appending, when a node's log still holds
 * the same entry object at the last index checked, only the new suffix is
 * scanned.
 */
import type { NodeId, World } from '../../engine/protocol.js';
import type { InvariantSpec } from '../../engine/vocabulary.js';
import { entryAt, entryKey, lastIndex, type Log } from './_log.js';
import type { RaftState } from './types.js';

type RaftWorld = World<RaftState>;

interface Memo<T> { now: number; value: T }
const memos = new WeakMap<object, Map<string, Memo<unknown>>>();

function memo<T>(world: RaftWorld, name: string, make: () => T): T {
  let perRun = memos.get(world);
  if (!perRun) {
    perRun = new Map();
    memos.set(world, perRun);
  }
  const m = perRun.get(name) as Memo<T> | undefined;
  if (m && m.now <= world.now) {
    m.now = world.now;
    return m.value;
  }
  const fresh: Memo<T> = { now: world.now, value: make() };
  perRun.set(name, fresh);
  return fresh.value;
}

function isLive(n: { status: string; state: RaftState }): boolean {
  return n.status !== 'crashed' && !!n.state && Array.isArray(n.state.log);
}

function live(world: RaftWorld): { id: NodeId; s: RaftState }[] {
  const out: { id: NodeId; s: RaftState }[] = [];
  for (const n of world.nodes) if (isLive(n)) out.push({ id: n.id, s: n.state });
  return out;
}

const NONE: readonly { id: NodeId; s: RaftState }[] = [];

/**
 * The live nodes whose role, term, log, commitIndex or lastApplied changed
 * since this invariant last looked (`last` holds the state it last saw per
 * node). Every property here depends on those fields only, and re-checking
 * an unchanged node adds nothing to a memo, so the others are skipped — most
 * steps only move a heartbeat time or a leader's nextIndex.
 */
function changed(world: RaftWorld, last: Map<NodeId, RaftState>): readonly { id: NodeId; s: RaftState }[] {
  let out: { id: NodeId; s: RaftState }[] | undefined;
  for (const n of world.nodes) {
    if (!isLive(n)) continue;
    const s = n.state;
    const o = last.get(n.id);
    if (o === s) continue;
    last.set(n.id, s);
    if (o && o.log === s.log && o.role === s.role && o.currentTerm === s.currentTerm
      && o.commitIndex === s.commitIndex && o.lastApplied === s.lastApplied) continue;
    (out ??= []).push({ id: n.id, s });
  }
  return out ?? NONE;
}

/** Where to resume scanning a node's log: after the last index seen, if that entry is still the same object. */
interface Seen { log: Log; upTo: number }
function resumeFrom(seen: Seen | undefined, log: Log): number {
  if (!seen || seen.upTo === 0) return 0;
  if (seen.log === log) return seen.upTo;
  const i = Math.min(seen.upTo, lastIndex(log));
  return i > 0 && entryAt(log, i) === entryAt(seen.log, i) ? i : 0;
}

export const electionSafety: InvariantSpec<RaftState> = {
  name: 'election_safety',
  doc: 'Election Safety (Figure 3): at most one leader can be elected in a given term.',
  check(world) {
    const m = memo(world, 'election_safety', () => ({ leaders: new Map<number, NodeId>(), last: new Map<NodeId, RaftState>() }));
    const leaders = m.leaders;
    for (const { id, s } of changed(world, m.last)) {
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
  check(world) {
    const m = memo(world, 'leader_append_only', () => ({ leaders: new Map<NodeId, { term: number; log: Log }>(), last: new Map<NodeId, RaftState>() }));
    const last = m.leaders;
    for (const { id, s } of changed(world, m.last)) {
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
  check(world) {
    // Checked inductively over every log held so far: each (index, term) pair always names the same
    // entry with the same predecessor term, which implies identical prefixes.
    const m = memo(world, 'log_matching', () => ({
      entries: new Map<string, { key: string; prevTerm: number; node: NodeId }>(), seen: new Map<NodeId, Seen>(), last: new Map<NodeId, RaftState>(),
    }));
    for (const { id, s } of changed(world, m.last)) {
      const seen = m.seen.get(id);
      if (seen && seen.log === s.log) continue; // unchanged since the last check
      const len = lastIndex(s.log);
      for (let i = resumeFrom(seen, s.log) + 1; i <= len; i++) {
        const e = entryAt(s.log, i)!;
        const at = `${i}:${e.term}`;
        const mine = { key: entryKey(e), prevTerm: i === 1 ? 0 : entryAt(s.log, i - 1)!.term, node: id };
        const known = m.entries.get(at);
        if (!known) m.entries.set(at, mine);
        else if (known.key !== mine.key || known.prevTerm !== mine.prevTerm) {
          return `${id} and ${known.node} both hold an entry at index ${i} term ${e.term} but their logs differ up to it`;
        }
      }
      m.seen.set(id, { log: s.log, upTo: len });
    }
    return null;
  },
};

export const leaderCompleteness: InvariantSpec<RaftState> = {
  name: 'leader_completeness',
  doc: 'Leader Completeness (Figure 3): if an entry is committed in a given term, it is present in the logs of the leaders of all higher terms.',
  check(world) {
    // committed[i] = the entry seen committed at index i+1 and the lowest term of a node that had committed it.
    const m = memo(world, 'leader_completeness', () => ({
      committed: [] as { key: string; atTerm: number }[],
      seen: new Map<NodeId, Seen>(),
      leaders: new Map<NodeId, Seen & { term: number; committed: number }>(),
      last: new Map<NodeId, RaftState>(),
    }));
    // Nothing committed anew and no leader changed: nothing to re-check.
    const moved = changed(world, m.last);
    if (moved.length === 0) return null;
    for (const { id, s } of moved) {
      const upTo = Math.min(s.commitIndex, lastIndex(s.log));
      for (let i = Math.min(resumeFrom(m.seen.get(id), s.log), upTo); i < upTo; i++) {
        const c = m.committed[i];
        const key = entryKey(entryAt(s.log, i + 1)!);
        if (!c) m.committed[i] = { key, atTerm: s.currentTerm };
        else if (c.key === key && s.currentTerm < c.atTerm) c.atTerm = s.currentTerm;
      }
      m.seen.set(id, { log: s.log, upTo });
    }
    for (const { id, s } of live(world)) {
      if (s.role !== 'leader') continue;
      const prev = m.leaders.get(id);
      let from = 0;
      if (prev && prev.term === s.currentTerm) from = Math.min(resumeFrom(prev, s.log), prev.committed);
      for (let i = from; i < m.committed.length; i++) {
        const c = m.committed[i]!;
        if (c.atTerm >= s.currentTerm) continue;
        const e = entryAt(s.log, i + 1);
        if (!e || entryKey(e) !== c.key) {
          return `leader ${id} of term ${s.currentTerm} lacks entry ${i + 1} (${c.key}), committed by term ${c.atTerm}`;
        }
      }
      m.leaders.set(id, { log: s.log, upTo: lastIndex(s.log), term: s.currentTerm, committed: m.committed.length });
    }
    return null;
  },
};

export const stateMachineSafety: InvariantSpec<RaftState> = {
  name: 'state_machine_safety',
  doc: 'State Machine Safety (Figure 3): if a server has applied a log entry at a given index, no other server ever applies a different entry at that index.',
  check(world) {
    const m = memo(world, 'state_machine_safety', () => ({ applied: [] as { key: string; node: NodeId }[], seen: new Map<NodeId, Seen>(), last: new Map<NodeId, RaftState>() }));
    for (const { id, s } of changed(world, m.last)) {
      const upTo = Math.min(s.lastApplied, lastIndex(s.log));
      const start = Math.min(resumeFrom(m.seen.get(id), s.log), upTo);
      for (let i = start; i < upTo; i++) {
        const key = entryKey(entryAt(s.log, i + 1)!);
        const a = m.applied[i];
        if (!a) m.applied[i] = { key, node: id };
        else if (a.key !== key) return `${id} applied ${key} at index ${i + 1} but ${a.node} applied ${a.key} there`;
      }
      m.seen.set(id, { log: s.log, upTo });
    }
    return null;
  },
};

export const invariants: readonly InvariantSpec<RaftState>[] = [
  electionSafety, leaderAppendOnly, logMatching, leaderCompleteness, stateMachineSafety,
];
