/**
 * Paxos's safety properties as named predicates, checked after every step.
 * They are computed from what the acceptors wrote down, never from what
 * learners say: a value is chosen in a slot when a majority of acceptors
 * accepted it in one ballot ("Paxos Made Simple" §2.2; PMMC §2), and
 * learners and replicas are checked against that.
 *
 * - `one_value_chosen`: at most one value is chosen per slot (PMS §2.1, the
 *   second safety requirement; PMMC R1).
 * - `one_value_per_ballot`: acceptors accept at most one value per ballot
 *   and slot (PMMC A4).
 * - `chosen_was_proposed`: only a value some client proposed (or a leader's
 *   no-op) is chosen (PMS §2.1, the first requirement).
 * - `promise_monotonic`: an acceptor's promise never decreases — not even
 *   across a crash: it never goes below a promise it wrote down or revealed
 *   to a proposer (PMMC A1; PMS §2.5's stable storage).
 * - `accept_within_promise`: an acceptor accepts a ballot only if it has
 *   not promised a higher one, and its promise then covers what it accepted
 *   (PMS phase 2(b); PMMC A2).
 * - `learners_agree`: a learner learns, and a replica decides, only the
 *   value chosen in that slot (PMS §2.1, the third requirement).
 * - `replicas_agree`: replicas that have applied the same number of slots
 *   hold the same key-value store (PMMC R1–R3: every replica applies the
 *   same commands in slot order).
 *
 * One monitor (`paxosHistory`) does the bookkeeping once per step for all
 * seven and records the first violation of each. It looks only at the
 * nodes that changed: an acceptor's new votes (entries of its `accepted`
 * or `votes` that were not there before) and its promise; a proposer's
 * newly received promises (a promise revealed is a promise made, whatever
 * the acceptor wrote down); a learner's newly learned value; a replica's
 * newly decided slots and applied count. Per-slot tallies of voters per
 * ballot (a bit set of node indices) make a vote O(1); nothing is rescanned.
 *
 * Votes are counted as soon as an acceptor's state holds them: a node's own
 * acceptor answers its own proposer at once, and everything the node sends
 * afterwards waits for the write (protocol.ts), so a vote that is in a
 * state but not yet durable can only have been counted by its own node.
 * When a crash loses writes in flight, the monitor takes back the votes
 * the node's durable record does not hold, and forgets the key-value
 * stores only that node had reached: what depended on them died with it.
 */
import type { Json, NodeId, World } from '../../engine/protocol.js';
import type { InvariantSpec, MonitorSpec } from '../../engine/vocabulary.js';
import type { KvMap } from '../_kit/kv-store.js';
import { jsonEqual } from '../../trace/json-equal.js';
import { EMPTY_SLOTS, SLOT_CHUNK, slotAt, type Slots } from './_slots.js';
import { compare, formatBallot, isBallot, max, same, ZERO, type Ballot } from './ballot.js';
import { majority } from './params.js';
import type { Cmd, PaxosState, PValue, Vote } from './state.js';

/** What the monitor knows about one node. */
interface Track {
  readonly id: NodeId;
  readonly index: number;
  readonly acceptor: boolean;
  state: unknown;
  status: string;
  durable: unknown;
  /** The last live state observed; null before the first and after a crash (until the restart). */
  live: PaxosState | null;
  /** The highest promise it has written down or that a proposer has received from it. */
  floor: Ballot;
  /** The votes counted for it: single-decree, its `votes` list; Multi-Paxos, its `accepted` array. */
  votes: readonly Vote[];
  accepted: Slots<PValue>;
  /** As a proposer: the ballot and count of promises already taken as evidence. */
  evidenceBallot: Ballot | null;
  evidenceCount: number;
  /** As a replica: the commit point and applied count checked; the pending table seen. */
  commit: number;
  applied: number;
  pending: unknown;
}

interface BallotTally {
  readonly b: Ballot;
  readonly value: Json | Cmd;
  /** Voters by node index: a bit set for indices below 31, a set above. */
  bits: number;
  more: Set<number> | null;
  count: number;
}

