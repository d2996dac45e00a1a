/**
 * The participant's side (Gray 1978; BHG §7.3 for 2PC, §7.5 for 3PC; Gray &
 * Lamport §4 for Paxos Commit's resource managers).
 *
 * - On the vote request a participant votes by its policy. A yes vote takes
 *   the write's lock (no-wait locking: a key locked by another transaction
 *   makes it vote no), force-writes a `prepared` record and only then sends
 *   the vote (2PC/3PC: Vote to the coordinator; Paxos Commit: Phase2a with
 *   ballot 0 and value "prepared" to every acceptor). A no vote aborts at once
 *   (a participant may abort unilaterally until it votes yes). Policy
 *   `crash_before_vote`: it fails before voting — nothing is logged or sent, and since
 *   it never voted it will abort when it hears of the transaction again.
 * - From the yes vote until it learns the outcome the participant is
 *   uncertain (READY, or PRECOMMIT in 3PC) and holds its locks; its timer
 *   runs the termination protocol of its commit protocol (termination.ts).
 * - On the outcome it logs it, applies or discards the write and releases
 *   the lock. An outcome never changes: a second, different one is noted and
 *   ignored.
 */
import type { NodeId } from '../../engine/protocol.js';
import { Draft, timerName } from './draft.js';
import type { VoteRequest } from './messages.js';
import { isDecided, isUncertain, type Decision, type PartTx, type TxId } from './state.js';

/** 2PC Prepare / 3PC CanCommit / Paxos Commit Prepare at a participant. */
export function onVoteRequest(d: Draft, b: VoteRequest): void {
  const known = d.tx(b.tx);
  if (known !== undefined) {
    // A repeated request: repeat the vote (or nothing, once the outcome is known and it was yes).
    if (known.vote === 'yes' && isUncertain(known)) sendVote(d, b.tx, known, true, b.hops + 1);
    else if (known.vote !== 'yes' && known.state === 'ABORTED') sendVote(d, b.tx, known, false, b.hops + 1);
    return;
  }
  if (d.s.kind === 'acceptor') {
    d.note(`${d.id} is an acceptor, not a participant: ignores the vote request for ${b.tx}`);
    return;
  }
  const base: PartTx = {
    state: 'INIT', coord: b.coord, parts: b.parts, key: b.key, value: b.value, began: b.began, vote: null,
    votedAt: -1, decidedAt: -1, by: null, hops: b.hops, waited: 0, recovered: false, term: null,
  };
  if (d.policy === 'crash_before_vote') {
    d.note(`${d.id} crashes before voting on ${b.tx} (vote crash_before_vote): nothing logged, no vote; it will abort when it hears of ${b.tx} again`);
    return;
  }
  const holder = b.key === null ? undefined : d.lockHolder(b.key);
  if (d.policy === 'no' || (holder !== undefined && holder !== b.tx)) {
    d.note(d.policy === 'no' ? `${d.id} votes no on ${b.tx} (vote no)` : `${d.id} votes no on ${b.tx}: ${b.key} is locked by ${holder}`);
    const t: PartTx = { ...base, state: 'ABORTED', vote: 'no', votedAt: d.now, decidedAt: d.now, by: d.id };
    d.setTx(b.tx, t);
    d.log({ at: d.now, tx: b.tx, kind: 'no', coord: b.coord, parts: b.parts, began: b.began });
    sendVote(d, b.tx, t, false, b.hops + 1);
    return;
  }
  if (b.key !== null) d.lock(b.key, b.tx);
  const t: PartTx = { ...base, state: 'READY', vote: 'yes', votedAt: d.now };
  d.setTx(b.tx, t);
  d.log({ at: d.now, tx: b.tx, kind: 'prepared', coord: b.coord, parts: b.parts, key: b.key, value: b.value, began: b.began });
  sendVote(d, b.tx, t, true, b.hops + 1);
  armParticipantTimer(d, b.tx, t);
}

/**
 * Sends a vote. A yes vote waits for the `prepared` record (the default); a
 * no vote need not (presumed abort: an abort is never forced). Paxos Commit
 * sends the vote to the acceptors as ballot 0 of the participant's instance.
 */
