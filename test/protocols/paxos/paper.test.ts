// One test per rule of Lamport's "Paxos Made Simple" (PMS, 2001) for single-decree Paxos, and of
// van Renesse & Altinbuken's "Paxos Made Moderately Complex" (PMMC, 2015) with PMS §3 for
// Multi-Paxos, shaped init → step → check the messages sent and the state, as etcd-io/raft's
// raft_paper_test.go.
import assert from 'node:assert/strict';
import type { Json } from '../../../src/engine/protocol.js';
import { EMPTY_SLOTS, slotAt, withSlot } from '../../../src/protocols/paxos/_slots.js';
import type { Ballot } from '../../../src/protocols/paxos/ballot.js';
import { compare } from '../../../src/protocols/paxos/ballot.js';
import { copyMulti, copySingle, NOOP, type Cmd, type MultiState, type PValue, type SingleState } from '../../../src/protocols/paxos/state.js';
import {
  bodies, client, durableBefore, lastPersist, multiCtx, multiInit, paxos, sends, singleCtx, singleInit, TestContext,
} from './_context.js';

const B = (round: number, id: string): Ballot => [round, id];
const put = (id: string, key: string, value: number, origin = 'n1'): Cmd => ({ op: 'put', id, origin, key, value });

function single(id: string, patch: Partial<SingleState>, params = {}): { s: SingleState; ctx: ReturnType<typeof singleCtx> } {
  const { s, ctx } = singleInit(id, params);
  return { s: { ...copySingle(s), ...patch }, ctx };
}

function multi(id: string, patch: Partial<MultiState>, params = {}): { s: MultiState; ctx: ReturnType<typeof multiCtx> } {
  const { s, ctx } = multiInit(id, params);
  return { s: { ...copyMulti(s), ...patch }, ctx };
}