/** What acceptors voted for in one slot: a tally per ballot (most recent last; usually one), and the value chosen. */
interface SlotRecord {
  readonly tallies: BallotTally[];
  chosen: BallotTally | null;
}

/** One run's memory, shared by the seven properties. */
export interface PaxosHistory {
  readonly tracks: (Track | undefined)[];
  /** A true majority of the acceptors (whatever quorum a buggy node uses). */
  majority: number;
  /** Per slot (single-decree: slot 1), the ballots acceptors voted in and the value chosen. */
  readonly slots: (SlotRecord | undefined)[];
  /** Keys of the values clients proposed (single-decree) or the client operations nodes took (Multi-Paxos). */
  readonly proposed: Set<string>;
  /** Multi-Paxos: the key-value store of the first replica to have applied k slots, who it was, and whether another agreed since. */
  readonly appliedKv: (KvMap | undefined)[];
  readonly appliedBy: (NodeId | undefined)[];
  readonly appliedAgreed: boolean[];
  /** The first violation of each property, by name. */
  readonly found: Map<string, string>;
}

const NAMES = {
  oneChosen: 'one_value_chosen',
  perBallot: 'one_value_per_ballot',
  proposed: 'chosen_was_proposed',
  monotonic: 'promise_monotonic',
  withinPromise: 'accept_within_promise',
  learners: 'learners_agree',
  replicas: 'replicas_agree',
} as const;

function report(m: PaxosHistory, name: string, text: string): void {
  if (!m.found.has(name)) m.found.set(name, text);
}

function isState(s: unknown): s is PaxosState {
  return s !== null && typeof s === 'object' && Array.isArray((s as PaxosState).roles) && isBallot((s as PaxosState).promised);
}

/** A key two equal values (or commands: by op id) share. */
function valueKey(v: Json | Cmd): string {
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && typeof (v as { op?: unknown }).op === 'string') {
    const c = v as Cmd;
    return c.op === 'noop' ? 'noop' : `${c.op} ${c.id}`;
  }
  return JSON.stringify(v);
}

function show(v: Json | Cmd): string {
  const k = valueKey(v);
  return k.length > 60 ? `${k.slice(0, 59)}…` : k;
}

/** Equal values: the same object (states and messages share them), else equal keys. */
function sameValue(a: Json | Cmd, b: Json | Cmd): boolean {
  return a === b || valueKey(a) === valueKey(b);
}

export const paxosHistory: MonitorSpec<PaxosState, PaxosHistory> = {
  name: 'paxos history',
  create: (world) => {
    const acceptors = world.nodes.filter((n) => isState(n.state) && n.state.roles.includes('acceptor')).length;
    return { tracks: [], majority: majority(acceptors), slots: [], proposed: new Set(), appliedKv: [], appliedBy: [], appliedAgreed: [], found: new Map() };
  },
  observe(m, world, changed) {
    for (let j = 0; j < changed.length; j++) {
      const view = changed[j]!;
      const s = view.state;
      if (!isState(s)) continue;
      let t = m.tracks[view.index];
      if (t === undefined) {
        t = {
          id: view.id, index: view.index, acceptor: s.roles.includes('acceptor'), state: undefined, status: '', durable: undefined, live: null,
          floor: ZERO, votes: NO_VOTES, accepted: EMPTY_SLOTS, evidenceBallot: null, evidenceCount: 0, commit: 0, applied: 0, pending: undefined,
        };
        m.tracks[view.index] = t;
      }
      if (view.durable !== t.durable) {
        t.durable = view.durable;
        const promised = (view.durable as { promised?: unknown } | null | undefined)?.promised;
        if (t.acceptor && isBallot(promised)) t.floor = max(t.floor, promised);
      }
      if (view.status === 'crashed') {
        if (t.status !== 'crashed') crashed(m, t, view.durable);
        t.status = 'crashed';
        t.state = s;
        t.live = null;
        continue;
      }
      if (s === t.state && view.status === t.status) continue;
      t.state = s;
      t.status = view.status;
      observeState(m, world, t, s, t.live);
      t.live = s;
    }
  },
};

const NO_VOTES: readonly Vote[] = [];

// ---------------------------------------------------------------- acceptors' votes

