/**
 * `versions_never_decrease`: a node's version only grows — across crashes
 * too, since a node restarts from what it wrote. It needs history (the
 * highest version each node has had), kept in a monitor whose memory the
 * engine creates for each run; each step looks only at the nodes that
 * changed.
 */
import type { InvariantSpec, MonitorSpec } from '../../../../../src/engine/vocabulary.js';
import type { PrimaryState } from './state.js';

type Highest = number[];

const highest: MonitorSpec<PrimaryState, Highest> = {
  name: 'highest version per node',
  create: () => [],
};

export const versionsNeverDecrease: InvariantSpec<PrimaryState, Highest> = {
  name: 'versions_never_decrease',
  doc: 'A node\'s version never goes down, even across a crash and restart.',
  monitor: highest,
  check(_world, changed, high) {
    for (const n of changed) {
      if (n.status === 'crashed') continue;
      const was = high[n.index] ?? 0;
      if (n.state.version < was) return `${n.id} went back from version ${was} to ${n.state.version}`;
      high[n.index] = n.state.version;
    }
    return null;
  },
};

export const invariants = [versionsNeverDecrease];
