// The safety properties of atomic commitment (BHG §7.2, AC1–AC5; Gray & Lamport §2, TCommit), each shown
// holding on a correct history and caught on a violating one, through the engine's Monitors as the simulator
// checks them: step by step, told which nodes changed.
import assert from 'node:assert/strict';
import { Monitors, type Violation } from '../../../src/engine/monitors.js';
import type { NodeView, Params, World } from '../../../src/engine/protocol.js';
import { invariants } from '../../../src/protocols/commit/invariants.js';
import { initialState, type CommitState, type CoordTx, type PartTx } from '../../../src/protocols/commit/state.js';

const PARTS = ['p1', 'p2', 'p3'];

function part(state: PartTx['state'], vote: PartTx['vote'] = 'yes'): PartTx {
  return {
    state, coord: 'tm', parts: PARTS, key: 'x', value: 1, began: 0, vote, votedAt: vote ? 1 : -1, decidedAt: -1,
    by: null, hops: 0, waited: 0, recovered: false, term: null,
  };
}
const participant = (t: PartTx): CommitState => ({ ...initialState('node'), txs: { t1: t } });
function coordinator(phase: CoordTx['phase'], presumed = false): CommitState {
  const c: CoordTx = { phase, parts: PARTS, key: 'x', value: 1, began: 0, votes: {}, acks: [], op: null, presumed, recovered: false, hops: 0 };
  return { ...initialState('node'), coord: { t1: c } };
}

/** A run: nodes tm, p1..p3; `step` changes some nodes' states and returns what the invariants found. */
class Run {
  readonly views: NodeView<CommitState>[];
  private readonly monitors = new Monitors<CommitState>(invariants);
  constructor(private readonly params: Params = { commit_protocol: 'twopc' }) {
    this.views = ['tm', ...PARTS].map((id, index) => ({ id, index, up: true, status: 'up', state: initialState('node'), role: 'participant', durable: undefined }));
    this.monitors.check(this.world(), this.views);
  }
  world(): World<CommitState> {
    return { now: 0, nodes: this.views, params: this.params, metrics: {}, node: (id) => this.views.find((n) => n.id === id) };
  }
  step(changes: Record<string, CommitState>): string[] {
    const changed: NodeView<CommitState>[] = [];
    for (const [id, state] of Object.entries(changes)) {
      const k = this.views.findIndex((n) => n.id === id);
      this.views[k] = { ...this.views[k]!, state };
      changed.push(this.views[k]!);
    }
    return this.monitors.check(this.world(), changed).map((v: Violation) => `${v.invariant}: ${v.message}`);
  }
}

describe('atomic commit invariants (BHG §7.2)', () => {
  it('a correct 2PC history — votes, the coordinator\'s commit, the participants\' commits — violates nothing', () => {
    const r = new Run();
    assert.deepEqual(r.step({ p1: participant(part('READY')), p2: participant(part('READY')), p3: participant(part('READY')) }), []);
    assert.deepEqual(r.step({ tm: coordinator('COMMITTED') }), []);
    assert.deepEqual(r.step({ p1: participant(part('COMMITTED')) }), []);
    assert.deepEqual(r.step({ p2: participant(part('COMMITTED')), p3: participant(part('COMMITTED')) }), []);
  });

  it('atomicity (AC1): committed at one participant and aborted at another', () => {
    const r = new Run({ commit_protocol: 'threepc' });
    r.step({ p1: participant(part('READY')), p2: participant(part('READY')), p3: participant(part('READY')) });
    r.step({ tm: coordinator('COMMITTED') });
    r.step({ p1: participant(part('COMMITTED')) });
    const found = r.step({ p2: participant(part('ABORTED')) });
    assert.ok(found.includes('atomicity: t1 aborted at p2 but committed at p1'), found.join('\n'));
  });

  it('commit_validity (AC3): a commit while a participant never voted yes', () => {
    const r = new Run();
    r.step({ p1: participant(part('READY')), p2: participant(part('READY')) });
    const found = r.step({ tm: coordinator('COMMITTED') });
    assert.deepEqual(found, ['commit_validity: t1 committed at tm but p3 never voted yes']);
  });

  it('decision_stable (AC2): a restarted coordinator that presumes abort after a participant committed', () => {
    const r = new Run();
    r.step({ p1: participant(part('READY')), p2: participant(part('READY')), p3: participant(part('READY')) });
    r.step({ tm: coordinator('COMMITTED') });
    r.step({ p1: participant(part('COMMITTED')) });
    const found = r.step({ tm: coordinator('ABORTED', true) });
    assert.equal(found.length, 1);
    assert.match(found[0]!, /^decision_stable: t1 was COMMITTED at p1 .* but its coordinator tm now says ABORTED \(presumed abort/);
  });

  it('decision_stable holds when a coordinator crashed before anyone adopted its commit and then presumes abort', () => {
    const r = new Run();
    r.step({ p1: participant(part('READY')), p2: participant(part('READY')), p3: participant(part('READY')) });
    r.step({ tm: coordinator('COMMITTED') }); // in memory only; it crashes before the record is durable
    assert.deepEqual(r.step({ tm: coordinator('ABORTED', true) }), []);
    assert.deepEqual(r.step({ p1: participant(part('ABORTED')) }), []);
  });

  it('no_unilateral_decision (2PC): a participant that voted yes aborts while nobody had decided', () => {
    const r = new Run();
    r.step({ p1: participant(part('READY')), p2: participant(part('READY')), p3: participant(part('READY')) });
    r.step({ tm: coordinator('COMMITTED') });
    const found = r.step({ p3: participant(part('ABORTED')) });
    assert.ok(found.some((f) => f.startsWith('no_unilateral_decision: p3 voted yes on t1 and took ABORTED on its own')), found.join('\n'));
  });

  it('no_unilateral_decision allows an outcome another participant already took (cooperative termination), and does not apply to 3PC', () => {
    const r = new Run();
    r.step({ p1: participant(part('READY')), p2: participant(part('READY')), p3: participant(part('READY')) });
    r.step({ tm: coordinator('COMMITTED') });
    r.step({ p1: participant(part('COMMITTED')) });
    assert.deepEqual(r.step({ p2: participant(part('COMMITTED')) }), []);
    const three = new Run({ commit_protocol: 'threepc' });
    three.step({ p1: participant(part('READY')), p2: participant(part('READY')), p3: participant(part('READY')) });
    assert.deepEqual(three.step({ p1: participant(part('ABORTED')) }), []); // 3PC's TR3: the termination coordinator decides
  });

  it('a crashed node is not looked at; after its restart its records are seen again', () => {
    const r = new Run();
    r.step({ p1: participant(part('READY')), p2: participant(part('READY')), p3: participant(part('READY')) });
    r.step({ tm: coordinator('COMMITTED') });
    r.step({ p1: participant(part('COMMITTED')) });
    const k = r.views.findIndex((n) => n.id === 'p2');
    r.views[k] = { ...r.views[k]!, status: 'crashed', up: false };
    assert.deepEqual(r.step({ p2: participant(part('ABORTED')) }).length, 0); // a crashed view's state is stale: ignored
    r.views[k] = { ...r.views[k]!, status: 'up', up: true };
    assert.ok(r.step({ p2: participant(part('ABORTED')) }).some((f) => f.startsWith('atomicity')));
  });
});
