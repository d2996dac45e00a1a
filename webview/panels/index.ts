/** The protocol panels, tried in order; the first that applies is shown. */
import type { PanelInput, ProtocolPanel } from './panel.js';
import { paxosPanel } from './paxos.js';
import { quorumPanel } from './quorum.js';
import { raftPanel } from './raft.js';
import { ringPanel } from './ring.js';

export const PANELS: readonly ProtocolPanel[] = [raftPanel, ringPanel, quorumPanel, paxosPanel];

/**
 * Protocols shown with the generic state view on purpose (their state reads
 * well as a tree). Every other protocol has a panel above; the protocol
 * conformance test (test/protocols/conformance.test.ts) checks one or the other.
 */
export const GENERIC_PANELS: readonly string[] = ['hash'];

export function panelFor(input: PanelInput): ProtocolPanel | undefined {
  const byName = PANELS.find((p) => p.id === input.protocol && p.applies(input));
  return byName ?? PANELS.find((p) => p.applies(input));
}

export type { PanelInput, ProtocolPanel } from './panel.js';
