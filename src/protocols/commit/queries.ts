/**
 * Queries scenarios can ask about atomic commit: each participant's state in
 * each transaction (the viewer's grid as a query), the transaction's overall
 * outcome, who is blocked, who coordinates, the locks a node holds. Role
 * queries (`coordinator t1`, `blocked t1`, `participants t1`) name nodes and
 * can be targets of `crash`. A crashed node is read as it was when it crashed.
 */
import type { Json, NodeId, NodeView, World } from '../../engine/protocol.js';
import type { QuerySpec } from '../../engine/vocabulary.js';
import { coordCell, isDecided, isUncertain, NOT_STARTED, type CommitState, type PartTx, type TxState } from './state.js';

type View = NodeView<CommitState>;

function valid(s: unknown): s is CommitState {
  return s !== null && typeof s === 'object' && 'txs' in s && 'coord' in s;
}

function part(n: View, tx: string): PartTx | undefined {
  return valid(n.state) && Object.hasOwn(n.state.txs, tx) ? n.state.txs[tx] : undefined;
}

/** A node's cell in the grid for `tx`: its participant state, its coordinator phase, or INIT. */
export function cellOf(s: CommitState, tx: string): TxState {
  if (Object.hasOwn(s.txs, tx)) return s.txs[tx]!.state;
  if (Object.hasOwn(s.coord, tx)) return coordCell(s.coord[tx]!);
  return NOT_STARTED;
}

/** The participants of `tx` as any node that knows it lists them. */
export function participantsOf(world: World<CommitState>, tx: string): NodeId[] {
  for (const n of world.nodes) {
    if (!valid(n.state)) continue;
    const c = Object.hasOwn(n.state.coord, tx) ? n.state.coord[tx]! : undefined;
    if (c && c.parts.length > 0) return c.parts;
    const t = n.state.txs[tx];
    if (Object.hasOwn(n.state.txs, tx) && t && t.parts.length > 0) return t.parts;
  }
  return [];
}

/** COMMITTED or ABORTED when every participant took it, SPLIT when both were taken, PENDING otherwise. */
export function outcomeOf(world: World<CommitState>, tx: string): string {
  const parts = participantsOf(world, tx);
  if (parts.length === 0) return 'PENDING';
  let committed = 0;
  let aborted = 0;
  for (const id of parts) {
    const n = world.node(id);
    const t = n ? part(n, tx) : undefined;
    if (t?.state === 'COMMITTED') committed++;
    else if (t?.state === 'ABORTED') aborted++;
  }
  if (committed > 0 && aborted > 0) return 'SPLIT';
  if (committed === parts.length) return 'COMMITTED';
  if (aborted === parts.length) return 'ABORTED';
  return 'PENDING';
}

const tx = { name: 'tx', type: 'name' as const };
const node = { name: 'node', type: 'node' as const };

export const queries: readonly QuerySpec<CommitState>[] = [
  {
    name: 'state', template: 'state <node:node> <tx:name>', args: [node, tx], returns: 'string',
    doc: 'NODE\'s state in transaction TX: INIT, READY, PRECOMMIT, COMMITTED or ABORTED (a coordinator collecting votes is INIT).',
    evaluate: (world, args) => {
      const n = world.node(String(args.node));
      return n && valid(n.state) ? cellOf(n.state, String(args.tx)) : NOT_STARTED;
    },
  },
  {
    name: 'outcome', template: 'outcome <tx:name>', args: [tx], returns: 'string',
    doc: 'TX across its participants: COMMITTED or ABORTED when all took it, SPLIT when some committed and some aborted, else PENDING.',
    evaluate: (world, args) => outcomeOf(world, String(args.tx)),
  },
  {
    name: 'first_decision', template: 'first_decision <tx:name>', args: [tx], returns: 'number',
    doc: 'When (ms) the outcome of TX first reached a participant that had voted yes (a no voter aborts as it votes); -1 while none knows it.',
    evaluate: (world, args) => {
      let first = Infinity;
      for (const id of participantsOf(world, String(args.tx))) {
        const n = world.node(id);
        const t = n ? part(n, String(args.tx)) : undefined;
        if (t && isDecided(t.state) && t.decidedAt >= 0 && t.vote !== 'no') first = Math.min(first, t.decidedAt);
      }
      return first === Infinity ? -1 : first / 1000;
    },
  },
  {
    name: 'blocked', template: 'blocked <tx:name>', args: [tx], returns: 'nodes',
    doc: 'Live participants of TX that voted yes and do not know the outcome (READY or PRECOMMIT), holding their locks.',
    evaluate: (world, args) => participantsOf(world, String(args.tx)).filter((id) => {
      const n = world.node(id);
      const t = n && n.status === 'up' ? part(n, String(args.tx)) : undefined;
      return t !== undefined && isUncertain(t);
    }),
  },
  {
    name: 'coordinator', template: 'coordinator <tx:name>', args: [tx], returns: 'nodes',
    doc: 'The node that coordinates TX (the one its `begin` reached), live or not.',
    evaluate: (world, args) => {
      for (const n of world.nodes) if (valid(n.state) && Object.hasOwn(n.state.coord, String(args.tx)) && !n.state.coord[String(args.tx)]!.presumed) return [n.id];
      for (const n of world.nodes) {
        const t = part(n, String(args.tx));
        if (t && t.coord !== '') return [t.coord];
      }
      return [];
    },
  },
  {
    name: 'participants', template: 'participants <tx:name>', args: [tx], returns: 'nodes',
    doc: 'The participants of TX, in rank order.',
    evaluate: (world, args) => participantsOf(world, String(args.tx)),
  },
  {
    name: 'locks', template: 'locks <node:node>', args: [node], returns: 'string',
    doc: 'The locks NODE holds, as "key:tx" pairs separated by spaces ("" when none).',
    evaluate: (world, args) => {
      const n = world.node(String(args.node));
      if (!n || !valid(n.state)) return '';
      return Object.keys(n.state.locks).sort().map((k) => `${k}:${n.state.locks[k]}`).join(' ');
    },
  },
  {
    name: 'value', template: 'value <node:node> <key:key>', args: [node, { name: 'key', type: 'key' }], returns: 'value',
    doc: 'The committed value of KEY at participant NODE (null when never written).',
    evaluate: (world, args) => {
      const n = world.node(String(args.node));
      const key = String(args.key);
      return n && valid(n.state) && Object.hasOwn(n.state.kv, key) ? (n.state.kv[key] as Json) : null;
    },
  },
];
