// One test per rule of Maymounkov & Mazières, "Kademlia: A Peer-to-peer Information System Based on the XOR
// Metric" (IPTPS 2002), shaped init → step → check the messages sent and the state, as etcd-io/raft's
// raft_paper_test.go. 8-bit ids given per node make the distances easy to follow (the XOR metric and the
// routing table's data structure are tested against brute force in structures.test.ts).
import assert from 'node:assert/strict';
import { withDefaults } from '../../../src/engine/defaults.js';
import type { Json } from '../../../src/engine/protocol.js';
import { kademliaProtocol } from '../../../src/protocols/kademlia/index.js';
import { bucketIndex } from '../../../src/protocols/kademlia/ids.js';
import { candidates } from '../../../src/protocols/kademlia/lookup.js';
import type { KademliaMessage } from '../../../src/protocols/kademlia/messages.js';
import { activeLookups, outState, type KademliaState } from '../../../src/protocols/kademlia/state.js';
import { makeContact, observe, type Contact } from '../../../src/protocols/kademlia/table.js';
import { makeContext, type TestContext } from '../_context.js';

const kad = withDefaults(kademliaProtocol);

/** Node names and their ids: a = 00 is "us" in most tests. */
const IDS: Record<string, string> = { a: '00', b: '80', c: 'c0', d: '40', e: '10', f: '08', g: '20', h: 'a0' };
const NODES = Object.keys(IDS);
const TIMEOUT = 100_000;
const BASE = { id_bits: 8, k: 2, alpha: 2, rpc_timeout: TIMEOUT, join_gap: 0, join_refresh: false };

const C = (n: string): Contact => makeContact(n, IDS[n]!);

function ctx(id: string, now = 0, params: Record<string, Json> = {}): TestContext<KademliaMessage> {
  return makeContext<KademliaMessage>({
    id, nodes: NODES, now, params: { ...BASE, ...params },
    nodeParams: Object.fromEntries(NODES.map((n) => [n, { id: IDS[n]! }])),
  });
}

/** A joined node `id` that has heard from `contacts` in this order. */
function joined(id: string, contacts: string[], k = BASE.k): KademliaState {
  let table = outState(C(id)).table;
  contacts.forEach((n) => { table = observe(table, IDS[id]!, C(n), k, 8).table; });
  return { ...outState(C(id)), phase: 'joined', table };
}

const sends = (c: TestContext<KademliaMessage>, type?: string) => c.effects.sends.filter((s) => type === undefined || s.msg.type === type);
const bucket = (s: KademliaState, i: number) => s.table.find((b) => b.i === i);
const names = (list: readonly { node: string }[]) => list.map((x) => x.node);
const rpc = (m: KademliaMessage): number => (m.body as { rpc: number }).rpc;