describe('Paxos Made Simple (single-decree)', () => {
  it('§2.2 phase 1(a): a proposer picks a ballot above every round it has used and sends a prepare request to every acceptor', () => {
    const { s, ctx } = single('p1', { round: 4 });
    const next = client(s, ctx, 'c1', 'propose', { value: 'A' }) as SingleState;
    assert.deepEqual(next.ballot, [5, 'p1']);
    assert.equal(next.phase, 'prepare');
    const effects = ctx.take();
    assert.deepEqual(sends(effects, 'P1a').map((m) => m.to), ['a1', 'a2', 'a3']);
    assert.deepEqual(bodies(effects, 'P1a')[0], { b: [5, 'p1'] });
    // §2.5: the round is written down; the prepare requests need not wait for it, the accept requests will.
    assert.equal(lastPersist(effects).round, 5);
    assert.ok(sends(effects, 'P1a').every((m) => !m.waits));
  });

  it('§2.2 phase 1(b): an acceptor promises a ballot higher than any it promised, on disk before it answers with the proposal it accepted', () => {
    const accepted = { b: B(2, 'p2'), v: 'X' };
    const { s, ctx } = single('a1', { promised: B(2, 'p2'), accepted, votes: [accepted] });
    const next = paxos.onMessage(s, 'p1', { type: 'P1a', body: { b: B(3, 'p1') } }, ctx) as SingleState;
    assert.deepEqual(next.promised, [3, 'p1']);
    const effects = ctx.take();
    assert.deepEqual(bodies(effects, 'P1b'), [{ b: [3, 'p1'], accepted }]);
    assert.deepEqual(lastPersist(effects).promised, [3, 'p1']);
    assert.ok(durableBefore(effects, 'P1b'));
  });

  it('§2.2 phase 1(b): a prepare below the promise is refused with a Nack naming the higher ballot, sent at once; the same ballot is answered again', () => {
    const { s, ctx } = single('a1', { promised: B(3, 'p2') });
    const same = paxos.onMessage(s, 'p1', { type: 'P1a', body: { b: B(3, 'p1') } }, ctx);
    assert.equal(same, s, 'state unchanged');
    const effects = ctx.take();
    assert.deepEqual(bodies(effects, 'Nack'), [{ b: [3, 'p2'], ballot: [3, 'p1'] }]);
    assert.ok(sends(effects, 'Nack').every((m) => !m.waits));
    assert.equal(sends(effects, 'P1b').length, 0);
    // A repeated prepare for the ballot it promised (its answer may have been lost) is answered again.
    paxos.onMessage(s, 'p2', { type: 'P1a', body: { b: B(3, 'p2') } }, ctx);
    assert.deepEqual(bodies(ctx.take(), 'P1b'), [{ b: [3, 'p2'], accepted: null }]);
  });

  it('§2.2 phase 2(a): with promises from a majority the proposer asks for the value of the highest-numbered proposal reported (P2c)', () => {
    const { s, ctx } = single('p1', { phase: 'prepare', ballot: B(5, 'p1'), round: 5, value: 'mine' });
    let next = paxos.onMessage(s, 'a1', { type: 'P1b', body: { b: B(5, 'p1'), accepted: { b: B(2, 'p2'), v: 'old' } } }, ctx) as SingleState;
    assert.equal(sends(ctx.take(), 'P2a').length, 0, 'one promise is not a majority');
    next = paxos.onMessage(next, 'a2', { type: 'P1b', body: { b: B(5, 'p1'), accepted: { b: B(4, 'p2'), v: 'newer' } } }, ctx) as SingleState;
    assert.equal(next.phase, 'accept');
    const effects = ctx.take();
    assert.deepEqual(sends(effects, 'P2a').map((m) => m.to), ['a1', 'a2', 'a3']);
    assert.deepEqual(bodies(effects, 'P2a')[0], { b: [5, 'p1'], v: 'newer' });
  });

  it('§2.2 phase 2(a): when no promise reports an accepted proposal, the proposer asks for its own value', () => {
    const { s, ctx } = single('p1', { phase: 'prepare', ballot: B(1, 'p1'), round: 1, value: 'mine' });
    const one = paxos.onMessage(s, 'a1', { type: 'P1b', body: { b: B(1, 'p1'), accepted: null } }, ctx) as SingleState;
    const two = paxos.onMessage(one, 'a3', { type: 'P1b', body: { b: B(1, 'p1'), accepted: null } }, ctx) as SingleState;
    assert.equal(two.proposal, 'mine');
    assert.deepEqual(bodies(ctx.take(), 'P2a')[0], { b: [1, 'p1'], v: 'mine' });
    // Promises for another ballot do not count.
    const other = paxos.onMessage(s, 'a1', { type: 'P1b', body: { b: B(9, 'p2'), accepted: null } }, ctx);
    assert.equal(other, s);
  });

  it('§2.2 phase 2(b): an acceptor accepts unless it promised a higher ballot; the vote is on disk before it tells the proposer and every learner (§2.3)', () => {
    const { s, ctx } = single('a1', { promised: B(3, 'p1') });
    const next = paxos.onMessage(s, 'p1', { type: 'P2a', body: { b: B(3, 'p1'), v: 'A' } }, ctx) as SingleState;
    assert.deepEqual(next.accepted, { b: [3, 'p1'], v: 'A' });
    assert.deepEqual(next.votes, [{ b: [3, 'p1'], v: 'A' }]);
    const effects = ctx.take();
    assert.deepEqual(sends(effects, 'P2b').map((m) => m.to).sort(), ['a2', 'a3', 'p1']);
    assert.ok(durableBefore(effects, 'P2b'));
    // Its own learner hears its own vote.
    assert.deepEqual(next.heard, [{ b: [3, 'p1'], v: 'A', from: ['a1'] }]);
  });

  it('§2.2 phase 2(b): an accept request below the promise is refused; one above it raises the promise (accepted ≤ promised)', () => {
    const { s, ctx } = single('a1', { promised: B(4, 'p2') });
    assert.equal(paxos.onMessage(s, 'p1', { type: 'P2a', body: { b: B(3, 'p1'), v: 'A' } }, ctx), s);
    assert.deepEqual(bodies(ctx.take(), 'Nack'), [{ b: [4, 'p2'], ballot: [3, 'p1'] }]);
    const next = paxos.onMessage(s, 'p1', { type: 'P2a', body: { b: B(6, 'p1'), v: 'A' } }, ctx) as SingleState;
    assert.deepEqual(next.promised, [6, 'p1']);
    assert.deepEqual(lastPersist(ctx.take()).promised, [6, 'p1']);
  });

  it('§2.3: a learner learns a value once a majority of acceptors accepted it in one ballot; accepts in different ballots do not add up', () => {
    const { s, ctx } = single('a1', {});
    let next = paxos.onMessage(s, 'a2', { type: 'P2b', body: { b: B(1, 'p1'), v: 'A' } }, ctx) as SingleState;
    next = paxos.onMessage(next, 'a3', { type: 'P2b', body: { b: B(2, 'p2'), v: 'A' } }, ctx) as SingleState;
    assert.equal(next.learned, null, 'two votes, but in two ballots');
    next = paxos.onMessage(next, 'a3', { type: 'P2b', body: { b: B(1, 'p1'), v: 'A' } }, ctx) as SingleState;
    assert.deepEqual(next.learned, { b: [1, 'p1'], v: 'A' });
    // A duplicate changes nothing.
    assert.equal(paxos.onMessage(next, 'a3', { type: 'P2b', body: { b: B(1, 'p1'), v: 'A' } }, ctx), next);
  });

  it('§2.3: the proposer knows its value is chosen when a majority accepted its ballot, and answers its clients with it', () => {
    const { s, ctx } = single('p1', { phase: 'accept', ballot: B(2, 'p1'), round: 2, proposal: 'X', value: 'mine', clients: ['c1', 'c7'] });
    let next = paxos.onMessage(s, 'a1', { type: 'P2b', body: { b: B(2, 'p1'), v: 'X' } }, ctx) as SingleState;
    next = paxos.onMessage(next, 'a2', { type: 'P2b', body: { b: B(2, 'p1'), v: 'X' } }, ctx) as SingleState;
    assert.equal(next.phase, 'chosen');
    const effects = ctx.take();
    assert.deepEqual(effects.filter((e) => e.kind === 'reply'), [
      { kind: 'reply', opId: 'c1', ok: true, result: 'X' }, { kind: 'reply', opId: 'c7', ok: true, result: 'X' },
    ]);
    assert.ok(effects.some((e) => e.kind === 'cancelTimer' && e.name === 'retry'));
    // A later client is answered at once.
    client(next, ctx, 'c9', 'propose', { value: 'other' });
    assert.deepEqual(ctx.take().filter((e) => e.kind === 'reply'), [{ kind: 'reply', opId: 'c9', ok: true, result: 'X' }]);
  });

  it('§2.4: a refused proposer abandons its ballot and, after a random backoff in the configured range, tries a higher one', () => {
    const ctx = singleCtx('p1', { backoff: { min: 10_000, max: 50_000 } }, () => 0.5);
    const s = { ...copySingle(paxos.init(ctx) as SingleState), phase: 'accept' as const, ballot: B(2, 'p1'), round: 2 };
    ctx.take();
    const next = paxos.onMessage(s, 'a1', { type: 'Nack', body: { b: B(7, 'p2'), ballot: B(2, 'p1') } }, ctx) as SingleState;
    assert.equal(next.phase, 'backoff');
    assert.equal(next.round, 7, 'it heard of round 7');
    const t = ctx.take().find((e) => e.kind === 'setTimer');
    assert.ok(t && t.kind === 'setTimer' && t.name === 'backoff' && t.after >= 10_000 && t.after <= 50_000);
    const retry = paxos.onTimer(next, 'backoff', ctx) as SingleState;
    assert.deepEqual(retry.ballot, [8, 'p1']);
    assert.equal(retry.phase, 'prepare');
    // A Nack for a ballot it no longer runs is ignored.
    assert.equal(paxos.onMessage(retry, 'a2', { type: 'Nack', body: { b: B(7, 'p2'), ballot: B(2, 'p1') } }, ctx), retry);
  });

  it('§2.4: with backoff 0 a refused proposer prepares again at once (what makes dueling proposers livelock)', () => {
    const { s, ctx } = single('p1', { phase: 'prepare', ballot: B(2, 'p1'), round: 2 }, { backoff: 0 });
    const next = paxos.onMessage(s, 'a1', { type: 'Nack', body: { b: B(3, 'p2'), ballot: B(2, 'p1') } }, ctx) as SingleState;
    assert.deepEqual(next.ballot, [4, 'p1']);
    assert.equal(sends(ctx.take(), 'P1a').length, 3);
  });

  it('§2.4: a ballot that has not chosen a value within retry_timeout is retried with a higher one (lost messages)', () => {
    const { s, ctx } = single('p1', { phase: 'prepare', ballot: B(1, 'p1'), round: 1 }, { retry_timeout: 80_000 });
    const next = paxos.onTimer(s, 'retry', ctx) as SingleState;
    assert.deepEqual(next.ballot, [2, 'p1']);
    const effects = ctx.take();
    assert.ok(effects.some((e) => e.kind === 'setTimer' && e.name === 'retry' && e.after === 80_000));
  });

  it('§2.5: after a crash an acceptor remembers its promise and votes, and a proposer its round, from stable storage', () => {
    const vote = { b: B(3, 'p1'), v: 'A' };
    const ctx = singleCtx('a1');
    const a = paxos.onRestart({ promised: B(4, 'p2'), accepted: vote, votes: [vote], round: 0, ballots: 0, preemptions: 0 }, ctx) as SingleState;
    assert.deepEqual([a.promised, a.accepted, a.votes], [[4, 'p2'], vote, [vote]]);
    const p = paxos.onRestart({ accepted: null, votes: [], round: 6, ballots: 6, preemptions: 2 }, singleCtx('p1')) as SingleState;
    assert.equal(p.round, 6);
    const c = singleCtx('p1');
    const next = client(p, c, 'c1', 'propose', { value: 'B' }) as SingleState;
    assert.ok(compare(next.ballot, B(6, 'p1')) > 0, 'it never reuses a ballot');
  });

  it('§2.1: a proposer with its own acceptor counts its own promise and vote without a message (a node may play every role)', () => {
    const nodes = ['n1', 'n2', 'n3'];
    const ctx = new TestContext('n1', nodes, { mode: 'single' });
    let s = paxos.init(ctx) as SingleState;
    s = client(s, ctx, 'c1', 'propose', { value: 'A' }) as SingleState;
    assert.deepEqual(s.promises, ['n1']);
    assert.deepEqual(sends(ctx.take(), 'P1a').map((m) => m.to), ['n2', 'n3']);
    s = paxos.onMessage(s, 'n2', { type: 'P1b', body: { b: s.ballot, accepted: null } }, ctx) as SingleState;
    assert.equal(s.phase, 'accept');
    assert.deepEqual([s.accepts, s.accepted], [['n1'], { b: s.ballot, v: 'A' }]);
    s = paxos.onMessage(s, 'n3', { type: 'P2b', body: { b: s.ballot, v: 'A' } }, ctx) as SingleState;
    assert.equal(s.phase, 'chosen');
    assert.deepEqual(s.learned?.v, 'A');
  });

  it('mode single rejects key-value operations, and a node that is not a proposer rejects propose', () => {
    const { s, ctx } = singleInit('p1');
    client(s, ctx, 'c1', 'put', { key: 'x', value: 1 });
    const a = singleInit('a1');
    client(a.s, a.ctx, 'c2', 'propose', { value: 1 });
    const replies = [...ctx.take(), ...a.ctx.take()].filter((e) => e.kind === 'reply');
    assert.deepEqual(replies.map((r) => r.kind === 'reply' && r.ok), [false, false]);
  });
});

