/**
 * Queries scenarios can ask about a Raft cluster: role queries (`leader`,
 * `followers`, `candidates`) that name nodes and can be targets of `crash`,
 * and value queries for `expect` lines. Crashed nodes are never returned.
 */
import type { Json, NodeId, World } from '../../engine/protocol.js';
import type { QuerySpec } from '../../engine/vocabulary.js';
import { replay } from '../_kit/kv-store.js';
import { lastIndex, toEntries } from './_log.js';
import type { ClientCommand } from './entry.js';
import type { RaftState, Role } from './state.js';

type RaftWorld = World<RaftState>;

function upNodes(world: RaftWorld) {
  return world.nodes.filter((n) => n.status !== 'crashed' && n.state);
}

function withRole(world: RaftWorld, role: Role): NodeId[] {
  return upNodes(world).filter((n) => n.state.role === role).map((n) => n.id);
}

/** The leaders of the highest term any live leader has (normally one node; none during an election). */
export function currentLeaders(world: RaftWorld): NodeId[] {
  const leaders = upNodes(world).filter((n) => n.state.role === 'leader');
  const top = Math.max(-1, ...leaders.map((n) => n.state.currentTerm));
  return leaders.filter((n) => n.state.currentTerm === top).map((n) => n.id);
}

/** The value of `key` after applying the longest committed prefix any live node knows; null when absent. */
export function committedValue(world: RaftWorld, key: string): Json {
  let best: RaftState | undefined;
  for (const n of upNodes(world)) {
    if (!best || n.state.commitIndex > best.commitIndex) best = n.state;
  }
  if (!best) return null;
  // A node that applied everything it committed holds exactly that state; otherwise replay the committed prefix.
  const kv = best.lastApplied >= Math.min(best.commitIndex, lastIndex(best.log)) ? best.kv : replay(committedCommands(best)).kv;
  return Object.hasOwn(kv, key) ? kv[key]! : null;
}

/** The client commands of `s`'s committed entries, in log order. */
function committedCommands(s: RaftState): ClientCommand[] {
  return toEntries(s.log).slice(0, s.commitIndex).flatMap((e) => (e.cmd.op === 'noop' ? [] : [e.cmd]));
}

export const queries: readonly QuerySpec<RaftState>[] = [
  {
    name: 'leader', template: 'leader', args: [], returns: 'nodes',
    doc: 'The current leader: the live leader of the highest term (empty during an election).',
    evaluate: (world) => currentLeaders(world),
  },
  {
    name: 'followers', template: 'followers', args: [], returns: 'nodes',
    doc: 'Live nodes in the follower role.',
    evaluate: (world) => withRole(world, 'follower'),
  },
  {
    name: 'candidates', template: 'candidates', args: [], returns: 'nodes',
    doc: 'Live nodes campaigning (or pre-voting) for leadership.',
    evaluate: (world) => withRole(world, 'candidate'),
  },
  {
    name: 'term', template: 'term', args: [], returns: 'number',
    doc: 'The highest current term among live nodes.',
    evaluate: (world) => Math.max(0, ...upNodes(world).map((n) => n.state.currentTerm)),
  },
  {
    name: 'committed', template: 'committed <key:key>', args: [{ name: 'key', type: 'key' }], returns: 'value',
    doc: 'The value of KEY in the state machine after every committed entry (null when never written).',
    evaluate: (world, args) => committedValue(world, String(args.key)),
  },
  {
    name: 'log', template: 'log <node:node>', args: [{ name: 'node', type: 'node' }], returns: 'string',
    doc: 'The terms of NODE\'s log entries, space-separated ("1 1 2"), as in the paper\'s figures; "" when empty.',
    evaluate: (world, args) => {
      const n = world.node(String(args.node));
      return n && n.state && Array.isArray(n.state.log) ? toEntries(n.state.log).map((e) => e.term).join(' ') : '';
    },
  },
  {
    name: 'commit_index', template: 'commit_index <node:node>', args: [{ name: 'node', type: 'node' }], returns: 'number',
    doc: 'NODE\'s commitIndex (0 when crashed).',
    evaluate: (world, args) => {
      const n = world.node(String(args.node));
      return n && n.status !== 'crashed' && n.state ? n.state.commitIndex : 0;
    },
  },
];
