/**
 * What an uncertain participant does when its timer fires, per protocol,
 * and the answers the others give.
 *
 * 2PC, the cooperative termination protocol (BHG §7.3): a participant in
 * READY cannot decide alone — it voted yes, so the coordinator may have
 * committed. It asks the coordinator and every other participant
 * (DecisionRequest). Anyone who knows the outcome tells it; a participant
 * that has not voted yet aborts unilaterally and says Abort; one that is
 * itself READY cannot help. If everyone it can reach is READY it stays
 * blocked, holding its locks, and asks again each timeout.
 * (`bug_ready_timeout_abort`: it aborts on the timeout instead.)
 *
 * 3PC, the termination protocol (Skeen 1981; BHG §7.5): the participants
 * elect a new coordinator — here the lowest-ranked participant (by its place
 * in the coordinator's list) that is still operational; a participant
 * follows any lower-ranked one that asks, and tells a higher-ranked one to
 * yield. The new coordinator collects the states it can (StateRequest /
 * StateReport) and applies the standard rule:
 *   TR1 some participant ABORTED → abort;
 *   TR2 some COMMITTED → commit;
 *   TR3 all uncertain (READY) → abort;
 *   TR4 some PRECOMMIT, none committed → PreCommit the READY ones, then commit.
 * This is safe when timeouts are accurate failure detectors — a synchronous
 * network with no partitions: then the operational participants are never
 * spread over a state adjacent to commit and one adjacent to abort (Skeen's
 * nonblocking condition), so the rule picks the only outcome anyone can have
 * reached. Under a partition each side elects its own termination
 * coordinator, each sees only its side's states, and they can decide
 * differently — which is the demonstration. A participant that
 * recovers from a crash while uncertain does not take part; it only asks
 * (DecisionRequest), as BHG's recovery procedure says.
 *
 * Paxos Commit: the participant becomes a recovery leader (paxos-commit.ts).
 */
import type { NodeId } from '../../engine/protocol.js';
import { presumeAbort } from './coordinator.js';
import { Draft } from './draft.js';
import type { DecisionRequest, StateReport, StateRequest } from './messages.js';
import { leadRecovery } from './paxos-commit.js';
import { armParticipantTimer, decide, learnOutcome } from './participant.js';
import { isDecided, isUncertain, type PartTx, type TxId, type TxState } from './state.js';

/** The participant's timer: one termination step for its protocol. */
export function onParticipantTimeout(d: Draft, tx: TxId): void {
  const t = d.tx(tx);
  if (t === undefined || !isUncertain(t)) return;
  const waited: PartTx = { ...t, waited: d.now - t.votedAt };
  d.setTx(tx, waited);
  switch (d.p.protocol) {
    case 'twopc':
      if (d.p.bugReadyTimeoutAbort) {
        d.note(`BUG (bug_ready_timeout_abort): ${d.id} voted yes on ${tx} but aborts on its timeout`);
        decide(d, tx, waited, 'ABORTED', d.id, t.hops);
        return;
      }
      askOthers(d, tx, waited);
      armParticipantTimer(d, tx, waited);
      return;
    case 'threepc':
      if (t.recovered) {
        askOthers(d, tx, waited);
        armParticipantTimer(d, tx, waited);
        return;
      }
      return terminationStep(d, tx, waited);
    case 'paxos_commit':
      // From here the leader's own timer retries with higher ballots until the outcome is known.
      leadRecovery(d, tx, t.parts, t.coord);
      return;
    default: {
      const never: never = d.p.protocol;
      return never;
    }
  }
}

/** DecisionRequest to the coordinator and every other participant. */
function askOthers(d: Draft, tx: TxId, t: PartTx): void {
  const body = { tx, hops: t.hops + 1, coord: t.coord, parts: t.parts };
  if (t.coord !== d.id) d.send(t.coord, 'DecisionRequest', body);
  for (const p of t.parts) if (p !== d.id) d.send(p, 'DecisionRequest', body);
}