function sendVote(d: Draft, tx: TxId, t: PartTx, yes: boolean, hops: number): void {
  const wait = { waitForWrites: yes };
  if (d.p.protocol === 'paxos_commit') {
    const body = { tx, hops, ins: d.id, bal: 0, val: yes ? 'prepared' as const : 'aborted' as const, leader: t.coord, parts: t.parts, coord: t.coord };
    for (const a of d.acceptors) d.send(a, 'Phase2a', body, wait);
    return;
  }
  d.send(t.coord, 'Vote', { tx, hops, yes }, wait);
}

/** How long an uncertain participant waits before its next termination step (each protocol's timeout per state). */
export function participantTimeout(d: Draft, t: PartTx): number {
  const T = d.p.timeout;
  switch (d.p.protocol) {
    case 'twopc':
      return T; // ask again every timeout (BHG's cooperative termination protocol)
    case 'threepc':
      // A live coordinator always speaks within one timeout of the last step, so waiting twice as long
      // means it failed (the synchronous bound 3PC assumes); a termination coordinator collects for one
      // timeout, and a follower gives it three (collect, PreCommit round, outcome).
      if (t.term?.phase === 'follow') return 3 * T;
      if (t.term !== null) return T;
      return 2 * T;
    case 'paxos_commit': {
      // Lower-ranked participants try first; jitter breaks ties between dueling recovery leaders.
      const rank = Math.max(0, t.parts.indexOf(d.id));
      return (2 + rank) * T + d.ctx.randomInt(0, Math.floor(T / 2));
    }
    default: {
      const never: never = d.p.protocol;
      return never;
    }
  }
}

export function armParticipantTimer(d: Draft, tx: TxId, t: PartTx): void {
  d.ctx.setTimer(timerName.participant(tx), participantTimeout(d, t));
}

/**
 * The outcome reaches a participant (from the coordinator, another
 * participant, a termination coordinator or a Paxos Commit leader).
 */
export function learnOutcome(d: Draft, tx: TxId, decision: Decision, by: NodeId, hops: number): void {
  const t = d.tx(tx);
  if (t === undefined) {
    // It never voted: it may abort; it cannot commit what it never prepared.
    if (decision === 'COMMITTED') d.note(`${d.id} hears COMMIT for ${tx}, which it never prepared: it cannot commit it and aborts`);
    const rec: PartTx = {
      state: 'ABORTED', coord: by, parts: [], key: null, value: null, began: -1, vote: null,
      votedAt: -1, decidedAt: d.now, by: decision === 'ABORTED' ? by : d.id, hops, waited: 0, recovered: false, term: null,
    };
    d.setTx(tx, rec);
    d.log({ at: d.now, tx, kind: 'abort', by: rec.by!, hops });
    return;
  }
  if (isDecided(t.state)) {
    if (t.state !== decision) d.note(`${d.id} already ${t.state} ${tx}; ignores ${decision} from ${by}`);
    return;
  }
  decide(d, tx, t, decision, by, hops);
}

/** Takes the outcome: logs it, applies or discards the write, releases the lock, stops the timer. */
export function decide(d: Draft, tx: TxId, t: PartTx, decision: Decision, by: NodeId, hops: number): PartTx {
  const next: PartTx = { ...t, state: decision, decidedAt: d.now, by, hops, waited: t.votedAt >= 0 ? d.now - t.votedAt : 0, term: null };
  d.setTx(tx, next);
  if (t.key !== null) {
    if (decision === 'COMMITTED') d.write(t.key, t.value);
    d.unlock(t.key, tx);
  }
  d.log({ at: d.now, tx, kind: decision === 'COMMITTED' ? 'commit' : 'abort', by, hops });
  d.ctx.cancelTimer(timerName.participant(tx));
  return next;
}

/** 3PC: PreCommit (from the coordinator, or a termination coordinator under TR4) makes the participant committable. */
export function onPreCommit(d: Draft, from: NodeId, tx: TxId, hops: number): void {
  const t = d.tx(tx);
  if (t === undefined || t.state === 'ABORTED') {
    d.note(`${d.id} ignores PreCommit for ${tx}: ${t === undefined ? 'it never voted' : 'it already aborted'}`);
    return;
  }
  if (t.state === 'READY') {
    const next: PartTx = { ...t, state: 'PRECOMMIT', hops, waited: d.now - t.votedAt };
    d.setTx(tx, next);
    d.log({ at: d.now, tx, kind: 'precommit' });
    armParticipantTimer(d, tx, next);
  }
  d.send(from, 'Ack', { tx, hops: hops + 1 });
}
