/**
 * Raft's parameters, read from the cluster's `Params` with the documented
 * defaults (see `vocabulary.ts`) filled in for anything absent or malformed,
 * so the handlers never throw on a bad parameter. Durations are µs.
 */
import type { NumberRange, Params } from '../../engine/protocol.js';
import { positive, range } from '../_kit/params.js';

export interface RaftParams {
  /** Randomized election timeout range (§5.2); default 150ms..300ms as in the paper's §9.3 experiments. */
  readonly electionTimeout: NumberRange;
  /** Interval of a leader's heartbeat AppendEntries; default 50ms. */
  readonly heartbeat: number;
  /** How long a node waits for a client operation it forwarded before retrying it; default 100ms. */
  readonly rpcTimeout: number;
  /** Most entries one AppendEntries carries; default 64. */
  readonly maxEntries: number;
  readonly preVote: boolean;
  readonly leaderLease: boolean;
  readonly bugCommitOldTerms: boolean;
  readonly bugForgetVote: boolean;
  readonly bugSkipLogCheck: boolean;
  readonly bugTruncateOnReject: boolean;
}

export const DEFAULTS: RaftParams = {
  electionTimeout: { min: 150_000, max: 300_000 },
  heartbeat: 50_000,
  rpcTimeout: 100_000,
  maxEntries: 64,
  preVote: false,
  leaderLease: false,
  bugCommitOldTerms: false,
  bugForgetVote: false,
  bugSkipLogCheck: false,
  bugTruncateOnReject: false,
};

/** How many rpc_timeout rounds a node keeps retrying a client operation before giving up. */
export const CLIENT_TRIES = 20;

const cache = new WeakMap<Params, RaftParams>();

export function readParams(params: Params): RaftParams {
  const hit = cache.get(params);
  if (hit) return hit;
  const p: RaftParams = {
    electionTimeout: range(params.election_timeout, DEFAULTS.electionTimeout),
    heartbeat: positive(params.heartbeat, DEFAULTS.heartbeat),
    rpcTimeout: positive(params.rpc_timeout, DEFAULTS.rpcTimeout),
    maxEntries: Math.floor(positive(params.max_entries, DEFAULTS.maxEntries)),
    preVote: params.pre_vote === true,
    leaderLease: params.leader_lease === true,
    bugCommitOldTerms: params.bug_commit_old_terms === true,
    bugForgetVote: params.bug_forget_vote === true,
    bugSkipLogCheck: params.bug_skip_log_check === true,
    bugTruncateOnReject: params.bug_truncate_on_reject === true,
  };
  cache.set(params, p);
  return p;
}
