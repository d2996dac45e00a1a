// Leader leases (`leader_lease`), one test per rule of Ongaro's thesis §6.4.1 "Using clocks to reduce
// messaging for read-only queries" and the vote rule it relies on (§4.2.3), shaped init → step → check
// the messages sent and the state, as paper.test.ts. Durations are µs; the minimum election timeout
// (the lease) is the default 150 ms.
import assert from 'node:assert/strict';
import { withDefaults } from '../../../src/engine/defaults.js';
import { raftProtocol } from '../../../src/protocols/raft/index.js';
import { fromEntries, lastIndex } from '../../../src/protocols/raft/_log.js';
import { initialState } from '../../../src/protocols/raft/state.js';
import type { Entry } from '../../../src/protocols/raft/entry.js';
import type { RaftMessage } from '../../../src/protocols/raft/messages.js';
import type { RaftState } from '../../../src/protocols/raft/state.js';
import { firstBody, sends, TestContext } from './_context.js';

const raft = withDefaults(raftProtocol);

const NODES = ['n1', 'n2', 'n3'];
const LEASE = 150_000;
const LEASED = { leader_lease: true };
const put = (term: number, id: string, value: number): Entry => ({ term, cmd: { op: 'put', id, origin: 'n1', key: 'x', value } });
const get = (id: string) => ({ id, name: 'get', args: { key: 'x' } });

/** n1, leader of term 2, with x = 7 applied and a no-op of its own term committed (log "1 2"). */
function leader(): RaftState {
  return {
    ...initialState(), role: 'leader', currentTerm: 2, votedFor: 'n1', leaderId: 'n1',
    log: fromEntries([put(1, 'c0', 7), { term: 2, cmd: { op: 'noop' } }]), commitIndex: 2, lastApplied: 2, kv: { x: 7 },
    nextIndex: { n2: 3, n3: 3 }, matchIndex: { n2: 2, n3: 2 },
  };
}

function ack(sentAt: number, term = 2): RaftMessage {
  return { type: 'AppendEntriesReply', body: { term, success: true, matchIndex: 2, conflictTerm: 0, conflictIndex: 0, sentAt } };
}

function heartbeat(term: number, sentAt: number): RaftMessage {
  return { type: 'AppendEntries', body: { term, prevLogIndex: 0, prevLogTerm: 0, entries: [], leaderCommit: 0, sentAt } };
}

const requestVote = (term: number): RaftMessage => ({ type: 'RequestVote', body: { term, lastLogIndex: 5, lastLogTerm: 9 } });

/** The leader after n2 acknowledged, at 1 010, the AppendEntries sent at 1 000: its lease runs until 1 000 + LEASE. */
function leasedLeader(ctx: TestContext): RaftState {
  ctx.now = 1_010;
  const s = raft.onMessage(leader(), 'n2', ack(1_000), ctx);
  ctx.take();
  return s;
}

/** Asserts that a `get` at `ctx.now` is not answered locally: it becomes log entry 3, sent to both followers, with no reply yet. */
function assertReadGoesThroughLog(s: RaftState, ctx: TestContext): void {
  const after = raft.onClient(s, get('c1'), ctx);
  const effects = ctx.take();
  assert.equal(effects.filter((e) => e.kind === 'reply').length, 0);
  assert.equal(lastIndex(after.log), 3);
  assert.deepEqual(sends(effects, 'AppendEntries').map((m) => m.to), ['n2', 'n3']);
}

