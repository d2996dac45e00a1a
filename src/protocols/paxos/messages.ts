/**
 * Paxos's messages, as plain JSON-compatible data. The four of the protocol
 * are named after their phases, as in "Paxos Made Moderately Complex"
 * (p1a … p2b) and Lamport's phases 1(a) … 2(b), so the space-time diagram
 * shows the phase of every message: P1a prepare, P1b promise, P2a accept
 * request, P2b accepted. A refusal has its own type, `Nack` (PMMC signals it
 * with a p1b/p2b carrying the higher ballot; "Paxos Made Simple" §2.2 calls
 * it an optimization that lets a proposer abandon its proposal early).
 * Multi-Paxos adds the leader's heartbeat and catch-up for lagging replicas.
 */
import type { Json } from '../../engine/protocol.js';
import type { ClientMessage } from '../_kit/client-proxy.js';
import type { KvCommand } from '../_kit/kv-store.js';
import type { Ballot } from './ballot.js';
import type { Cmd, PValue, Vote } from './state.js';

/** Phase 1(a), prepare: "do not accept anything below ballot b". Multi-Paxos asks about slots ≥ `from` only (Lamport §3). */
export type P1a = { b: Ballot; from?: number };
/** Phase 1(b), the promise for b, with the highest-numbered proposal accepted (single-decree). */
export type P1bSingle = { b: Ballot; accepted: Vote | null };
/** Phase 1(b) in Multi-Paxos: the acceptor's most recent pvalue for each slot ≥ from, as [slot, pvalue] pairs. */
export type P1bMulti = { b: Ballot; accepted: [number, PValue][] };
/** Phase 2(a), accept request (single-decree). */
export type P2aSingle = { b: Ballot; v: Json };
/** Phase 2(a) in Multi-Paxos: the pvalue for a slot, and the leader's commit point (every slot up to it is decided). */
export type P2aMulti = { slot: number; pv: PValue; commit: number };
/** Phase 2(b), accepted: to the proposer and every learner (single-decree, §2.3). */
export type P2bSingle = { b: Ballot; v: Json };
/** Phase 2(b) in Multi-Paxos, to the leader. */
export type P2bMulti = { b: Ballot; slot: number };
/** A refusal: the acceptor has promised `b`, above the `ballot` it was asked about. */
export type Nack = { b: Ballot; ballot: Ballot };
/** The Multi-Paxos leader's periodic "alive", with its commit point. */
export type Heartbeat = { b: Ballot; commit: number };
/** A replica missing decisions from slot `from` on asks the leader for them. */
export type Catchup = { from: number };
/** Decided commands for slots from, from + 1, … */
export type Decisions = { from: number; cmds: Cmd[] };

export type SingleMessage =
  | { type: 'P1a'; body: P1a }
  | { type: 'P1b'; body: P1bSingle }
  | { type: 'P2a'; body: P2aSingle }
  | { type: 'P2b'; body: P2bSingle }
  | { type: 'Nack'; body: Nack };

export type MultiMessage =
  | { type: 'P1a'; body: P1a }
  | { type: 'P1b'; body: P1bMulti }
  | { type: 'P2a'; body: P2aMulti }
  | { type: 'P2b'; body: P2bMulti }
  | { type: 'Nack'; body: Nack }
  | { type: 'Heartbeat'; body: Heartbeat }
  | { type: 'Catchup'; body: Catchup }
  | { type: 'Decisions'; body: Decisions }
  | ClientMessage<KvCommand>;

export type PaxosMessage = SingleMessage | MultiMessage;
