/**
 * The primary-backup register's node state: the value and its version. The
 * first node is the primary; the others are backups.
 */
import type { Json } from '../../../../../src/engine/protocol.js';

export type Role = 'primary' | 'backup';

export type PrimaryState = {
  readonly role: Role;
  readonly value: Json;
  /** Writes applied so far: 0 before the first. */
  readonly version: number;
};

/** What a node writes to disk and gets back after a restart. */
export type Durable = { value: Json; version: number };

export function initialState(role: Role): PrimaryState {
  return { role, value: null, version: 0 };
}