/** Counts the votes in `s` that `t` had not cast before; `prev` is its previous live state (null after a restart). */
function observeVotes(m: PaxosHistory, t: Track, s: PaxosState, prev: PaxosState | null): void {
  const floor = prev === null ? null : prev.promised;
  if (s.mode === 'single') {
    if (s.votes === t.votes) return;
    for (let k = t.votes.length; k < s.votes.length; k++) {
      const v = s.votes[k]!;
      vote(m, t, 1, v.b, v.v, floor, s.promised);
    }
    t.votes = s.votes;
    return;
  }
  if (s.accepted === t.accepted) return;
  // The chunks shared with the array counted before hold no new vote (_slots.ts): only the others are read.
  const before = t.accepted;
  const after = s.accepted;
  for (let c = 0; c < after.length; c++) {
    const a = before[c];
    const chunk = after[c]!;
    if (a === chunk) continue;
    for (let j = 0; j < chunk.length; j++) {
      const pv = chunk[j] ?? null;
      if (pv !== null && pv !== (a?.[j] ?? null)) vote(m, t, c * SLOT_CHUNK + j + 1, pv.b, pv.cmd, floor, s.promised);
    }
  }
  t.accepted = after;
}

/**
 * A crash lost `t`'s writes in flight: the votes its durable record does
 * not hold are taken back (nobody but the node itself counted them), and
 * the key-value stores only it had reached are forgotten.
 */
function crashed(m: PaxosHistory, t: Track, durable: unknown): void {
  const d = (durable ?? {}) as { votes?: unknown; accepted?: unknown };
  if (t.acceptor) {
    if (Array.isArray(d.votes) || t.votes.length > 0) {
      const kept = Array.isArray(d.votes) ? (d.votes as Vote[]).length : 0;
      for (let k = kept; k < t.votes.length; k++) retract(m, t, 1, t.votes[k]!.b);
      t.votes = Array.isArray(d.votes) ? (d.votes as Vote[]) : NO_VOTES;
    }
    const kept = Array.isArray(d.accepted) && !Array.isArray(d.votes) ? (d.accepted as Slots<PValue>) : EMPTY_SLOTS;
    if (kept !== t.accepted) {
      const lost = t.accepted;
      for (let c = 0; c < lost.length; c++) {
        const chunk = lost[c]!;
        if (kept[c] === chunk) continue;
        for (let j = 0; j < chunk.length; j++) {
          const pv = chunk[j] ?? null;
          if (pv !== null && pv !== (kept[c]?.[j] ?? null)) retract(m, t, c * SLOT_CHUNK + j + 1, pv.b);
        }
      }
      t.accepted = kept;
    }
  }
  for (let k = m.appliedKv.length - 1; k > 0 && m.appliedBy[k] === t.id && !m.appliedAgreed[k]; k--) {
    m.appliedKv.length = k;
    m.appliedBy.length = k;
    m.appliedAgreed.length = k;
  }
}

/** Takes back `t`'s vote in ballot `b` at `slot`; a value chosen only thanks to it is no longer chosen. */
function retract(m: PaxosHistory, t: Track, slot: number, b: Ballot): void {
  const rec = m.slots[slot];
  const tally = rec?.tallies.find((x) => same(x.b, b));
  if (rec === undefined || tally === undefined || !removeVoter(tally, t.index)) return;
  if (rec.chosen === tally && tally.count < m.majority) rec.chosen = rec.tallies.find((x) => x.count >= m.majority) ?? null;
}

/**
 * Acceptor `t` accepted `value` in ballot `b` at `slot`, having promised
 * `before` (null after a restart: a vote already counted) and promising
 * `after` now.
 */
