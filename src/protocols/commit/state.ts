/**
 * The atomic-commit node state, as plain JSON-compatible data.
 *
 * Every node can play every part, per transaction: the node a `begin`
 * reaches coordinates that transaction (`coord`), the nodes it names are its
 * participants (`txs`: Gray's resource managers, BHG's participants), and
 * with Paxos Commit the implicit nodes `acc1…` are acceptors (`acc`) while
 * any node may lead a recovery ballot for a transaction it is in (`leads`).
 *
 * A participant keeps a small key-value store with locks: a transaction's
 * write takes the key's lock when the participant votes yes and holds it until
 * the participant learns the outcome — so a blocked transaction visibly holds
 * its locks, and another transaction that needs the key is refused (no-wait
 * locking: it votes no).
 *
 * The write-ahead log (`wal`) is the node's durable state: every record is
 * persisted (the whole log, `ctx.persist`), and `durableLen` counts the
 * records known to be on disk (the rest are in flight), so the viewer can
 * show a decision that left before it was durable. After a crash the node is
 * rebuilt from the log alone (wal.ts `recover`).
 *
 * States are immutable values: a handler that changes something returns a
 * new object, sharing what it did not change (draft.ts).
 */
import type { Json, NodeId } from '../../engine/protocol.js';

export type TxId = string;

/** A participant's state in one transaction (the cells of the viewer's grid). */
export type TxState = 'INIT' | 'READY' | 'PRECOMMIT' | 'COMMITTED' | 'ABORTED';
export type Decision = 'COMMITTED' | 'ABORTED';

/** A Paxos Commit instance's value: the participant's vote (Gray & Lamport §4). */
export type PaxosValue = 'prepared' | 'aborted';

/** 3PC's termination protocol at one participant (BHG §7.5; Skeen 1981). */
export type Termination =
  /** Coordinating the termination: collecting the others' states (`reports`). */
  | { phase: 'collect'; reports: Record<NodeId, TxState> }
  /** Coordinating, after rule TR4: PreCommit sent to the uncertain ones, waiting for their acknowledgements. */
  | { phase: 'precommit'; waiting: NodeId[] }
  /** Following the lowest-ranked participant that coordinates the termination. */
  | { phase: 'follow'; leader: NodeId };

/** What a participant knows of one transaction. */
export type PartTx = {
  state: TxState;
  coord: NodeId;
  /** Every participant of the transaction, in rank order (the coordinator's list). */
  parts: NodeId[];
  /** The transaction's write at this participant (`put key = value`), or none. */
  key: string | null;
  value: Json;
  /** When the coordinator began the transaction (µs). */
  began: number;
  vote: 'yes' | 'no' | null;
  /** When the vote was logged (µs); -1 before. */
  votedAt: number;
  /** When the outcome reached this participant (µs); -1 before. */
  decidedAt: number;
  /** Who it learned the outcome from (itself when it decided it: a unilateral abort, or as 3PC's termination coordinator). */
  by: NodeId | null;
  /** Message delays from the coordinator's begin to the last message of this transaction this node received. */
  hops: number;
  /** How long it has been uncertain (voted yes, outcome unknown): updated at each timeout and at the outcome (µs). */
  waited: number;
  /** Rebuilt from the log after a crash while uncertain: in 3PC it may only ask, not take part in the termination protocol. */
  recovered: boolean;
  term: Termination | null;
};

/** The coordinator's phase: VOTING shows as INIT in the grid. */
export type CoordPhase = 'VOTING' | 'PRECOMMIT' | Decision;

/** What a coordinator knows of one transaction. */
export type CoordTx = {
  phase: CoordPhase;
  parts: NodeId[];
  key: string | null;
  value: Json;
  began: number;
  votes: Record<NodeId, 'yes' | 'no'>;
  /** 3PC: participants that acknowledged PreCommit. */
  acks: NodeId[];
  /** The client operation to answer with the outcome (null after a restart). */
  op: string | null;
  /** Aborted by presumption: asked about a transaction it has no record of (BHG §7.4, presumed abort). */
  presumed: boolean;
  /** Rebuilt from the log after a crash: 3PC's coordinator with a PreCommit record but no outcome asks the participants. */
  recovered: boolean;
  hops: number;
};

/** An acceptor's state in one Paxos instance (Gray & Lamport's aState: mbal, bal, val). */
export type AccInstance = { mbal: number; bal: number; val: PaxosValue | null };