describe('Paxos Made Moderately Complex (Multi-Paxos)', () => {
  const pv = (b: Ballot, cmd: Cmd): PValue => ({ b, cmd });

  it('§3 failure detection: a proposer that hears no leader for its election timeout runs phase 1 with a ballot above every round it has seen', () => {
    const { s, ctx } = multi('n1', { leaderBallot: B(3, 'n4'), commit: 7 });
    const next = paxos.onTimer(s, 'election', ctx) as MultiState;
    assert.equal(next.role, 'candidate');
    assert.deepEqual(next.ballot, [4, 'n1']);
    const effects = ctx.take();
    // PMS §3: one P1a for every slot from the first it does not know decided.
    assert.deepEqual(bodies(effects, 'P1a'), Array(4).fill({ b: [4, 'n1'], from: 8 }));
    assert.deepEqual(sends(effects, 'P1a').map((m) => m.to), ['n2', 'n3', 'n4', 'n5']);
    assert.equal(lastPersist(effects).round, 4);
    assert.deepEqual(next.promises, ['n1'], 'its own acceptor promises at once');
    assert.ok(effects.some((e) => e.kind === 'setTimer' && e.name === 'election'), 'retries if phase 1 does not finish in time');
  });

  it('Figure 2 (acceptor, p1a): a higher ballot is adopted and answered with the acceptor\'s pvalues for the slots asked about; a lower one gets a Nack', () => {
    const accepted = withSlot(withSlot(withSlot(EMPTY_SLOTS, 1, pv(B(1, 'n1'), put('c1', 'x', 1))), 2, pv(B(1, 'n1'), put('c2', 'x', 2))), 4, pv(B(2, 'n3'), put('c3', 'y', 3)));
    const { s, ctx } = multi('n2', { promised: B(2, 'n3'), accepted });
    const next = paxos.onMessage(s, 'n5', { type: 'P1a', body: { b: B(5, 'n5'), from: 2 } }, ctx) as MultiState;
    assert.deepEqual(next.promised, [5, 'n5']);
    const effects = ctx.take();
    assert.deepEqual(bodies(effects, 'P1b'), [{ b: [5, 'n5'], accepted: [[2, slotAt(accepted, 2)], [4, slotAt(accepted, 4)]] }]);
    assert.ok(durableBefore(effects, 'P1b'));
    paxos.onMessage(next, 'n4', { type: 'P1a', body: { b: B(4, 'n4'), from: 1 } }, ctx);
    assert.deepEqual(bodies(ctx.take(), 'Nack'), [{ b: [5, 'n5'], ballot: [4, 'n4'] }]);
  });

  it('Figure 2 (acceptor, p2a): a pvalue at or above the promise is accepted, raising the promise, on disk before the p2b', () => {
    const { s, ctx } = multi('n2', { promised: B(2, 'n1') });
    const p = pv(B(3, 'n1'), put('c1', 'x', 1));
    const next = paxos.onMessage(s, 'n1', { type: 'P2a', body: { slot: 3, pv: p, commit: 0 } }, ctx) as MultiState;
    assert.equal(slotAt(next.accepted, 3), p);
    assert.deepEqual(next.promised, [3, 'n1']);
    const effects = ctx.take();
    assert.deepEqual(bodies(effects, 'P2b'), [{ b: [3, 'n1'], slot: 3 }]);
    assert.ok(durableBefore(effects, 'P2b'));
    const refused = paxos.onMessage(next, 'n4', { type: 'P2a', body: { slot: 3, pv: pv(B(2, 'n4'), NOOP), commit: 0 } }, ctx) as MultiState;
    assert.equal(slotAt(refused.accepted, 3), p);
    assert.deepEqual(bodies(ctx.take(), 'Nack'), [{ b: [3, 'n1'], ballot: [2, 'n4'] }]);
  });

  it('Figure 3b (scout) and Figure 4 (leader, adopted): with a majority of promises the candidate leads, proposing pmax per slot and no-ops in the gaps (PMS §3)', () => {
    const { s, ctx } = multi('n1', { role: 'candidate', ballot: B(4, 'n1'), round: 4, promised: B(4, 'n1'), promises: ['n1'], commit: 1 });
    const old = pv(B(2, 'n2'), put('c5', 'x', 5));
    const newer = pv(B(3, 'n3'), put('c6', 'x', 6));
    const far = pv(B(1, 'n2'), put('c7', 'y', 7));
    let next = paxos.onMessage(s, 'n2', { type: 'P1b', body: { b: B(4, 'n1'), accepted: [[2, old], [4, far]] } }, ctx) as MultiState;
    assert.equal(next.role, 'candidate');
    next = paxos.onMessage(next, 'n3', { type: 'P1b', body: { b: B(4, 'n1'), accepted: [[2, newer]] } }, ctx) as MultiState;
    assert.equal(next.role, 'leader');
    const effects = ctx.take();
    const p2a = bodies(effects, 'P2a').filter((b, i, all) => all.findIndex((x) => x.slot === b.slot) === i);
    assert.deepEqual(p2a.map((b) => [b.slot, b.pv.b, b.pv.cmd.op === 'noop' ? 'noop' : b.pv.cmd.id]), [
      [2, [4, 'n1'], 'c6'], // the highest ballot reported for slot 2
      [3, [4, 'n1'], 'noop'], // nobody reported slot 3: a gap
      [4, [4, 'n1'], 'c7'],
    ]);
    assert.equal(next.nextSlot, 5);
    assert.equal(next.noops, 1);
    assert.deepEqual(sends(effects, 'Heartbeat').map((m) => m.to), ['n2', 'n3', 'n4', 'n5']);
  });

  it('PMS §3: a leader runs only phase 2 for a new command, in the next slot; the commander decides it on p2b from a majority (Figure 3a)', () => {
    const { s, ctx } = multi('n1', { role: 'leader', leader: 'n1', ballot: B(2, 'n1'), leaderBallot: B(2, 'n1'), round: 2, promised: B(2, 'n1'), nextSlot: 1 });
    let next = client(s, ctx, 'c1', 'put', { key: 'x', value: 1 }) as MultiState;
    let effects = ctx.take();
    assert.equal(sends(effects, 'P1a').length, 0);
    assert.deepEqual(bodies(effects, 'P2a').map((b) => [b.slot, b.pv.b]), Array(4).fill([1, [2, 'n1']]));
    assert.deepEqual(next.proposals.map((p) => [p.slot, p.acks]), [[1, ['n1']]]);
    next = paxos.onMessage(next, 'n2', { type: 'P2b', body: { b: B(2, 'n1'), slot: 1 } }, ctx) as MultiState;
    assert.equal(next.commit, 0, 'two of five');
    next = paxos.onMessage(next, 'n4', { type: 'P2b', body: { b: B(2, 'n1'), slot: 1 } }, ctx) as MultiState;
    assert.equal(next.commit, 1);
    assert.deepEqual(next.proposals, []);
    effects = ctx.take();
    assert.deepEqual(effects.filter((e) => e.kind === 'reply'), [{ kind: 'reply', opId: 'c1', ok: true, result: null }]);
    assert.deepEqual(next.kv, { x: 1 });
  });

  it('Figure 3a/4 (preempted): a Nack with a higher ballot makes the leader step down and wait a random election timeout', () => {
    const { s, ctx } = multi('n1', { role: 'leader', leader: 'n1', ballot: B(2, 'n1'), leaderBallot: B(2, 'n1'), round: 2 });
    const next = paxos.onMessage(s, 'n3', { type: 'Nack', body: { b: B(5, 'n3'), ballot: B(2, 'n1') } }, ctx) as MultiState;
    assert.equal(next.role, 'follower');
    assert.equal(next.round, 5);
    const effects = ctx.take();
    assert.ok(effects.some((e) => e.kind === 'cancelTimer' && e.name === 'heartbeat'));
    assert.ok(effects.some((e) => e.kind === 'setTimer' && e.name === 'election'));
  });

  it('§3: a leader\'s heartbeat or accept request keeps followers from campaigning; a stale leader\'s does not', () => {
    const { s, ctx } = multi('n2', { leader: 'n3', leaderBallot: B(3, 'n3') });
    const kept = paxos.onMessage(s, 'n3', { type: 'Heartbeat', body: { b: B(3, 'n3'), commit: 0 } }, ctx);
    assert.equal(kept, s, 'nothing to change');
    assert.ok(ctx.take().some((e) => e.kind === 'setTimer' && e.name === 'election'));
    const stale = paxos.onMessage(s, 'n1', { type: 'Heartbeat', body: { b: B(2, 'n1'), commit: 0 } }, ctx);
    assert.equal(stale, s);
    assert.equal(ctx.take().length, 0);
  });

  it('R1–R4: replicas decide from the leader\'s commit point and apply in slot order; a gap waits, and is asked for (Catchup)', () => {
    const b = B(2, 'n1');
    const accepted = withSlot(withSlot(EMPTY_SLOTS, 1, pv(b, put('c1', 'x', 1, 'n9'))), 3, pv(b, put('c3', 'x', 3, 'n9')));
    const { s, ctx } = multi('n2', { leader: 'n1', leaderBallot: b, accepted, promised: b });
    const next = paxos.onMessage(s, 'n1', { type: 'Heartbeat', body: { b, commit: 3 } }, ctx) as MultiState;
    assert.equal(next.commit, 1, 'slot 2 is missing');
    assert.equal(next.applied, 1);
    assert.deepEqual(next.kv, { x: 1 });
    assert.deepEqual(bodies(ctx.take(), 'Catchup'), [{ from: 2 }]);
    const filled = paxos.onMessage(next, 'n1', { type: 'Decisions', body: { from: 2, cmds: [put('c2', 'x', 2, 'n9'), put('c3', 'x', 3, 'n9')] } }, ctx) as MultiState;
    assert.equal(filled.commit, 3);
    assert.equal(filled.applied, 3);
    assert.deepEqual(filled.kv, { x: 3 });
  });

  it('R1: a pvalue of another ballot is not taken as the decision the leader announces', () => {
    const accepted = withSlot(EMPTY_SLOTS, 1, pv(B(1, 'n3'), put('c1', 'x', 1)));
    const { s, ctx } = multi('n2', { accepted, promised: B(1, 'n3') });
    const next = paxos.onMessage(s, 'n1', { type: 'Heartbeat', body: { b: B(2, 'n1'), commit: 1 } }, ctx) as MultiState;
    assert.equal(next.commit, 0);
    assert.deepEqual(bodies(ctx.take(), 'Catchup'), [{ from: 1 }]);
  });

  it('§2 (clients): the leader answers a retried command from its session table instead of proposing it again (at most once)', () => {
    const b = B(2, 'n1');
    const { s, ctx } = multi('n1', { role: 'leader', leader: 'n1', ballot: b, leaderBallot: b, round: 2, promised: b, nextSlot: 1 });
    let next = paxos.onMessage(s, 'n3', { type: 'ClientRequest', body: { cmd: put('c4', 'x', 1, 'n3') as never } }, ctx) as MultiState;
    next = paxos.onMessage(next, 'n2', { type: 'P2b', body: { b, slot: 1 } }, ctx) as MultiState;
    next = paxos.onMessage(next, 'n4', { type: 'P2b', body: { b, slot: 1 } }, ctx) as MultiState;
    assert.equal(next.applied, 1);
    assert.deepEqual(bodies(ctx.take(), 'ClientResponse'), [{ id: 'c4', ok: true, result: null }]);
    const again = paxos.onMessage(next, 'n3', { type: 'ClientRequest', body: { cmd: put('c4', 'x', 1, 'n3') as never } }, ctx) as MultiState;
    const effects = ctx.take();
    assert.equal(sends(effects, 'P2a').length, 0);
    assert.deepEqual(bodies(effects, 'ClientResponse'), [{ id: 'c4', ok: true, result: null }]);
    assert.equal(again.nextSlot, 2);
  });

  it('a follower forwards a client operation to the leader it knows (the shared client proxy)', () => {
    const { s, ctx } = multi('n2', { leader: 'n4', leaderBallot: B(1, 'n4') });
    client(s, ctx, 'c1', 'get', { key: 'x' });
    assert.deepEqual(sends(ctx.take(), 'ClientRequest').map((m) => m.to), ['n4']);
  });

  it('PMS §2.5 / PMMC §3: a restarted node keeps its promise, pvalues and round, and starts its replica over (it catches up)', () => {
    const accepted = withSlot(EMPTY_SLOTS, 1, pv(B(2, 'n1'), put('c1', 'x', 1)));
    const ctx = multiCtx('n2');
    const s = paxos.onRestart({ promised: B(3, 'n3'), accepted, round: 2, elections: 1, noops: 0 } as unknown as Json, ctx) as MultiState;
    assert.deepEqual([s.promised, s.accepted, s.round, s.role, s.commit, s.applied], [[3, 'n3'], accepted, 2, 'follower', 0, 0]);
    assert.equal(s.accepted, accepted, 'the durable array itself, shared');
  });
});
