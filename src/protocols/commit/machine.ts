/**
 * The atomic-commit handlers: `(state, input) → state`, effects written into
 * the context through a Draft (draft.ts). This file only dispatches; the
 * rules live by role — coordinator.ts, participant.ts, termination.ts (2PC's
 * cooperative termination and 3PC's termination protocol), paxos-commit.ts
 * (acceptors and leaders) — and wal.ts rebuilds a restarted node.
 *
 * A node's role in the lanes is what it does now: `acceptor` (Paxos Commit's
 * implicit nodes), `coordinator` once it coordinates a transaction, else
 * `participant`.
 */
import type { ClientOp, Json, NodeId } from '../../engine/protocol.js';
import { begin, coordinatorLearns, onAck, onCoordinatorTimeout, onVote } from './coordinator.js';
import { Draft, parseTimer, timerName, type Ctx } from './draft.js';
import type { CommitMessage, Outcome } from './messages.js';
import { acceptorIds, readParams } from './params.js';
import { armParticipantTimer, learnOutcome, onPreCommit, onVoteRequest } from './participant.js';
import { leadRecovery, onNack, onPhase1a, onPhase1b, onPhase2a, onPhase2b, startRound } from './paxos-commit.js';
import { initialState, isUncertain, type CommitState, type Decision } from './state.js';
import { onDecisionRequest, onParticipantTimeout, onStateReport, onStateRequest, onTerminationAck } from './termination.js';
import { parseWal, recover } from './wal.js';

function kindOf(ctx: Ctx): CommitState['kind'] {
  return acceptorIds(ctx.params).includes(ctx.id) ? 'acceptor' : 'node';
}

export function init(ctx: Ctx): CommitState {
  return initialState(kindOf(ctx));
}

export function role(s: CommitState): string {
  if (s.kind === 'acceptor') return 'acceptor';
  for (const _ in s.coord) return 'coordinator';
  return 'participant';
}

export function message(s: CommitState, from: NodeId, msg: CommitMessage, ctx: Ctx): CommitState {
  const d = Draft.of(ctx, s);
  switch (msg.type) {
    case 'Prepare':
    case 'CanCommit': onVoteRequest(d, msg.body); break;
    case 'Vote': onVote(d, from, msg.body.tx, msg.body.yes === true, msg.body.hops); break;
    case 'PreCommit': onPreCommit(d, from, msg.body.tx, msg.body.hops); break;
    case 'Ack':
      if (d.coordTx(msg.body.tx) !== undefined) onAck(d, from, msg.body.tx, msg.body.hops);
      else onTerminationAck(d, from, msg.body.tx);
      break;
    case 'Commit':
    case 'DoCommit': outcome(d, from, msg.body, 'COMMITTED'); break;
    case 'Abort': outcome(d, from, msg.body, 'ABORTED'); break;
    case 'DecisionRequest': onDecisionRequest(d, from, msg.body); break;
    case 'StateRequest': onStateRequest(d, from, msg.body); break;
    case 'StateReport': onStateReport(d, from, msg.body); break;
    case 'Phase1a': onPhase1a(d, from, msg.body); break;
    case 'Phase1b': onPhase1b(d, from, msg.body); break;
    case 'Phase2a': onPhase2a(d, from, msg.body); break;
    case 'Phase2b': onPhase2b(d, from, msg.body); break;
    case 'Nack': onNack(d, msg.body); break;
    default: {
      const never: never = msg;
      d.note(`commit: ignored an unknown message ${(never as { type?: unknown }).type as string}`);
    }
  }
  return d.done();
}

/** An outcome message: for whichever parts this node plays in the transaction. */
function outcome(d: Draft, from: NodeId, b: Outcome, decision: Decision): void {
  const { tx, hops } = b;
  const lead = d.lead(tx);
  if (lead !== undefined && lead.outcome === null) {
    d.setLead(tx, { ...lead, outcome: decision });
    d.ctx.cancelTimer(timerName.leader(tx));
  }
  if (d.coordTx(tx) !== undefined) coordinatorLearns(d, tx, decision);
  else if (d.tx(tx) !== undefined || (Array.isArray(b.parts) && b.parts.includes(d.id))) learnOutcome(d, tx, decision, from, hops);
}

export function timer(s: CommitState, name: string, ctx: Ctx): CommitState {
  const t = parseTimer(name);
  if (t === undefined) return s;
  const d = Draft.of(ctx, s);
  switch (t.kind) {
    case 'coordinator': onCoordinatorTimeout(d, t.tx); break;
    case 'participant': onParticipantTimeout(d, t.tx); break;
    case 'leader': startRound(d, t.tx); break;
  }
  return d.done();
}

export function client(s: CommitState, op: ClientOp, ctx: Ctx): CommitState {
  const d = Draft.of(ctx, s);
  switch (op.name) {
    case 'begin': begin(d, op); break;
    case 'get': read(d, op); break;
    default: ctx.reply(op.id, false, { error: `commit has no operation ${op.name}` });
  }
  return d.done();
}

/** `get KEY` at a participant: its committed value, unless an uncertain transaction holds the key's lock. */
function read(d: Draft, op: ClientOp): void {
  const key = typeof op.args.key === 'string' ? op.args.key : '';
  const holder = d.lockHolder(key);
  if (holder !== undefined) {
    const t = d.tx(holder);
    d.ctx.reply(op.id, false, { error: `${key} is locked by ${holder} (${t?.state ?? '?'} at ${d.id})` });
    return;
  }
  d.ctx.reply(op.id, true, Object.hasOwn(d.s.kv, key) ? d.s.kv[key]! : null);
}

/** After a crash: rebuilt from the log; uncertain transactions resume their termination, decided ones are re-announced. */
export function restart(durable: Json | undefined, ctx: Ctx): CommitState {
  const s = recover(parseWal(durable), kindOf(ctx));
  const d = Draft.of(ctx, s);
  const p = readParams(ctx.params);
  for (const tx in s.txs) {
    const t = s.txs[tx]!;
    if (isUncertain(t)) armParticipantTimer(d, tx, t);
  }
  for (const tx in s.coord) {
    const c = s.coord[tx]!;
    if (c.phase === 'COMMITTED') for (const q of c.parts) d.send(q, d.outcomeType('COMMITTED'), { tx, hops: c.hops + 1, parts: c.parts });
    else if (c.phase === 'PRECOMMIT') ctx.setTimer(timerName.coordinator(tx), 0);
  }
  if (p.protocol === 'paxos_commit') {
    for (const tx in s.leads) {
      const l = s.leads[tx]!;
      if (l.outcome === null && s.txs[tx] === undefined) leadRecovery(d, tx, l.parts, l.coord);
    }
  }
  return d.done();
}

/** A write completed: the log is on disk up to its length. */
export function durable(s: CommitState, written: Json): CommitState {
  const n = Array.isArray(written) ? written.length : s.durableLen;
  return n > s.durableLen ? { ...s, durableLen: n } : s;
}
