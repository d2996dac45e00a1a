/** The protocol panels, tried in order; the first that applies is shown. */
import type { PanelInput, ProtocolPanel } from './panel.js';
import { paxosPanel } from './paxos.js';
import { raftPanel } from './raft.js';
import { ringPanel } from './ring.js';

export const PANELS: readonly ProtocolPanel[] = [raftPanel, ringPanel, paxosPanel];

export function panelFor(input: PanelInput): ProtocolPanel | undefined {
  const byName = PANELS.find((p) => p.id === input.protocol && p.applies(input));
  return byName ?? PANELS.find((p) => p.applies(input));
}

export type { PanelInput, ProtocolPanel } from './panel.js';
