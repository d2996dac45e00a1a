/**
 * The safety properties of atomic commitment (BHG §7.2, AC1–AC5; Gray &
 * Lamport §2, the TCommit specification), as named predicates checked after
 * every step:
 * - `atomicity` (AC1; G&L's TCConsistent): no transaction is committed at
 *   one participant and aborted at another.
 * - `commit_validity` (AC3; G&L: commit only if every RM prepared): a
 *   transaction commits anywhere only if every participant voted yes.
 * - `decision_stable` (AC2, "a process cannot reverse its decision after it
 *   has reached one"): once a participant has taken an outcome, no node — a
 *   coordinator after its restart included — ever takes the other.
 * - `no_unilateral_decision` (2PC; BHG §7.3): a participant that voted yes
 *   only takes an outcome some other node already took (the coordinator, or
 *   a participant through cooperative termination) — never one of its own.
 *
 * All four share one monitor whose memory the engine creates per run. Each
 * step it looks only at the nodes the simulator says changed, and in them
 * only at the transaction records whose object changed (records are
 * copy-on-write), so the cost of a step does not grow with the number of
 * nodes or of transactions elsewhere. Crashed nodes are skipped (their
 * volatile state is gone); a restarted node's records are new objects and
 * are looked at again.
 */
import type { NodeId, NodeView, World } from '../../engine/protocol.js';
import type { InvariantSpec, MonitorSpec } from '../../engine/vocabulary.js';
import { readParams } from './params.js';
import { isDecided, type CommitState, type CoordTx, type Decision, type PartTx, type TxId } from './state.js';

type View = NodeView<CommitState>;

/** What the monitor knows of one transaction, over the whole run. */
interface TxHistory {
  /** Participants seen having voted yes. */
  readonly yes: Set<NodeId>;
  /** The first participant seen committed, and the first seen aborted. */
  committed: NodeId | null;
  aborted: NodeId | null;
  /** The first outcome a participant took, and where. */
  adopted: { decision: Decision; node: NodeId; at: number } | null;
  /** Outcomes some node held at the end of an earlier step. */
  readonly known: Set<Decision>;
}

export interface CommitHistory {
  /** The last live state observed, by node index. */
  readonly last: (CommitState | undefined)[];
  readonly txs: Map<TxId, TxHistory>;
  /** This step's findings, one per invariant (the first one found). */
  readonly found: Record<'atomicity' | 'commit_validity' | 'decision_stable' | 'no_unilateral_decision', string | null>;
  /** Outcomes taken in this step, made known after it. */
  readonly fresh: { h: TxHistory; d: Decision }[];
}

function valid(s: unknown): s is CommitState {
  return s !== null && typeof s === 'object' && 'txs' in s && 'coord' in s;
}

function history(m: CommitHistory, tx: TxId): TxHistory {
  let h = m.txs.get(tx);
  if (h === undefined) {
    h = { yes: new Set(), committed: null, aborted: null, adopted: null, known: new Set() };
    m.txs.set(tx, h);
  }
  return h;
}

function report(m: CommitHistory, name: keyof CommitHistory['found'], text: string): void {
  if (m.found[name] === null) m.found[name] = text;
}

function ms(us: number): string {
  return `${Math.round(us / 100) / 10}ms`;
}

/** A participant record that changed. */
function seeParticipant(m: CommitHistory, world: World<CommitState>, id: NodeId, tx: TxId, t: PartTx, before: PartTx | undefined, twopc: boolean): void {
  const h = history(m, tx);
  if (t.vote === 'yes') h.yes.add(id);
  if (!isDecided(t.state)) return;
  const d = t.state;
  const newly = before === undefined || !isDecided(before.state);
  // atomicity
  if (d === 'COMMITTED') {
    if (h.aborted !== null && h.aborted !== id) report(m, 'atomicity', `${tx} committed at ${id} but aborted at ${h.aborted}`);
    h.committed ??= id;
  } else {
    if (h.committed !== null && h.committed !== id) report(m, 'atomicity', `${tx} aborted at ${id} but committed at ${h.committed}`);
    h.aborted ??= id;
  }
  if (d === 'COMMITTED') checkValidity(m, h, tx, t.parts, id);
  // decision_stable
  if (h.adopted !== null && h.adopted.decision !== d) {
    report(m, 'decision_stable', `${tx} was ${h.adopted.decision} at ${h.adopted.node} (since ${ms(h.adopted.at)}) but ${id} now has it ${d}`);
  }
  h.adopted ??= { decision: d, node: id, at: world.now };
  // no_unilateral_decision (2PC): a yes voter's outcome must already exist somewhere else.
  if (twopc && newly && t.vote === 'yes' && !h.known.has(d)) {
    report(m, 'no_unilateral_decision', `${id} voted yes on ${tx} and took ${d} on its own: no other node had decided ${tx}${h.known.size ? ` (they had ${[...h.known].join(', ')})` : ''}`);
  }
  m.fresh.push({ h, d });
}

