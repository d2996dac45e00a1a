// One test per rule of the atomic commitment protocols, shaped init → step → check the messages sent,
// the log and the state (etcd-io/raft's raft_paper_test.go style). Sources:
//   Gray, "Notes on Data Base Operating Systems" (1978), §5.8.3 (two-phase commit);
//   Bernstein, Hadzilacos & Goodman, "Concurrency Control and Recovery in Database Systems" (1987), ch. 7:
//     §7.3 2PC and the cooperative termination protocol, §7.4 presumed abort, §7.5 3PC and its termination protocol;
//   Skeen, "Nonblocking Commit Protocols" (SIGMOD 1981);
//   Gray & Lamport, "Consensus on Transaction Commit" (ACM TODS 2006), §4 Paxos Commit.
import assert from 'node:assert/strict';
import type { CommitMessage } from '../../../src/protocols/commit/messages.js';
import { initialState, type CommitState, type PartTx } from '../../../src/protocols/commit/state.js';
import { begun, commit, Ctx, logged, newRecords, NODES, op, PAXOS_NODES, prepared, sends } from './_context.js';

const msg = (type: CommitMessage['type'], body: object): CommitMessage => ({ type, body } as CommitMessage);
const vote = (yes: boolean) => msg('Vote', { tx: 't1', hops: 2, yes });

/** tm after begin, with the given votes delivered. */
function withVotes(votes: Record<string, boolean>, params = {}): { s: CommitState; ctx: Ctx } {
  const start = begun(params);
  const ctx = start.ctx;
  let s = start.s;
  for (const [p, yes] of Object.entries(votes)) s = commit.onMessage(s, p, vote(yes), ctx);
  return { s, ctx };
}

/** A participant record in state READY for t1 (coordinator tm, participants p1..p3), holding x. */
function ready(over: Partial<PartTx> = {}): CommitState {
  const t: PartTx = {
    state: 'READY', coord: 'tm', parts: ['p1', 'p2', 'p3'], key: 'x', value: 1, began: 0, vote: 'yes',
    votedAt: 1000, decidedAt: -1, by: null, hops: 2, waited: 0, recovered: false, term: null, ...over,
  };
  return { ...initialState('node'), txs: { t1: t }, locks: { x: 't1' } };
}

