/**
 * What a Raft log holds: entries of a term carrying a state-machine command
 * — a client operation of the key-value store (kv-store.ts), or the no-op a
 * new leader appends (§8). A module of its own so that the log (_log.ts)
 * and the state (state.ts) can both use it without importing each other.
 */
import type { KvCommand } from '../_kit/kv-store.js';

export type ClientCommand = KvCommand;

/** A state-machine command; `noop` is the entry a new leader appends for its term. */
export type Command = { op: 'noop' } | ClientCommand;

export type Entry = { term: number; cmd: Command };
