// One test per rule of Figure 2 and §5 of the extended Raft paper (Ongaro & Ousterhout),
// shaped init → step → check the messages sent and the state, as etcd-io/raft's raft_paper_test.go.
import assert from 'node:assert/strict';
import { withDefaults } from '../../../src/engine/defaults.js';
import { raftProtocol } from '../../../src/protocols/raft/index.js';
import { fromEntries, lastIndex, toEntries } from '../../../src/protocols/raft/_log.js';
import { initialState } from '../../../src/protocols/raft/state.js';
import type { Entry } from '../../../src/protocols/raft/entry.js';
import type { RaftMessage } from '../../../src/protocols/raft/messages.js';
import type { RaftState } from '../../../src/protocols/raft/state.js';
import { durableBeforeSends, firstBody, parallelWithWrite, sends, TestContext } from './_context.js';

const raft = withDefaults(raftProtocol);

const NODES = ['n1', 'n2', 'n3'];
const E = (term: number, id?: string): Entry => (id ? { term, cmd: { op: 'put', id, origin: 'n1', key: 'x', value: id } } : { term, cmd: { op: 'noop' } });
type Patch = Omit<Partial<RaftState>, 'log'> & { log?: Entry[] };
const st = ({ log, ...patch }: Patch): RaftState => ({ ...initialState(), ...patch, ...(log ? { log: fromEntries(log) } : {}) });
const ctxFor = (id = 'n1', params = {}) => new TestContext(id, NODES, params);

function ae(term: number, prevLogIndex: number, prevLogTerm: number, entries: Entry[], leaderCommit = 0): RaftMessage {
  return { type: 'AppendEntries', body: { term, prevLogIndex, prevLogTerm, entries, leaderCommit, sentAt: 0 } };
}

function leaderOf(term: number, log: Entry[], id = 'n1'): RaftState {
  const peers = NODES.filter((n) => n !== id);
  return st({
    role: 'leader', currentTerm: term, votedFor: id, leaderId: id, log,
    nextIndex: Object.fromEntries(peers.map((p) => [p, log.length + 1])), matchIndex: Object.fromEntries(peers.map((p) => [p, 0])),
    durableIndex: log.length, // its log is on its disk
  });
}

