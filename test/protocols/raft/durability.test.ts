/**
 * Raft's writes and sends ordered as real implementations order them
 * (Ongaro's thesis §10.2.1; etcd's asynchronous storage writes): requests
 * leave while the sender's write is in flight, replies wait for the
 * replier's write, and a node counts itself — its copy of an entry, its own
 * vote — only once its write is durable. First at the level of handlers
 * (the effects and their `waitForWrites`), then on the real simulator with a
 * storage latency, where the timing shows: what leaves when, when a commit or
 * an election happens, and what a crash during a write loses.
 */
import assert from 'node:assert/strict';
import { parseAndCompile } from '../../../src/dsl/compile.js';
import { withDefaults } from '../../../src/engine/defaults.js';
import { raftProtocol } from '../../../src/protocols/raft/index.js';
import { fromEntries, lastIndex, toEntries } from '../../../src/protocols/raft/_log.js';
import type { Entry } from '../../../src/protocols/raft/entry.js';
import { initialState, type RaftState } from '../../../src/protocols/raft/state.js';
import { runScenario, type ScenarioOutcome } from '../../../src/runner/run.js';
import type { TraceEvent } from '../../../src/trace/format.js';
import { durableBeforeSends, parallelWithWrite, sends, TestContext } from './_context.js';

const raft = withDefaults(raftProtocol);
const E = (term: number): Entry => ({ term, cmd: { op: 'noop' } });
const ack = (term: number, matchIndex: number) => ({ type: 'AppendEntriesReply' as const, body: { term, success: true, matchIndex, conflictTerm: 0, conflictIndex: 0, sentAt: 0 } });

function leader(nodes: string[], term: number, log: Entry[]): RaftState {
  const peers = nodes.filter((n) => n !== 'n1');
  return {
    ...initialState(), role: 'leader', currentTerm: term, votedFor: 'n1', leaderId: 'n1', log: fromEntries(log),
    commitIndex: log.length, lastApplied: log.length, durableIndex: log.length,
    nextIndex: Object.fromEntries(peers.map((p) => [p, log.length + 1])), matchIndex: Object.fromEntries(peers.map((p) => [p, log.length])),
  };
}

