/**
 * Paxos's parameters, read from the cluster's `Params` with the documented
 * defaults (vocabulary.ts) filled in for anything absent or malformed, so
 * handlers never throw on a bad parameter; and the cluster's topology —
 * which nodes take part and which roles each plays (per-node `proposer`,
 * `acceptor`, `learner`), and the quorum. Durations are µs.
 */
import type { NodeId, NumberRange, ParamValue, Params } from '../../engine/protocol.js';
import { positive, range } from '../_kit/params.js';

export type Mode = 'single' | 'multi';

export interface PaxosParams {
  readonly mode: Mode;
  /** How many of the declared nodes take part (the first N); 0 = all. */
  readonly clusterSize: number;
  /** Multi-Paxos: a follower that hears no leader for a random time in this range starts phase 1 with a higher ballot. */
  readonly electionTimeout: NumberRange;
  /** Multi-Paxos: the leader's heartbeat interval (also when it resends unanswered phase-2 requests). */
  readonly heartbeat: number;
  /** Single-decree: a proposer whose ballot has not chosen a value within this time starts a higher one. */
  readonly retryTimeout: number;
  /** Single-decree: a preempted proposer waits a random time in this range before its next ballot (0..0: at once). */
  readonly backoff: NumberRange;
  /** Multi-Paxos: how long a node waits on a client operation it forwarded before retrying it. */
  readonly rpcTimeout: number;
  readonly bugIgnorePromisedValues: boolean;
  readonly bugForgetPromise: boolean;
  readonly bugAcceptBelowPromise: boolean;
  readonly bugSkipPhase1: boolean;
  readonly bugSmallQuorum: boolean;
  readonly bugAdoptEmptyVote: boolean;
  readonly bugForgetRound: boolean;
  readonly bugApplyOutOfOrder: boolean;
}

export const DEFAULTS: PaxosParams = {
  mode: 'single',
  clusterSize: 0,
  electionTimeout: { min: 150_000, max: 300_000 },
  heartbeat: 50_000,
  retryTimeout: 100_000,
  backoff: { min: 5_000, max: 40_000 },
  rpcTimeout: 100_000,
  bugIgnorePromisedValues: false,
  bugForgetPromise: false,
  bugAcceptBelowPromise: false,
  bugSkipPhase1: false,
  bugSmallQuorum: false,
  bugAdoptEmptyVote: false,
  bugForgetRound: false,
  bugApplyOutOfOrder: false,
};

/** How many rpc_timeout rounds a node keeps retrying a client operation before giving up (as Raft). */
export const CLIENT_TRIES = 20;

/** Decisions one `Decisions` message carries at most (a lagging replica catches up in batches). */
export const CATCHUP_BATCH = 64;

/** Per params object: the parameters read, and the topology last built for them (one lookup per handler call). */
interface Cached {
  readonly p: PaxosParams;
  topo: { nodes: readonly NodeId[]; nodeParams: object; settings: Settings } | null;
}

const cache = new WeakMap<Params, Cached>();

function cached(params: Params): Cached {
  let c = cache.get(params);
  if (c === undefined) {
    c = { p: parse(params), topo: null };
    cache.set(params, c);
  }
  return c;
}

export function readParams(params: Params): PaxosParams {
  return cached(params).p;
}

function parse(params: Params): PaxosParams {
  return {
    mode: params.mode === 'multi' ? 'multi' : 'single',
    clusterSize: typeof params.cluster_size === 'number' && Number.isInteger(params.cluster_size) && params.cluster_size > 0 ? params.cluster_size : 0,
    electionTimeout: range(params.election_timeout, DEFAULTS.electionTimeout, 1),
    heartbeat: positive(params.heartbeat, DEFAULTS.heartbeat),
    retryTimeout: positive(params.retry_timeout, DEFAULTS.retryTimeout),
    backoff: range(params.backoff, DEFAULTS.backoff, 0),
    rpcTimeout: positive(params.rpc_timeout, DEFAULTS.rpcTimeout),
    bugIgnorePromisedValues: params.bug_ignore_promised_values === true,
    bugForgetPromise: params.bug_forget_promise === true,
    bugAcceptBelowPromise: params.bug_accept_below_promise === true,
    bugSkipPhase1: params.bug_skip_phase1 === true,
    bugSmallQuorum: params.bug_small_quorum === true,
    bugAdoptEmptyVote: params.bug_adopt_empty_vote === true,
    bugForgetRound: params.bug_forget_round === true,
    bugApplyOutOfOrder: params.bug_apply_out_of_order === true,
  };
}