/** A coordinator record that changed. */
function seeCoordinator(m: CommitHistory, id: NodeId, tx: TxId, c: CoordTx): void {
  if (!isDecided(c.phase)) return;
  const h = history(m, tx);
  const d = c.phase;
  if (d === 'COMMITTED') checkValidity(m, h, tx, c.parts, id);
  if (h.adopted !== null && h.adopted.decision !== d) {
    report(m, 'decision_stable', `${tx} was ${h.adopted.decision} at ${h.adopted.node} (since ${ms(h.adopted.at)}) but its coordinator ${id} now says ${d}${c.presumed ? ' (presumed abort: it has no record of the commit)' : ''}`);
  }
  m.fresh.push({ h, d });
}

function checkValidity(m: CommitHistory, h: TxHistory, tx: TxId, parts: readonly NodeId[], at: NodeId): void {
  const missing = parts.filter((p) => !h.yes.has(p));
  if (missing.length > 0) report(m, 'commit_validity', `${tx} committed at ${at} but ${missing.join(', ')} never voted yes`);
}

export const commitHistory: MonitorSpec<CommitState, CommitHistory> = {
  name: 'commit history',
  create: () => ({
    last: [], txs: new Map(), fresh: [],
    found: { atomicity: null, commit_validity: null, decision_stable: null, no_unilateral_decision: null },
  }),
  observe(m, world, changed) {
    m.found.atomicity = m.found.commit_validity = m.found.decision_stable = m.found.no_unilateral_decision = null;
    m.fresh.length = 0;
    const twopc = readParams(world.params).protocol === 'twopc';
    for (let j = 0; j < changed.length; j++) {
      const n: View = changed[j]!;
      const s = n.state;
      if (n.status === 'crashed' || !valid(s)) continue;
      const prev = m.last[n.index];
      if (prev === s) continue;
      if (prev === undefined || prev.txs !== s.txs) {
        for (const tx in s.txs) {
          const t = s.txs[tx]!;
          const before = prev !== undefined && Object.hasOwn(prev.txs, tx) ? prev.txs[tx] : undefined;
          if (before !== t) seeParticipant(m, world, n.id, tx, t, before, twopc);
        }
      }
      if (prev === undefined || prev.coord !== s.coord) {
        for (const tx in s.coord) {
          const c = s.coord[tx]!;
          if (prev === undefined || !Object.hasOwn(prev.coord, tx) || prev.coord[tx] !== c) seeCoordinator(m, n.id, tx, c);
        }
      }
      m.last[n.index] = s;
    }
    for (const { h, d } of m.fresh) h.known.add(d);
  },
};

function invariant(name: keyof CommitHistory['found'], doc: string): InvariantSpec<CommitState, CommitHistory> {
  return { name, doc, monitor: commitHistory, check: (_world, _changed, m) => m.found[name] };
}

export const invariants: readonly InvariantSpec<CommitState>[] = [
  invariant('atomicity', 'Atomicity (BHG AC1): no transaction is committed at one participant and aborted at another.'),
  invariant('commit_validity', 'Commit only if every participant voted yes (BHG AC3).'),
  invariant('decision_stable', 'An outcome once taken by a participant never changes, and no node (a restarted coordinator included) ever takes the other one (BHG AC2).'),
  invariant('no_unilateral_decision', '2PC: a participant that voted yes never decides alone; it takes an outcome the coordinator or another participant already took (BHG §7.3).'),
];
