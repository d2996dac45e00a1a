/**
 * Paxos Commit (Gray & Lamport, "Consensus on Transaction Commit", ACM TODS
 * 2006, §4; their TLA+ module PaxosCommit).
 *
 * Each participant's vote is the value of its own Paxos consensus instance,
 * run by 2F+1 acceptors (the implicit nodes `acc1…`). A participant votes by
 * sending Phase2a with ballot 0 — "prepared" or "aborted" — to every
 * acceptor; an acceptor that has promised no higher ballot accepts it, logs
 * it and tells the leader (Phase2b; the coordinator leads ballot 0). A value
 * is chosen in an instance once a majority (F+1) of acceptors accepted the
 * same ballot. The transaction commits iff every instance chose "prepared";
 * it aborts as soon as one chose "aborted". The leader sends the outcome.
 *
 * Nobody has to wait for the coordinator: on a timeout any participant (and
 * the coordinator itself) becomes a recovery leader with a ballot of its
 * own — ballots are partitioned by node (round × nodes + position + 1, never
 * 0), and the round is logged before use so a restart never reuses one. For
 * every instance not yet known it runs phase 1 (Phase1a / Phase1b) with the
 * acceptors and proposes in phase 2 the value of the highest ballot a
 * majority reported, or "aborted" if none had accepted anything. With at
 * most F acceptors down a majority answers, so the transaction decides; and
 * since any two majorities intersect, every leader learns the same values
 * and the outcome is never split. With F = 0 this is 2PC with the one
 * acceptor as a durable coordinator (the paper's §5).
 */
import type { NodeId } from '../../engine/protocol.js';
import { coordinatorLearns } from './coordinator.js';
import { Draft, timerName } from './draft.js';
import type { Nack, Phase1a, Phase1b, Phase2a, Phase2b } from './messages.js';
import { learnOutcome } from './participant.js';
import { instanceKey, type AccInstance, type Decision, type LeadInstance, type LeadTx, type TxId } from './state.js';

const FRESH: AccInstance = { mbal: 0, bal: -1, val: null };

// ---------------------------------------------------------------- acceptor

/** Phase 2b: accept unless a higher ballot was promised (G&L's Phase2b action). */
export function onPhase2a(d: Draft, from: NodeId, b: Phase2a): void {
  if (d.s.kind !== 'acceptor') return;
  const key = instanceKey(b.tx, b.ins);
  const a = d.accInstance(key) ?? FRESH;
  if (b.bal < a.mbal) {
    if (b.bal > 0) d.send(from, 'Nack', { tx: b.tx, hops: b.hops + 1, ins: b.ins, promised: a.mbal });
    return;
  }
  if (!(a.mbal === b.bal && a.bal === b.bal && a.val === b.val)) {
    d.setAcc(key, { mbal: b.bal, bal: b.bal, val: b.val });
    d.log({ at: d.now, tx: b.tx, kind: 'acceptor', ins: b.ins, mbal: b.bal, bal: b.bal, val: b.val });
  }
  d.send(b.leader, 'Phase2b', { tx: b.tx, hops: b.hops + 1, ins: b.ins, bal: b.bal, val: b.val });
}

/** Phase 1b: promise a higher ballot and report what was accepted (G&L's Phase1b action). */
export function onPhase1a(d: Draft, from: NodeId, b: Phase1a): void {
  if (d.s.kind !== 'acceptor') return;
  const key = instanceKey(b.tx, b.ins);
  const a = d.accInstance(key) ?? FRESH;
  if (b.bal < a.mbal) {
    d.send(from, 'Nack', { tx: b.tx, hops: b.hops + 1, ins: b.ins, promised: a.mbal });
    return;
  }
  if (b.bal > a.mbal) {
    d.setAcc(key, { ...a, mbal: b.bal });
    d.log({ at: d.now, tx: b.tx, kind: 'acceptor', ins: b.ins, mbal: b.bal, bal: a.bal, val: a.val });
  }
  d.send(from, 'Phase1b', { tx: b.tx, hops: b.hops + 1, ins: b.ins, bal: b.bal, accBal: a.bal, accVal: a.val });
}

// ---------------------------------------------------------------- leader

const NO_INSTANCE: LeadInstance = { chosen: null, bal: -1, val: null, accepted: [], promised: [], prevBal: -1, prevVal: null };

/** This node's leader record for `tx`, created when missing. */
export function ensureLead(d: Draft, tx: TxId, parts: NodeId[], coord: NodeId): LeadTx {
  const known = d.lead(tx);
  if (known !== undefined) return known;
  const l: LeadTx = { parts, coord, round: 0, seen: 0, inst: Object.fromEntries(parts.map((p) => [p, NO_INSTANCE])), outcome: null, hops: 0 };
  d.setLead(tx, l);
  return l;
}

/** The ballot of `round` for this node: partitioned by position, never 0. */
function ballot(d: Draft, round: number): number {
  return round * d.ctx.nodes.length + d.ctx.index + 1;
}

