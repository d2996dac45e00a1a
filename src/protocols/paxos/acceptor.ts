/**
 * The acceptor's two rules, shared by single-decree Paxos and Multi-Paxos
 * ("Paxos Made Simple" §2.2, phases 1(b) and 2(b); "Paxos Made Moderately
 * Complex" Figure 2). Pure decisions on ballots; the handlers in single.ts
 * and multi.ts apply them to their states, persist, and reply.
 *
 * - Prepare (1b): promise a ballot higher than any it has promised (PMMC
 *   invariant A1: adopted ballots strictly increase); answer a repeated
 *   prepare for the ballot it already promised again (its reply may have
 *   been lost); refuse anything lower.
 * - Accept (2b): accept unless it has promised a higher ballot ("it has not
 *   responded to a prepare request having a number greater than n"), and
 *   raise its promise to the accepted ballot, as Lamport's TLA+ Paxos does,
 *   so an accepted ballot never exceeds the promise (PMMC A2, in the "b ≥
 *   ballot_num" form of its acceptor pseudocode).
 */
import { compare, type Ballot } from './ballot.js';

export type PrepareAnswer = 'promise' | 'again' | 'refuse';

export function onPrepare(promised: Ballot, b: Ballot): PrepareAnswer {
  const c = compare(b, promised);
  return c > 0 ? 'promise' : c === 0 ? 'again' : 'refuse';
}

/** Whether an acceptor that promised `promised` accepts a proposal of ballot `b`; `bug_accept_below_promise` accepts anything. */
export function mayAccept(promised: Ballot, b: Ballot, bugAcceptBelowPromise: boolean): boolean {
  return bugAcceptBelowPromise || compare(b, promised) >= 0;
}
