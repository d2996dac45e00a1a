// One test per rule of the store, each citing the section of DeCandia et al.,
// "Dynamo: Amazon's Highly Available Key-value Store" (SOSP 2007) or of
// Attiya, Bar-Noy & Dolev, "Sharing Memory Robustly in Message-Passing Systems"
// (JACM 1995) that it follows, shaped init → step → check the messages sent
// and the state (as etcd-io/raft's raft_paper_test.go).
import assert from 'node:assert/strict';
import { withDefaults } from '../../../src/engine/defaults.js';
import type { Json, NodeId, Params } from '../../../src/engine/protocol.js';
import { quorumProtocol } from '../../../src/protocols/quorum/index.js';
import type { QuorumMessage } from '../../../src/protocols/quorum/messages.js';
import { readParams } from '../../../src/protocols/quorum/params.js';
import { homeOf, ringOf, walkOf } from '../../../src/protocols/quorum/placement.js';
import { initialState, type QuorumState } from '../../../src/protocols/quorum/state.js';
import { compareClocks, reconcile, NO_BUGS, type Version } from '../../../src/protocols/quorum/versions.js';
import { Ring } from '../../../src/protocols/ring/ring.js';
import { Cluster, makeContext, type TestContext } from '../_context.js';

const q = withDefaults(quorumProtocol);
const NODES = ['n1', 'n2', 'n3', 'n4', 'n5'];
// Key x: preference list n3, n1, n4; walk n3 n1 n4 n5 n2 (checked below).
const ctxFor = (id: NodeId, params: Params = {}, now = 0): TestContext<QuorumMessage> => makeContext<QuorumMessage>({ id, nodes: NODES, params, now });
const v = (op: string, value: Json, clock: Record<string, number>, ts = 0, by = 'n3'): Version => ({ value, clock, ts, by, op });
const st = (patch: Partial<QuorumState> = {}): QuorumState => ({ ...initialState(null), ...patch });
const sent = (ctx: TestContext<QuorumMessage>, type?: QuorumMessage['type']) => ctx.effects.sends.filter((m) => type === undefined || m.msg.type === type);
const body = (ctx: TestContext<QuorumMessage>, type: QuorumMessage['type']): any => sent(ctx, type)[0]!.msg.body;

/** A client op taken at `id`. */
function client(s: QuorumState, id: NodeId, name: 'get' | 'put', args: Record<string, Json>, params: Params = {}, opId = 'c1') {
  const ctx = ctxFor(id, params);
  return { s: q.onClient(s, { id: opId, name, args }, ctx), ctx };
}