// ---------------------------------------------------------------- topology

export type Role = 'proposer' | 'acceptor' | 'learner';

/** Which nodes take part and what each does. */
export interface Topology {
  /** The nodes that take part, in declaration order. */
  readonly members: readonly NodeId[];
  readonly proposers: readonly NodeId[];
  readonly acceptors: readonly NodeId[];
  readonly learners: readonly NodeId[];
  /** The learners that are not acceptors (they get decisions pushed: they hold no pvalues to decide from). */
  readonly learnersOnly: readonly NodeId[];
  /** Per member, its roles in a fixed order (shared arrays: states hold them). */
  readonly roles: ReadonlyMap<NodeId, readonly Role[]>;
  /** Per member, the other members and the other acceptors (for broadcasts). */
  readonly others: ReadonlyMap<NodeId, readonly NodeId[]>;
  readonly otherAcceptors: ReadonlyMap<NodeId, readonly NodeId[]>;
  /** Acceptors needed for a majority (with `bug_small_quorum`, half of them, rounded down). */
  readonly quorum: number;
}

const NO_ROLES: readonly Role[] = [];
const NO_NODES: readonly NodeId[] = [];

/** A handler's view of its cluster: the parameters and the topology, read once per run. */
export interface Settings {
  readonly p: PaxosParams;
  readonly t: Topology;
}

/**
 * The parameters and topology of the cluster a context belongs to: members
 * are the first `cluster_size` declared nodes (all of them by default);
 * each plays the roles its per-node parameters give (all three by default).
 * In Multi-Paxos a proposer is always a learner too: a leader executes the
 * commands it orders, to answer its clients.
 */
export function settings(ctx: { nodes: readonly NodeId[]; params: Params; nodeParams: Readonly<Record<NodeId, Params>> }): Settings {
  const c = cached(ctx.params);
  let topo = c.topo;
  if (topo === null || topo.nodes !== ctx.nodes || topo.nodeParams !== ctx.nodeParams) {
    topo = { nodes: ctx.nodes, nodeParams: ctx.nodeParams, settings: { p: c.p, t: buildTopology(ctx.nodes, c.p, ctx.nodeParams) } };
    c.topo = topo;
  }
  return topo.settings;
}

export function topology(ctx: { nodes: readonly NodeId[]; params: Params; nodeParams: Readonly<Record<NodeId, Params>> }): Topology {
  return settings(ctx).t;
}

function buildTopology(nodes: readonly NodeId[], p: PaxosParams, nodeParams: Readonly<Record<NodeId, Params>>): Topology {
  const members = p.clusterSize > 0 ? nodes.slice(0, p.clusterSize) : [...nodes];
  const roles = new Map<NodeId, readonly Role[]>();
  const flag = (id: NodeId, name: string): boolean => {
    const v: ParamValue | undefined = nodeParams[id]?.[name];
    return v !== false;
  };
  for (const id of nodes) roles.set(id, NO_ROLES);
  for (const id of members) {
    const proposer = flag(id, 'proposer');
    const r: Role[] = [];
    if (proposer) r.push('proposer');
    if (flag(id, 'acceptor')) r.push('acceptor');
    if (flag(id, 'learner') || (p.mode === 'multi' && proposer)) r.push('learner');
    roles.set(id, r);
  }
  const having = (role: Role) => members.filter((id) => roles.get(id)!.includes(role));
  const acceptors = having('acceptor');
  const others = new Map<NodeId, readonly NodeId[]>();
  const otherAcceptors = new Map<NodeId, readonly NodeId[]>();
  for (const id of nodes) {
    others.set(id, members.includes(id) ? members.filter((n) => n !== id) : NO_NODES);
    otherAcceptors.set(id, acceptors.filter((n) => n !== id));
  }
  const quorum = p.bugSmallQuorum ? Math.max(1, Math.floor(acceptors.length / 2)) : Math.floor(acceptors.length / 2) + 1;
  const learners = having('learner');
  const learnersOnly = learners.filter((id) => !roles.get(id)!.includes('acceptor'));
  return { members, proposers: having('proposer'), acceptors, learners, learnersOnly, roles, others, otherAcceptors, quorum };
}

/** A true majority of `acceptors` (what "chosen" means, whatever the quorum a buggy node uses). */
export function majority(acceptors: number): number {
  return Math.floor(acceptors / 2) + 1;
}
