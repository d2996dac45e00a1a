/**
 * Queries scenarios can ask about a Paxos cluster: role queries that name
 * nodes (`leader`, `proposers`, `acceptors`, `learners`) and can be targets
 * of `crash` or `client on`, and value queries for `expect` lines. Crashed
 * nodes are never returned by role queries.
 *
 * Whether a value is chosen is read from the acceptors, never from the
 * learners: single-decree acceptors keep every proposal they accepted
 * (`votes`, written to stable storage), and a value is chosen when a
 * majority of acceptors voted for it in one ballot — a fact that a crash
 * cannot undo, so crashed acceptors' durable votes count too.
 */
import type { Json, NodeId, NodeView, World } from '../../engine/protocol.js';
import type { QuerySpec } from '../../engine/vocabulary.js';
import { ballotKey, compare, type Ballot } from './ballot.js';
import { majority } from './params.js';
import { slotAt } from './_slots.js';
import type { Cmd, MultiState, PaxosState, SingleState, Vote } from './state.js';

type PaxosWorld = World<PaxosState>;

function upNodes(world: PaxosWorld): NodeView<PaxosState>[] {
  return world.nodes.filter((n) => n.status !== 'crashed' && n.state !== null && typeof n.state === 'object');
}

function hasRole(n: NodeView<PaxosState>, role: string): boolean {
  return n.state !== null && typeof n.state === 'object' && Array.isArray(n.state.roles) && n.state.roles.includes(role as never);
}

function withRole(world: PaxosWorld, role: string): NodeId[] {
  return upNodes(world).filter((n) => hasRole(n, role)).map((n) => n.id);
}

/** The live leaders of the highest ballot any live leader has (normally one node; none during an election). */
export function currentLeaders(world: PaxosWorld): NodeId[] {
  const leaders = upNodes(world).filter((n) => n.state.mode === 'multi' && n.state.role === 'leader') as NodeView<MultiState>[];
  let top: Ballot | null = null;
  for (const n of leaders) if (top === null || compare(n.state.ballot, top) > 0) top = n.state.ballot;
  return leaders.filter((n) => top !== null && compare(n.state.ballot, top) === 0).map((n) => n.id);
}

/**
 * Single-decree: the value chosen and the lowest ballot that chose it,
 * from every acceptor's durable votes; undefined when none is chosen.
 */
export function chosenVote(world: PaxosWorld): Vote | undefined {
  const acceptors = world.nodes.filter((n) => hasRole(n, 'acceptor'));
  const need = majority(acceptors.length);
  const tally = new Map<string, { vote: Vote; count: number }>();
  for (const n of acceptors) {
    const d = n.durable as { votes?: unknown } | undefined;
    if (d === undefined || d === null || !Array.isArray(d.votes)) continue;
    const seen = new Set<string>();
    for (const v of d.votes as Vote[]) {
      if (!v || !Array.isArray(v.b)) continue;
      const k = ballotKey(v.b);
      if (seen.has(k)) continue;
      seen.add(k);
      const t = tally.get(k);
      if (t === undefined) tally.set(k, { vote: v, count: 1 });
      else t.count++;
    }
  }
  let best: Vote | undefined;
  for (const { vote, count } of tally.values()) {
    if (count >= need && (best === undefined || compare(vote.b, best.b) < 0)) best = vote;
  }
  return best;
}

/** How a command reads in queries and notes: `put x = 1`, `get x`, `append x "a"`, `cas x 1 2`, `noop`. */
export function commandLabel(cmd: Cmd): string {
  switch (cmd.op) {
    case 'noop': return 'noop';
    case 'put': return `put ${cmd.key} = ${JSON.stringify(cmd.value)}`;
    case 'get': return `get ${cmd.key}`;
    case 'append': return `append ${cmd.key} ${JSON.stringify(cmd.value)}`;
    case 'cas': return `cas ${cmd.key} ${JSON.stringify(cmd.expected)} ${JSON.stringify(cmd.value)}`;
    default: {
      const never: never = cmd;
      return String(never);
    }
  }
}

function isMulti(world: PaxosWorld): boolean {
  return world.nodes.some((n) => n.state !== null && typeof n.state === 'object' && n.state.mode === 'multi');
}

/** Multi-Paxos: the most advanced live replica (the most slots applied). */
function bestReplica(world: PaxosWorld): MultiState | undefined {
  let best: MultiState | undefined;
  for (const n of upNodes(world)) {
    const s = n.state;
    if (s.mode === 'multi' && s.roles.includes('learner') && (!best || s.applied > best.applied)) best = s;
  }
  return best;
}

