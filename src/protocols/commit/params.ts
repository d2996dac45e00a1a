/**
 * The atomic-commit parameters, read from the cluster's `Params` with the
 * documented defaults (vocabulary.ts) filled in for anything absent or
 * malformed, so the handlers never throw on a bad parameter. Durations are µs.
 */
import type { NodeId, Params } from '../../engine/protocol.js';

/** Which atomic commitment protocol the cluster runs. Identifiers, because `2pc` would lex as a number. */
export type CommitProtocolName = 'twopc' | 'threepc' | 'paxos_commit';
export const PROTOCOL_NAMES: readonly CommitProtocolName[] = ['twopc', 'threepc', 'paxos_commit'];

/** A participant's vote policy (`node p2 { vote no }`). */
export type VotePolicy = 'yes' | 'no' | 'crash_before_vote';
export const VOTE_POLICIES: readonly VotePolicy[] = ['yes', 'no', 'crash_before_vote'];

export interface CommitParams {
  readonly protocol: CommitProtocolName;
  /** The coordinator's vote (and 3PC acknowledgement) timeout, and the unit of every participant timeout. */
  readonly timeout: number;
  /** Paxos Commit tolerates `f` faulty acceptors out of 2f+1. */
  readonly f: number;
  /** How many participants a `begin` without `with …` involves (0: every node but the coordinator and the acceptors). */
  readonly participants: number;
  readonly bugEarlyDecision: boolean;
  readonly bugReadyTimeoutAbort: boolean;
  readonly bugCommitWithoutVotes: boolean;
}

export const DEFAULTS: CommitParams = {
  protocol: 'twopc',
  timeout: 100_000,
  f: 1,
  participants: 0,
  bugEarlyDecision: false,
  bugReadyTimeoutAbort: false,
  bugCommitWithoutVotes: false,
};

const cache = new WeakMap<Params, CommitParams>();

export function readParams(params: Params): CommitParams {
  const hit = cache.get(params);
  if (hit) return hit;
  const proto = params.commit_protocol;
  const p: CommitParams = {
    protocol: PROTOCOL_NAMES.includes(proto as CommitProtocolName) ? (proto as CommitProtocolName) : DEFAULTS.protocol,
    timeout: positive(params.timeout, DEFAULTS.timeout),
    f: wholeIn(params.f, 0, 3, DEFAULTS.f),
    participants: wholeIn(params.participants, 0, 1000, DEFAULTS.participants),
    bugEarlyDecision: params.bug_early_decision === true,
    bugReadyTimeoutAbort: params.bug_ready_timeout_abort === true,
    bugCommitWithoutVotes: params.bug_commit_without_votes === true,
  };
  cache.set(params, p);
  return p;
}

/** The acceptors of Paxos Commit: implicit nodes `acc1` … `acc(2f+1)` (none for 2PC and 3PC). */
export function acceptorIds(params: Params): NodeId[] {
  const p = readParams(params);
  if (p.protocol !== 'paxos_commit') return [];
  return Array.from({ length: 2 * p.f + 1 }, (_, i) => `acc${i + 1}`);
}

/** A node's vote policy; anything unknown reads as `yes`. */
export function votePolicy(nodeParams: Params | undefined): VotePolicy {
  const v = nodeParams?.vote;
  return VOTE_POLICIES.includes(v as VotePolicy) ? (v as VotePolicy) : 'yes';
}

function positive(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : fallback;
}

function wholeIn(v: unknown, min: number, max: number, fallback: number): number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : fallback;
}
