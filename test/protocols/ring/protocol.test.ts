/**
 * The `ring` protocol through its handlers: placement, adding and removing
 * nodes with the data movement it causes, preference lists, restarts, and
 * the invariants (including one the checker must catch: ketama with unequal
 * weights moves keys between old members on an add).
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Params } from '../../../src/engine/protocol.js';
import { ringProtocol as ringProtocolSpec, type RingState } from '../../../src/protocols/ring/index.js';
import type { RingMessage } from '../../../src/protocols/ring/messages.js';
import type { RouterState, ServerState } from '../../../src/protocols/ring/state.js';
import { checkOnce, Cluster, makeContext } from '../_context.js';
import { withDefaults } from '../../../src/engine/defaults.js';

const ringProtocol = withDefaults(ringProtocolSpec);

const FIVE = ['n1', 'n2', 'n3', 'n4', 'n5'];

function cluster(params: Params = {}, nodeParams: Record<string, Params> = {}, nodes = FIVE): Cluster<RingState, RingMessage> {
  return new Cluster(ringProtocol, nodes, params, nodeParams);
}
const router = (c: Cluster<RingState, RingMessage>) => c.states.get('router') as RouterState;
const server = (c: Cluster<RingState, RingMessage>, id: string) => c.states.get(id) as ServerState;

/** Every server's key count equals what the router placed on it. */
function assertServersMatchRouter(c: Cluster<RingState, RingMessage>): void {
  const r = router(c);
  for (const id of FIVE.filter((n) => c.nodes.includes(n))) {
    const want = r.members.includes(id) ? r.load[id] ?? 0 : 0;
    assert.equal(server(c, id).keys, want, `${id}`);
  }
}