describe('atomic commit: 2PC (Gray 1978 §5.8.3; BHG §7.3)', () => {
  it('BHG §7.3: the coordinator sends VOTE-REQ (Prepare) to every participant, with the participant list, and arms its vote timeout', () => {
    const { s, effects } = begun();
    const p = sends(effects, 'Prepare');
    assert.deepEqual(p.map((m) => m.to), ['p1', 'p2', 'p3']);
    assert.deepEqual((p[0]!.msg.body as { parts: string[] }).parts, ['p1', 'p2', 'p3']);
    assert.ok(effects.some((e) => e.kind === 'setTimer' && e.name === 'coord:t1' && e.after === 100_000));
    assert.equal(s.coord.t1!.phase, 'VOTING');
    assert.equal(commit.role(s), 'coordinator');
  });

  it('Gray §5.8.3: a participant that votes yes takes its lock and forces a prepared record; the vote leaves only once it is durable', () => {
    const { s, effects } = prepared('p1');
    assert.equal(s.txs.t1!.state, 'READY');
    assert.deepEqual(s.locks, { x: 't1' });
    assert.deepEqual(logged(effects).map((r) => r.kind), ['prepared']);
    const v = sends(effects, 'Vote');
    assert.deepEqual(v.map((m) => [m.to, (m.msg.body as { yes: boolean }).yes, m.waits]), [['tm', true, true]]);
    assert.ok(effects.some((e) => e.kind === 'setTimer' && e.name === 'part:t1'));
  });

  it('BHG §7.3 (AC4): a participant may abort unilaterally until it votes yes — a no vote aborts at once and takes no lock', () => {
    const { s, effects } = prepared('p2', {}, { p2: { vote: 'no' } });
    assert.equal(s.txs.t1!.state, 'ABORTED');
    assert.deepEqual(s.locks, {});
    // BHG §7.4: an abort need not be forced, so the no vote does not wait for the disk.
    assert.deepEqual(sends(effects, 'Vote').map((m) => [(m.msg.body as { yes: boolean }).yes, m.waits]), [[false, false]]);
  });

  it('BHG §7.3: a participant that crashes before voting logs and sends nothing', () => {
    const { s, effects } = prepared('p2', {}, { p2: { vote: 'crash_before_vote' } });
    assert.equal(s.txs.t1, undefined);
    assert.deepEqual(sends(effects), []);
    assert.ok(!effects.some((e) => e.kind === 'persist'));
  });

  it('locking: a key held by an uncertain transaction makes another transaction\'s participant vote no (no-wait)', () => {
    const ctx = new Ctx('p2', NODES);
    const s = commit.onMessage(ready(), 'tm', msg('Prepare', { tx: 't2', hops: 1, coord: 'tm', parts: ['p2'], key: 'x', value: 2, began: 5 }), ctx);
    assert.equal(s.txs.t2!.state, 'ABORTED');
    assert.deepEqual(s.locks, { x: 't1' });
    assert.equal((sends(ctx.take(), 'Vote')[0]!.msg.body as { yes: boolean }).yes, false);
  });

  it('Gray §5.8.3: with every vote yes the coordinator forces its commit record, then sends COMMIT (the sends wait for it) and answers the client', () => {
    const start = withVotes({ p1: true, p2: true });
    const ctx = start.ctx;
    let s = start.s;
    assert.equal(s.coord.t1!.phase, 'VOTING');
    const before = s;
    s = commit.onMessage(s, 'p3', vote(true), ctx);
    const effects = ctx.take();
    assert.equal(s.coord.t1!.phase, 'COMMITTED');
    assert.deepEqual(newRecords(before, s), ['coord-commit']);
    const c = sends(effects, 'Commit');
    assert.deepEqual(c.map((m) => m.to), ['p1', 'p2', 'p3']);
    assert.ok(c.every((m) => m.waits));
    assert.ok(effects.some((e) => e.kind === 'reply' && e.ok && (e.result as { outcome: string }).outcome === 'committed'));
  });

  it('BHG §7.3: one no vote aborts; BHG §7.4 (presumed abort): the abort is not logged', () => {
    const { s, ctx } = withVotes({ p1: true, p2: false });
    const effects = ctx.take();
    assert.equal(s.coord.t1!.phase, 'ABORTED');
    assert.deepEqual(s.wal, []);
    assert.deepEqual(sends(effects, 'Abort').map((m) => m.to), ['p1', 'p2', 'p3']);
  });

  it('BHG §7.3: the coordinator\'s vote timeout aborts', () => {
    const { s: s0, ctx } = withVotes({ p1: true });
    const s = commit.onTimer(s0, 'coord:t1', ctx);
    assert.equal(s.coord.t1!.phase, 'ABORTED');
    assert.deepEqual(sends(ctx.take(), 'Abort').map((m) => m.to), ['p1', 'p2', 'p3']);
  });

  it('the outcome: COMMIT applies the write, logs it and releases the lock', () => {
    const ctx = new Ctx('p2', NODES);
    const before = ready();
    const s = commit.onMessage(before, 'tm', msg('Commit', { tx: 't1', hops: 3, parts: ['p1', 'p2', 'p3'] }), ctx);
    assert.equal(s.txs.t1!.state, 'COMMITTED');
    assert.deepEqual(s.kv, { x: 1 });
    assert.deepEqual(s.locks, {});
    assert.deepEqual(newRecords(before, s), ['commit']);
    assert.ok(ctx.take().some((e) => e.kind === 'cancelTimer' && e.name === 'part:t1'));
  });

  it('BHG AC2: an outcome never changes — a later, different one is ignored', () => {
    const ctx = new Ctx('p2', NODES);
    let s = commit.onMessage(ready(), 'tm', msg('Commit', { tx: 't1', hops: 3, parts: [] }), ctx);
    s = commit.onMessage(s, 'p1', msg('Abort', { tx: 't1', hops: 3, parts: [] }), ctx);
    assert.equal(s.txs.t1!.state, 'COMMITTED');
  });

  it('BHG §7.3, cooperative termination: a READY participant that times out asks the coordinator and every other participant, and stays READY', () => {
    const ctx = new Ctx('p2', NODES);
    ctx.now = 101_000;
    const s = commit.onTimer(ready(), 'part:t1', ctx);
    const effects = ctx.take();
    assert.equal(s.txs.t1!.state, 'READY');
    assert.deepEqual(s.locks, { x: 't1' });
    assert.equal(s.txs.t1!.waited, 100_000);
    assert.deepEqual(sends(effects, 'DecisionRequest').map((m) => m.to), ['tm', 'p1', 'p3']);
    assert.ok(effects.some((e) => e.kind === 'setTimer' && e.name === 'part:t1'));
  });

  it('BHG §7.3: asked for the outcome, a participant that knows it answers; one that is READY cannot help', () => {
    const req = msg('DecisionRequest', { tx: 't1', hops: 4, coord: 'tm', parts: ['p1', 'p2', 'p3'] });
    const knows = new Ctx('p1', NODES);
    commit.onMessage(ready({ state: 'COMMITTED', decidedAt: 5 }), 'p2', req, knows);
    assert.deepEqual(sends(knows.take()).map((m) => [m.to, m.msg.type]), [['p2', 'Commit']]);
    const doubts = new Ctx('p3', NODES);
    commit.onMessage(ready(), 'p2', req, doubts);
    assert.deepEqual(sends(doubts.take()), []);
  });

  it('BHG §7.3: asked for the outcome, a participant that has not voted aborts unilaterally and answers ABORT', () => {
    const ctx = new Ctx('p3', NODES);
    const s = commit.onMessage(commit.init(ctx), 'p2', msg('DecisionRequest', { tx: 't1', hops: 4, coord: 'tm', parts: ['p1', 'p2', 'p3'] }), ctx);
    assert.equal(s.txs.t1!.state, 'ABORTED');
    assert.deepEqual(sends(ctx.take()).map((m) => [m.to, m.msg.type]), [['p2', 'Abort']]);
  });

  it('BHG §7.4, presumed abort: a coordinator with no record of a transaction answers ABORT', () => {
    const ctx = new Ctx('tm', NODES);
    const s = commit.onMessage(commit.init(ctx), 'p2', msg('DecisionRequest', { tx: 't1', hops: 4, coord: 'tm', parts: ['p1', 'p2', 'p3'] }), ctx);
    assert.equal(s.coord.t1!.phase, 'ABORTED');
    assert.equal(s.coord.t1!.presumed, true);
    assert.deepEqual(sends(ctx.take()).map((m) => [m.to, m.msg.type]), [['p2', 'Abort']]);
  });

  it('Gray §5.8.3, recovery: a participant restarted with a prepared record and no outcome is READY again, holds its lock and resumes termination', () => {
    const { s } = prepared('p2');
    const ctx = new Ctx('p2', NODES);
    const r = commit.onRestart(s.wal as never, ctx);
    assert.equal(r.txs.t1!.state, 'READY');
    assert.deepEqual({ ...r.locks }, { x: 't1' });
    assert.ok(ctx.take().some((e) => e.kind === 'setTimer' && e.name === 'part:t1'));
  });

  it('Gray §5.8.3, recovery: a committed write is redone from the log', () => {
    const { s } = prepared('p2');
    const done = commit.onMessage(s, 'tm', msg('Commit', { tx: 't1', hops: 3, parts: [] }), new Ctx('p2', NODES));
    const r = commit.onRestart(done.wal as never, new Ctx('p2', NODES));
    assert.equal(r.txs.t1!.state, 'COMMITTED');
    assert.deepEqual({ ...r.kv }, { x: 1 });
    assert.deepEqual({ ...r.locks }, {});
  });

  it('BHG §7.3, recovery: a coordinator restarted with a commit record sends COMMIT again; without one it remembers nothing (presumed abort)', () => {
    const { s } = withVotes({ p1: true, p2: true, p3: true });
    const ctx = new Ctx('tm', NODES);
    const r = commit.onRestart(s.wal as never, ctx);
    assert.equal(r.coord.t1!.phase, 'COMMITTED');
    assert.deepEqual(sends(ctx.take(), 'Commit').map((m) => m.to), ['p1', 'p2', 'p3']);
    const { s: voting } = withVotes({ p1: true });
    assert.deepEqual({ ...commit.onRestart(voting.wal as never, new Ctx('tm', NODES)).coord }, {});
  });

  it('bug_early_decision: the COMMIT leaves without waiting for the commit record', () => {
    const { ctx, s } = withVotes({ p1: true, p2: true, p3: true }, { bug_early_decision: true });
    assert.equal(s.coord.t1!.phase, 'COMMITTED');
    assert.ok(sends(ctx.take(), 'Commit').every((m) => !m.waits));
  });

  it('bug_ready_timeout_abort: a READY participant aborts on its timeout', () => {
    const s = commit.onTimer(ready(), 'part:t1', new Ctx('p2', NODES, { bug_ready_timeout_abort: true }));
    assert.equal(s.txs.t1!.state, 'ABORTED');
  });

  it('bug_commit_without_votes: the vote timeout commits, counting missing votes as yes', () => {
    const { s: s0, ctx } = withVotes({ p1: true }, { bug_commit_without_votes: true });
    const s = commit.onTimer(s0, 'coord:t1', ctx);
    assert.equal(s.coord.t1!.phase, 'COMMITTED');
  });
});