describe('Raft (paper rules, Figure 2 and §5)', () => {
  it('§5.2: a node starts as a follower with an election timer in the configured range', () => {
    const ctx = ctxFor('n1', { election_timeout: { min: 100, max: 200 } });
    const s = raft.init(ctx);
    assert.equal(s.role, 'follower');
    assert.equal(s.currentTerm, 0);
    const t = ctx.take().find((e) => e.kind === 'setTimer');
    assert.ok(t && t.kind === 'setTimer' && t.name === 'election' && t.after >= 100 && t.after <= 200);
  });

  it('§5.2: randomized election timeouts come from the node\'s random stream and cover the range', () => {
    const seen = new Set<number>();
    let x = 0;
    const ctx = new TestContext('n1', NODES, { election_timeout: { min: 10, max: 13 } }, () => (x = (x + 0.26) % 1));
    for (let i = 0; i < 20; i++) {
      raft.init(ctx);
      for (const e of ctx.take()) if (e.kind === 'setTimer') seen.add(e.after);
    }
    assert.deepEqual([...seen].sort(), [10, 11, 12, 13]);
  });

  it('§5.2: a follower that hears no heartbeat within the election timeout becomes candidate and requests votes', () => {
    const ctx = ctxFor();
    const s = raft.onTimer(st({ currentTerm: 3, log: [E(1), E(3)] }), 'election', ctx);
    assert.equal(s.role, 'candidate');
    assert.equal(s.currentTerm, 4);
    assert.equal(s.votedFor, 'n1');
    const effects = ctx.take();
    const rv = sends(effects, 'RequestVote');
    assert.deepEqual(rv.map((m) => m.to), ['n2', 'n3']);
    assert.deepEqual(rv[0]!.msg.body, { term: 4, lastLogIndex: 2, lastLogTerm: 3 });
    // Thesis §10.2.1: the RequestVotes go out while term and vote are being written; the own vote does not count yet.
    assert.ok(parallelWithWrite(effects, 'RequestVote'));
    assert.deepEqual(s.votes, []);
    assert.ok(effects.some((e) => e.kind === 'setTimer' && e.name === 'election'));
  });

  it('§5.2: a candidate that wins votes from a majority becomes leader, appends a no-op (§8) and sends AppendEntries at once', () => {
    const ctx = ctxFor();
    let s = raft.onTimer(st({ currentTerm: 1, log: [E(1)] }), 'election', ctx);
    s = ctx.completeWrites(s);
    ctx.take();
    s = raft.onMessage(s, 'n2', { type: 'RequestVoteReply', body: { term: 2, voteGranted: true } }, ctx);
    assert.equal(s.role, 'leader');
    assert.equal(s.leaderId, 'n1');
    assert.deepEqual(toEntries(s.log).map((e) => [e.term, e.cmd.op]), [[1, 'noop'], [2, 'noop']]);
    const effects = ctx.take();
    assert.deepEqual(sends(effects, 'AppendEntries').map((m) => m.to), ['n2', 'n3']);
    assert.ok(effects.some((e) => e.kind === 'setTimer' && e.name === 'heartbeat'));
    assert.ok(effects.some((e) => e.kind === 'cancelTimer' && e.name === 'election'));
  });

  it('§5.2: a candidate ignores denied votes and votes from other terms', () => {
    const ctx = ctxFor('n1', {});
    const five = new TestContext('n1', ['n1', 'n2', 'n3', 'n4', 'n5']);
    let s = five.completeWrites(raft.onTimer(st({ currentTerm: 1 }), 'election', five));
    s = raft.onMessage(s, 'n2', { type: 'RequestVoteReply', body: { term: 2, voteGranted: false } }, five);
    s = raft.onMessage(s, 'n3', { type: 'RequestVoteReply', body: { term: 1, voteGranted: true } }, five);
    s = raft.onMessage(s, 'n4', { type: 'RequestVoteReply', body: { term: 2, voteGranted: true } }, five);
    s = raft.onMessage(s, 'n4', { type: 'RequestVoteReply', body: { term: 2, voteGranted: true } }, five); // duplicate
    assert.equal(s.role, 'candidate');
    assert.deepEqual(s.votes, ['n1', 'n4']);
    void ctx;
  });

  it('§5.2: each server votes for at most one candidate in a term, first come first served', () => {
    const ctx = ctxFor('n3');
    let s = raft.onMessage(st({ currentTerm: 1 }), 'n1', { type: 'RequestVote', body: { term: 2, lastLogIndex: 0, lastLogTerm: 0 } }, ctx);
    assert.equal(s.votedFor, 'n1');
    assert.deepEqual(sends(ctx.take(), 'RequestVoteReply')[0]!.msg.body, { term: 2, voteGranted: true });
    s = raft.onMessage(s, 'n2', { type: 'RequestVote', body: { term: 2, lastLogIndex: 0, lastLogTerm: 0 } }, ctx);
    assert.equal(s.votedFor, 'n1');
    assert.deepEqual(sends(ctx.take(), 'RequestVoteReply')[0]!.msg.body, { term: 2, voteGranted: false });
    // A repeated request from the same candidate is granted again (its reply may have been lost).
    raft.onMessage(s, 'n1', { type: 'RequestVote', body: { term: 2, lastLogIndex: 0, lastLogTerm: 0 } }, ctx);
    assert.deepEqual(sends(ctx.take(), 'RequestVoteReply')[0]!.msg.body, { term: 2, voteGranted: true });
  });

  it('§5.2: a candidate that receives AppendEntries from a leader of its term returns to follower', () => {
    const ctx = ctxFor('n2');
    const s = raft.onMessage(st({ role: 'candidate', currentTerm: 2, votedFor: 'n2', votes: ['n2'] }), 'n1', ae(2, 0, 0, []), ctx);
    assert.equal(s.role, 'follower');
    assert.equal(s.leaderId, 'n1');
    assert.equal(firstBody(ctx.take(), 'AppendEntriesReply').success, true);
  });

  it('§5.1: a server with a smaller term than the request\'s updates its term and becomes follower', () => {
    const ctx = ctxFor('n1');
    const s = raft.onMessage(leaderOf(2, [E(1), E(2)]), 'n2', { type: 'RequestVote', body: { term: 5, lastLogIndex: 0, lastLogTerm: 0 } }, ctx);
    assert.equal(s.role, 'follower');
    assert.equal(s.currentTerm, 5);
    assert.equal(s.votedFor, null); // its log is more up to date, so no vote (§5.4.1)
    const effects = ctx.take();
    assert.ok(effects.some((e) => e.kind === 'cancelTimer' && e.name === 'heartbeat'));
    assert.deepEqual(sends(effects, 'RequestVoteReply')[0]!.msg.body, { term: 5, voteGranted: false });
  });

  it('§5.1: a server rejects a request with a stale term and tells the sender its term', () => {
    const ctx = ctxFor('n2');
    const before = st({ currentTerm: 4 });
    const s = raft.onMessage(before, 'n1', ae(3, 0, 0, [E(3)]), ctx);
    assert.equal(s, before, 'state unchanged (same object)');
    const reply = sends(ctx.take(), 'AppendEntriesReply')[0]!.msg;
    assert.equal(reply.type, 'AppendEntriesReply');
    assert.deepEqual(reply.type === 'AppendEntriesReply' && [reply.body.success, reply.body.term], [false, 4]);
  });

  it('§5.1: a stale leader that sees a higher term in a reply steps down', () => {
    const ctx = ctxFor('n1');
    const s = raft.onMessage(leaderOf(2, [E(2)]), 'n2', { type: 'AppendEntriesReply', body: { term: 3, success: false, matchIndex: 0, conflictTerm: 0, conflictIndex: 0, sentAt: 0 } }, ctx);
    assert.equal(s.role, 'follower');
    assert.equal(s.currentTerm, 3);
  });

  it('§5.3: a follower rejects AppendEntries whose prevLogTerm does not match, naming the conflicting term and its first index', () => {
    const ctx = ctxFor('n2');
    const before = st({ currentTerm: 3, log: [E(1), E(2), E(2), E(2)] });
    const s = raft.onMessage(before, 'n1', ae(3, 4, 3, [E(3)]), ctx);
    assert.equal(s.log, before.log);
    const r = sends(ctx.take(), 'AppendEntriesReply')[0]!.msg;
    assert.ok(r.type === 'AppendEntriesReply');
    assert.deepEqual([r.body.success, r.body.conflictTerm, r.body.conflictIndex], [false, 2, 2]);
  });

  it('§5.3: a follower whose log is too short rejects and reports its length + 1', () => {
    const ctx = ctxFor('n2');
    raft.onMessage(st({ currentTerm: 3, log: [E(1)] }), 'n1', ae(3, 5, 3, []), ctx);
    const r = sends(ctx.take(), 'AppendEntriesReply')[0]!.msg;
    assert.ok(r.type === 'AppendEntriesReply');
    assert.deepEqual([r.body.success, r.body.conflictTerm, r.body.conflictIndex], [false, 0, 2]);
  });

  it('§5.3: a follower deletes a conflicting entry and all that follow, then appends the new entries', () => {
    const ctx = ctxFor('n2');
    const s = raft.onMessage(st({ currentTerm: 3, log: [E(1), E(2, 'a'), E(2, 'b')] }), 'n1', ae(3, 1, 1, [E(3, 'c')]), ctx);
    assert.deepEqual(toEntries(s.log).map((e) => e.term), [1, 3]);
    const effects = ctx.take();
    // The new log is durable before the acknowledgement leaves.
    assert.ok(durableBeforeSends(effects));
    const r = sends(effects, 'AppendEntriesReply')[0]!.msg;
    assert.ok(r.type === 'AppendEntriesReply' && r.body.success && r.body.matchIndex === 2);
  });

  it('§5.3: entries already present are kept (a stale, shorter AppendEntries does not truncate the log)', () => {
    const ctx = ctxFor('n2');
    const before = st({ currentTerm: 3, log: [E(1), E(3, 'a'), E(3, 'b')] });
    const s = raft.onMessage(before, 'n1', ae(3, 1, 1, [E(3, 'a')]), ctx);
    assert.equal(s.log, before.log);
  });

  it('§5.3: a follower sets commitIndex = min(leaderCommit, index of last new entry) and applies in order', () => {
    const ctx = ctxFor('n2');
    const s = raft.onMessage(st({ currentTerm: 2 }), 'n1', ae(2, 0, 0, [E(1, 'a'), E(2, 'b')], 5), ctx);
    assert.equal(s.commitIndex, 2);
    assert.equal(s.lastApplied, 2);
    assert.deepEqual(s.kv, { x: 'b' });
  });

  it('§5.3: a leader that is refused backs nextIndex over the conflicting term and retries at once', () => {
    const ctx = ctxFor('n1');
    const s0 = leaderOf(5, [E(1), E(1), E(4), E(4), E(5)]);
    const s = raft.onMessage(s0, 'n2', { type: 'AppendEntriesReply', body: { term: 5, success: false, matchIndex: 0, conflictTerm: 2, conflictIndex: 2, sentAt: 0 } }, ctx);
    const m = sends(ctx.take(), 'AppendEntries')[0]!;
    assert.equal(m.to, 'n2');
    assert.ok(m.msg.type === 'AppendEntries');
    // The leader has no entry of term 2, so it goes to the follower's first index of that term.
    assert.deepEqual([m.msg.body.prevLogIndex, m.msg.body.prevLogTerm, m.msg.body.entries.length], [1, 1, 4]);
    assert.equal(s.nextIndex.n2, 6);
    const s2 = raft.onMessage(s0, 'n3', { type: 'AppendEntriesReply', body: { term: 5, success: false, matchIndex: 0, conflictTerm: 4, conflictIndex: 3, sentAt: 0 } }, ctx);
    const m2 = sends(ctx.take(), 'AppendEntries')[0]!;
    // The leader has term 4 up to index 4, so it resumes right after its own last entry of that term.
    assert.ok(m2.msg.type === 'AppendEntries' && m2.msg.body.prevLogIndex === 4);
    void s2;
  });

  it('§5.3: a leader commits an entry of its term once a majority stores it, applies it and answers the client', () => {
    const ctx = ctxFor('n1');
    let s = leaderOf(2, [E(2)]);
    s = { ...s, commitIndex: 1, lastApplied: 1 };
    s = ctx.completeWrites(raft.onClient(s, { id: 'c1', name: 'put', args: { key: 'x', value: 7 } }, ctx));
    assert.equal(lastIndex(s.log), 2);
    assert.deepEqual(sends(ctx.take(), 'AppendEntries').map((m) => m.to), ['n2', 'n3']);
    s = raft.onMessage(s, 'n3', { type: 'AppendEntriesReply', body: { term: 2, success: true, matchIndex: 2, conflictTerm: 0, conflictIndex: 0, sentAt: 0 } }, ctx);
    assert.equal(s.commitIndex, 2);
    assert.deepEqual(s.kv, { x: 7 });
    const reply = ctx.take().find((e) => e.kind === 'reply');
    assert.deepEqual(reply, { kind: 'reply', opId: 'c1', ok: true, result: null });
  });

  it('§5.4.1: a voter denies its vote to a candidate whose log is less up to date', () => {
    const ctx = ctxFor('n3');
    const me = st({ currentTerm: 3, log: [E(1), E(3)] });
    // Lower last term, even with a longer log.
    raft.onMessage(me, 'n1', { type: 'RequestVote', body: { term: 4, lastLogIndex: 5, lastLogTerm: 2 } }, ctx);
    assert.equal(firstBody(ctx.take(), 'RequestVoteReply').voteGranted, false);
    // Same last term, shorter log.
    raft.onMessage(me, 'n1', { type: 'RequestVote', body: { term: 4, lastLogIndex: 1, lastLogTerm: 3 } }, ctx);
    assert.equal(firstBody(ctx.take(), 'RequestVoteReply').voteGranted, false);
    // Same last term, same length: granted.
    raft.onMessage(me, 'n1', { type: 'RequestVote', body: { term: 4, lastLogIndex: 2, lastLogTerm: 3 } }, ctx);
    assert.equal(firstBody(ctx.take(), 'RequestVoteReply').voteGranted, true);
  });

  it('§5.4.2: a leader does not commit an entry from a previous term by counting replicas', () => {
    const ctx = ctxFor('n1');
    // Figure 8 (c): S1 leads term 4 with [1, 2]; index 2 (term 2) reaches a majority.
    const s = raft.onMessage(leaderOf(4, [E(1), E(2)]), 'n2', { type: 'AppendEntriesReply', body: { term: 4, success: true, matchIndex: 2, conflictTerm: 0, conflictIndex: 0, sentAt: 0 } }, ctx);
    assert.equal(s.matchIndex.n2, 2);
    assert.equal(s.commitIndex, 0);
    // Once an entry of term 4 is on a majority, everything before it commits too.
    const s2 = raft.onMessage({ ...s, log: fromEntries([...toEntries(s.log), E(4)]), durableIndex: 3 }, 'n2', { type: 'AppendEntriesReply', body: { term: 4, success: true, matchIndex: 3, conflictTerm: 0, conflictIndex: 0, sentAt: 0 } }, ctx);
    assert.equal(s2.commitIndex, 3);
  });

  it('§5.4.2 (bug_commit_old_terms): the bug switch commits the earlier-term entry by counting', () => {
    const ctx = ctxFor('n1', { bug_commit_old_terms: true });
    const s = raft.onMessage(leaderOf(4, [E(1), E(2)]), 'n2', { type: 'AppendEntriesReply', body: { term: 4, success: true, matchIndex: 2, conflictTerm: 0, conflictIndex: 0, sentAt: 0 } }, ctx);
    assert.equal(s.commitIndex, 2);
  });

  it('Figure 2: persistent state survives a crash; volatile state starts over', () => {
    const ctx = ctxFor('n2');
    const s = raft.onMessage(st({ currentTerm: 1 }), 'n1', { type: 'RequestVote', body: { term: 2, lastLogIndex: 0, lastLogTerm: 0 } }, ctx);
    const durable = ctx.take().filter((e) => e.kind === 'persist').at(-1);
    assert.ok(durable && durable.kind === 'persist');
    const r = raft.onRestart(durable.durable, ctx);
    assert.deepEqual([r.role, r.currentTerm, r.votedFor, r.commitIndex, r.lastApplied], ['follower', 2, 'n1', 0, 0]);
    assert.equal(s.votedFor, 'n1');
    // And so the restarted node does not vote again in term 2.
    raft.onMessage(r, 'n3', { type: 'RequestVote', body: { term: 2, lastLogIndex: 0, lastLogTerm: 0 } }, ctx);
    assert.equal(firstBody(ctx.take(), 'RequestVoteReply').voteGranted, false);
  });

  it('Figure 2 (bug_forget_vote): without the vote on disk a restarted node votes twice in one term', () => {
    const ctx = ctxFor('n2', { bug_forget_vote: true });
    raft.onMessage(st({ currentTerm: 1 }), 'n1', { type: 'RequestVote', body: { term: 2, lastLogIndex: 0, lastLogTerm: 0 } }, ctx);
    const durable = ctx.take().filter((e) => e.kind === 'persist').at(-1);
    assert.ok(durable && durable.kind === 'persist');
    const r = raft.onRestart(durable.durable, ctx);
    raft.onMessage(r, 'n3', { type: 'RequestVote', body: { term: 2, lastLogIndex: 0, lastLogTerm: 0 } }, ctx);
    assert.equal(firstBody(ctx.take(), 'RequestVoteReply').voteGranted, true);
  });

  it('§5.3 (bug_skip_log_check): the bug switch appends after a mismatching prevLogTerm', () => {
    const ctx = ctxFor('n2', { bug_skip_log_check: true });
    const s = raft.onMessage(st({ currentTerm: 3, log: [E(1), E(2)] }), 'n1', ae(3, 2, 3, [E(3)]), ctx);
    assert.deepEqual(toEntries(s.log).map((e) => e.term), [1, 2, 3]);
  });

  it('§8: a follower forwards a client operation to the leader it knows and replies when it applies the entry', () => {
    const ctx = ctxFor('n2');
    let s = st({ currentTerm: 2, leaderId: 'n1' });
    s = raft.onClient(s, { id: 'c1', name: 'get', args: { key: 'x' } }, ctx);
    const fwd = sends(ctx.take(), 'ClientRequest');
    assert.deepEqual(fwd.map((m) => m.to), ['n1']);
    const cmd = fwd[0]!.msg.type === 'ClientRequest' ? fwd[0]!.msg.body.cmd : undefined;
    assert.ok(cmd);
    s = raft.onMessage(s, 'n1', ae(2, 0, 0, [E(2, 'w'), { term: 2, cmd }], 2), ctx);
    const reply = ctx.take().find((e) => e.kind === 'reply');
    assert.deepEqual(reply, { kind: 'reply', opId: 'c1', ok: true, result: 'w' });
    assert.deepEqual(Object.keys(s.pending), []);
  });

  it('§8: a node with no known leader fails the operation definitely only after giving up without ever sending it', () => {
    const ctx = ctxFor('n2');
    let s = raft.onClient(st({ currentTerm: 2 }), { id: 'c1', name: 'put', args: { key: 'x', value: 1 } }, ctx);
    for (let i = 0; i < 30 && s.pending.c1; i++) s = raft.onTimer(s, 'client:c1', ctx);
    const reply = ctx.take().find((e) => e.kind === 'reply');
    assert.deepEqual(reply, { kind: 'reply', opId: 'c1', ok: false, result: { redirect: null } });
  });

  it('§8: a retried operation is applied once (the state machine deduplicates by op id)', () => {
    const ctx = ctxFor('n2');
    const put = (id: string, value: number): Entry => ({ term: 1, cmd: { op: 'cas', id, origin: 'n3', key: 'x', expected: null, value } });
    const s = raft.onMessage(st({ currentTerm: 1 }), 'n1', ae(1, 0, 0, [put('c1', 1), put('c1', 1), put('c2', 2)], 3), ctx);
    assert.deepEqual(s.kv, { x: 1 });
    assert.deepEqual(s.sessions.n3?.results, { c1: true, c2: false });
  });

  it('§9.6 (pre_vote): a node first asks for pre-votes without changing its term', () => {
    const ctx = ctxFor('n1', { pre_vote: true });
    let s = raft.onTimer(st({ currentTerm: 3 }), 'election', ctx);
    assert.equal(s.currentTerm, 3);
    assert.deepEqual(sends(ctx.take(), 'PreVote').map((m) => m.to), ['n2', 'n3']);
    s = raft.onMessage(s, 'n2', { type: 'PreVoteReply', body: { term: 4, granted: true, currentTerm: 3 } }, ctx);
    assert.equal(s.currentTerm, 4);
    assert.deepEqual(sends(ctx.take(), 'RequestVote').map((m) => m.to), ['n2', 'n3']);
  });

  it('§9.6 (pre_vote): a follower that heard its leader recently refuses a pre-vote and keeps its term', () => {
    const ctx = ctxFor('n2', { pre_vote: true });
    ctx.now = 1000;
    const before = st({ currentTerm: 3, leaderId: 'n1', lastHeard: 900 });
    const s = raft.onMessage(before, 'n3', { type: 'PreVote', body: { term: 4, lastLogIndex: 0, lastLogTerm: 0 } }, ctx);
    assert.equal(s, before);
    assert.equal(firstBody(ctx.take(), 'PreVoteReply').term, 4);
  });

  it('Protocol: bad client operations are definite failures, never exceptions', () => {
    const ctx = ctxFor('n1');
    raft.onClient(st({}), { id: 'c9', name: 'put', args: { key: 3 } }, ctx);
    const r = ctx.take().find((e) => e.kind === 'reply');
    assert.ok(r && r.kind === 'reply' && r.ok === false);
    const s = st({});
    assert.equal(raft.onMessage(s, 'n2', { type: 'AppendEntries', body: null } as unknown as RaftMessage, ctx), s);
  });
});
