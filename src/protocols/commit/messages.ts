/**
 * The atomic-commit messages, as plain JSON-compatible data. Every body
 * names its transaction and carries `hops`, the number of message delays
 * since the coordinator began it (for the latency-in-message-delays metric,
 * Gray & Lamport §5).
 *
 * - 2PC (Gray 1978; BHG §7.3): Prepare (BHG's VOTE-REQ), Vote, Commit, Abort,
 *   and the cooperative termination protocol's DecisionRequest.
 * - 3PC (Skeen 1981; BHG §7.5): CanCommit, Vote, PreCommit, Ack, DoCommit,
 *   Abort, and the termination protocol's StateRequest / StateReport; a
 *   recovered process asks with DecisionRequest.
 * - Paxos Commit (Gray & Lamport 2006, §4): Prepare, then per participant's
 *   instance Phase2a (ballot 0 from the participant itself), Phase2b to the
 *   leader, Phase1a / Phase1b for a recovery leader's ballot, Nack (an
 *   acceptor names the higher ballot it promised), and Commit / Abort.
 */
import type { Json, NodeId } from '../../engine/protocol.js';
import type { PaxosValue, TxId, TxState } from './state.js';

type Base = { tx: TxId; hops: number };

/** The coordinator asks for a vote (2PC Prepare, 3PC CanCommit, Paxos Commit Prepare). */
export type VoteRequest = Base & { coord: NodeId; parts: NodeId[]; key: string | null; value: Json; began: number };
export type Vote = Base & { yes: boolean };
/** `parts`: the transaction's participants, so a node that has no record of it knows whether the outcome concerns it ([] when unknown). */
export type Outcome = Base & { parts: NodeId[] };
export type Ack = Base;
export type DecisionRequest = Base & { coord: NodeId; parts: NodeId[] };
export type StateRequest = Base & { parts: NodeId[] };
/** `yieldTo`: the reporter follows (or is) a lower-ranked termination coordinator than the requester. */
export type StateReport = Base & { state: TxState; yieldTo: NodeId | null };
export type Phase1a = Base & { ins: NodeId; bal: number };
export type Phase1b = Base & { ins: NodeId; bal: number; accBal: number; accVal: PaxosValue | null };
/** `leader`: where Phase2b goes (ballot 0: the coordinator; otherwise the sender). */
export type Phase2a = Base & { ins: NodeId; bal: number; val: PaxosValue; leader: NodeId; parts: NodeId[]; coord: NodeId };
export type Phase2b = Base & { ins: NodeId; bal: number; val: PaxosValue };
export type Nack = Base & { ins: NodeId; promised: number };

export type CommitMessage =
  | { type: 'Prepare'; body: VoteRequest }
  | { type: 'CanCommit'; body: VoteRequest }
  | { type: 'Vote'; body: Vote }
  | { type: 'PreCommit'; body: Ack }
  | { type: 'Ack'; body: Ack }
  | { type: 'Commit'; body: Outcome }
  | { type: 'DoCommit'; body: Outcome }
  | { type: 'Abort'; body: Outcome }
  | { type: 'DecisionRequest'; body: DecisionRequest }
  | { type: 'StateRequest'; body: StateRequest }
  | { type: 'StateReport'; body: StateReport }
  | { type: 'Phase1a'; body: Phase1a }
  | { type: 'Phase1b'; body: Phase1b }
  | { type: 'Phase2a'; body: Phase2a }
  | { type: 'Phase2b'; body: Phase2b }
  | { type: 'Nack'; body: Nack };

export type CommitMessageType = CommitMessage['type'];
export type BodyOf<T extends CommitMessageType> = Extract<CommitMessage, { type: T }>['body'];

export const MESSAGE_DOCS: readonly { type: CommitMessageType; doc: string }[] = [
  { type: 'Prepare', doc: '2PC and Paxos Commit: the coordinator asks a participant to prepare and vote (BHG\'s VOTE-REQ), with the participant list and the write.' },
  { type: 'CanCommit', doc: '3PC: the coordinator asks a participant whether it can commit (Skeen\'s first phase).' },
  { type: 'Vote', doc: 'A participant\'s vote, sent only once a yes vote is on disk.' },
  { type: 'PreCommit', doc: '3PC: every participant voted yes; sent by the coordinator, or by a termination coordinator under rule TR4.' },
  { type: 'Ack', doc: '3PC: a participant acknowledges PreCommit (it is now committable).' },
  { type: 'Commit', doc: '2PC and Paxos Commit: the outcome is commit.' },
  { type: 'DoCommit', doc: '3PC: the outcome is commit.' },
  { type: 'Abort', doc: 'The outcome is abort.' },
  { type: 'DecisionRequest', doc: 'A participant in doubt asks the coordinator and the other participants for the outcome (2PC cooperative termination, 3PC recovery).' },
  { type: 'StateRequest', doc: '3PC termination protocol: a participant coordinating the termination asks the others for their state.' },
  { type: 'StateReport', doc: '3PC termination protocol: a participant\'s state, or a note that a lower-ranked participant already coordinates.' },
  { type: 'Phase1a', doc: 'Paxos Commit: a recovery leader starts ballot `bal` in one participant\'s instance.' },
  { type: 'Phase1b', doc: 'Paxos Commit: an acceptor promises ballot `bal` and reports the ballot and value it last accepted.' },
  { type: 'Phase2a', doc: 'Paxos Commit: propose a value for an instance; ballot 0 comes from the participant itself (its vote).' },
  { type: 'Phase2b', doc: 'Paxos Commit: an acceptor accepted a value for an instance; a majority of one ballot chooses it.' },
  { type: 'Nack', doc: 'Paxos Commit: an acceptor refuses a lower ballot and names the one it promised.' },
];
