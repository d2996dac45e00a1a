/**
 * What a scenario may say about `primary`: its parameters, operations,
 * invariants, queries, messages and metrics, each with the one-line doc
 * that hover and completion show; and the sequential model its clients
 * follow, so `expect linearizable` checks their history.
 */
import type { Vocabulary } from '../../../../../src/engine/vocabulary.js';
import { invariants } from './invariants.js';
import type { PrimaryState } from './state.js';

export const vocabulary: Vocabulary<PrimaryState> = {
  doc: 'A primary-backup register: the primary orders writes and copies them to the backups.',
  params: [
    { name: 'bug_volatile_primary', type: 'bool', default: false,
      doc: 'BUG: the primary acknowledges writes without writing them to disk, so a crash loses them.' },
  ],
  ops: [
    { name: 'write', template: 'write <value:value>', args: [{ name: 'value', type: 'value' }],
      doc: 'Write VALUE; the primary replies once it is on disk.' },
    { name: 'read', template: 'read', args: [], doc: 'Read the primary\'s value (null before any write).' },
  ],
  invariants,
  queries: [
    { name: 'value', template: 'value <node:node>', args: [{ name: 'node', type: 'node' }], returns: 'value',
      doc: 'The value NODE holds.', evaluate: (w, a) => w.node(String(a.node))?.state.value ?? null },
    { name: 'primary', template: 'primary', args: [], returns: 'nodes',
      doc: 'The primary, while it is up.', evaluate: (w) => w.nodes.filter((n) => n.up && n.state.role === 'primary').map((n) => n.id) },
  ],
  messages: [{ type: 'Update', doc: 'The primary copies a write (value and version) to a backup.' }],
  metrics: [],
  history: { model: 'register', ops: { write: 'write', read: 'read' } },
};