describe('ring protocol', () => {
  it('adds the implicit router as client target; `initial` picks the starting members', () => {
    const c = cluster({ initial: 4 });
    assert.deepEqual(c.nodes, [...FIVE, 'router']);
    assert.deepEqual(router(c).members, ['n1', 'n2', 'n3', 'n4']);
    assert.equal(server(c, 'n5').role, 'spare');
    assert.equal(server(c, 'n1').role, 'server');
    assert.deepEqual(c.query('members'), ['n1', 'n2', 'n3', 'n4']);
  });

  describe('place N keys', () => {
    it('places every key once, one Store per member', () => {
      const c = cluster();
      const r = c.client('place', { count: 10_000 });
      assert.equal(r.ok, true);
      const load = router(c).load;
      assert.equal(Object.values(load).reduce((a, b) => a + b, 0), 10_000);
      const stores = c.delivered.filter((m) => m.msg.type === 'Store');
      assert.deepEqual(stores.map((m) => m.to), FIVE);
      assertServersMatchRouter(c);
      assert.ok(c.metrics['load_max_over_mean']! < 1.3);
      assert.equal(c.query('load', { node: 'n2' }), load['n2']);
      assert.deepEqual([...c.violations], []);
    });

    it('persists membership before it sends (write-ahead)', () => {
      const ctx = makeContext<RingMessage>({ id: 'router', nodes: [...FIVE, 'router'] });
      const s = ringProtocol.init(ctx);
      ringProtocol.onClient(s, { id: 'c1', name: 'place', args: { count: 10 } }, ctx);
      assert.deepEqual(ctx.effects.persists, [{ members: FIVE, weights: { n1: 1, n2: 1, n3: 1, n4: 1, n5: 1 }, keys: 10 }]);
    });
  });

  describe('add', () => {
    it('adding a 5th node moves ≈ 1/5 of the keys, all to it (Karger et al. 1997)', () => {
      const c = cluster({ initial: 4, vnodes: 100 });
      c.client('place', { count: 20_000 });
      const r = c.client('add', { node: 'n5' });
      assert.equal(r.ok, true);
      assert.ok(c.metrics['moved_fraction']! > 0.12 && c.metrics['moved_fraction']! < 0.28, `${c.metrics['moved_fraction']}`);
      assert.equal(c.metrics['moved_to_new_only'], 1);
      assert.equal(c.metrics['moved_keys'], router(c).load['n5']);
      const transfers = c.delivered.filter((m) => m.msg.type === 'Transfer');
      assert.ok(transfers.length >= 1 && transfers.length <= 4, 'one Transfer per losing member');
      assert.ok(transfers.every((m) => m.to === 'n5'));
      assert.equal(server(c, 'n5').role, 'server');
      assertServersMatchRouter(c);
      assert.deepEqual([...c.violations], []);
    });

    it('moves ≈ 1/(n+1) of the keys when the (n+1)th node joins, for n = 2 … 7', () => {
      const nodes = ['n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7', 'n8'];
      for (let n = 2; n <= 7; n++) {
        const c = cluster({ initial: n, vnodes: 200 }, {}, nodes);
        c.client('place', { count: 10_000 });
        c.client('add', { node: nodes[n]! });
        const f = c.metrics['moved_fraction']!;
        assert.ok(Math.abs(f - 1 / (n + 1)) < 0.05, `n=${n}: moved ${f}, expected ≈ ${(1 / (n + 1)).toFixed(3)}`);
        assert.equal(c.metrics['moved_to_new_only'], 1);
      }
    });

    it('rejects adding a member twice or an unknown node, with a failed reply', () => {
      const c = cluster();
      assert.equal(c.client('add', { node: 'n1' }).ok, false);
      assert.equal(c.client('add', { node: 'zz' }).ok, false);
      assert.equal(c.client('add', { node: 'router' }).ok, false);
    });

    it('a weight makes the node take a proportional share', () => {
      const c = cluster({ initial: 4 });
      c.client('place', { count: 20_000 });
      c.client('add', { node: 'n5', weight: 4 });
      const load = router(c).load;
      assert.ok(load['n5']! > 2.5 * load['n1']!, JSON.stringify(load));
      assert.ok(c.metrics['load_max_over_mean']! < 1.3);
    });
  });

  describe('remove', () => {
    it('moves only the removed node\'s keys', () => {
      const c = cluster();
      c.client('place', { count: 10_000 });
      const before = router(c).load['n3']!;
      c.client('remove', { node: 'n3' });
      assert.equal(c.metrics['moved_keys'], before);
      assert.equal(c.metrics['moved_from_removed_only'], 1);
      assert.equal(server(c, 'n3').role, 'spare');
      assertServersMatchRouter(c);
      assert.deepEqual([...c.violations], []);
    });
    it('refuses to remove a non-member or the last member holding keys', () => {
      const c = cluster({ initial: 1 });
      c.client('place', { count: 10 });
      assert.equal(c.client('remove', { node: 'n2' }).ok, false);
      assert.equal(c.client('remove', { node: 'n1' }).ok, false);
    });
  });

  describe('locate and preference', () => {
    it('locate replies with the owner the query reports', () => {
      const c = cluster();
      const r = c.client('locate', { key: 'user:42' });
      assert.equal((r.result as { owner: string }).owner, c.query('owner', { key: 'user:42' }));
    });
    it('preference lists are N distinct members, starting with the owner', () => {
      const c = cluster({ replicas: 3 });
      for (let i = 0; i < 200; i++) {
        const list = c.query('preference', { key: `k${i}` }) as string[];
        assert.equal(list.length, 3);
        assert.equal(new Set(list).size, 3);
        assert.equal(list[0], c.query('owner', { key: `k${i}` }));
      }
      const reply = c.client('preference', { key: 'k1' });
      assert.deepEqual((reply.result as { nodes: string[] }).nodes, c.query('preference', { key: 'k1' }));
    });
    it('preference is capped at the number of members', () => {
      const c = cluster({ replicas: 5, initial: 2 });
      assert.deepEqual([...(c.query('preference', { key: 'x' }) as string[])].sort(), ['n1', 'n2']);
      assert.deepEqual([...c.violations], []);
    });
  });

  describe('restart', () => {
    it('a restarted router recovers membership, keys and loads from its persist', () => {
      const c = cluster({ initial: 3 });
      c.client('place', { count: 5000 });
      c.client('add', { node: 'n4' });
      const before = router(c);
      c.restart('router');
      assert.deepEqual(router(c).members, before.members);
      assert.deepEqual(router(c).load, before.load);
      c.restart('n4');
      assert.equal(server(c, 'n4').keys, before.load['n4']);
    });
  });

  describe('invariants', () => {
    it('moves_only_to_changed_node catches ketama rescaling unequal weights on an add', () => {
      const c = cluster({ mode: 'ketama', initial: 4, vnodes: 40 }, { n1: { weight: 1 }, n2: { weight: 3 }, n3: { weight: 2 }, n4: { weight: 1 }, n5: { weight: 5 } });
      c.client('place', { count: 10_000 });
      c.client('add', { node: 'n5' });
      assert.equal(c.metrics['moved_to_new_only'], 0);
      assert.match(c.violations.get('moves_only_to_changed_node') ?? '', /moved \d+ keys between other nodes/);
      assert.equal(c.violations.has('single_owner'), false);
    });
    it('single_owner catches a router whose counts disagree with the ring', () => {
      const c = cluster();
      c.client('place', { count: 1000 });
      const inv = ringProtocol.vocabulary.invariants.find((i) => i.name === 'single_owner')!;
      const r = router(c);
      c.states.set('router', { ...r, load: { ...r.load, n1: r.load['n1']! + 1, n2: r.load['n2']! - 1 } });
      assert.match(checkOnce([inv], c.world()).get('single_owner')!, /router counts/);
    });
    it('random add/remove sequences keep every invariant and the servers in step (standard mode)', () => {
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.boolean(), fc.constantFrom(...FIVE), fc.integer({ min: 1, max: 3 })), { maxLength: 8 }),
          fc.integer({ min: 1, max: 60 }),
          (steps, vnodes) => {
            const c = cluster({ initial: 2, vnodes, hash: 'fnv1a' });
            c.client('place', { count: 2000 });
            for (const [add, node, weight] of steps) c.client(add ? 'add' : 'remove', add ? { node, weight } : { node });
            assert.deepEqual([...c.violations], []);
            assertServersMatchRouter(c);
          },
        ),
        { numRuns: 40 },
      );
    });
  });

  it('a server refuses client operations', () => {
    const ctx = makeContext<RingMessage>({ id: 'n1', nodes: [...FIVE, 'router'] });
    const s = ringProtocol.init(ctx);
    ringProtocol.onClient(s, { id: 'c1', name: 'place', args: { count: 1 } }, ctx);
    assert.equal(ctx.effects.replies[0]!.ok, false);
  });
});
