/**
 * Paxos node states, as plain JSON-compatible data, one shape per mode.
 *
 * Single-decree (Lamport, "Paxos Made Simple" §2): a node plays any of the
 * three roles — acceptor (`promised`, `accepted`, and `votes`, every
 * proposal it accepted, as in Lamport's TLA+ specification), proposer (the
 * ballot it is trying, its phase, the promises and accepts it collected) and
 * learner (the accepts it heard, and the value it learned).
 *
 * Multi-Paxos (van Renesse & Altinbuken, "Paxos Made Moderately Complex"
 * §2, with Lamport's §3): each node is an acceptor (`promised` = the
 * paper's ballot_num, `accepted` = its most recent pvalue per slot, §4.1's
 * state reduction), a leader (its ballot; as a candidate, the scout's
 * promises and the highest pvalue per slot they reported; as leader, one
 * open proposal per undecided slot — the commanders) and a replica (its
 * decisions, `commit` = every slot up to it is decided, `applied` = the
 * paper's slot_out − 1, the key-value store and client sessions), in the
 * roles the scenario gives it.
 *
 * States are immutable; `copySingle` / `copyMulti` make the shallow copy a
 * handler patches (written out field by field, as Raft's `copy`: V8 builds
 * such a literal far faster than a spread).
 */
import type { Json, NodeId } from '../../engine/protocol.js';
import type { PendingTable } from '../_kit/client-proxy.js';
import type { KvCommand, KvMap, Sessions } from '../_kit/kv-store.js';
import { opTable } from '../_kit/records.js';
import { EMPTY_SLOTS, type Slots } from './_slots.js';
import { ZERO, type Ballot } from './ballot.js';
import type { Role } from './params.js';

// ---------------------------------------------------------------- single-decree

/** A proposal an acceptor accepted: ballot and value (Lamport's "proposal numbered n with value v"). */
export type Vote = { b: Ballot; v: Json };

/**
 * What a proposer is doing: nothing yet; phase 1 (prepare, collecting
 * promises); phase 2 (accept requests out, collecting accepts); waiting out
 * a backoff after being preempted; done — it knows the chosen value.
 */
export type Phase = 'idle' | 'prepare' | 'accept' | 'backoff' | 'chosen';

/** A learner's tally for one ballot: the value and the acceptors heard accepting it. */
export type Heard = { b: Ballot; v: Json; from: readonly NodeId[] };

export type SingleState = {
  mode: 'single';
  roles: readonly Role[];
  // Acceptor (durable: promised, accepted, votes).
  promised: Ballot;
  accepted: Vote | null;
  votes: readonly Vote[];
  // Proposer.
  phase: Phase;
  /** The highest round it has used or seen preempt it (durable, §2.5: never reuse a number). */
  round: number;
  ballot: Ballot;
  /** Its own value, from the first client that asked (null until then). */
  value: Json;
  /** The value of its phase-2 request: the highest-numbered one reported in the promises, else its own. */
  proposal: Json;
  promises: readonly NodeId[];
  /** The highest-numbered proposal reported in those promises. */
  highest: Vote | null;
  accepts: readonly NodeId[];
  /** Client operations waiting for the outcome. */
  clients: readonly string[];
  /** Ballots it has started, and times it was preempted (metrics). */
  ballots: number;
  preemptions: number;
  // Learner.
  heard: readonly Heard[];
  learned: Vote | null;
};

export function initialSingle(roles: readonly Role[]): SingleState {
  return {
    mode: 'single', roles, promised: ZERO, accepted: null, votes: NO_VOTES,
    phase: 'idle', round: 0, ballot: ZERO, value: null, proposal: null, promises: NO_IDS, highest: null, accepts: NO_IDS,
    clients: NO_IDS, ballots: 0, preemptions: 0, heard: NO_HEARD, learned: null,
  };
}

export function copySingle(s: SingleState): SingleState {
  return {
    mode: 'single', roles: s.roles, promised: s.promised, accepted: s.accepted, votes: s.votes,
    phase: s.phase, round: s.round, ballot: s.ballot, value: s.value, proposal: s.proposal, promises: s.promises, highest: s.highest, accepts: s.accepts,
    clients: s.clients, ballots: s.ballots, preemptions: s.preemptions, heard: s.heard, learned: s.learned,
  };
}

// ---------------------------------------------------------------- Multi-Paxos

/** The no-op a new leader proposes for a slot nobody reported a value for (Lamport §3). One shared object. */
export type Noop = { op: 'noop' };
export const NOOP: Noop = Object.freeze({ op: 'noop' }) as Noop;

/** A state-machine command: a client operation of the key-value store (kv-store.ts) or a no-op. */
export type Cmd = KvCommand | Noop;

/** PMMC's pvalue without its slot (the slot is the position): ballot and command. */
export type PValue = { b: Ballot; cmd: Cmd };

/**
 * An undecided slot a leader has proposed in its ballot (PMMC's commander):
 * the pvalue it sent, the acceptors that accepted it, and when it was sent
 * (it is sent again after a heartbeat without a majority).
 */
