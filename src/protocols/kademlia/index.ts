/**
 * The `kademlia` protocol (Maymounkov & Mazières, "Kademlia: A Peer-to-peer
 * Information System Based on the XOR Metric", IPTPS 2002): ids.ts is the
 * XOR metric (§2.1), table.ts the k-buckets (§2.2, §2.4, §4.1), lookup.ts
 * the iterative node lookup (§2.3), machine.ts the RPCs, storing, joining,
 * refresh and churn, invariants.ts what is checked (against oracle.ts, the
 * true k closest), queries.ts the queries and end-of-run metrics.
 * docs/kademlia.md describes it for users.
 */
import type { Protocol } from '../../engine/protocol.js';
import { client, init, message, restart, timer } from './machine.js';
import type { KademliaMessage } from './messages.js';
import { bootstrapOf, config, sizedNodes } from './params.js';
import { finalMetrics } from './queries.js';
import type { KademliaState } from './state.js';
import { vocabulary } from './vocabulary.js';

/** A handler that met a malformed input notes it and keeps its state (its buffered effects still apply). */
function malformed(ctx: { note(text: string): void }, what: string, e: unknown): void {
  ctx.note(`kademlia: ignored a malformed ${what} (${e instanceof Error ? e.message : String(e)})`);
}

export const kademliaProtocol: Protocol<KademliaState, KademliaMessage> = {
  name: 'kademlia',
  vocabulary,
  implicitNodes: (params) => sizedNodes(params),
  // `join NODE via NODE` goes to the joining node; everything else to the bootstrap node unless the scenario says `on NODE`.
  clientTarget: ({ nodes, params, op }) => (op?.name === 'join' && typeof op.args['node'] === 'string' ? op.args['node'] : bootstrapOf(nodes, config(params))),
  init,
  onMessage(s, from, msg, ctx) {
    try {
      return message(s, from, msg, ctx);
    } catch (e) {
      malformed(ctx, `${String(msg?.type)} from ${from}`, e);
      return s;
    }
  },
  onTimer(s, name, ctx) {
    try {
      return timer(s, name, ctx);
    } catch (e) {
      malformed(ctx, `timer ${name}`, e);
      return s;
    }
  },
  onClient(s, op, ctx) {
    try {
      return client(s, op, ctx);
    } catch (e) {
      malformed(ctx, `client operation ${op?.id}`, e);
      ctx.reply(op.id, false, `kademlia: ${e instanceof Error ? e.message : String(e)}`);
      return s;
    }
  },
  onRestart: restart,
  role: (s) => s.phase,
  finalMetrics,
};

export type { KademliaState } from './state.js';
export type { KademliaMessage } from './messages.js';
