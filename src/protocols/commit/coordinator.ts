/**
 * The coordinator's side (Gray 1978; BHG §7.3–7.5; Gray & Lamport §4).
 *
 * The node a `begin` reaches coordinates the transaction: it sends the vote
 * request to every participant and arms its vote timeout.
 * - 2PC: every vote yes → force-write the commit record, then send Commit.
 *   A no vote or the timeout → abort. Presumed abort (BHG §7.4): an abort is
 *   never logged, and a coordinator asked about a transaction it has no
 *   record of answers Abort.
 * - 3PC: every vote yes → force-write a PreCommit record, send PreCommit,
 *   collect Acks (a participant that does not ack within the timeout is
 *   taken as failed), force-write the commit record, send DoCommit.
 * - Paxos Commit: the coordinator is the initial leader. It logs nothing:
 *   the votes are decided by the acceptors (paxos-commit.ts), so anyone can
 *   finish the transaction without it. On its timeout it leads a recovery
 *   ballot for the instances still open.
 * The decision is sent only once it is durable — unless
 * `bug_early_decision` sends it while the write is still in flight.
 */
import type { ClientOp, Json, NodeId } from '../../engine/protocol.js';
import { Draft, timerName } from './draft.js';
import { announce, ensureLead, startRound } from './paxos-commit.js';
import { isDecided, type CoordTx, type Decision, type TxId } from './state.js';

/** `begin TX [with NODES] [put KEY = VALUE]` at the node that will coordinate it. */
export function begin(d: Draft, op: ClientOp): void {
  const tx = typeof op.args.tx === 'string' ? op.args.tx : '';
  const fail = (error: string) => d.ctx.reply(op.id, false, { error });
  if (tx === '') return fail('begin needs a transaction name');
  if (d.s.kind === 'acceptor') return fail(`${d.id} is an acceptor; begin transactions at another node`);
  if (d.coordTx(tx) !== undefined || d.tx(tx) !== undefined) return fail(`${d.id} already knows a transaction ${tx}`);
  const parts = participantsOf(d, op.args.parts);
  if (typeof parts === 'string') return fail(parts);
  const key = typeof op.args.key === 'string' ? op.args.key : null;
  const value: Json = key === null ? null : (op.args.value ?? null);
  const c: CoordTx = {
    phase: 'VOTING', parts, key, value, began: d.now, votes: {}, acks: [], op: op.id, presumed: false, recovered: false, hops: 0,
  };
  d.setCoord(tx, c);
  const type = d.p.protocol === 'threepc' ? 'CanCommit' : 'Prepare';
  for (const p of parts) d.send(p, type, { tx, hops: 1, coord: d.id, parts, key, value, began: d.now });
  if (d.p.protocol === 'paxos_commit') ensureLead(d, tx, parts, d.id);
  d.ctx.setTimer(timerName.coordinator(tx), d.p.timeout);
}

/** The participants a `begin` names, or by default every other node but the acceptors (the first `participants` of them). */
function participantsOf(d: Draft, named: Json | undefined): NodeId[] | string {
  const acceptors = new Set(d.acceptors);
  if (Array.isArray(named)) {
    const list = [...new Set(named.map(String))];
    if (list.includes(d.id)) return `the coordinator ${d.id} cannot also be a participant of its transaction`;
    const bad = list.find((n) => acceptors.has(n));
    if (bad !== undefined) return `${bad} is an acceptor, not a participant`;
    return list.length > 0 ? list : 'begin needs at least one participant';
  }
  const all = d.ctx.nodes.filter((n) => n !== d.id && !acceptors.has(n));
  const list = d.p.participants > 0 ? all.slice(0, d.p.participants) : all;
  return list.length > 0 ? list : 'begin needs at least one participant: the cluster has no other node';
}

export function onVote(d: Draft, from: NodeId, tx: TxId, yes: boolean, hops: number): void {
  const c = d.coordTx(tx);
  if (c === undefined) {
    // Presumed abort: no record means abort (a coordinator that restarted before deciding).
    if (yes && d.p.protocol !== 'paxos_commit') presumeAbort(d, tx, from, hops);
    return;
  }
  if (c.phase !== 'VOTING') return; // a late vote: the outcome went to every participant already
  const next: CoordTx = { ...c, votes: { ...c.votes, [from]: yes ? 'yes' : 'no' }, hops: Math.max(c.hops, hops) };
  d.setCoord(tx, next);
  if (!yes) return coordinatorDecides(d, tx, next, 'ABORTED');
  if (next.parts.every((p) => next.votes[p] === 'yes')) {
    if (d.p.protocol === 'threepc') preCommit(d, tx, next);
    else coordinatorDecides(d, tx, next, 'COMMITTED');
  }
}

/** 3PC's second phase: log PreCommit (forced), then tell every participant. */
function preCommit(d: Draft, tx: TxId, c: CoordTx): void {
  d.setCoord(tx, { ...c, phase: 'PRECOMMIT' });
  d.log({ at: d.now, tx, kind: 'coord-precommit', parts: c.parts, began: c.began });
  for (const p of c.parts) d.send(p, 'PreCommit', { tx, hops: c.hops + 1 });
  d.ctx.setTimer(timerName.coordinator(tx), d.p.timeout);
}

