/**
 * A 1-based Raft log (index 0 is the empty prefix, term 0) stored as an
 * immutable list of chunks of LOG_CHUNK entries: every chunk but the
 * last is full, and the last is non-empty (the empty log is `[]`).
 *
 * States are immutable and the simulator keeps every version, so a flat
 * array copied on each append costs O(n) time per append and O(n²) memory
 * over a run. Here an append copies only the last chunk and the chunk index
 * (O(LOG_CHUNK + n / LOG_CHUNK)); unchanged chunks are shared between
 * versions, so the trace's structural diff skips them by reference and
 * reports readable changes such as `log.3.17 = {term, cmd}`. Entry objects
 * are shared too, which lets the invariants compare entries by identity.
 * Chunks are never mutated once published (the types are readonly); they
 * are not Object.freeze-d because V8 copies frozen arrays ~20× slower.
 */
import type { Entry } from './entry.js';

/** Entries per chunk. */
export const LOG_CHUNK = 64;
const BITS = 6;
const MASK = LOG_CHUNK - 1;

export type Log = readonly (readonly Entry[])[];

export const EMPTY_LOG: Log = [];

export function lastIndex(log: Log): number {
  const n = log.length;
  return n === 0 ? 0 : ((n - 1) << BITS) + log[n - 1]!.length;
}

/** Entry `index` (1-based), undefined outside 1..lastIndex. */
export function entryAt(log: Log, index: number): Entry | undefined {
  if (index < 1) return undefined;
  const i = index - 1;
  return log[i >>> BITS]?.[i & MASK];
}

/** The term of entry `index`, 0 for index 0, undefined beyond the end. */
export function termAt(log: Log, index: number): number | undefined {
  if (index === 0) return 0;
  return entryAt(log, index)?.term;
}

export function lastTerm(log: Log): number {
  if (log.length === 0) return 0;
  const last = log[log.length - 1]!;
  return last[last.length - 1]!.term;
}

/** An empty entry list shared by every heartbeat (frozen: nobody may push to it). */
const NO_ENTRIES: Entry[] = Object.freeze([]) as unknown as Entry[];

/** Entries `from`..`to` (1-based, inclusive, clamped to the log) as a fresh array, or a shared frozen one when empty. */
export function entriesBetween(log: Log, from: number, to: number): Entry[] {
  const end = Math.min(to, lastIndex(log));
  const start = Math.max(1, from);
  if (start > end) return NO_ENTRIES;
  const out: Entry[] = [];
  for (let i = start; i <= end; i++) out.push(entryAt(log, i)!);
  return out;
}

/** Every entry, in order (for queries, tests and replay). */
export function toEntries(log: Log): Entry[] {
  return log.flat();
}

/** The first `n` entries (a suffix deleted, §5.3); shares every untouched chunk. */
export function truncate(log: Log, n: number): Log {
  if (n >= lastIndex(log)) return log;
  if (n <= 0) return EMPTY_LOG;
  const full = n >>> BITS;
  const rest = n & MASK;
  const out = log.slice(0, full);
  if (rest > 0) out.push(log[full]!.slice(0, rest));
  return out;
}

/**
 * The last log built by `append` from each log. Followers append the very
 * entry objects the leader appended, usually to a log equal, by reference, to
 * the leader's before it appended them (every log starts as EMPTY_LOG). Such
 * an append returns the leader's log itself: one copy of the last chunk per
 * entry for the cluster, not one per replica, and replicas that hold the
 * same log hold the same object (cheap to compare for the invariants).
 */
const extended = new WeakMap<Log, Log>();

/** The log with `entries` appended; copies only the last chunk and the chunk index. */
export function append(log: Log, entries: readonly Entry[]): Log {
  if (entries.length === 0) return log;
  const known = extended.get(log);
  if (known !== undefined && extendsBy(known, log, entries)) return known;
  const out = appendCopy(log, entries);
  extended.set(log, out);
  return out;
}

/** Whether `next` is `log` followed by exactly `entries` (the same objects). */
function extendsBy(next: Log, log: Log, entries: readonly Entry[]): boolean {
  const n = lastIndex(log);
  if (lastIndex(next) !== n + entries.length) return false;
  for (let i = 0; i < entries.length; i++) if (entryAt(next, n + 1 + i) !== entries[i]) return false;
  return true;
}

function appendCopy(log: Log, entries: readonly Entry[]): Log {
  const out = log.slice();
  let k = 0;
  let last = out.length > 0 && out[out.length - 1]!.length < LOG_CHUNK ? out.pop()!.slice() : [];
  while (k < entries.length) {
    last.push(entries[k++]!);
    if (last.length === LOG_CHUNK) {
      out.push(last);
      last = [];
    }
  }
  if (last.length > 0) out.push(last);
  return out;
}

/** A log holding `entries`. */
export function fromEntries(entries: readonly Entry[]): Log {
  return append(EMPTY_LOG, entries);
}

/**
 * Reads a log from JSON (a durable record): chunked as written by this
 * module, or a flat entry array. Returns undefined when it is neither.
 */
export function parseLog(v: unknown): Log | undefined {
  if (!Array.isArray(v)) return undefined;
  if (v.every((c) => Array.isArray(c))) {
    const entries = (v as unknown[][]).flat();
    return entries.every(isEntry) ? fromEntries(entries as Entry[]) : undefined;
  }
  return v.every(isEntry) ? fromEntries(v as Entry[]) : undefined;
}

function isEntry(e: unknown): boolean {
  return typeof e === 'object' && e !== null && typeof (e as Entry).term === 'number' && typeof (e as Entry).cmd === 'object' && (e as Entry).cmd !== null;
}

/** §5.4.1: a log is at least as up-to-date when its last term is higher, or equal with an index at least as large. */
export function isUpToDate(lastLogTerm: number, lastLogIndex: number, log: Log): boolean {
  const myTerm = lastTerm(log);
  return lastLogTerm > myTerm || (lastLogTerm === myTerm && lastLogIndex >= lastIndex(log));
}

/** The first index holding `term`, scanning back from `from` (fast back-off hint). */
export function firstIndexOfTerm(log: Log, term: number, from: number): number {
  let i = from;
  while (i > 1 && entryAt(log, i - 1)!.term === term) i--;
  return i;
}

/** The last index holding `term`, or 0 when the log has no entry of that term. */
export function lastIndexOfTerm(log: Log, term: number): number {
  for (let i = lastIndex(log); i >= 1; i--) {
    const t = entryAt(log, i)!.term;
    if (t === term) return i;
    if (t < term) return 0;
  }
  return 0;
}

/** A short label for an entry, used by invariants and the `log` query. */
export function entryKey(e: Entry): string {
  return e.cmd.op === 'noop' ? `${e.term}:noop` : `${e.term}:${e.cmd.id}`;
}