describe('atomic commit: 3PC (Skeen 1981; BHG §7.5)', () => {
  const P = { commit_protocol: 'threepc' };

  it('Skeen 1981: the first phase is CanCommit; with every vote yes the coordinator forces a PreCommit record and sends PreCommit, not a decision', () => {
    const { effects } = begun(P);
    assert.deepEqual(sends(effects, 'CanCommit').map((m) => m.to), ['p1', 'p2', 'p3']);
    const { s, ctx } = withVotes({ p1: true, p2: true, p3: true }, P);
    const out = ctx.take();
    assert.equal(s.coord.t1!.phase, 'PRECOMMIT');
    assert.deepEqual(s.wal.map((r) => r.kind), ['coord-precommit']);
    assert.deepEqual(sends(out, 'PreCommit').map((m) => m.to), ['p1', 'p2', 'p3']);
    assert.deepEqual(sends(out, 'DoCommit'), []);
  });

  it('BHG §7.5: a participant logs PreCommit and acknowledges; with every Ack the coordinator forces its commit record and sends DoCommit', () => {
    const pctx = new Ctx('p1', NODES, P);
    const p = commit.onMessage(ready(), 'tm', msg('PreCommit', { tx: 't1', hops: 3 }), pctx);
    assert.equal(p.txs.t1!.state, 'PRECOMMIT');
    assert.deepEqual(newRecords(ready(), p), ['precommit']);
    assert.deepEqual(sends(pctx.take(), 'Ack').map((m) => m.to), ['tm']);
    const start = withVotes({ p1: true, p2: true, p3: true }, P);
    const ctx = start.ctx;
    let s = start.s;
    for (const q of ['p1', 'p2', 'p3']) s = commit.onMessage(s, q, msg('Ack', { tx: 't1', hops: 4 }), ctx);
    assert.equal(s.coord.t1!.phase, 'COMMITTED');
    assert.deepEqual(s.wal.map((r) => r.kind), ['coord-precommit', 'coord-commit']);
    assert.deepEqual(sends(ctx.take(), 'DoCommit').map((m) => m.to), ['p1', 'p2', 'p3']);
  });

  it('BHG §7.5: a participant that does not acknowledge within the timeout is taken as failed: the coordinator commits', () => {
    const start = withVotes({ p1: true, p2: true, p3: true }, P);
    const ctx = start.ctx;
    let s = start.s;
    s = commit.onMessage(s, 'p1', msg('Ack', { tx: 't1', hops: 4 }), ctx);
    s = commit.onTimer(s, 'coord:t1', ctx);
    assert.equal(s.coord.t1!.phase, 'COMMITTED');
  });

  it('Skeen 1981, termination: an uncertain participant that times out asks the others for their state', () => {
    const ctx = new Ctx('p1', NODES, P);
    const s = commit.onTimer(ready(), 'part:t1', ctx);
    assert.equal(s.txs.t1!.term?.phase, 'collect');
    assert.deepEqual(sends(ctx.take(), 'StateRequest').map((m) => m.to), ['p2', 'p3']);
  });

  /** p1 coordinates the termination and hears `reports`. */
  function terminate(own: PartTx['state'], reports: Record<string, PartTx['state']>): { s: CommitState; ctx: Ctx } {
    const ctx = new Ctx('p1', NODES, P);
    let s = commit.onTimer(ready({ state: own }), 'part:t1', ctx);
    ctx.take();
    for (const [q, state] of Object.entries(reports)) s = commit.onMessage(s, q, msg('StateReport', { tx: 't1', hops: 5, state, yieldTo: null }), ctx);
    return { s, ctx };
  }

  it('BHG §7.5 TR1: some participant aborted → abort', () => {
    const { s } = terminate('READY', { p2: 'ABORTED', p3: 'READY' });
    assert.equal(s.txs.t1!.state, 'ABORTED');
  });

  it('BHG §7.5 TR2: some participant committed → commit', () => {
    const { s } = terminate('PRECOMMIT', { p2: 'COMMITTED', p3: 'PRECOMMIT' });
    assert.equal(s.txs.t1!.state, 'COMMITTED');
  });

  it('BHG §7.5 TR3: every participant uncertain (READY) → abort, and tell the others', () => {
    const { s, ctx } = terminate('READY', { p2: 'READY', p3: 'READY' });
    assert.equal(s.txs.t1!.state, 'ABORTED');
    assert.deepEqual(sends(ctx.take(), 'Abort').map((m) => m.to), ['p2', 'p3']);
  });

  it('BHG §7.5 TR4: some committable (PRECOMMIT), none committed → PreCommit the uncertain ones, then commit on their Acks', () => {
    const start = terminate('READY', { p2: 'PRECOMMIT', p3: 'READY' });
    const ctx = start.ctx;
    let s = start.s;
    assert.equal(s.txs.t1!.state, 'PRECOMMIT');
    assert.deepEqual(sends(ctx.take(), 'PreCommit').map((m) => m.to), ['p3']);
    s = commit.onMessage(s, 'p3', msg('Ack', { tx: 't1', hops: 6 }), ctx);
    assert.equal(s.txs.t1!.state, 'COMMITTED');
    assert.deepEqual(sends(ctx.take(), 'DoCommit').map((m) => m.to), ['p2', 'p3']);
  });

  it('BHG §7.5, election: a participant follows a lower-ranked termination coordinator and tells a higher-ranked one to yield', () => {
    const ctx = new Ctx('p2', NODES, P);
    let s = commit.onMessage(ready(), 'p3', msg('StateRequest', { tx: 't1', hops: 5, parts: ['p1', 'p2', 'p3'] }), ctx);
    assert.deepEqual(s.txs.t1!.term, { phase: 'follow', leader: 'p3' });
    s = commit.onMessage(s, 'p1', msg('StateRequest', { tx: 't1', hops: 5, parts: ['p1', 'p2', 'p3'] }), ctx);
    assert.deepEqual(s.txs.t1!.term, { phase: 'follow', leader: 'p1' });
    commit.onMessage(s, 'p3', msg('StateRequest', { tx: 't1', hops: 5, parts: ['p1', 'p2', 'p3'] }), ctx);
    const reports = sends(ctx.take(), 'StateReport').map((m) => [m.to, (m.msg.body as { yieldTo: string | null }).yieldTo]);
    assert.deepEqual(reports, [['p3', null], ['p1', null], ['p3', 'p1']]);
  });

  it('BHG §7.5, recovery: a participant recovered in doubt takes no part in the termination protocol; it asks for the outcome', () => {
    const ctx = new Ctx('p2', NODES, P);
    const s = ready({ recovered: true });
    commit.onMessage(s, 'p1', msg('StateRequest', { tx: 't1', hops: 5, parts: ['p1', 'p2', 'p3'] }), ctx);
    assert.deepEqual(sends(ctx.take()), []);
    commit.onTimer(s, 'part:t1', ctx);
    assert.deepEqual(sends(ctx.take(), 'DecisionRequest').map((m) => m.to), ['tm', 'p1', 'p3']);
  });
});