function vote(m: PaxosHistory, t: Track, slot: number, b: Ballot, value: Json | Cmd, before: Ballot | null, after: Ballot): void {
  if (before !== null && compare(b, before) < 0) {
    report(m, NAMES.withinPromise, `${t.id} accepted ballot ${formatBallot(b)}${slotText(slot)} after promising ${formatBallot(before)}`);
  } else if (compare(b, after) > 0) {
    report(m, NAMES.withinPromise, `${t.id} accepted ballot ${formatBallot(b)}${slotText(slot)} above its promise ${formatBallot(after)}`);
  }
  let rec = m.slots[slot];
  if (rec === undefined) {
    rec = { tallies: [], chosen: null };
    m.slots[slot] = rec;
  }
  let tally: BallotTally | undefined;
  for (let k = rec.tallies.length - 1; k >= 0; k--) {
    const x = rec.tallies[k]!;
    if (same(x.b, b)) {
      tally = x;
      break;
    }
  }
  if (tally === undefined) {
    tally = { b, value, bits: 0, more: null, count: 0 };
    rec.tallies.push(tally);
  } else if (!sameValue(tally.value, value)) {
    report(m, NAMES.perBallot, `acceptors accepted both ${show(tally.value)} and ${show(value)} in ballot ${formatBallot(b)}${slotText(slot)} (${t.id} the second)`);
  }
  if (!addVoter(tally, t.index) || tally.count < m.majority) return;
  const chosen = rec.chosen;
  if (chosen === null) {
    rec.chosen = tally;
    if (!isProposed(m, tally.value)) {
      report(m, NAMES.proposed, `${show(tally.value)} was chosen in ballot ${formatBallot(b)}${slotText(slot)} but nobody proposed it`);
    }
  } else if (!sameValue(chosen.value, tally.value)) {
    report(m, NAMES.oneChosen, `${show(chosen.value)} was chosen in ballot ${formatBallot(chosen.b)} and ${show(tally.value)} in ballot ${formatBallot(b)}${slotText(slot)}`);
  }
}

/** Removes voter `i` from the tally; false when it was not there. */
function removeVoter(t: BallotTally, i: number): boolean {
  if (i < 31) {
    const bit = 1 << i;
    if ((t.bits & bit) === 0) return false;
    t.bits &= ~bit;
  } else if (t.more === null || !t.more.delete(i)) return false;
  t.count--;
  return true;
}

/** Adds voter `i` to the tally; false when it was there already. */
function addVoter(t: BallotTally, i: number): boolean {
  if (i < 31) {
    const bit = 1 << i;
    if ((t.bits & bit) !== 0) return false;
    t.bits |= bit;
  } else {
    t.more ??= new Set();
    if (t.more.has(i)) return false;
    t.more.add(i);
  }
  t.count++;
  return true;
}

function slotText(slot: number): string {
  return slot === 1 ? '' : ` at slot ${slot}`;
}

function isProposed(m: PaxosHistory, value: Json | Cmd): boolean {
  const key = valueKey(value);
  if (key === 'noop') return true;
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && typeof (value as { id?: unknown }).id === 'string') {
    return m.proposed.has((value as { id: string }).id);
  }
  return m.proposed.has(key);
}

// ---------------------------------------------------------------- live states: promises, proposals, learners, replicas

function observeState(m: PaxosHistory, world: World<PaxosState>, t: Track, s: PaxosState, prev: PaxosState | null): void {
  if (t.acceptor) {
    observeVotes(m, t, s, prev);
    if (compare(s.promised, t.floor) < 0) {
      report(m, NAMES.monotonic, `${t.id}'s promise is ${formatBallot(s.promised)}, below the promise ${formatBallot(t.floor)} it made before${prev === null ? ' (after a restart)' : ''}`);
    } else if (prev !== null && compare(s.promised, prev.promised) < 0) {
      report(m, NAMES.monotonic, `${t.id}'s promise went down from ${formatBallot(prev.promised)} to ${formatBallot(s.promised)}`);
    }
  }
  observePromisesReceived(m, world, t, s);
  if (s.mode === 'single') {
    if (s.value !== null && (prev === null || prev.mode !== 'single' || prev.value !== s.value)) m.proposed.add(valueKey(s.value));
    if (s.learned !== null && (prev === null || prev.mode !== 'single' || prev.learned !== s.learned)) checkLearned(m, t, 1, s.learned.v);
    return;
  }
  if (s.pending !== t.pending) {
    for (const id in s.pending) m.proposed.add(id);
    t.pending = s.pending;
  }
  if (s.commit < t.commit) t.commit = s.commit; // restarted: its replica starts over
  for (let slot = t.commit + 1; slot <= s.commit; slot++) {
    const cmd = slotAt(s.decided, slot);
    if (cmd !== null) checkLearned(m, t, slot, cmd);
  }
  t.commit = s.commit;
  if (s.applied !== t.applied) {
    t.applied = s.applied;
    const k = s.applied;
    if (k > 0) {
      const first = m.appliedKv[k];
      if (first === undefined) {
        m.appliedKv[k] = s.kv;
        m.appliedBy[k] = t.id;
        m.appliedAgreed[k] = false;
      } else if (first === s.kv || jsonEqual(first, s.kv)) {
        if (m.appliedBy[k] !== t.id) m.appliedAgreed[k] = true;
      } else {
        report(m, NAMES.replicas, `${m.appliedBy[k]} and ${t.id} hold different key-value stores after applying ${k} slots (${JSON.stringify(first)} vs ${JSON.stringify(s.kv)})`.slice(0, 400));
      }
    }
  }
}