describe('Raft leader lease (thesis §6.4.1)', () => {
  it('§6.4.1: a leader acknowledged by a majority within the lease answers a read from its state machine, with no log entry and no AppendEntries', () => {
    const ctx = new TestContext('n1', NODES, LEASED);
    const before = leasedLeader(ctx);
    assert.deepEqual(before.ackedAt, { n2: 1_000 });
    ctx.now = 1_000 + LEASE - 1;
    const s = raft.onClient(before, get('c1'), ctx);
    const effects = ctx.take();
    assert.deepEqual(effects.filter((e) => e.kind === 'reply'), [{ kind: 'reply', opId: 'c1', ok: true, result: 7 }]);
    assert.deepEqual(sends(effects), []);
    assert.equal(s.log, before.log);
    assert.deepEqual(Object.keys(s.pending), []);
  });

  it('§6.4.1: a read at a follower is answered by a leased leader on its ClientRequest, still without a log entry', () => {
    const ctx = new TestContext('n1', NODES, LEASED);
    const before = leasedLeader(ctx);
    ctx.now = 2_000;
    const cmd = { op: 'get' as const, id: 'c1', origin: 'n3', key: 'x' };
    const s = raft.onMessage(before, 'n3', { type: 'ClientRequest', body: { cmd } }, ctx);
    const effects = ctx.take();
    assert.deepEqual(sends(effects).map((m) => [m.to, m.msg.type]), [['n3', 'ClientResponse']]);
    assert.deepEqual(firstBody(effects, 'ClientResponse'), { id: 'c1', ok: true, result: 7 });
    assert.equal(lastIndex(s.log), 2);
  });

  it('§6.4.1: without leases the same read goes through the log: an entry and an AppendEntries round before any reply', () => {
    const ctx = new TestContext('n1', NODES, {});
    ctx.now = 1_010;
    const s = raft.onMessage(leader(), 'n2', ack(1_000), ctx);
    ctx.take();
    assertReadGoesThroughLog(s, ctx);
  });

  it('§6.4.1: once the lease has run out (no majority heard the leader for a minimum election timeout) the read goes through the log', () => {
    // The leader was cut off from the majority after the acknowledgement at 1 000: no later reply arrives.
    const ctx = new TestContext('n1', NODES, LEASED);
    const before = leasedLeader(ctx);
    ctx.now = 1_000 + LEASE;
    assertReadGoesThroughLog(before, ctx);
  });

  it('§6.4.1: the lease counts from when the acknowledged AppendEntries was sent, not from when the reply arrived', () => {
    const ctx = new TestContext('n1', NODES, LEASED);
    ctx.now = 100_000; // a reply that took 99 ms to arrive
    const s = raft.onMessage(leader(), 'n2', ack(1_000), ctx);
    ctx.take();
    ctx.now = 1_000 + LEASE + 10;
    assertReadGoesThroughLog(s, ctx);
  });

  it('§6.4.1: a new leader serves no leased read before an entry of its own term commits (it may not know the latest commit yet)', () => {
    const ctx = new TestContext('n1', NODES, LEASED);
    ctx.now = 1_010;
    // Its term-2 no-op (index 2) is not committed yet: commitIndex 1 is of term 1.
    const fresh = raft.onMessage({ ...leader(), commitIndex: 1, lastApplied: 1, matchIndex: { n2: 0, n3: 0 } }, 'n2',
      { type: 'AppendEntriesReply', body: { term: 2, success: false, matchIndex: 0, conflictTerm: 0, conflictIndex: 2, sentAt: 1_000 } }, ctx);
    ctx.take();
    assert.deepEqual(fresh.ackedAt, { n2: 1_000 });
    ctx.now = 2_000;
    assertReadGoesThroughLog(fresh, ctx);
  });

  it('§4.2.3: with leases a follower that heard its leader within the minimum election timeout disregards a RequestVote of a higher term', () => {
    const ctx = new TestContext('n2', NODES, LEASED);
    ctx.now = 1_000;
    const heard = raft.onMessage({ ...initialState(), currentTerm: 3 }, 'n1', heartbeat(3, 1_000), ctx);
    assert.equal(heard.lastHeard, 1_000);
    ctx.take();
    ctx.now = 1_000 + LEASE - 1;
    const s = raft.onMessage(heard, 'n3', requestVote(4), ctx);
    assert.equal(s, heard); // no term change, no vote
    assert.deepEqual(sends(ctx.take()), []); // and no reply
    // A minimum election timeout after the heartbeat, the same request is granted.
    ctx.now = 1_000 + LEASE;
    const later = raft.onMessage(heard, 'n3', requestVote(4), ctx);
    assert.equal(later.currentTerm, 4);
    assert.equal(later.votedFor, 'n3');
    assert.equal(firstBody(ctx.take(), 'RequestVoteReply').voteGranted, true);
  });

  it('§4.2.3: without leases the same follower grants that vote at once', () => {
    const ctx = new TestContext('n2', NODES, {});
    ctx.now = 1_000;
    const heard = raft.onMessage({ ...initialState(), currentTerm: 3 }, 'n1', heartbeat(3, 1_000), ctx);
    ctx.take();
    ctx.now = 1_000 + LEASE - 1;
    const s = raft.onMessage(heard, 'n3', requestVote(4), ctx);
    assert.equal(s.votedFor, 'n3');
    assert.equal(firstBody(ctx.take(), 'RequestVoteReply').voteGranted, true);
  });

  it('§6.4.1: a leader holding a lease does not step down for a RequestVote of a higher term', () => {
    const ctx = new TestContext('n1', NODES, LEASED);
    const before = leasedLeader(ctx);
    ctx.now = 2_000;
    const s = raft.onMessage(before, 'n3', requestVote(3), ctx);
    assert.equal(s, before);
    assert.deepEqual(sends(ctx.take()), []);
  });

  it('§6.4.1: with leases a restarted server waits a minimum election timeout before voting (it may have acknowledged a leader just before crashing)', () => {
    const durable = { currentTerm: 3, votedFor: null, log: [] };
    const ctx = new TestContext('n2', NODES, LEASED);
    ctx.now = 5_000;
    const s0 = raft.onRestart(durable, ctx);
    ctx.take();
    ctx.now = 5_000 + LEASE - 1;
    assert.equal(raft.onMessage(s0, 'n3', requestVote(4), ctx), s0);
    assert.deepEqual(sends(ctx.take()), []);
    ctx.now = 5_000 + LEASE;
    assert.equal(raft.onMessage(s0, 'n3', requestVote(4), ctx).votedFor, 'n3');
    // Without leases it votes at once.
    const plain = new TestContext('n2', NODES, {});
    plain.now = 5_000;
    const p0 = raft.onRestart(durable, plain);
    plain.now = 5_001;
    assert.equal(raft.onMessage(p0, 'n3', requestVote(4), plain).votedFor, 'n3');
  });
});