describe('Kademlia (paper rules, §2.2–§2.5, §4.1)', () => {
  it('§2.2: any message updates the k-bucket of its sender', () => {
    const c = ctx('a', 50);
    const s = kad.onMessage(joined('a', []), 'd', { type: 'PING', body: { rpc: 7, self: C('d') } }, c);
    assert.equal(bucketIndex('00', '40'), 6);
    assert.deepEqual(names(bucket(s, 6)!.contacts), ['d']);
  });

  it('§2.3 PING: a node answers with PONG, echoing the RPC id and carrying its own contact', () => {
    const c = ctx('a');
    kad.onMessage(joined('a', []), 'd', { type: 'PING', body: { rpc: 7, self: C('d') } }, c);
    assert.deepEqual(sends(c).map((x) => [x.to, x.msg.type, x.msg.body]), [['d', 'PONG', { rpc: 7, self: { node: 'a', id: '00' } }]]);
  });

  it('§2.2: a sender already in its bucket moves to the tail, the most recently seen', () => {
    const s = kad.onMessage(joined('a', ['b', 'c']), 'b', { type: 'PING', body: { rpc: 1, self: C('b') } }, ctx('a', 9));
    assert.deepEqual(names(bucket(s, 7)!.contacts), ['c', 'b']);
  });

  it('§2.2: a full bucket pings its least recently seen contact and keeps the newcomer waiting; no answer within the timeout → evicted (§4.1 replacement cache)', () => {
    const c1 = ctx('a', 10);
    let s = kad.onMessage(joined('a', ['b', 'c']), 'h', { type: 'PING', body: { rpc: 1, self: C('h') } }, c1);
    const ping = sends(c1, 'PING');
    assert.deepEqual(ping.map((x) => x.to), ['b'], 'the least recently seen of bucket 7');
    assert.deepEqual(names(bucket(s, 7)!.contacts), ['b', 'c']);
    assert.deepEqual(names(bucket(s, 7)!.cache), ['h']);
    assert.deepEqual(c1.effects.timers, [{ name: 'rpc', after: TIMEOUT }]);
    s = kad.onTimer(s, 'rpc', ctx('a', 10 + TIMEOUT));
    assert.deepEqual(names(bucket(s, 7)!.contacts), ['c', 'h']);
    assert.deepEqual(bucket(s, 7)!.cache, []);
  });

  it('§2.2: … and if the pinged contact answers, it stays and the newcomer is not added', () => {
    const c1 = ctx('a', 10);
    let s = kad.onMessage(joined('a', ['b', 'c']), 'h', { type: 'PING', body: { rpc: 1, self: C('h') } }, c1);
    const n = rpc(sends(c1, 'PING')[0]!.msg);
    s = kad.onMessage(s, 'b', { type: 'PONG', body: { rpc: n, self: C('b') } }, ctx('a', 20));
    assert.deepEqual(names(bucket(s, 7)!.contacts), ['c', 'b']);
    assert.deepEqual(s.rpcs, []);
  });

  it('§2.3 FIND_NODE: the reply lists the k contacts the node knows closest to the target, closest first', () => {
    const c = ctx('a');
    kad.onMessage(joined('a', ['b', 'c', 'd', 'e', 'f', 'g'], 4), 'g', { type: 'FIND_NODE', body: { rpc: 3, self: C('g'), target: '11' } }, c);
    const reply = sends(c, 'NODES')[0]!;
    assert.equal(reply.to, 'g');
    // Distances to 11: e=10 → 01, f=08 → 19, g=20 → 31, d=40 → 51, b, c farther. k = 2 here.
    assert.deepEqual(names((reply.msg.body as { nodes: Contact[] }).nodes), ['e', 'f']);
  });

  it('§2.3 FIND_VALUE: a node holding the key answers VALUE; one that does not answers like FIND_NODE', () => {
    const holder: KademliaState = { ...joined('a', ['b']), store: { '3f': { key: 'k', value: 42, expires: 1e9, at: 0, cached: false } } };
    const c1 = ctx('a');
    kad.onMessage(holder, 'b', { type: 'FIND_VALUE', body: { rpc: 1, self: C('b'), key: '3f' } }, c1);
    assert.deepEqual(sends(c1).map((x) => x.msg.type), ['VALUE']);
    assert.equal((sends(c1)[0]!.msg.body as { value: number }).value, 42);
    const c2 = ctx('a');
    kad.onMessage(joined('a', ['b']), 'b', { type: 'FIND_VALUE', body: { rpc: 1, self: C('b'), key: '3f' } }, c2);
    assert.deepEqual(sends(c2).map((x) => x.msg.type), ['NODES']);
  });

  it('§2.3 STORE: the node keeps the pair and acknowledges; a cached copy never replaces a stored one', () => {
    const c = ctx('a', 5);
    let s = kad.onMessage(joined('a', []), 'b', { type: 'STORE', body: { rpc: 4, self: C('b'), key: '3f', name: 'k', value: 1, expires: 1000, cached: false } }, c);
    assert.deepEqual(s.store['3f'], { key: 'k', value: 1, expires: 1000, at: 5, cached: false });
    assert.deepEqual(sends(c).map((x) => [x.msg.type, rpc(x.msg)]), [['STORED', 4]]);
    s = kad.onMessage(s, 'c', { type: 'STORE', body: { rpc: 5, self: C('c'), key: '3f', name: 'k', value: 2, expires: 500, cached: true } }, ctx('a', 6));
    assert.equal(s.store['3f']!.value, 1);
  });

  it('§2.3 lookup: it starts with FIND_NODE to the α contacts closest to the target', () => {
    const c = ctx('a', 0, { k: 4 });
    kad.onClient(joined('a', ['b', 'c', 'd', 'g'], 4), { id: 'c1', name: 'lookup', args: { id: '23' } }, c);
    // Distances to 23: g=20 → 03, a itself → 23 (answered: its own table), d=40 → 63, b=80 → a3, c=c0 → e3.
    assert.deepEqual(sends(c, 'FIND_NODE').map((x) => [x.to, (x.msg.body as { target: string }).target]), [['g', '23'], ['d', '23']]);
  });

  it('§2.3 lookup: each reply keeps α RPCs in flight, asking the closest candidate not yet asked — including ones the reply named', () => {
    const c1 = ctx('a', 0, { k: 4 });
    let s = kad.onClient(joined('a', ['b', 'c', 'd', 'g'], 4), { id: 'c1', name: 'lookup', args: { id: '23' } }, c1);
    const toG = sends(c1, 'FIND_NODE').find((x) => x.to === 'g')!;
    const c2 = ctx('a', 3, { k: 4 });
    // g names e (10 → distance 33), closer than d (63): e is asked next, d is still in flight.
    s = kad.onMessage(s, 'g', { type: 'NODES', body: { rpc: rpc(toG.msg), self: C('g'), nodes: [C('e'), C('b')] } }, c2);
    assert.deepEqual(sends(c2, 'FIND_NODE').map((x) => x.to), ['e']);
    const lk = activeLookups(s)[0]!;
    assert.equal(lk.inflight, 2);
    assert.equal(candidates(lk).find((x) => x.c.node === 'e')!.hop, 2, 'named by a hop-1 node: hop 2');
  });

  it('§2.3 lookup: when α replies in a row bring nothing closer, it asks all of the k closest it has not asked', () => {
    const params = { k: 4, alpha: 1 };
    const c1 = ctx('a', 0, params);
    let s = kad.onClient(joined('a', ['b', 'c', 'd', 'g'], 4), { id: 'c1', name: 'lookup', args: { id: '23' } }, c1);
    assert.deepEqual(sends(c1, 'FIND_NODE').map((x) => x.to), ['g']);
    const c2 = ctx('a', 3, params);
    s = kad.onMessage(s, 'g', { type: 'NODES', body: { rpc: rpc(sends(c1)[0]!.msg), self: C('g'), nodes: [] } }, c2);
    assert.equal(activeLookups(s)[0]!.wide, true);
    // The k = 4 closest: g (answered), a itself, d, b — c is fifth.
    assert.deepEqual(sends(c2, 'FIND_NODE').map((x) => x.to), ['d', 'b']);
  });

  it('§2.3 lookup: it ends when the k closest candidates have all answered, and replies with them and the hops', () => {
    const params = { k: 3 };
    const c1 = ctx('a', 0, params);
    let s = kad.onClient(joined('a', ['d', 'g', 'b'], 3), { id: 'c1', name: 'lookup', args: { id: '23' } }, c1);
    // The 3 closest: g, a itself (answered), d. g and d are asked.
    assert.deepEqual(sends(c1, 'FIND_NODE').map((x) => x.to), ['g', 'd']);
    const [toG, toD] = sends(c1, 'FIND_NODE');
    const c2 = ctx('a', 4, params);
    s = kad.onMessage(s, 'g', { type: 'NODES', body: { rpc: rpc(toG!.msg), self: C('g'), nodes: [] } }, c2);
    assert.deepEqual(c2.effects.replies, [], 'd has not answered yet');
    const c3 = ctx('a', 5, params);
    s = kad.onMessage(s, 'd', { type: 'NODES', body: { rpc: rpc(toD!.msg), self: C('d'), nodes: [] } }, c3);
    assert.deepEqual(c3.effects.replies, [{ opId: 'c1', ok: true, result: { target: '23', closest: ['g', 'a', 'd'], hops: 1, rounds: 1, messages: 4, latency_ms: 0.005 } }]);
    assert.deepEqual(activeLookups(s), []);
    assert.equal(s.last!.kind, 'lookup');
    assert.deepEqual(names(s.last!.result), ['g', 'a', 'd']);
  });

  it('§2.3/§4.1: a node that does not answer in time is removed from consideration and its contact turns stale', () => {
    const c1 = ctx('a');
    let s = kad.onClient(joined('a', ['d', 'g', 'e'], 3), { id: 'c1', name: 'lookup', args: { id: '23' } }, ctx('a', 0, { k: 3 }));
    void c1;
    const c2 = ctx('a', TIMEOUT, { k: 3 });
    s = kad.onTimer(s, 'rpc', c2);
    const lk = activeLookups(s)[0]!;
    assert.deepEqual(candidates(lk).filter((x) => x.st === 'failed').map((x) => x.c.node).sort(), ['e', 'g']);
    assert.deepEqual(sends(c2, 'FIND_NODE').map((x) => x.to), ['d'], 'the next candidate is asked');
    assert.deepEqual(bucket(s, 5)!.stale, { g: 1 });
  });

  it('§2.3/§4.1: one RPC timer can end several lookups at once; the state keeps every one of them for the checks (`also`, then `last`)', () => {
    let s = joined('a', ['d']);
    s = kad.onClient(s, { id: 'c1', name: 'lookup', args: { id: '23' } }, ctx('a'));
    s = kad.onClient(s, { id: 'c2', name: 'lookup', args: { id: '24' } }, ctx('a'));
    assert.equal(activeLookups(s).length, 2);
    const done = s.done;
    const c = ctx('a', TIMEOUT);
    s = kad.onTimer(s, 'rpc', c);
    assert.deepEqual(activeLookups(s), [], 'd, the only contact, never answered: both lookups end in this one step');
    assert.deepEqual(c.effects.replies.map((r) => r.opId), ['c1', 'c2']);
    assert.equal(s.done, done + 2);
    assert.deepEqual(s.also.map((d) => d.target), ['23']);
    assert.equal(s.last!.target, '24');
    // The next completion starts a fresh list.
    s = kad.onClient(s, { id: 'c3', name: 'lookup', args: { id: '25' } }, ctx('a', TIMEOUT));
    s = kad.onTimer(s, 'rpc', ctx('a', 2 * TIMEOUT));
    assert.equal(s.last!.target, '25');
    assert.deepEqual(s.also, []);
  });

  it('§2.3 store: after the lookup, STORE goes to the k closest nodes it found (the node itself among them if it is)', () => {
    const c1 = ctx('a');
    let s = kad.onClient(joined('a', ['b', 'h']), { id: 'c1', name: 'store', args: { key: 'x', value: 1 } }, c1);
    // keyId("x", 8) = 11. The k = 2 closest: a itself (00 → 11), then b (80 → 91); h (a0 → b1) is third.
    assert.deepEqual(sends(c1, 'FIND_NODE').map((x) => x.to), ['b']);
    const c2 = ctx('a', 2);
    s = kad.onMessage(s, 'b', { type: 'NODES', body: { rpc: rpc(sends(c1)[0]!.msg), self: C('b'), nodes: [] } }, c2);
    assert.equal(s.store['11']!.value, 1, 'a keeps a copy: it is one of the k closest');
    assert.deepEqual(sends(c2, 'STORE').map((x) => [x.to, (x.msg.body as { name: string }).name]), [['b', 'x']]);
    const c3 = ctx('a', 3);
    s = kad.onMessage(s, 'b', { type: 'STORED', body: { rpc: rpc(sends(c2, 'STORE')[0]!.msg), self: C('b') } }, c3);
    assert.deepEqual(c3.effects.replies, [{ opId: 'c1', ok: true, result: { key: '11', stored_on: ['a', 'b'] } }]);
  });

  it('§2.3 find: the value is cached at the closest node on the path that did not have it', () => {
    const params = { k: 3 };
    const c1 = ctx('a', 0, params);
    let s = kad.onClient(joined('a', ['g', 'd'], 3), { id: 'c1', name: 'find', args: { key: 'x' } }, c1);
    const [toG, toD] = [sends(c1).find((x) => x.to === 'g')!, sends(c1).find((x) => x.to === 'd')!];
    s = kad.onMessage(s, 'g', { type: 'NODES', body: { rpc: rpc(toG.msg), self: C('g'), nodes: [] } }, ctx('a', 2, params));
    const c3 = ctx('a', 3, params);
    s = kad.onMessage(s, 'd', { type: 'VALUE', body: { rpc: rpc(toD.msg), self: C('d'), key: '11', name: 'x', value: 'v', expires: 1_000_003 } }, c3);
    assert.deepEqual(c3.effects.replies.map((r) => [r.ok, (r.result as { value: string }).value]), [[true, 'v']]);
    const cache = sends(c3, 'STORE');
    assert.deepEqual(cache.map((x) => [x.to, (x.msg.body as { cached: boolean }).cached]), [['g', true]]);
    assert.ok((cache[0]!.msg.body as { expires: number }).expires < 1_000_003, 'a cached copy expires sooner');
    assert.equal(s.last!.found, true);
  });

  it('§2.3 join: ping the bootstrap node, look up the own id, then refresh every bucket farther than the closest neighbour', () => {
    const params = { join_refresh: true, k: 2 };
    const c1 = ctx('e', 0, params);
    let s = kad.onClient(outState(C('e')), { id: 'c1', name: 'join', args: { node: 'e', via: 'a' } }, c1);
    assert.equal(s.phase, 'joining');
    assert.deepEqual(sends(c1).map((x) => [x.to, x.msg.type]), [['a', 'PING']]);
    const c2 = ctx('e', 2, params);
    s = kad.onMessage(s, 'a', { type: 'PONG', body: { rpc: rpc(sends(c1)[0]!.msg), self: C('a') } }, c2);
    assert.deepEqual(sends(c2).map((x) => [x.to, x.msg.type, (x.msg.body as { target: string }).target]), [['a', 'FIND_NODE', '10']]);
    const c3 = ctx('e', 4, params);
    s = kad.onMessage(s, 'a', { type: 'NODES', body: { rpc: rpc(sends(c2)[0]!.msg), self: C('a'), nodes: [C('f')] } }, c3);
    // f (08) is asked next; once it answers, the closest neighbour is f (bucket 4 of e = 10), so buckets 5, 6, 7 are refreshed.
    const c4 = ctx('e', 6, params);
    s = kad.onMessage(s, 'f', { type: 'NODES', body: { rpc: rpc(sends(c3)[0]!.msg), self: C('f'), nodes: [] } }, c4);
    const refreshes = activeLookups(s).filter((x) => x.kind === 'refresh');
    assert.deepEqual(refreshes.map((x) => bucketIndex('10', x.target)).sort(), [5, 6, 7]);
    assert.equal(s.phase, 'joining', 'joined once the refreshes are over');
  });

  it('§2.3 refresh: a bucket not looked into for `refresh` gets a lookup of a random id in its range', () => {
    const c = ctx('a', 3_600_000_001);
    const s = kad.onTimer(joined('a', ['b', 'd']), 'refresh', c);
    const targets = activeLookups(s).map((x) => bucketIndex('00', x.target)).sort();
    assert.deepEqual(targets, [6, 7], 'the nearest bucket (6, holding d) and every range above it');
    assert.ok(c.effects.timers.some((t) => t.name === 'refresh'));
  });

  it('§2.3/§2.5 republish: pairs are republished hourly — but not those stored to the node within the hour — and expired ones are dropped', () => {
    const hour = 3_600_000_000;
    const s0: KademliaState = {
      ...joined('a', ['b']),
      store: {
        '11': { key: 'x', value: 1, expires: 3 * hour, at: 0, cached: false },
        '12': { key: 'y', value: 2, expires: 3 * hour, at: hour - 5, cached: false },
        '13': { key: 'z', value: 3, expires: hour - 1, at: 0, cached: false },
      },
    };
    const s = kad.onTimer(s0, 'republish', ctx('a', hour));
    assert.deepEqual(activeLookups(s).map((x) => [x.kind, x.key]), [['republish', 'x']]);
    assert.deepEqual(Object.keys(s.store), ['11', '12']);
  });

  it('§2.3: a node that learns of a new node closer to one of its keys stores the pair on it, if it is itself the closest it knows', () => {
    const holder: KademliaState = { ...joined('a', ['b']), store: { '11': { key: 'x', value: 1, expires: 1e12, at: 0, cached: false } } };
    const c = ctx('a', 5);
    kad.onMessage(holder, 'e', { type: 'PING', body: { rpc: 1, self: C('e') } }, c);
    assert.deepEqual(sends(c, 'STORE').map((x) => x.to), ['e']);
    // A node that knows one closer to the key than itself leaves it to that one.
    const notClosest: KademliaState = { ...joined('b', ['e']), store: { '11': { key: 'x', value: 1, expires: 1e12, at: 0, cached: false } } };
    const c2 = ctx('b', 5);
    kad.onMessage(notClosest, 'f', { type: 'PING', body: { rpc: 1, self: C('f') } }, c2);
    assert.deepEqual(sends(c2, 'STORE'), []);
  });

  it('a restarted node keeps its id (it persisted it) and joins again through the bootstrap node', () => {
    const c1 = ctx('e', 0, { id_bits: 160 });
    const s = kad.init(c1);
    assert.deepEqual(c1.effects.persists, [{ id: s.self.id }]);
    const c2 = ctx('e', 50, { id_bits: 160 });
    const back = kad.onRestart({ id: s.self.id }, c2);
    assert.equal(back.self.id, s.self.id);
    assert.equal(back.phase, 'joining');
    assert.deepEqual(sends(c2).map((x) => [x.to, x.msg.type]), [['a', 'PING']]);
  });

  it('leave: the node forgets its contacts and values and answers nothing; a node outside the network refuses operations', () => {
    const c1 = ctx('a');
    const s = kad.onClient({ ...joined('a', ['b', 'd']), store: { '11': { key: 'x', value: 1, expires: 1e12, at: 0, cached: false } } }, { id: 'c1', name: 'leave', args: {} }, c1);
    assert.equal(s.phase, 'out');
    assert.deepEqual([s.table, s.store], [[], {}]);
    const c2 = ctx('a');
    assert.equal(kad.onMessage(s, 'b', { type: 'PING', body: { rpc: 1, self: C('b') } }, c2), s);
    assert.deepEqual(sends(c2), []);
    const c3 = ctx('a');
    kad.onClient(s, { id: 'c2', name: 'lookup', args: { target: 'random' } }, c3);
    assert.deepEqual(c3.effects.replies, [{ opId: 'c2', ok: false, result: 'a is not in the network' }]);
  });

  it('client operations: `lookup id HEX` checks the id; `join` goes to the joining node', () => {
    const c = ctx('a');
    kad.onClient(joined('a', ['b']), { id: 'c1', name: 'lookup', args: { id: 'zz' } }, c);
    assert.deepEqual(c.effects.replies, [{ opId: 'c1', ok: false, result: 'lookup: "zz" is not a 8-bit hex id' }]);
    assert.equal(kad.clientTarget({ nodes: NODES, params: BASE, op: { name: 'join', args: { node: 'e', via: 'a' } } }), 'e');
    assert.equal(kad.clientTarget({ nodes: NODES, params: BASE, op: { name: 'lookup', args: {} } }), 'a');
  });
});