/** Anyone who knows the outcome answers; an INIT participant aborts unilaterally; an uncertain one cannot help. */
export function onDecisionRequest(d: Draft, from: NodeId, b: DecisionRequest): void {
  const c = d.coordTx(b.tx);
  if (c !== undefined) {
    if (isDecided(c.phase)) d.send(from, d.outcomeType(c.phase), { tx: b.tx, hops: b.hops + 1, parts: c.parts });
    return;
  }
  const t = d.tx(b.tx);
  if (t !== undefined) {
    if (isDecided(t.state)) d.send(from, d.outcomeType(t.state), { tx: b.tx, hops: b.hops + 1, parts: t.parts });
    return;
  }
  if (d.p.protocol === 'paxos_commit') return; // the outcome is the acceptors' to tell
  if (b.coord === d.id) return presumeAbort(d, b.tx, from, b.hops);
  if (b.parts.includes(d.id)) abortUnvoted(d, b.tx, b.coord, b.parts, from, b.hops);
}

/** A participant asked about a transaction it never voted on aborts it (BHG §7.3) and says so. */
function abortUnvoted(d: Draft, tx: TxId, coord: NodeId, parts: NodeId[], to: NodeId, hops: number): void {
  d.note(`${d.id} never voted on ${tx}: it aborts it unilaterally`);
  d.setTx(tx, {
    state: 'ABORTED', coord, parts, key: null, value: null, began: -1, vote: null,
    votedAt: -1, decidedAt: d.now, by: d.id, hops, waited: 0, recovered: false, term: null,
  });
  d.log({ at: d.now, tx, kind: 'no', coord, parts, began: -1 });
  d.send(to, 'Abort', { tx, hops: hops + 1, parts });
}

// ---------------------------------------------------------------- 3PC termination protocol

function rank(t: PartTx, node: NodeId): number {
  const r = t.parts.indexOf(node);
  return r < 0 ? Number.MAX_SAFE_INTEGER : r;
}

/** Whom this participant takes as the termination coordinator: the one it follows, itself, or nobody yet. */
function termLeader(d: Draft, t: PartTx): NodeId | null {
  if (t.term === null) return null;
  return t.term.phase === 'follow' ? t.term.leader : d.id;
}

function terminationStep(d: Draft, tx: TxId, t: PartTx): void {
  const term = t.term;
  if (term === null || term.phase === 'follow') {
    // No coordinator, or the one followed went silent: stand as the termination coordinator.
    const next: PartTx = { ...t, term: { phase: 'collect', reports: {} } };
    d.setTx(tx, next);
    d.note(`${d.id} runs the 3PC termination protocol for ${tx}`);
    const others = t.parts.filter((p) => p !== d.id);
    for (const p of others) d.send(p, 'StateRequest', { tx, hops: t.hops + 1, parts: t.parts });
    if (others.length === 0) return applyRule(d, tx, next, {});
    armParticipantTimer(d, tx, next);
    return;
  }
  if (term.phase === 'collect') return applyRule(d, tx, t, term.reports); // the silent ones are taken as failed
  // TR4's acknowledgements timed out: the rest are failed, every live one is committable.
  terminate(d, tx, t, 'COMMITTED');
}

/** BHG §7.5's termination rule over the states collected (this participant's own included). */
function applyRule(d: Draft, tx: TxId, t: PartTx, reports: Record<NodeId, TxState>): void {
  const states = [t.state, ...Object.values(reports)];
  const heard = Object.keys(reports);
  if (states.includes('ABORTED')) return terminate(d, tx, t, 'ABORTED', `TR1 (${whoIs(reports, 'ABORTED')} aborted)`);
  if (states.includes('COMMITTED')) return terminate(d, tx, t, 'COMMITTED', `TR2 (${whoIs(reports, 'COMMITTED')} committed)`);
  if (!states.includes('PRECOMMIT')) return terminate(d, tx, t, 'ABORTED', `TR3 (all uncertain: ${[d.id, ...heard].join(', ')})`);
  // TR4: make the uncertain ones committable first, then commit.
  let self = t;
  if (t.state === 'READY') {
    self = { ...t, state: 'PRECOMMIT' };
    d.log({ at: d.now, tx, kind: 'precommit' });
  }
  const waiting = heard.filter((p) => reports[p] === 'READY');
  d.note(`${d.id} decides COMMIT for ${tx} by TR4 (some committable${waiting.length ? `; PreCommit to ${waiting.join(', ')} first` : ''})`);
  if (waiting.length === 0) return terminate(d, tx, self, 'COMMITTED');
  const next: PartTx = { ...self, term: { phase: 'precommit', waiting } };
  d.setTx(tx, next);
  for (const p of waiting) d.send(p, 'PreCommit', { tx, hops: t.hops + 1 });
  armParticipantTimer(d, tx, next);
}