describe('atomic commit: Paxos Commit (Gray & Lamport 2006, §4)', () => {
  const P = { commit_protocol: 'paxos_commit', f: 1 };

  it('§4: the cluster gets 2F+1 acceptors as extra nodes', () => {
    assert.deepEqual(commit.implicitNodes!({ commit_protocol: 'paxos_commit', f: 2 }).map((n) => n.id), ['acc1', 'acc2', 'acc3', 'acc4', 'acc5']);
    assert.deepEqual(commit.implicitNodes!({ commit_protocol: 'twopc', f: 2 }), []);
  });

  it('§4: a participant votes by sending phase 2a with ballot 0 and value "prepared" to every acceptor, once its prepared record is durable', () => {
    const { effects } = prepared('p1', P);
    const a = sends(effects, 'Phase2a');
    assert.deepEqual(a.map((m) => m.to), ['acc1', 'acc2', 'acc3']);
    assert.deepEqual(a.map((m) => { const b = m.msg.body as { bal: number; val: string; ins: string; leader: string }; return [b.ins, b.bal, b.val, b.leader]; })[0], ['p1', 0, 'prepared', 'tm']);
    assert.ok(a.every((m) => m.waits));
    assert.deepEqual(sends(effects, 'Vote'), []);
  });

  it('§4 (Phase2b action): an acceptor accepts a ballot at least its promise, logs it, and tells the leader; a lower ballot gets a Nack', () => {
    const ctx = new Ctx('acc1', PAXOS_NODES, P);
    const s0 = commit.init(ctx);
    assert.equal(s0.kind, 'acceptor');
    const body = { tx: 't1', hops: 2, ins: 'p1', bal: 0, val: 'prepared', leader: 'tm', parts: ['p1', 'p2', 'p3'], coord: 'tm' };
    let s = commit.onMessage(s0, 'p1', msg('Phase2a', body), ctx);
    assert.deepEqual(s.acc['t1/p1'], { mbal: 0, bal: 0, val: 'prepared' });
    assert.deepEqual(newRecords(s0, s), ['acceptor']);
    assert.deepEqual(sends(ctx.take(), 'Phase2b').map((m) => [m.to, m.waits]), [['tm', true]]);
    s = commit.onMessage(s, 'p2', msg('Phase1a', { tx: 't1', hops: 5, ins: 'p1', bal: 9 }), ctx);
    ctx.take();
    commit.onMessage(s, 'p3', msg('Phase2a', { ...body, bal: 8, leader: 'p3' }), ctx);
    assert.deepEqual(sends(ctx.take()).map((m) => [m.msg.type, (m.msg.body as { promised?: number }).promised]), [['Nack', 9]]);
  });

  it('§4 (Phase1b action): an acceptor promises a higher ballot and reports the ballot and value it accepted last', () => {
    const ctx = new Ctx('acc2', PAXOS_NODES, P);
    let s = commit.onMessage(commit.init(ctx), 'p1', msg('Phase2a', { tx: 't1', hops: 2, ins: 'p1', bal: 0, val: 'prepared', leader: 'tm', parts: [], coord: 'tm' }), ctx);
    ctx.take();
    s = commit.onMessage(s, 'p2', msg('Phase1a', { tx: 't1', hops: 5, ins: 'p1', bal: 9 }), ctx);
    assert.equal(s.acc['t1/p1']!.mbal, 9);
    assert.deepEqual(sends(ctx.take(), 'Phase1b').map((m) => m.msg.body), [{ tx: 't1', hops: 6, ins: 'p1', bal: 9, accBal: 0, accVal: 'prepared' }]);
  });

  it('§4 (Decide): the leader commits once every instance has F+1 acceptors\' phase 2b for "prepared" in one ballot', () => {
    const start = begun(P);
    const ctx = start.ctx;
    let s = start.s;
    const p2b = (ins: string, val = 'prepared') => msg('Phase2b', { tx: 't1', hops: 3, ins, bal: 0, val });
    for (const ins of ['p1', 'p2', 'p3']) s = commit.onMessage(s, 'acc1', p2b(ins), ctx);
    assert.equal(s.coord.t1!.phase, 'VOTING'); // one acceptor is not a majority
    s = commit.onMessage(s, 'acc2', p2b('p1'), ctx);
    s = commit.onMessage(s, 'acc2', p2b('p2'), ctx);
    assert.equal(s.coord.t1!.phase, 'VOTING');
    ctx.take();
    s = commit.onMessage(s, 'acc3', p2b('p3'), ctx);
    assert.equal(s.coord.t1!.phase, 'COMMITTED');
    assert.deepEqual(s.wal, []); // the coordinator forces nothing: the acceptors hold the votes
    assert.deepEqual(sends(ctx.take(), 'Commit').map((m) => m.to), ['p1', 'p2', 'p3']);
  });

  it('§4 (Decide): one instance that chose "aborted" aborts the transaction', () => {
    const start = begun(P);
    const ctx = start.ctx;
    let s = start.s;
    for (const acc of ['acc1', 'acc2']) s = commit.onMessage(s, acc, msg('Phase2b', { tx: 't1', hops: 3, ins: 'p2', bal: 0, val: 'aborted' }), ctx);
    assert.equal(s.coord.t1!.phase, 'ABORTED');
  });

  it('§4: on its timeout a leader logs a fresh round and runs phase 1 with a ballot of its own (never 0, unique per node) for each undecided instance', () => {
    const { s: s0, ctx } = begun(P);
    const s = commit.onTimer(s0, 'coord:t1', ctx);
    const effects = ctx.take();
    assert.deepEqual(s.wal.map((r) => r.kind), ['ballot']);
    const ballots = new Set(sends(effects, 'Phase1a').map((m) => (m.msg.body as { bal: number }).bal));
    assert.equal(ballots.size, 1);
    const bal = [...ballots][0]!;
    assert.ok(bal > 0);
    assert.equal((bal - 1) % PAXOS_NODES.length, PAXOS_NODES.indexOf('tm')); // partitioned by node
    assert.equal(sends(effects, 'Phase1a').length, 3 * 3);
  });

  it('§4 (Phase2a action): with F+1 promises the leader proposes the highest-ballot value reported, or "aborted" when none was accepted', () => {
    const { s: s0, ctx } = begun(P);
    let s = commit.onTimer(s0, 'coord:t1', ctx);
    const bal = (sends(ctx.take(), 'Phase1a')[0]!.msg.body as { bal: number }).bal;
    const p1b = (ins: string, accBal: number, accVal: string | null) => msg('Phase1b', { tx: 't1', hops: 6, ins, bal, accBal, accVal });
    s = commit.onMessage(s, 'acc1', p1b('p1', -1, null), ctx);
    s = commit.onMessage(s, 'acc2', p1b('p1', 0, 'prepared'), ctx);
    s = commit.onMessage(s, 'acc1', p1b('p2', -1, null), ctx);
    commit.onMessage(s, 'acc3', p1b('p2', -1, null), ctx);
    const proposed = sends(ctx.take(), 'Phase2a').map((m) => { const b = m.msg.body as { ins: string; val: string; bal: number }; return `${b.ins}=${b.val}@${b.bal === bal}`; });
    assert.deepEqual([...new Set(proposed)], ['p1=prepared@true', 'p2=aborted@true']);
  });

  it('§4: an uncertain participant does not wait for the coordinator: on its timeout it leads a recovery ballot', () => {
    const { s: s0 } = prepared('p2', P);
    const ctx = new Ctx('p2', PAXOS_NODES, P);
    const s = commit.onTimer(s0, 'part:t1', ctx);
    assert.equal(s.leads.t1!.round, 1);
    assert.deepEqual([...new Set(sends(ctx.take(), 'Phase1a').map((m) => m.to))], ['acc1', 'acc2', 'acc3']);
  });
});

