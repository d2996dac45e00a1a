/** Helpers over a 1-based Raft log (index 0 is the empty prefix, term 0). */
import type { Entry } from './types.js';

export function lastIndex(log: readonly Entry[]): number {
  return log.length;
}

/** The term of entry `index`, 0 for index 0, undefined beyond the end. */
export function termAt(log: readonly Entry[], index: number): number | undefined {
  if (index === 0) return 0;
  return log[index - 1]?.term;
}

export function lastTerm(log: readonly Entry[]): number {
  return log.length === 0 ? 0 : log[log.length - 1]!.term;
}

/** §5.4.1: a log is at least as up-to-date when its last term is higher, or equal with an index at least as large. */
export function isUpToDate(lastLogTerm: number, lastLogIndex: number, log: readonly Entry[]): boolean {
  const myTerm = lastTerm(log);
  return lastLogTerm > myTerm || (lastLogTerm === myTerm && lastLogIndex >= log.length);
}

/** The first index holding `term`, scanning back from `from` (fast back-off hint). */
export function firstIndexOfTerm(log: readonly Entry[], term: number, from: number): number {
  let i = from;
  while (i > 1 && log[i - 2]!.term === term) i--;
  return i;
}

/** The last index holding `term`, or 0 when the log has no entry of that term. */
export function lastIndexOfTerm(log: readonly Entry[], term: number): number {
  for (let i = log.length; i >= 1; i--) {
    const t = log[i - 1]!.term;
    if (t === term) return i;
    if (t < term) return 0;
  }
  return 0;
}

/** A short label for an entry, used by invariants and the `log` query. */
export function entryKey(e: Entry): string {
  return e.cmd.op === 'noop' ? `${e.term}:noop` : `${e.term}:${e.cmd.id}`;
}
