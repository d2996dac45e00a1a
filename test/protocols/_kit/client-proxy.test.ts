// The shared client proxy (src/protocols/_kit/client-proxy.ts): the parts a
// Dynamo-style store relies on — a server chosen per command, and a server's
// definite failure passed through to the client.
import assert from 'node:assert/strict';
import {
  onClientMessage, onClientTimeout, takeOperation, type PendingTable, type ProxyHost,
} from '../../../src/protocols/_kit/client-proxy.js';
import { opTable } from '../../../src/protocols/_kit/records.js';
import { makeContext } from '../_context.js';

type Cmd = { id: string; origin: string; key: string };
type S = { pending: PendingTable<Cmd>; served: string[] };

/** Keys starting with "a" are served by n2, the rest by n3; the proxy runs on n1. */
const host: ProxyHost<S, Cmd> = {
  policy: { retryEvery: 100, maxTries: 2 },
  pending: (s) => s.pending,
  withPending: (s, pending) => ({ ...s, pending }),
  server: (_s, cmd) => (cmd === undefined ? null : cmd.key.startsWith('a') ? 'n2' : 'n3'),
  serve: (s, cmd) => ({ ...s, served: [...s.served, cmd.id] }),
};
const fresh = (): S => ({ pending: opTable(), served: [] });

describe('client proxy (src/protocols/_kit/client-proxy.ts)', () => {
  it('forwards each command to the server chosen for that command', () => {
    const ctx = makeContext({ id: 'n1', nodes: ['n1', 'n2', 'n3'] });
    let s = takeOperation(host, fresh(), { id: 'c1', origin: 'n1', key: 'apple' }, ctx);
    s = takeOperation(host, s, { id: 'c2', origin: 'n1', key: 'banana' }, ctx);
    assert.deepEqual(ctx.effects.sends.map((m) => [m.to, m.msg.type]), [['n2', 'ClientRequest'], ['n3', 'ClientRequest']]);
    assert.equal(s.pending.c1!.sent, true);
  });

  it('passes a server\'s definite failure (ClientResponse ok: false) on to the client, once', () => {
    const ctx = makeContext({ id: 'n1', nodes: ['n1', 'n2', 'n3'] });
    let s = takeOperation(host, fresh(), { id: 'c1', origin: 'n1', key: 'apple' }, ctx);
    s = onClientMessage(host, s, 'n2', { type: 'ClientResponse', body: { id: 'c1', ok: false, result: { error: 'no quorum' } } }, ctx)!;
    s = onClientMessage(host, s, 'n2', { type: 'ClientResponse', body: { id: 'c1', ok: true, result: 1 } }, ctx)!;
    assert.deepEqual(ctx.effects.replies, [{ opId: 'c1', ok: false, result: { error: 'no quorum' } }]);
    assert.equal(s.pending.c1, undefined);
    assert.ok(ctx.effects.cancels.includes('client:c1'));
  });

  it('a ClientResponse without ok: false is still a success (Raft\'s)', () => {
    const ctx = makeContext({ id: 'n1', nodes: ['n1', 'n2', 'n3'] });
    const s = takeOperation(host, fresh(), { id: 'c1', origin: 'n1', key: 'apple' }, ctx);
    onClientMessage(host, s, 'n2', { type: 'ClientResponse', body: { id: 'c1', ok: true, result: 7 } }, ctx);
    assert.deepEqual(ctx.effects.replies, [{ opId: 'c1', ok: true, result: 7 }]);
  });

  it('retries at the command\'s server, then gives up with no reply (outcome unknown) once it was handed over', () => {
    const ctx = makeContext({ id: 'n1', nodes: ['n1', 'n2', 'n3'] });
    let s = takeOperation(host, fresh(), { id: 'c1', origin: 'n1', key: 'banana' }, ctx);
    s = onClientTimeout(host, s, 'c1', ctx);
    assert.deepEqual(ctx.effects.sends.map((m) => m.to), ['n3', 'n3']);
    s = onClientTimeout(host, s, 'c1', ctx);
    assert.equal(s.pending.c1, undefined);
    assert.deepEqual(ctx.effects.replies, []);
    assert.ok(ctx.effects.notes.some((n) => n.includes('unknown')));
  });
});