describe('Raft durability (thesis §10.2.1): handlers', () => {
  it('a leader sends AppendEntries for a new entry in parallel with writing it, and counts itself only once the write is durable', () => {
    const nodes = ['n1', 'n2', 'n3'];
    const ctx = new TestContext('n1', nodes);
    let s = raft.onClient(leader(nodes, 2, [E(2)]), { id: 'c1', name: 'put', args: { key: 'x', value: 7 } }, ctx);
    assert.ok(parallelWithWrite(ctx.effects, 'AppendEntries'), 'the entry is written and sent at once');
    assert.equal(s.durableIndex, 1, 'index 2 is not on the leader\'s disk yet');
    s = raft.onMessage(s, 'n2', ack(2, 2), ctx);
    assert.equal(s.commitIndex, 1, 'one follower and a leader without the entry on disk are not a majority of three');
    s = ctx.completeWrites(s);
    assert.equal(s.durableIndex, 2);
    assert.equal(s.commitIndex, 2, 'with its own copy durable the leader is the second of the majority');
    assert.deepEqual(s.kv, { x: 7 });
  });

  it('a majority of followers commits an entry the leader has not written yet', () => {
    const nodes = ['n1', 'n2', 'n3', 'n4', 'n5'];
    const ctx = new TestContext('n1', nodes);
    let s = raft.onClient(leader(nodes, 2, [E(2)]), { id: 'c1', name: 'put', args: { key: 'x', value: 7 } }, ctx);
    s = raft.onMessage(s, 'n2', ack(2, 2), ctx);
    s = raft.onMessage(s, 'n3', ack(2, 2), ctx);
    assert.equal(s.commitIndex, 1, 'two followers are not three of five');
    s = raft.onMessage(s, 'n4', ack(2, 2), ctx);
    assert.equal(s.commitIndex, 2, 'three followers are a majority of five, leader or not');
    assert.equal(s.durableIndex, 1);
  });

  it('a candidate sends RequestVote while writing its term and vote, and counts its own vote once they are durable', () => {
    const ctx = new TestContext('n1', ['n1', 'n2', 'n3']);
    let s = raft.onTimer(initialState(), 'election', ctx);
    assert.ok(parallelWithWrite(ctx.effects, 'RequestVote'));
    assert.deepEqual(s.votes, []);
    s = raft.onMessage(s, 'n2', { type: 'RequestVoteReply', body: { term: 1, voteGranted: true } }, ctx);
    assert.equal(s.role, 'candidate', 'n2\'s vote alone is not a majority of three');
    s = ctx.completeWrites(s);
    assert.equal(s.role, 'leader', 'its own durable vote makes two');
    assert.equal(lastIndex(s.log), 1, 'it appended its no-op');
    assert.equal(s.durableIndex, 1, 'instant storage: the no-op\'s write completed right after, too');
  });

  it('a leader whose own vote was durable starts with its whole earlier log counted as on its disk', () => {
    const ctx = new TestContext('n1', ['n1', 'n2', 'n3']);
    let s = ctx.completeWrites(raft.onTimer({ ...initialState(), currentTerm: 1, log: fromEntries([E(1), E(1)]) }, 'election', ctx));
    s = raft.onMessage(s, 'n2', { type: 'RequestVoteReply', body: { term: 2, voteGranted: true } }, ctx);
    assert.equal(s.role, 'leader');
    assert.equal(lastIndex(s.log), 3);
    assert.equal(s.durableIndex, 2);
  });

  it('voters reply only after their write: a vote and an AppendEntries acknowledgement wait for the disk', () => {
    const voter = new TestContext('n2', ['n1', 'n2', 'n3']);
    raft.onMessage(initialState(), 'n1', { type: 'RequestVote', body: { term: 1, lastLogIndex: 0, lastLogTerm: 0 } }, voter);
    assert.ok(durableBeforeSends(voter.take()));
    const follower = new TestContext('n2', ['n1', 'n2', 'n3']);
    const entries = [E(1)];
    const f = raft.onMessage({ ...initialState(), currentTerm: 1 }, 'n1', { type: 'AppendEntries', body: { term: 1, prevLogIndex: 0, prevLogTerm: 0, entries, leaderCommit: 0, sentAt: 0 } }, follower);
    assert.ok(durableBeforeSends(follower.effects));
    assert.equal(sends(follower.effects, 'AppendEntriesReply').length, 1);
    assert.equal(follower.completeWrites(f), f, 'a follower has nothing to do when its write completes');
  });

  it('a write from an earlier term, or of a log the leader has since outgrown, counts only for what it holds', () => {
    const nodes = ['n1', 'n2', 'n3'];
    const ctx = new TestContext('n1', nodes);
    const s = { ...leader(nodes, 3, [E(1), E(3), E(3)]), durableIndex: 1 };
    assert.equal(raft.onDurable!(s, { currentTerm: 2, votedFor: 'n1', log: fromEntries([E(1), E(2)]) as never }, ctx), s, 'another term: ignored');
    const partial = raft.onDurable!(s, { currentTerm: 3, votedFor: 'n1', log: fromEntries([E(1), E(3)]) as never }, ctx);
    assert.equal(partial.durableIndex, 2);
    assert.deepEqual(toEntries(partial.log).length, 3);
  });
});

// ---------------------------------------------------------------- on the simulator

/**
 * Three servers where n1 leads: the others' timers run three times slower
 * (drift, re-armed by a crash and restart at 1–2 ms), so n1 times out first.
 * `body` adds storage, faults and expectations.
 */
function threeServers(body: string, restarted = 'n1..n3'): string {
  return `cluster three: raft {
  nodes n1..n3
  election_timeout 150ms..300ms
  heartbeat 50ms
}
scenario "durability" {
  use three
  network { latency 1ms }
  at 0ms drift n2 n3 3
  at 1ms crash n1..n3
  at 2ms restart ${restarted}
${body}
  run until 2s
}`;
}