/** A majority accepted one ballot's value in an instance: it is chosen (G&L's Decided). */
export function onPhase2b(d: Draft, from: NodeId, b: Phase2b): void {
  const l = d.lead(b.tx);
  if (l === undefined || l.outcome !== null || !Object.hasOwn(l.inst, b.ins)) return;
  const i = l.inst[b.ins]!;
  if (i.chosen !== null || b.bal < i.bal) return;
  const accepted = b.bal > i.bal ? [from] : i.accepted.includes(from) ? i.accepted : [...i.accepted, from];
  const next: LeadInstance = { ...i, bal: b.bal, val: b.val, accepted, chosen: accepted.length >= d.majority ? b.val : null };
  const lead: LeadTx = { ...l, inst: { ...l.inst, [b.ins]: next }, hops: Math.max(l.hops, b.hops) };
  d.setLead(b.tx, lead);
  const outcome = outcomeOf(lead);
  if (outcome !== null) announce(d, b.tx, lead, outcome);
}

/** Commit iff every instance chose "prepared"; abort once any chose "aborted"; else not yet. */
function outcomeOf(l: LeadTx): Decision | null {
  let all = true;
  for (const p of l.parts) {
    const c = l.inst[p]?.chosen ?? null;
    if (c === 'aborted') return 'ABORTED';
    if (c !== 'prepared') all = false;
  }
  return all ? 'COMMITTED' : null;
}

/** The leader knows the outcome: it tells every participant and the coordinator. */
export function announce(d: Draft, tx: TxId, l: LeadTx, outcome: Decision): void {
  d.setLead(tx, { ...l, outcome });
  const hops = l.hops + 1;
  for (const p of l.parts) if (p !== d.id) d.send(p, d.outcomeType(outcome), { tx, hops, parts: l.parts });
  if (l.coord !== d.id) d.send(l.coord, d.outcomeType(outcome), { tx, hops, parts: l.parts });
  if (d.coordTx(tx) !== undefined) coordinatorLearns(d, tx, outcome);
  if (d.tx(tx) !== undefined) learnOutcome(d, tx, outcome, d.id, l.hops);
  d.ctx.cancelTimer(timerName.leader(tx));
  d.ctx.cancelTimer(timerName.coordinator(tx));
}

/** A recovery ballot: log the round, then phase 1 for every instance not yet chosen. */
export function startRound(d: Draft, tx: TxId): void {
  const l = d.lead(tx);
  if (l === undefined || l.outcome !== null) return;
  const n = d.ctx.nodes.length;
  const round = Math.max(l.round + 1, Math.floor(l.seen / n) + 1);
  const bal = ballot(d, round);
  const inst: Record<NodeId, LeadInstance> = {};
  for (const p of l.parts) {
    const i = l.inst[p] ?? NO_INSTANCE;
    inst[p] = i.chosen !== null ? i : { ...i, promised: [], prevBal: -1, prevVal: null };
  }
  d.setLead(tx, { ...l, round, inst });
  d.log({ at: d.now, tx, kind: 'ballot', round, parts: l.parts, coord: l.coord });
  d.note(`${d.id} leads ballot ${bal} of ${tx} (Paxos Commit recovery)`);
  for (const p of l.parts) {
    if (inst[p]!.chosen !== null) continue;
    for (const a of d.acceptors) d.send(a, 'Phase1a', { tx, hops: l.hops + 1, ins: p, bal });
  }
  d.ctx.setTimer(timerName.leader(tx), 2 * d.p.timeout);
}

/** Phase 2a of a recovery ballot once a majority promised (G&L's Phase2a action). */
export function onPhase1b(d: Draft, from: NodeId, b: Phase1b): void {
  const l = d.lead(b.tx);
  if (l === undefined || l.outcome !== null || b.bal !== ballot(d, l.round) || !Object.hasOwn(l.inst, b.ins)) return;
  const i = l.inst[b.ins]!;
  if (i.chosen !== null || i.promised.includes(from)) return;
  const better = b.accBal > i.prevBal;
  const next: LeadInstance = { ...i, promised: [...i.promised, from], prevBal: better ? b.accBal : i.prevBal, prevVal: better ? b.accVal : i.prevVal };
  d.setLead(b.tx, { ...l, inst: { ...l.inst, [b.ins]: next }, hops: Math.max(l.hops, b.hops) });
  if (next.promised.length !== d.majority) return;
  // The value of the highest ballot any of the majority accepted; "aborted" if none accepted anything.
  const val = next.prevVal ?? 'aborted';
  for (const a of d.acceptors) d.send(a, 'Phase2a', { tx: b.tx, hops: b.hops + 1, ins: b.ins, bal: b.bal, val, leader: d.id, parts: l.parts, coord: l.coord });
}

/** An acceptor promised a higher ballot: the next round starts above it. */
export function onNack(d: Draft, b: Nack): void {
  const l = d.lead(b.tx);
  if (l === undefined || l.outcome !== null || b.promised <= l.seen) return;
  d.setLead(b.tx, { ...l, seen: b.promised });
}

/** An uncertain participant (or the leader's retry timer) takes over as leader. */
export function leadRecovery(d: Draft, tx: TxId, parts: NodeId[], coord: NodeId): void {
  const l = ensureLead(d, tx, parts, coord);
  if (l.outcome !== null) {
    if (d.tx(tx) !== undefined) learnOutcome(d, tx, l.outcome, d.id, l.hops);
    return;
  }
  startRound(d, tx);
}
