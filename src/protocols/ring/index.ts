/**
 * The `ring` protocol: consistent hashing with virtual nodes. An implicit
 * `router` holds membership and key placement; the declared nodes are
 * storage servers that receive their keys in batches. See ring.ts for the
 * ring itself (also usable directly, as the benchmark does), machine.ts for
 * the operations and invariants.ts for what is checked.
 */
import type { Protocol } from '../../engine/protocol.js';
import { init, onClient, onMessage, onRestart } from './machine.js';
import type { RingMessage } from './messages.js';
import { loadStats, ROUTER, type RingState } from './state.js';
import { vocabulary } from './vocabulary.js';

export { Ring, hashKey32, RING_HASHES, RING_MODES, type RingHash, type RingMode, type RingOptions } from './ring.js';
export type { RingState, RouterState, ServerState } from './state.js';
export type { RingMessage } from './messages.js';

export const ringProtocol: Protocol<RingState, RingMessage> = {
  name: 'ring',
  vocabulary,
  implicitNodes: () => [{ id: ROUTER, role: 'router' }],
  clientTarget: () => ROUTER,
  init,
  onMessage,
  onTimer: (state) => state,
  onClient,
  onRestart,
  role: (state) => state.role,
  finalMetrics: (world): Record<string, number> => {
    const s = world.node(ROUTER)?.state;
    if (!s || s.role !== 'router') return {};
    const st = loadStats(s.members, s.weights, s.load);
    return {
      keys: s.keys,
      members: s.members.length,
      load_max: st.max,
      load_min: st.min,
      load_max_over_mean: Math.round(st.maxOverMean * 1e6) / 1e6,
      load_cv: Math.round(st.cv * 1e6) / 1e6,
    };
  },
};
