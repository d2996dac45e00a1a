/**
 * `primary`: the protocol object — its name, its vocabulary and its
 * handlers. It leaves out `onTimer` (it has no timers), `clientTarget`
 * (clients talk to the first node, the primary) and `role` is the state's.
 */
import type { Protocol } from '../../../../../src/engine/protocol.js';
import { init, onClient, onMessage, onRestart, type PrimaryMessage } from './machine.js';
import type { PrimaryState } from './state.js';
import { vocabulary } from './vocabulary.js';

export const primaryProtocol: Protocol<PrimaryState, PrimaryMessage> = {
  name: 'primary',
  vocabulary,
  init,
  onMessage,
  onClient,
  onRestart,
  role: (s) => s.role,
};