export function onAck(d: Draft, from: NodeId, tx: TxId, hops: number): void {
  const c = d.coordTx(tx);
  if (c === undefined || c.phase !== 'PRECOMMIT' || c.acks.includes(from)) return;
  const next: CoordTx = { ...c, acks: [...c.acks, from], hops: Math.max(c.hops, hops) };
  d.setCoord(tx, next);
  if (next.parts.every((p) => next.acks.includes(p))) coordinatorDecides(d, tx, next, 'COMMITTED');
}

/**
 * The coordinator decides. Commit: force-write the commit record, then send
 * the outcome (the sends wait for the write); `bug_early_decision` sends it
 * at once, so a crash before the write lands leaves participants committed
 * and a coordinator that, restarted, remembers nothing and presumes abort.
 * Abort: nothing is logged (presumed abort). Paxos Commit logs nothing: the
 * outcome follows from what the acceptors chose.
 */
export function coordinatorDecides(d: Draft, tx: TxId, c: CoordTx, decision: Decision): void {
  d.setCoord(tx, { ...c, phase: decision });
  const logs = decision === 'COMMITTED' && d.p.protocol !== 'paxos_commit';
  if (logs) d.log({ at: d.now, tx, kind: 'coord-commit', parts: c.parts, began: c.began });
  const early = logs && d.p.bugEarlyDecision;
  if (early) d.note(`BUG (bug_early_decision): ${d.id} sends COMMIT for ${tx} before its commit record is on disk`);
  for (const p of c.parts) d.send(p, d.outcomeType(decision), { tx, hops: c.hops + 1, parts: c.parts }, early ? { waitForWrites: false } : undefined);
  answerClient(d, c, tx, decision);
  d.ctx.cancelTimer(timerName.coordinator(tx));
}

function answerClient(d: Draft, c: CoordTx, tx: TxId, decision: Decision): void {
  if (c.op !== null) d.ctx.reply(c.op, true, { tx, outcome: decision === 'COMMITTED' ? 'committed' : 'aborted' });
}

/** The outcome reached the coordinator from elsewhere (a Paxos Commit leader, or 3PC participants a recovered coordinator asked). */
export function coordinatorLearns(d: Draft, tx: TxId, decision: Decision): void {
  const c = d.coordTx(tx);
  if (c === undefined || isDecided(c.phase)) return;
  d.setCoord(tx, { ...c, phase: decision, recovered: false });
  if (decision === 'COMMITTED' && d.p.protocol !== 'paxos_commit') d.log({ at: d.now, tx, kind: 'coord-commit', parts: c.parts, began: c.began });
  answerClient(d, c, tx, decision);
  d.ctx.cancelTimer(timerName.coordinator(tx));
}

/** BHG §7.4: a coordinator with no record of a transaction answers Abort, and remembers that it did. */
export function presumeAbort(d: Draft, tx: TxId, to: NodeId, hops: number): void {
  if (d.coordTx(tx) === undefined) {
    d.setCoord(tx, { phase: 'ABORTED', parts: [], key: null, value: null, began: -1, votes: {}, acks: [], op: null, presumed: true, recovered: false, hops });
    d.note(`${d.id} has no record of ${tx}: presumed abort`);
  }
  d.send(to, 'Abort', { tx, hops: hops + 1, parts: [] });
}

/** The coordinator's timer: the vote timeout, 3PC's acknowledgement timeout, or a recovered 3PC coordinator asking again. */
export function onCoordinatorTimeout(d: Draft, tx: TxId): void {
  const c = d.coordTx(tx);
  if (c === undefined || isDecided(c.phase)) return;
  if (c.phase === 'PRECOMMIT') {
    if (c.recovered) {
      // BHG §7.5: a recovered coordinator that reached PreCommit cannot decide alone; it asks.
      for (const p of c.parts) d.send(p, 'DecisionRequest', { tx, hops: c.hops + 1, coord: d.id, parts: c.parts });
      d.ctx.setTimer(timerName.coordinator(tx), 2 * d.p.timeout);
      return;
    }
    // Participants that did not acknowledge are taken as failed: every live one is committable.
    return coordinatorDecides(d, tx, c, 'COMMITTED');
  }
  if (d.p.bugCommitWithoutVotes && !Object.values(c.votes).includes('no')) {
    d.note(`BUG (bug_commit_without_votes): ${d.id} commits ${tx} without a vote from ${c.parts.filter((p) => c.votes[p] !== 'yes').join(', ')}`);
    const all: CoordTx = { ...c, votes: Object.fromEntries(c.parts.map((p) => [p, 'yes' as const])) };
    if (d.p.protocol === 'threepc') return preCommit(d, tx, all);
    if (d.p.protocol === 'paxos_commit') return announce(d, tx, ensureLead(d, tx, c.parts, d.id), 'COMMITTED');
    return coordinatorDecides(d, tx, all, 'COMMITTED');
  }
  if (d.p.protocol === 'paxos_commit') {
    // Gray & Lamport §4: the leader starts a higher ballot for every instance with no decision, proposing "aborted" where no value was accepted.
    startRound(d, tx);
    return;
  }
  d.note(`${d.id} times out waiting for the votes on ${tx}: abort`);
  coordinatorDecides(d, tx, c, 'ABORTED');
}