/** A learner learned, or a replica decided, `value` for `slot`: it must be the value chosen there. */
function checkLearned(m: PaxosHistory, t: Track, slot: number, value: Json | Cmd): void {
  const chosen = m.slots[slot]?.chosen;
  if (chosen === undefined || chosen === null) {
    report(m, NAMES.learners, `${t.id} learned ${show(value)}${slotText(slot)}, but no majority of acceptors has accepted it in one ballot`);
  } else if (!sameValue(chosen.value, value)) {
    report(m, NAMES.learners, `${t.id} learned ${show(value)}${slotText(slot)}, but ${show(chosen.value)} is the value chosen`);
  }
}

/** A proposer's newly received promises are promises made: each acceptor's promise may never fall below them. */
function observePromisesReceived(m: PaxosHistory, world: World<PaxosState>, t: Track, s: PaxosState): void {
  const promises = s.promises;
  if (promises.length === 0) return;
  let from = 0;
  if (t.evidenceBallot !== null && same(t.evidenceBallot, s.ballot)) from = t.evidenceCount;
  for (let i = from; i < promises.length; i++) {
    const node = world.node(promises[i]!);
    if (node === undefined) continue;
    const a = m.tracks[node.index];
    if (a === undefined || !a.acceptor) continue;
    a.floor = max(a.floor, s.ballot);
    const current = a === t ? s : a.live; // its own acceptor: the state being observed
    if (current !== null && compare(current.promised, a.floor) < 0) {
      report(m, NAMES.monotonic, `${a.id} promised ballot ${formatBallot(s.ballot)} to ${t.id}, but its promise is now ${formatBallot(current.promised)}`);
    }
  }
  t.evidenceBallot = s.ballot;
  t.evidenceCount = promises.length;
}

function invariant(name: string, doc: string): InvariantSpec<PaxosState, PaxosHistory> {
  return { name, doc, monitor: paxosHistory, check: (_world, _changed, m) => (m.found.size === 0 ? null : m.found.get(name) ?? null) };
}

export const invariants: readonly InvariantSpec<PaxosState>[] = [
  invariant(NAMES.oneChosen, 'At most one value is chosen per slot: no two majorities of acceptors accept different values, in any ballots (Paxos Made Simple §2.1; PMMC R1).'),
  invariant(NAMES.perBallot, 'Acceptors accept at most one value per ballot and slot (PMMC A4).'),
  invariant(NAMES.proposed, 'Only a value a client proposed (or a leader\'s no-op) is ever chosen (Paxos Made Simple §2.1).'),
  invariant(NAMES.monotonic, 'An acceptor\'s promised ballot never decreases, not even across a crash and restart (PMMC A1; Paxos Made Simple §2.5).'),
  invariant(NAMES.withinPromise, 'An acceptor accepts a ballot only if it has not promised a higher one, and its accepted ballot never exceeds its promise (Paxos Made Simple phase 2(b); PMMC A2).'),
  invariant(NAMES.learners, 'A learner learns, and a replica decides, only the value chosen in that slot (Paxos Made Simple §2.1).'),
  invariant(NAMES.replicas, 'Replicas that have applied the same number of slots hold the same key-value store: they apply the same commands in slot order (PMMC R1–R3).'),
];