/** Per instance, what a Paxos Commit leader knows. */
export type LeadInstance = {
  /** The chosen value, once a majority of acceptors accepted one ballot. */
  chosen: PaxosValue | null;
  /** Phase 2b: the highest ballot heard for this instance, its value and the acceptors that accepted it. */
  bal: number;
  val: PaxosValue | null;
  accepted: NodeId[];
  /** Phase 1 of this leader's own ballot: acceptors that promised, and the highest-ballot value they had accepted. */
  promised: NodeId[];
  prevBal: number;
  prevVal: PaxosValue | null;
};

/** A Paxos Commit leader's view of one transaction: the coordinator for ballot 0, any node for a recovery ballot. */
export type LeadTx = {
  parts: NodeId[];
  coord: NodeId;
  /** This leader's current recovery round (0: none yet); its ballot is round * nodes + rank + 1. */
  round: number;
  /** The highest ballot any acceptor said it promised (to start the next round above it). */
  seen: number;
  inst: Record<NodeId, LeadInstance>;
  outcome: Decision | null;
  hops: number;
};

/** A write-ahead log record; `at` is when it was written (µs). */
export type WalRecord =
  /** Participant: voted yes (force-written before the vote leaves), with what it needs to redo the write and finish the protocol. */
  | { at: number; tx: TxId; kind: 'prepared'; coord: NodeId; parts: NodeId[]; key: string | null; value: Json; began: number }
  /** Participant: voted no or aborted unilaterally (not forced). */
  | { at: number; tx: TxId; kind: 'no'; coord: NodeId; parts: NodeId[]; began: number }
  /** Participant (3PC): received PreCommit. */
  | { at: number; tx: TxId; kind: 'precommit' }
  /** Participant: learned the outcome. */
  | { at: number; tx: TxId; kind: 'commit' | 'abort'; by: NodeId; hops: number }
  /** Coordinator: 3PC's PreCommit record, and the commit record (2PC and 3PC; presumed abort: aborts are not logged). */
  | { at: number; tx: TxId; kind: 'coord-precommit' | 'coord-commit'; parts: NodeId[]; began: number }
  /** Acceptor: its state in one instance, before it answers (Phase1b or Phase2b). */
  | { at: number; tx: TxId; kind: 'acceptor'; ins: NodeId; mbal: number; bal: number; val: PaxosValue | null }
  /** Paxos Commit leader: the round it is about to use, so a restart never reuses a ballot (G&L §4, stable storage for the leader's ballot). */
  | { at: number; tx: TxId; kind: 'ballot'; round: number; parts: NodeId[]; coord: NodeId };

export type CommitState = {
  kind: 'node' | 'acceptor';
  /** Committed key-value data of this participant. */
  kv: Record<string, Json>;
  /** key → the transaction holding its lock. */
  locks: Record<string, TxId>;
  txs: Record<TxId, PartTx>;
  coord: Record<TxId, CoordTx>;
  /** Acceptor: instance state by `tx/ins`. */
  acc: Record<string, AccInstance>;
  leads: Record<TxId, LeadTx>;
  wal: WalRecord[];
  /** Records of `wal` known to be on disk (the first `durableLen`). */
  durableLen: number;
  /** Protocol messages this node sent since it last started (for messages_per_tx). */
  sent: number;
};

const EMPTY = Object.freeze({}) as Record<string, never>;
const NO_RECORDS = Object.freeze([]) as unknown as WalRecord[];

export function initialState(kind: CommitState['kind']): CommitState {
  return { kind, kv: EMPTY, locks: EMPTY, txs: EMPTY, coord: EMPTY, acc: EMPTY, leads: EMPTY, wal: NO_RECORDS, durableLen: 0, sent: 0 };
}

/** The state a participant shows for a transaction it has no record of. */
export const NOT_STARTED: TxState = 'INIT';

export function isDecided(s: TxState | CoordPhase): s is Decision {
  return s === 'COMMITTED' || s === 'ABORTED';
}

/** Voted yes and does not know the outcome: 2PC's window of uncertainty, READY or PRECOMMIT. */
export function isUncertain(t: PartTx): boolean {
  return t.state === 'READY' || t.state === 'PRECOMMIT';
}

/** The coordinator's phase as a grid cell. */
export function coordCell(c: CoordTx): TxState {
  return c.phase === 'VOTING' ? 'INIT' : c.phase;
}

/** The instance key of an acceptor's `acc` table. */
export function instanceKey(tx: TxId, ins: NodeId): string {
  return `${tx}/${ins}`;
}