async function run(text: string): Promise<{ outcome: ScenarioOutcome; events: TraceEvent[] }> {
  const compiled = await parseAndCompile(text);
  assert.deepEqual(compiled.diagnostics.filter((d) => d.severity === 'error'), []);
  const outcome = runScenario(compiled.file.scenarios[0]!);
  const trace = outcome.result.trace;
  return { outcome, events: Array.from({ length: trace.length }, (_, i) => trace.event(i)) };
}

function stateAt(outcome: ScenarioOutcome, i: number, node: string): RaftState {
  return outcome.result.trace.stateAt(i)[node] as unknown as RaftState;
}

/** The first event at or after `from` (µs) of `kind` matching `pred`. */
type Ev<K extends TraceEvent['kind']> = TraceEvent & { kind: K };
function first<K extends TraceEvent['kind']>(events: TraceEvent[], kind: K, pred: (e: Ev<K>) => boolean = () => true, from = 0): Ev<K> {
  const e = events.find((x): x is Ev<K> => x.kind === kind && x.t >= from && pred(x as Ev<K>));
  assert.ok(e, `no ${kind} event after ${from} µs`);
  return e;
}

/** The time at which n1's commitIndex first reaches `index`. */
function commitTime(outcome: ScenarioOutcome, events: TraceEvent[], index: number): number {
  const e = events.find((x) => x.kind === 'state' && x.node === 'n1' && stateAt(outcome, x.i, 'n1').commitIndex >= index);
  assert.ok(e, `n1 never committed index ${index}`);
  return e.t;
}