describe('atomic commit: client operations', () => {
  it('begin refuses a coordinator that is also a participant, and a transaction name the node already knows', () => {
    const ctx = new Ctx('tm', NODES);
    commit.onClient(commit.init(ctx), op('begin', { tx: 't1', parts: ['tm', 'p1'] }), ctx);
    const r = ctx.take().find((e) => e.kind === 'reply');
    assert.ok(r && r.kind === 'reply' && !r.ok && JSON.stringify(r.result).includes('cannot also be a participant'));
    const { s, ctx: c2 } = begun();
    commit.onClient(s, op('begin', { tx: 't1', parts: ['p1'] }, 'c2'), c2);
    const again = c2.take().find((e) => e.kind === 'reply');
    assert.ok(again && again.kind === 'reply' && !again.ok && JSON.stringify(again.result).includes('already knows'));
  });

  it('begin without `with` involves the first `participants` other nodes, never the acceptors', () => {
    const ctx = new Ctx('tm', PAXOS_NODES, { commit_protocol: 'paxos_commit', participants: 2 });
    commit.onClient(commit.init(ctx), op('begin', { tx: 't1' }), ctx);
    assert.deepEqual(sends(ctx.take(), 'Prepare').map((m) => m.to), ['p1', 'p2']);
    const all = new Ctx('tm', PAXOS_NODES, { commit_protocol: 'paxos_commit' });
    commit.onClient(commit.init(all), op('begin', { tx: 't1' }), all);
    assert.deepEqual(sends(all.take(), 'Prepare').map((m) => m.to), ['p1', 'p2', 'p3']);
  });

  it('get is refused while an uncertain transaction holds the key, and reads the committed value otherwise', () => {
    const ctx = new Ctx('p2', NODES);
    commit.onClient(ready(), op('get', { key: 'x' }), ctx);
    const r = ctx.take().find((e) => e.kind === 'reply');
    assert.ok(r && r.kind === 'reply' && !r.ok && JSON.stringify(r.result).includes('locked by t1'));
    commit.onClient({ ...initialState('node'), kv: { x: 7 } }, op('get', { key: 'x' }), ctx);
    assert.deepEqual(ctx.take().find((e) => e.kind === 'reply'), { kind: 'reply', opId: 'c1', ok: true, result: 7 });
  });
});
