import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkLinearizable } from '../../../src/checks/linearizability.js';
import { electionSafety, logMatching, stateMachineSafety } from '../../../src/protocols/raft/invariants.js';
import { withDefaults } from '../../../src/engine/defaults.js';
import { raftProtocol } from '../../../src/protocols/raft/index.js';
import { fromEntries } from '../../../src/protocols/raft/_log.js';
import { initialState } from '../../../src/protocols/raft/state.js';
import type { RaftState } from '../../../src/protocols/raft/state.js';
import { runCluster } from './_cluster.js';
import { makeWorld, sends, TestContext } from './_context.js';
import { checkOnce } from '../_context.js';

const raft = withDefaults(raftProtocol);

describe('Raft cluster (mini driver, random schedules)', () => {
  it('elects a single leader from a cold start and commits client writes', () => {
    const r = runCluster({ nodes: 3, seed: 1, loss: 0, duplicate: 0, crash: 0, until: 3_000_000 });
    assert.equal(r.violation, null);
    const leaders = Object.values(r.states).filter((s) => s.role === 'leader');
    assert.equal(leaders.length, 1);
    const answered = r.history.filter((o) => o.ret !== null).length;
    assert.ok(answered > 20, `answered ${answered} client operations`);
    assert.deepEqual(checkLinearizable(r.history), { ok: true });
  });

  it('keeps the five Figure 3 properties and a linearizable history under loss, duplication and crashes (fast-check)', () => {
    fc.assert(fc.property(
      fc.record({
        nodes: fc.constantFrom(3, 5), seed: fc.integer({ min: 1, max: 1_000_000 }),
        loss: fc.double({ min: 0, max: 0.2, noNaN: true }), duplicate: fc.double({ min: 0, max: 0.1, noNaN: true }),
        crash: fc.double({ min: 0, max: 0.15, noNaN: true }), preVote: fc.boolean(),
      }),
      (c) => {
        const r = runCluster({ ...c, until: 2_000_000, params: { pre_vote: c.preVote } });
        assert.equal(r.violation, null, JSON.stringify(c));
        const lin = checkLinearizable(r.history);
        assert.ok(lin.ok, `${JSON.stringify(c)}: ${lin.ok ? '' : lin.message}`);
      },
    ), { numRuns: 60, seed: 7 });
  });

  for (const bug of [false, true]) {
    it(`Figure 3 election_safety ${bug ? 'catches bug_forget_vote: a restarted voter votes twice in a term' : 'holds when the vote is persisted'}`, () => {
      const params = { bug_forget_vote: bug };
      const nodes = ['n1', 'n2', 'n3'];
      const c = Object.fromEntries(nodes.map((id) => [id, new TestContext(id, nodes, params)]));
      const s: Record<string, RaftState> = Object.fromEntries(nodes.map((id) => [id, raft.init(c[id]!)]));
      s.n1 = c.n1!.completeWrites(raft.onTimer(s.n1!, 'election', c.n1!));
      const rv1 = sends(c.n1!.take(), 'RequestVote').find((m) => m.to === 'n2')!.msg;
      s.n2 = raft.onMessage(s.n2!, 'n1', rv1, c.n2!);
      const durable = c.n2!.take().filter((e) => e.kind === 'persist').at(-1);
      s.n1 = raft.onMessage(s.n1!, 'n2', { type: 'RequestVoteReply', body: { term: 1, voteGranted: true } }, c.n1!);
      assert.equal(s.n1.role, 'leader');
      // n2 crashes and restarts from disk; n3 (which heard nothing) campaigns in the same term.
      s.n2 = raft.onRestart(durable && durable.kind === 'persist' ? durable.durable : undefined, c.n2!);
      s.n3 = c.n3!.completeWrites(raft.onTimer(s.n3!, 'election', c.n3!));
      const rv3 = sends(c.n3!.take(), 'RequestVote').find((m) => m.to === 'n2')!.msg;
      s.n2 = raft.onMessage(s.n2, 'n3', rv3, c.n2!);
      const granted = sends(c.n2!.take(), 'RequestVoteReply')[0]!.msg;
      s.n3 = raft.onMessage(s.n3, 'n2', granted, c.n3!);
      const verdict = checkOnce([electionSafety], makeWorld(s, params, 1)).get('election_safety') ?? null;
      if (bug) assert.match(verdict ?? '', /n1 and n3 were both leaders in term 1/);
      else assert.equal(verdict, null);
    });
  }

  it('Figure 3 log_matching and state_machine_safety flag divergent logs', () => {
    const params = {};
    const e = (term: number, id: string) => ({ term, cmd: { op: 'put' as const, id, origin: 'n1', key: 'x', value: id } });
    const a = { ...initialState(), currentTerm: 2, log: fromEntries([e(1, 'a'), e(2, 'b')]), commitIndex: 2, lastApplied: 2 };
    const b = { ...initialState(), currentTerm: 2, log: fromEntries([e(1, 'z'), e(2, 'b')]), commitIndex: 1, lastApplied: 1 };
    assert.match(checkOnce([logMatching], makeWorld({ n1: a, n2: b }, params)).get('log_matching') ?? '', /n2 and n1 both hold an entry at index 1 term 1/);
    assert.match(checkOnce([stateMachineSafety], makeWorld({ n1: a, n2: b }, params)).get('state_machine_safety') ?? '', /index 1/);
    assert.equal(checkOnce([logMatching], makeWorld({ n1: a, n2: { ...b, log: a.log } }, {})).size, 0);
  });
});