function whoIs(reports: Record<NodeId, TxState>, state: TxState): string {
  return Object.keys(reports).filter((p) => reports[p] === state).join(', ') || 'itself';
}

/** The termination coordinator decides and tells every other participant. */
function terminate(d: Draft, tx: TxId, t: PartTx, decision: 'COMMITTED' | 'ABORTED', why?: string): void {
  if (why !== undefined) d.note(`${d.id} decides ${decision === 'COMMITTED' ? 'COMMIT' : 'ABORT'} for ${tx} by ${why}`);
  decide(d, tx, t, decision, d.id, t.hops);
  for (const p of t.parts) if (p !== d.id) d.send(p, d.outcomeType(decision), { tx, hops: t.hops + 1, parts: t.parts });
}

/** A termination coordinator asks: report, and follow it if it ranks below whoever this one follows. */
export function onStateRequest(d: Draft, from: NodeId, b: StateRequest): void {
  let t = d.tx(b.tx);
  if (t === undefined) {
    // Never voted (INIT): abort unilaterally, and report it.
    d.setTx(b.tx, {
      state: 'ABORTED', coord: '', parts: b.parts, key: null, value: null, began: -1, vote: null,
      votedAt: -1, decidedAt: d.now, by: d.id, hops: b.hops, waited: 0, recovered: false, term: null,
    });
    d.log({ at: d.now, tx: b.tx, kind: 'no', coord: '', parts: b.parts, began: -1 });
    t = d.tx(b.tx)!;
  }
  if (!isDecided(t.state) && t.recovered) return; // recovered in doubt: it takes no part
  let yieldTo: NodeId | null = null;
  if (isUncertain(t)) {
    const leader = termLeader(d, t);
    if (leader === null || rank(t, from) < rank(t, leader)) {
      const next: PartTx = { ...t, term: { phase: 'follow', leader: from } };
      d.setTx(b.tx, next);
      armParticipantTimer(d, b.tx, next);
    } else if (leader !== from) yieldTo = leader;
  }
  d.send(from, 'StateReport', { tx: b.tx, hops: b.hops + 1, state: t.state, yieldTo });
}

/** At the termination coordinator: a state, or word that a lower-ranked one coordinates. */
export function onStateReport(d: Draft, from: NodeId, b: StateReport): void {
  const t = d.tx(b.tx);
  if (t === undefined || !isUncertain(t)) return;
  if (isDecided(b.state)) return learnOutcome(d, b.tx, b.state, from, b.hops); // TR1 / TR2 at once
  if (t.term?.phase !== 'collect') return;
  if (b.yieldTo !== null && rank(t, b.yieldTo) < rank(t, d.id)) {
    const next: PartTx = { ...t, term: { phase: 'follow', leader: b.yieldTo } };
    d.setTx(b.tx, next);
    d.note(`${d.id} yields the termination of ${b.tx} to ${b.yieldTo}`);
    armParticipantTimer(d, b.tx, next);
    return;
  }
  const reports = { ...t.term.reports, [from]: b.state };
  const next: PartTx = { ...t, term: { phase: 'collect', reports }, hops: Math.max(t.hops, b.hops) };
  d.setTx(b.tx, next);
  if (t.parts.every((p) => p === d.id || Object.hasOwn(reports, p))) applyRule(d, b.tx, next, reports);
}

/** At a termination coordinator after TR4: every uncertain one acknowledged PreCommit → commit. */
export function onTerminationAck(d: Draft, from: NodeId, tx: TxId): void {
  const t = d.tx(tx);
  if (t === undefined || t.term?.phase !== 'precommit') return;
  const waiting = t.term.waiting.filter((p) => p !== from);
  if (waiting.length > 0) {
    d.setTx(tx, { ...t, term: { phase: 'precommit', waiting } });
    return;
  }
  terminate(d, tx, t, 'COMMITTED');
}