export type Proposal = { slot: number; pv: PValue; acks: readonly NodeId[]; at: number };

/** Follower: follows a leader (or waits for one); candidate: running phase 1 (a scout); leader: active, running phase 2 per slot. */
export type LeaderRole = 'follower' | 'candidate' | 'leader';

export type MultiState = {
  mode: 'multi';
  roles: readonly Role[];
  role: LeaderRole;
  // Acceptor (durable: promised, accepted).
  promised: Ballot;
  accepted: Slots<PValue>;
  // Leader.
  /** The highest round it has used (durable, as a proposer's in §2.5). */
  round: number;
  /** The ballot it leads or campaigns for (ZERO when it never has). */
  ballot: Ballot;
  /** The leader it follows: the sender of the highest ballot heard in a phase-2 request or heartbeat. */
  leader: NodeId | null;
  leaderBallot: Ballot;
  /** Candidate: acceptors that adopted its ballot, and the highest pvalue per slot they reported (PMMC's pmax). */
  promises: readonly NodeId[];
  pvals: Readonly<Record<string, PValue>>;
  /** Leader: its open proposals, in slot order (usually one or two). */
  proposals: readonly Proposal[];
  /** Leader: the next slot it proposes in (PMMC's slot_in). */
  nextSlot: number;
  // Replica.
  decided: Slots<Cmd>;
  commit: number;
  applied: number;
  kv: KvMap;
  sessions: Sessions;
  pending: PendingTable<KvCommand>;
  /** Times it became leader, and no-ops it proposed to fill gaps (metrics). */
  elections: number;
  noops: number;
};

const EMPTY_KV: KvMap = Object.freeze({}) as KvMap;
const NO_SESSIONS: Sessions = Object.freeze({}) as Sessions;
const NO_VOTES: readonly Vote[] = [];
const NO_IDS: readonly NodeId[] = [];
const NO_HEARD: readonly Heard[] = [];
const NO_PVALS: Readonly<Record<string, PValue>> = Object.freeze(opTable<PValue>());
const NO_PROPOSALS: readonly Proposal[] = [];

export { NO_IDS, NO_PVALS, NO_PROPOSALS, NO_VOTES };

export function initialMulti(roles: readonly Role[]): MultiState {
  return {
    mode: 'multi', roles, role: 'follower', promised: ZERO, accepted: EMPTY_SLOTS,
    round: 0, ballot: ZERO, leader: null, leaderBallot: ZERO, promises: NO_IDS, pvals: NO_PVALS, proposals: NO_PROPOSALS, nextSlot: 1,
    decided: EMPTY_SLOTS, commit: 0, applied: 0, kv: EMPTY_KV, sessions: NO_SESSIONS, pending: opTable(), elections: 0, noops: 0,
  };
}

export function copyMulti(s: MultiState): MultiState {
  return {
    mode: 'multi', roles: s.roles, role: s.role, promised: s.promised, accepted: s.accepted,
    round: s.round, ballot: s.ballot, leader: s.leader, leaderBallot: s.leaderBallot, promises: s.promises, pvals: s.pvals, proposals: s.proposals, nextSlot: s.nextSlot,
    decided: s.decided, commit: s.commit, applied: s.applied, kv: s.kv, sessions: s.sessions, pending: s.pending, elections: s.elections, noops: s.noops,
  };
}

export type PaxosState = SingleState | MultiState;

export function hasRole(s: { roles: readonly Role[] }, role: Role): boolean {
  return s.roles.includes(role);
}

// ---------------------------------------------------------------- durable records

/**
 * What survives a crash, written with `ctx.persist` before any reply that
 * reveals it leaves ("Paxos Made Simple" §2.5): an acceptor's promise and
 * what it accepted, and the highest round the node used as a proposer.
 * With `bug_forget_promise` the promise is (wrongly) never written. The
 * record also keeps the node's counters for the run's metrics (ballots,
 * preemptions; times it led, no-ops), so a restart does not reset them.
 */
export type SingleDurable = { promised?: Ballot; accepted: Vote | null; votes: readonly Vote[]; round: number; ballots: number; preemptions: number };
export type MultiDurable = { promised?: Ballot; accepted: Slots<PValue>; round: number; elections: number; noops: number };

export function singleDurable(s: SingleState, forgetPromise: boolean): Json {
  const d: SingleDurable = forgetPromise
    ? { accepted: s.accepted, votes: s.votes, round: s.round, ballots: s.ballots, preemptions: s.preemptions }
    : { promised: s.promised, accepted: s.accepted, votes: s.votes, round: s.round, ballots: s.ballots, preemptions: s.preemptions };
  return d as unknown as Json;
}

export function multiDurable(s: MultiState, forgetPromise: boolean): Json {
  const d: MultiDurable = forgetPromise
    ? { accepted: s.accepted, round: s.round, elections: s.elections, noops: s.noops }
    : { promised: s.promised, accepted: s.accepted, round: s.round, elections: s.elections, noops: s.noops };
  return d as unknown as Json;
}

/** A count from a durable record (0 when absent or malformed). */
export function countOf(v: Json | undefined): number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : 0;
}