describe('quorum store (Dynamo §4, ABD)', () => {
  describe('partitioning and replication (§4.2, §4.3)', () => {
    it('§4.3: a key\'s preference list is the first N distinct nodes clockwise from its hash on the ring of src/protocols/ring', () => {
      const p = readParams({});
      const ring = new Ring({ vnodes: p.vnodes, hash: p.hash, weights: NODES });
      for (const key of ['x', 'y', 'cart', 'user:42']) {
        assert.deepEqual(homeOf(NODES, p, key), ring.preference(key, 3));
        assert.equal(new Set(homeOf(NODES, p, key)).size, 3);
        assert.deepEqual(walkOf(NODES, p, key).slice(0, 3), homeOf(NODES, p, key));
        assert.deepEqual([...walkOf(NODES, p, key)].sort(), NODES);
      }
      assert.deepEqual(homeOf(NODES, p, 'x'), ['n3', 'n1', 'n4']);
      assert.equal(ringOf(NODES, p).size, NODES.length * p.vnodes);
    });

    it('§4.2: each node owns `vnodes` points on the ring; N larger than the cluster means every node', () => {
      const p = readParams({ vnodes: 20, n: 9 });
      assert.deepEqual(ringOf(NODES, p).pointCounts(), [20, 20, 20, 20, 20]);
      assert.equal(homeOf(NODES, p, 'x').length, 5);
    });
  });

  describe('versioning (§4.4)', () => {
    it('§4.4: vector clocks are ordered by descent; neither descending from the other means concurrent', () => {
      assert.equal(compareClocks({ n1: 1 }, { n1: 1 }), 'equal');
      assert.equal(compareClocks({ n1: 2, n2: 1 }, { n1: 1 }), 'after');
      assert.equal(compareClocks({ n1: 1 }, { n1: 1, n3: 1 }), 'before');
      assert.equal(compareClocks({ n1: 2 }, { n1: 1, n2: 1 }), 'concurrent');
    });

    it('§4.4: syntactic reconciliation keeps concurrent versions as siblings and drops the ones a successor supersedes', () => {
      const a = v('c1', 1, { n1: 1 });
      const b = v('c2', 2, { n1: 1, n2: 1 });
      const c = v('c3', 3, { n1: 1, n3: 1 });
      assert.deepEqual(reconcile('vclock', [a], [b], NO_BUGS), [b]);
      assert.deepEqual(reconcile('vclock', [b], [c], NO_BUGS), [b, c]);
      const held = [b, c];
      assert.equal(reconcile('vclock', held, [a], NO_BUGS), held, 'learning nothing new keeps the same object');
      assert.deepEqual(reconcile('vclock', [b, c], [v('c4', 4, { n1: 1, n2: 1, n3: 2 })], NO_BUGS).map((x) => x.op), ['c4']);
    });

    it('§4.4: a coordinator\'s new version has the context\'s clock with its own entry advanced, and is written locally first', () => {
      const held = v('c0', 0, { n1: 2, n3: 1 });
      const { s, ctx } = client(st({ store: { x: [held] }, counter: 5 }), 'n3', 'put', { key: 'x', value: 9 });
      const req = s.requests.c1!;
      assert.deepEqual(req.version!.clock, { n1: 2, n3: 6 });
      assert.equal(s.counter, 6);
      assert.deepEqual(s.store.x!.map((x) => x.op), ['c1'], 'the new version supersedes the local one');
      assert.ok(ctx.effects.persists.length === 1, 'written to disk before anything is acknowledged');
      assert.deepEqual(sent(ctx, 'Put').map((m) => m.to).sort(), ['n1', 'n4']);
    });

    it('§4.4: a read of concurrent versions returns them all as siblings, and the client\'s next write (with their context) supersedes them', () => {
      const c = new Cluster(quorumProtocol, NODES, { r: 3, w: 3 });
      const n1 = c.states.get('n1')!;
      // Two concurrent versions of x, on different replicas.
      c.states.set('n1', { ...n1, store: { x: [v('c91', 'a', { n1: 1 })] } });
      c.states.set('n3', { ...c.states.get('n3')!, store: { x: [v('c92', 'b', { n3: 1 })] } });
      assert.deepEqual(c.client('get', { key: 'x' }).result, { siblings: ['a', 'b'] });
      assert.deepEqual(c.states.get('n1')!.contexts.x, { n1: 1, n3: 1 });
      assert.equal(c.client('put', { key: 'x', value: 'ab' }).ok, true);
      assert.equal(c.client('get', { key: 'x' }).result, 'ab');
    });

    it('§6.3 (LWW): a version is stamped by its coordinator\'s own clock, which drift stretches; the highest stamp wins', () => {
      const ctx = ctxFor('n3', { mode: 'lww', clock_tick: 1000 }, 0);
      let s = q.init(ctx);
      assert.deepEqual(ctx.effects.timers.find((t) => t.name === 'clock'), { name: 'clock', after: 1000 });
      for (let i = 1; i <= 5; i++) s = q.onTimer(s, 'clock', ctxFor('n3', { mode: 'lww', clock_tick: 1000 }, i * 3000)); // a drift of 3: ticks every 3 ms
      const { s: after } = { s: q.onClient(s, { id: 'c1', name: 'put', args: { key: 'x', value: 1 } }, ctxFor('n3', { mode: 'lww', clock_tick: 1000 }, 15_500)) };
      const ts = after.requests.c1!.version!.ts;
      assert.ok(ts >= 5000 && ts < 6000, `five ticks of 1 ms read about 5 ms at 15.5 ms of true time, got ${ts}`);
      assert.deepEqual(reconcile('lww', [v('c1', 1, { n1: 1 }, 900, 'n1')], [v('c2', 2, { n2: 1 }, 800, 'n2')], NO_BUGS).map((x) => x.op), ['c1']);
    });
  });

  describe('get and put (§4.5)', () => {
    it('§4.5: the coordinator sends a write to the N replicas and answers after W acknowledgements, not before', () => {
      let { s, ctx } = client(st(), 'n3', 'put', { key: 'x', value: 1 }, { w: 3 });
      assert.deepEqual(ctx.effects.replies, []);
      assert.deepEqual(ctx.effects.timers.filter((t) => t.name === 'req:c1'), [{ name: 'req:c1', after: 50_000 }]);
      ctx = ctxFor('n3', { w: 3 });
      s = q.onMessage(s, 'n1', { type: 'PutAck', body: { id: 'c1', key: 'x' } }, ctx);
      assert.deepEqual(ctx.effects.replies, [], 'two of W = 3');
      s = q.onMessage(s, 'n4', { type: 'PutAck', body: { id: 'c1', key: 'x' } }, ctx);
      assert.deepEqual(ctx.effects.replies, [{ opId: 'c1', ok: true, result: null }]);
      assert.equal(s.requests.c1!.status, 'ok');
    });

    it('§4.5: a read is answered after R replies, with the reconciled versions', () => {
      const { s, ctx: first } = client(st({ store: { x: [v('c0', 0, { n3: 1 })] } }), 'n3', 'get', { key: 'x' }, { r: 2 });
      assert.deepEqual(sent(first, 'Get').map((m) => m.to).sort(), ['n1', 'n4']);
      assert.deepEqual(first.effects.replies, [], 'only its own reply so far');
      const ctx = ctxFor('n3', { r: 2 });
      q.onMessage(s, 'n4', { type: 'GetReply', body: { id: 'c1', key: 'x', versions: [v('c5', 5, { n3: 1, n4: 1 })] } }, ctx);
      assert.deepEqual(ctx.effects.replies, [{ opId: 'c1', ok: true, result: 5 }]);
    });

    it('§4.5: a node outside the key\'s preference list forwards the request to the first of its home replicas (strict quorum)', () => {
      const { ctx } = client(st(), 'n2', 'get', { key: 'x' }, { sloppy: false });
      assert.deepEqual(sent(ctx).map((m) => [m.to, m.msg.type]), [['n3', 'ClientRequest']]);
    });

    it('§5 (read repair): a home replica that answered with less than the read found is sent what it found', () => {
      const newer = v('c2', 2, { n3: 2 });
      let s = client(st({ store: { x: [newer] } }), 'n3', 'get', { key: 'x' }).s;
      const ctx = ctxFor('n3');
      s = q.onMessage(s, 'n1', { type: 'GetReply', body: { id: 'c1', key: 'x', versions: [v('c1', 1, { n3: 1 })] } }, ctx);
      assert.deepEqual(ctx.effects.replies, [{ opId: 'c1', ok: true, result: 2 }]);
      assert.deepEqual(sent(ctx, 'Repair').map((m) => [m.to, (m.msg.body as any).versions.map((x: Version) => x.op)]), [['n1', ['c2']]]);
      // A late reply that is up to date is not repaired.
      const late = ctxFor('n3');
      q.onMessage(s, 'n4', { type: 'GetReply', body: { id: 'c1', key: 'x', versions: [newer] } }, late);
      assert.deepEqual(sent(late, 'Repair'), []);
    });

    it('§4.5: a read that gets fewer than R replies fails definitely; a write with fewer than W acks is not answered (its outcome is unknown)', () => {
      let { s } = client(st(), 'n3', 'get', { key: 'x' }, { sloppy: false, rounds: 1 });
      let ctx = ctxFor('n3', { sloppy: false, rounds: 1 });
      q.onTimer(s, 'req:c1', ctx);
      assert.deepEqual(ctx.effects.replies, [{ opId: 'c1', ok: false, result: { error: 'get x: 1 of R=2 replies' } }]);
      ({ s } = client(st(), 'n3', 'put', { key: 'x', value: 1 }, { sloppy: false, rounds: 1 }, 'c2'));
      ctx = ctxFor('n3', { sloppy: false, rounds: 1 });
      s = q.onTimer(s, 'req:c2', ctx);
      assert.deepEqual(ctx.effects.replies, []);
      assert.match(ctx.effects.notes.join(), /1 of W=2 acknowledgements .* outcome is unknown/);
      assert.equal(s.pending.c2?.sent, true, 'the proxy still waits, and will give up with the outcome unknown');
    });

    it('durability: a replica stores a version on disk before it acknowledges, and a restart brings the data back', () => {
      const ctx = ctxFor('n1');
      const s = q.onMessage(st(), 'n3', { type: 'Put', body: { id: 'c1', key: 'x', version: v('c1', 1, { n3: 1 }), hint: null } }, ctx);
      assert.equal(ctx.effects.persists.length, 1);
      assert.deepEqual(sent(ctx, 'PutAck').map((m) => m.to), ['n3']);
      const back = q.onRestart(ctx.effects.persists[0], ctxFor('n1'));
      assert.deepEqual(back.store, s.store);
    });
  });

  describe('failures (§4.6, §4.8.3)', () => {
    it('§4.8.3: replicas silent for a round are suspected by the coordinator; hearing from one clears it', () => {
      const { s } = client(st(), 'n3', 'get', { key: 'x' }, { rounds: 1 });
      const ctx = ctxFor('n3', { rounds: 1 }, 50_000);
      const after = q.onTimer(s, 'req:c1', ctx);
      assert.deepEqual(after.suspects, { n1: 1_050_000, n4: 1_050_000 });
      const heard = q.onMessage(after, 'n1', { type: 'GetReply', body: { id: 'zz', key: 'x', versions: [] } }, ctxFor('n3'));
      assert.deepEqual(heard.suspects, { n4: 1_050_000 });
    });

    it('§4.6: a sloppy quorum uses the first N healthy nodes: a fallback stands in for a suspected home replica and gets a hint naming it', () => {
      const { ctx } = client(st({ suspects: { n1: 10 ** 9 } }), 'n3', 'put', { key: 'x', value: 1 });
      assert.deepEqual(sent(ctx, 'Put').map((m) => [m.to, (m.msg.body as any).hint]).sort(), [['n4', null], ['n5', 'n1']]);
    });

    it('§4.6: a strict quorum asks the home replicas only, suspected or not', () => {
      const { ctx } = client(st({ suspects: { n1: 10 ** 9 } }), 'n3', 'put', { key: 'x', value: 1 }, { sloppy: false });
      assert.deepEqual(sent(ctx, 'Put').map((m) => m.to).sort(), ['n1', 'n4']);
    });

    it('§4.6: after a silent round, a sloppy coordinator asks fresh fallbacks in place of the silent replicas', () => {
      const { s } = client(st(), 'n3', 'put', { key: 'x', value: 1 });
      const ctx = ctxFor('n3', {}, 50_000);
      q.onTimer(s, 'req:c1', ctx);
      assert.deepEqual(sent(ctx, 'Put').map((m) => [m.to, (m.msg.body as any).hint]).sort(), [['n2', 'n4'], ['n5', 'n1']]);
    });

    it('§4.6: a fallback keeps a hinted version apart from its own data and hands it to the home replica, which stores it; then the hint is dropped', () => {
      const version = v('c1', 1, { n3: 1 });
      let ctx = ctxFor('n5');
      let fallback = q.onMessage(st(), 'n3', { type: 'Put', body: { id: 'c1', key: 'x', version, hint: 'n1' } }, ctx);
      assert.deepEqual(fallback.store, {});
      assert.deepEqual(fallback.hints, { n1: { x: [version] } });
      assert.ok(ctx.effects.timers.some((t) => t.name === 'handoff'), 'the handoff timer starts with the first hint');
      ctx = ctxFor('n5');
      fallback = q.onTimer(fallback, 'handoff', ctx);
      assert.deepEqual(sent(ctx, 'Handoff').map((m) => [m.to, m.msg.body]), [['n1', { data: { x: [version] } }]]);
      const homeCtx = ctxFor('n1');
      const home = q.onMessage(st(), 'n5', sent(ctx, 'Handoff')[0]!.msg, homeCtx);
      assert.deepEqual(home.store.x, [version]);
      assert.equal(homeCtx.effects.persists.length, 1);
      fallback = q.onMessage(fallback, 'n1', sent(homeCtx, 'HandoffAck')[0]!.msg, ctxFor('n5'));
      assert.deepEqual(fallback.hints, {});
    });

    it('§4.6: once a write is answered, a sloppy coordinator gives each home replica that got no copy a hinted one at a fallback', () => {
      let { s } = client(st(), 'n3', 'put', { key: 'x', value: 1 });
      s = q.onMessage(s, 'n4', { type: 'PutAck', body: { id: 'c1', key: 'x' } }, ctxFor('n3'));
      const ctx = ctxFor('n3', {}, 50_000);
      s = q.onTimer(s, 'req:c1', ctx);
      assert.deepEqual(sent(ctx, 'Put').map((m) => [m.to, (m.msg.body as any).hint]), [['n5', 'n1']]);
      assert.equal(s.requests.c1, undefined);
    });
  });

  describe('anti-entropy (§4.7)', () => {
    const params = { anti_entropy: 100_000 };
    it('§4.7: replicas whose Merkle trees agree exchange nothing more', () => {
      const same = st({ store: { x: [v('c1', 1, { n3: 1 })] } });
      let ctx = ctxFor('n3', params);
      q.onTimer({ ...same, syncRound: 2 }, 'sync', ctx); // round robin from the next node: n4, n5, then n1
      const tree = sent(ctx, 'MerkleTree')[0]!;
      assert.equal(tree.to, 'n1');
      ctx = ctxFor('n1', params);
      q.onMessage(same, 'n3', tree.msg, ctx);
      assert.deepEqual(sent(ctx), []);
    });

    it('§4.7: where the trees differ, only the keys under the differing leaves are exchanged, both ways', () => {
      const shared = v('c1', 1, { n3: 1 });
      const a = st({ store: { x: [shared], z: [v('c7', 7, { n3: 1 })] } });
      const b = st({ store: { x: [shared] } });
      let ctx = ctxFor('n3', params);
      q.onTimer({ ...a, syncRound: 2 }, 'sync', ctx);
      const tree = sent(ctx, 'MerkleTree')[0]!; // n3 to n1, which also replicates z (z: n1 n3 n5)
      ctx = ctxFor('n1', params);
      q.onMessage(b, 'n3', tree.msg, ctx);
      const sync = body(ctx, 'MerkleSync');
      assert.equal(sync.reply, true);
      assert.equal(sync.buckets.length, 1);
      ctx = ctxFor('n3', params);
      q.onMessage(a, 'n1', { type: 'MerkleSync', body: sync }, ctx);
      const back = body(ctx, 'MerkleSync');
      assert.deepEqual(Object.keys(back.data), ['z']);
      const healed = q.onMessage(b, 'n3', { type: 'MerkleSync', body: back }, ctxFor('n1', params));
      assert.deepEqual(Object.keys(healed.store).sort(), ['x', 'z']);
    });
  });

  describe('ABD (Attiya, Bar-Noy & Dolev 1995)', () => {
    const abd = { mode: 'abd', sloppy: false };
    it('ABD write: a query phase first (the highest tag among R replies), then the value with the next tag to the replicas', () => {
      let { s, ctx } = client(st({ store: { x: [v('c1', 1, {}, 4, 'n3')] } }), 'n3', 'put', { key: 'x', value: 2 }, abd, 'c9');
      assert.deepEqual(sent(ctx).map((m) => m.msg.type), ['Get', 'Get'], 'no value is written before the query');
      ctx = ctxFor('n3', abd);
      s = q.onMessage(s, 'n1', { type: 'GetReply', body: { id: 'c9', key: 'x', versions: [v('c5', 5, {}, 7, 'n1')] } }, ctx);
      const put = body(ctx, 'Put');
      assert.equal(put.version.ts, 8, 'tag = highest sequence number + 1');
      assert.equal(put.version.by, 'n3');
      assert.equal(s.requests.c9!.phase, 'write');
    });

    it('ABD read: before answering, it writes the newest value back to W replicas (unless W replies already hold it)', () => {
      let { s, ctx } = client(st({ store: { x: [v('c1', 1, {}, 1, 'n3')] } }), 'n3', 'get', { key: 'x' }, abd);
      ctx = ctxFor('n3', abd);
      s = q.onMessage(s, 'n1', { type: 'GetReply', body: { id: 'c1', key: 'x', versions: [v('c2', 2, {}, 2, 'n1')] } }, ctx);
      assert.deepEqual(ctx.effects.replies, [], 'not answered before the write-back');
      assert.deepEqual(sent(ctx, 'Put').map((m) => [m.to, (m.msg.body as any).version.op]).sort(), [['n1', 'c2'], ['n4', 'c2']]);
      assert.deepEqual(s.store.x!.map((x) => x.op), ['c2'], 'written back locally too');
      ctx = ctxFor('n3', abd);
      q.onMessage(s, 'n4', { type: 'PutAck', body: { id: 'c1', key: 'x' } }, ctx);
      assert.deepEqual(ctx.effects.replies, [{ opId: 'c1', ok: true, result: 2 }]);
      // Both replies already hold the newest: no write-back.
      let r = client(st({ store: { x: [v('c2', 2, {}, 2, 'n1')] } }), 'n3', 'get', { key: 'x' }, abd, 'c3');
      const ctx2 = ctxFor('n3', abd);
      q.onMessage(r.s, 'n1', { type: 'GetReply', body: { id: 'c3', key: 'x', versions: [v('c2', 2, {}, 2, 'n1')] } }, ctx2);
      assert.deepEqual(ctx2.effects.replies, [{ opId: 'c3', ok: true, result: 2 }]);
      assert.deepEqual(sent(ctx2, 'Put'), []);
      // With bug_no_write_back the read answers at once.
      r = client(st({ store: { x: [v('c1', 1, {}, 1, 'n3')] } }), 'n3', 'get', { key: 'x' }, { ...abd, bug_no_write_back: true }, 'c4');
      const ctx3 = ctxFor('n3', { ...abd, bug_no_write_back: true });
      q.onMessage(r.s, 'n1', { type: 'GetReply', body: { id: 'c4', key: 'x', versions: [v('c2', 2, {}, 2, 'n1')] } }, ctx3);
      assert.deepEqual(ctx3.effects.replies, [{ opId: 'c4', ok: true, result: 2 }]);
    });

    it('ABD: a replica keeps the version with the highest tag, (sequence number, writer) ordered', () => {
      const lo = v('c1', 1, {}, 3, 'n5');
      const hi = v('c2', 2, {}, 4, 'n1');
      assert.deepEqual(reconcile('abd', [hi], [lo], NO_BUGS), [hi]);
      assert.deepEqual(reconcile('abd', [lo], [v('c3', 3, {}, 3, 'n6')], NO_BUGS).map((x) => x.op), ['c3']);
    });
  });
});
