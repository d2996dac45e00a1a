/**
 * Metrics computed from the final world (every node read once, at the end):
 * how long participants were blocked, how long a commit took — in ms and in
 * message delays, the measure of Gray & Lamport's §5 — and how many messages
 * a transaction cost.
 */
import type { World } from '../../engine/protocol.js';
import { isUncertain, type CommitState, type PartTx } from './state.js';

export const METRIC_DOCS: readonly { name: string; doc: string }[] = [
  { name: 'transactions', doc: 'Transactions begun (known to any node at the end).' },
  { name: 'committed', doc: 'Transactions every participant committed.' },
  { name: 'aborted', doc: 'Transactions every participant aborted.' },
  { name: 'split', doc: 'Transactions committed at some participants and aborted at others (atomicity violated).' },
  { name: 'uncertain_at_end', doc: 'Participant records still READY or PRECOMMIT (voted yes, outcome unknown) at the end.' },
  { name: 'blocked_ms', doc: 'The longest time a participant was uncertain — from its yes vote until it learned the outcome, or until the end.' },
  { name: 'commit_latency_ms', doc: 'Mean over committed transactions of the time from begin until the last participant learned the outcome.' },
  { name: 'commit_delays', doc: 'Mean over committed transactions of the message delays from begin until the last participant learned the outcome (2PC 3, 3PC 5, Paxos Commit 4).' },
  { name: 'messages_per_tx', doc: 'Protocol messages sent per transaction begun (nodes count their own sends; a crash restarts a node\'s count).' },
];

function valid(s: unknown): s is CommitState {
  return s !== null && typeof s === 'object' && 'txs' in s && 'coord' in s;
}

export function finalMetrics(world: World<CommitState>): Record<string, number> {
  const txs = new Map<string, PartTx[]>();
  const names = new Set<string>();
  let sent = 0;
  let blocked = 0;
  let uncertain = 0;
  for (const n of world.nodes) {
    const s = n.state;
    if (!valid(s)) continue;
    sent += s.sent;
    for (const tx in s.coord) if (!s.coord[tx]!.presumed) names.add(tx);
    for (const tx in s.txs) {
      const t = s.txs[tx]!;
      names.add(tx);
      let list = txs.get(tx);
      if (list === undefined) txs.set(tx, (list = []));
      list.push(t);
      if (t.vote === 'yes') blocked = Math.max(blocked, (t.decidedAt >= 0 ? t.decidedAt : world.now) - t.votedAt);
      if (isUncertain(t)) uncertain++;
    }
  }
  let committed = 0;
  let aborted = 0;
  let split = 0;
  let latency = 0;
  let delays = 0;
  for (const list of txs.values()) {
    const parts = list[0]!.parts.length > 0 ? list[0]!.parts.length : list.length;
    const c = list.filter((t) => t.state === 'COMMITTED');
    const a = list.filter((t) => t.state === 'ABORTED');
    if (c.length > 0 && a.length > 0) split++;
    else if (a.length === parts) aborted++;
    else if (c.length === parts) {
      committed++;
      latency += Math.max(...c.map((t) => t.decidedAt)) - c[0]!.began;
      delays += Math.max(...c.map((t) => t.hops));
    }
  }
  return {
    transactions: names.size,
    committed,
    aborted,
    split,
    uncertain_at_end: uncertain,
    blocked_ms: blocked / 1000,
    commit_latency_ms: committed > 0 ? latency / committed / 1000 : 0,
    commit_delays: committed > 0 ? delays / committed : 0,
    messages_per_tx: names.size > 0 ? sent / names.size : 0,
  };
}