describe('Raft durability (thesis §10.2.1): on the simulator with a storage latency', function () {
  this.timeout(60_000);

  it('the leader\'s AppendEntries leave with the client entry, not after its 50 ms write; it commits with one follower only once its own copy is durable', async () => {
    const { outcome, events } = await run(threeServers(`  storage { latency 50ms on n1 }
  at 900ms crash n3
  at 1s client on n1 put x = 1`));
    const client = first(events, 'client', (e) => e.node === 'n1', 1_000_000);
    const ae = first(events, 'send', (e) => e.msg.type === 'AppendEntries' && e.msg.to === 'n2' && JSON.stringify(e.msg.body).includes('"put"'), client.t);
    const delivered = first(events, 'deliver', (e) => e.msg === ae.msg.id);
    assert.equal(ae.t, 1_000_000, 'sent with the append');
    assert.equal(delivered.t, 1_001_000, 'delivered after the 1 ms network, while the leader is still writing');
    const written = first(events, 'durable', (e) => e.node === 'n1', client.t);
    assert.equal(written.t, 1_050_000);
    const putIndex = lastIndex(stateAt(outcome, client.i + 1, 'n1').log);
    assert.equal(commitTime(outcome, events, putIndex), 1_050_000, 'n2 acknowledged at 1.002 s, but n3 is down: the leader\'s own copy is the second of the majority');
    assert.equal(first(events, 'reply', (e) => e.op === client.op.id).t, 1_050_000);
  });

  it('two followers commit the entry at 1.002 s, before the leader\'s own write completes', async () => {
    const { outcome, events } = await run(threeServers(`  storage { latency 50ms on n1 }
  at 1s client on n1 put x = 1`));
    const client = first(events, 'client', (e) => e.node === 'n1', 1_000_000);
    const putIndex = lastIndex(stateAt(outcome, client.i + 1, 'n1').log);
    assert.equal(commitTime(outcome, events, putIndex), 1_002_000);
  });

  it('a candidate\'s RequestVotes leave as its timer fires; with one other voter up it leads only once its own vote is durable', async () => {
    const { events } = await run(threeServers(`  storage { latency 50ms on n1 }`, 'n1..n2'));
    const timer = first(events, 'timer', (e) => e.node === 'n1' && e.name === 'election');
    const rv = first(events, 'send', (e) => e.msg.type === 'RequestVote' && e.msg.to === 'n2');
    assert.equal(rv.t, timer.t, 'RequestVote leaves while the term and vote are being written');
    const granted = first(events, 'deliver', (e) => e.node === 'n1');
    assert.equal(granted.t, timer.t + 2000, 'n2\'s vote arrives after two network hops');
    const elected = first(events, 'note', (e) => e.node === 'n1' && e.text.startsWith('leader for term'));
    assert.equal(elected.t, timer.t + 50_000, 'n1 becomes leader when its own vote reaches its disk');
  });

  it('a voter\'s reply leaves only once its vote is on its disk', async () => {
    const { events } = await run(threeServers(`  storage { latency 30ms on n2 }`, 'n1..n2'));
    const timer = first(events, 'timer', (e) => e.node === 'n1' && e.name === 'election');
    const reply = first(events, 'send', (e) => e.msg.type === 'RequestVoteReply' && e.msg.from === 'n2');
    assert.equal(reply.t, timer.t + 1000, 'recorded when n2 grants its vote');
    assert.equal(first(events, 'deliver', (e) => e.msg === reply.msg.id).t, timer.t + 1000 + 30_000 + 1000, 'on the wire only after the 30 ms write');
  });

  it('a leader crashing during its write loses its own copy of the entry and nothing else: the AppendEntries already left, the followers keep it, it commits', async () => {
    const { outcome, events } = await run(threeServers(`  storage { latency 50ms on n1 }
  at 1s client on n1 put x = 1
  at 1.01s crash n1
  at 1.1s restart n1
  expect at end committed x = 1`));
    const client = first(events, 'client', (e) => e.node === 'n1', 1_000_000);
    const before = stateAt(outcome, client.i, 'n1');
    const restart = first(events, 'restart', (e) => e.node === 'n1', 1_100_000);
    const after = stateAt(outcome, restart.i + 1, 'n1');
    assert.deepEqual(toEntries(after.log), toEntries(before.log), 'the restarted leader has its log as it was before the put');
    assert.equal(after.currentTerm, before.currentTerm);
    assert.equal(events.filter((e) => e.kind === 'drop' && e.reason === 'persist-lost').length, 0, 'no AppendEntries was waiting for the write');
    assert.equal(lastIndex(stateAt(outcome, restart.i, 'n2').log), lastIndex(before.log) + 1, 'n2 holds the entry');
    assert.ok(outcome.passed, JSON.stringify(outcome.result.checks));
  });

  it('a candidate crashing during its vote\'s write forgets its term and vote; the voter remembers its own', async () => {
    const { outcome, events } = await run(threeServers(`  storage { latency 50ms on n1 }
  at 2ms crash n3
  on next timer election on n1 { after 10ms crash n1 }
  at 1s restart n1`, 'n1..n2'));
    const timer = first(events, 'timer', (e) => e.node === 'n1' && e.name === 'election');
    const term = stateAt(outcome, timer.i + 1, 'n1').currentTerm;
    const restart = first(events, 'restart', (e) => e.node === 'n1', 1_000_000);
    const n1 = stateAt(outcome, restart.i + 1, 'n1');
    assert.equal(n1.currentTerm, term - 1, 'the term of its candidacy never reached its disk');
    assert.equal(n1.votedFor, null);
    const crash = first(events, 'crash', (e) => e.node === 'n1', timer.t);
    const n2 = stateAt(outcome, crash.i, 'n2');
    assert.deepEqual([n2.currentTerm, n2.votedFor], [term, 'n1'], 'n2 voted durably');
  });

  it('a voter crashing during its vote\'s write never sends the vote: the reply is lost with the write', async () => {
    const { outcome, events } = await run(threeServers(`  storage { latency 30ms on n2 }
  on next deliver RequestVote to n2 { after 10ms crash n2 }
  at 1s restart n2`, 'n1..n2'));
    const lost = events.filter((e) => e.kind === 'drop' && e.reason === 'persist-lost');
    assert.equal(lost.length, 1);
    const reply = events.find((e) => e.kind === 'send' && e.msg.id === (lost[0]!.kind === 'drop' ? lost[0]!.msg : -1));
    assert.equal(reply?.kind === 'send' && reply.msg.type, 'RequestVoteReply');
    const restart = first(events, 'restart', (e) => e.node === 'n2', 1_000_000);
    assert.equal(stateAt(outcome, restart.i + 1, 'n2').votedFor, null, 'the vote never reached n2\'s disk');
  });
});