function nodeState(world: PaxosWorld, id: Json): PaxosState | undefined {
  const n = world.node(String(id));
  return n && n.status !== 'crashed' && n.state !== null && typeof n.state === 'object' ? n.state : undefined;
}

export const queries: readonly QuerySpec<PaxosState>[] = [
  {
    name: 'leader', template: 'leader', args: [], returns: 'nodes',
    doc: 'Multi-Paxos: the current leader, the live leader of the highest ballot (empty during an election; always empty in mode single).',
    evaluate: (world) => currentLeaders(world),
  },
  {
    name: 'proposers', template: 'proposers', args: [], returns: 'nodes',
    doc: 'Live nodes that play the proposer role.',
    evaluate: (world) => withRole(world, 'proposer'),
  },
  {
    name: 'acceptors', template: 'acceptors', args: [], returns: 'nodes',
    doc: 'Live nodes that play the acceptor role.',
    evaluate: (world) => withRole(world, 'acceptor'),
  },
  {
    name: 'learners', template: 'learners', args: [], returns: 'nodes',
    doc: 'Live nodes that play the learner role (in mode multi: the replicas).',
    evaluate: (world) => withRole(world, 'learner'),
  },
  {
    name: 'chosen', template: 'chosen', args: [], returns: 'bool',
    doc: 'Single-decree: a value is chosen (a majority of acceptors accepted it in one ballot, read from their votes). Multi-Paxos: some replica has decided slot 1.',
    evaluate: (world) => {
      if (!isMulti(world)) return chosenVote(world) !== undefined;
      return upNodes(world).some((n) => n.state.mode === 'multi' && n.state.commit >= 1);
    },
  },
  {
    name: 'chosen_value', template: 'chosen_value', args: [], returns: 'value',
    doc: 'Single-decree: the value chosen, read from the acceptors\' votes (null while none is).',
    evaluate: (world) => (isMulti(world) ? null : chosenVote(world)?.v ?? null),
  },
  {
    name: 'learned', template: 'learned <node:node>', args: [{ name: 'node', type: 'node' }], returns: 'value',
    doc: 'Single-decree: the value NODE (a learner) has learned, null while it has not.',
    evaluate: (world, args) => {
      const s = nodeState(world, args.node);
      return s !== undefined && s.mode === 'single' && s.learned !== null ? s.learned.v : null;
    },
  },
  {
    name: 'proposal', template: 'proposal <node:node>', args: [{ name: 'node', type: 'node' }], returns: 'value',
    doc: 'Single-decree: the value of NODE\'s latest accept request — its own, or one adopted from the promises (null before phase 2).',
    evaluate: (world, args) => {
      const s = nodeState(world, args.node);
      return s !== undefined && s.mode === 'single' && s.phase !== 'idle' && s.phase !== 'prepare' ? s.proposal : null;
    },
  },
  {
    name: 'round', template: 'round', args: [], returns: 'number',
    doc: 'The highest ballot round any live acceptor has promised (how many rounds of ballots there have been).',
    evaluate: (world) => Math.max(0, ...upNodes(world).map((n) => (Array.isArray(n.state.promised) ? n.state.promised[0] : 0))),
  },
  {
    name: 'committed', template: 'committed <key:key>', args: [{ name: 'key', type: 'key' }], returns: 'value',
    doc: 'Multi-Paxos: the value of KEY in the most advanced replica\'s key-value store (null when never written).',
    evaluate: (world, args) => {
      const s = bestReplica(world);
      return s !== undefined && Object.hasOwn(s.kv, String(args.key)) ? s.kv[String(args.key)]! : null;
    },
  },
  {
    name: 'slot', template: 'slot <slot:int>', args: [{ name: 'slot', type: 'int', min: 1 }], returns: 'string',
    doc: 'Multi-Paxos: the command decided in SLOT, as the most advanced replica knows it ("put x = 1", "get x", "noop"; "" while undecided).',
    evaluate: (world, args) => {
      let best: MultiState | undefined;
      for (const n of upNodes(world)) {
        const s = n.state;
        if (s.mode === 'multi' && (!best || s.commit > best.commit)) best = s;
      }
      const cmd = best === undefined ? null : slotAt(best.decided, Number(args.slot));
      return cmd === null ? '' : commandLabel(cmd);
    },
  },
  {
    name: 'decided', template: 'decided <node:node>', args: [{ name: 'node', type: 'node' }], returns: 'number',
    doc: 'Multi-Paxos: how many slots NODE knows decided, in a row from slot 1 (0 when crashed). Single-decree: 1 once NODE learned the value.',
    evaluate: (world, args) => {
      const s = nodeState(world, args.node);
      if (s === undefined) return 0;
      return s.mode === 'multi' ? s.commit : s.learned !== null ? 1 : 0;
    },
  },
];

export type { SingleState };
