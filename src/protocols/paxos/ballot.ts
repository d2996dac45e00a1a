/**
 * Ballots: pairs (round, proposer id), totally ordered by round and then by
 * id, so two proposers never issue the same ballot ("Paxos Made Simple"
 * §2.5: proposers choose their numbers from disjoint sets; "Paxos Made
 * Moderately Complex" §2: lexicographic pairs, from which the leader can be
 * read off). `ZERO` (round 0) is the paper's ⊥, below every real ballot.
 *
 * A ballot is a two-element array so that it reads `[3, "n2"]` in the trace.
 * Ballot arrays are never modified once made; states and messages share them.
 */
import type { Json, NodeId } from '../../engine/protocol.js';

export type Ballot = [round: number, id: NodeId];

/** ⊥: below every ballot a proposer can issue (their rounds start at 1). */
export const ZERO: Ballot = [0, ''];

/** Negative when a < b, 0 when equal, positive when a > b. */
export function compare(a: Ballot, b: Ballot): number {
  if (a === b) return 0;
  if (a[0] !== b[0]) return a[0] - b[0];
  return a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
}

export function same(a: Ballot, b: Ballot): boolean {
  return a === b || (a[0] === b[0] && a[1] === b[1]);
}

export function max(a: Ballot, b: Ballot): Ballot {
  return compare(a, b) >= 0 ? a : b;
}

/** A map key for a ballot (`3.n2`). */
export function ballotKey(b: Ballot): string {
  return `${b[0]}.${b[1]}`;
}

/** How the docs and notes write a ballot: `(3, n2)`, or `⊥`. */
export function formatBallot(b: Ballot): string {
  return b[0] === 0 ? '⊥' : `(${b[0]}, ${b[1]})`;
}

/** Reads a ballot from JSON (a durable record); ZERO when it is not one. */
export function parseBallot(v: Json | undefined): Ballot {
  if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'number' && Number.isInteger(v[0]) && v[0] >= 0 && typeof v[1] === 'string') {
    return v[0] === 0 ? ZERO : [v[0], v[1]];
  }
  return ZERO;
}

export function isBallot(v: unknown): v is Ballot {
  return Array.isArray(v) && v.length === 2 && typeof v[0] === 'number' && typeof v[1] === 'string';
}
