/**
 * Recovery from the write-ahead log (Gray 1978 §5.8; BHG §7.3–7.5 "recovery"):
 * a restarted node is rebuilt from its log alone, replayed in order.
 *
 * - A `prepared` record without an outcome: the participant is uncertain
 *   again (READY, or PRECOMMIT after a `precommit` record), takes the
 *   write's lock back and resumes its termination protocol; in 3PC it is
 *   marked `recovered` and only asks.
 * - An outcome record: the write is redone (commit) and the lock stays free.
 * - A participant with no record of a transaction never voted on it and will
 *   abort it (the volatile work of an unvoted transaction is simply gone).
 * - Coordinator: a commit record is re-sent to the participants (they may
 *   not have heard); a 3PC PreCommit record without an outcome makes a
 *   recovered coordinator that asks; no record means abort (presumed abort).
 * - Acceptor: the last record of each instance is its (mbal, bal, val).
 * - Paxos Commit leader: the last round it logged, so it never reuses a ballot.
 */
import type { Json } from '../../engine/protocol.js';
import { opTable as table } from '../_kit/records.js';
import { instanceKey, initialState, type CommitState, type CoordTx, type PartTx, type WalRecord } from './state.js';

/** The log from a durable value (anything else reads as an empty log). */
export function parseWal(durable: Json | undefined): WalRecord[] {
  if (!Array.isArray(durable)) return [];
  return durable.filter((r): r is WalRecord & Json => r !== null && typeof r === 'object' && !Array.isArray(r)
    && typeof r.tx === 'string' && typeof r.kind === 'string' && typeof r.at === 'number') as unknown as WalRecord[];
}

/** The node's state rebuilt from its log: everything volatile starts over. */
export function recover(wal: WalRecord[], kind: CommitState['kind']): CommitState {
  // Prototype-less tables: keys are scenario names, and `__proto__` is a valid one.
  const txs = table<PartTx>();
  const coord = table<CoordTx>();
  const acc = table<CommitState['acc'][string]>();
  const leads = table<CommitState['leads'][string]>();
  const kv = table<Json>();
  const locks = table<string>();
  for (const r of wal) {
    switch (r.kind) {
      case 'prepared':
        txs[r.tx] = {
          state: 'READY', coord: r.coord, parts: r.parts, key: r.key, value: r.value, began: r.began, vote: 'yes',
          votedAt: r.at, decidedAt: -1, by: null, hops: 0, waited: 0, recovered: true, term: null,
        };
        if (r.key !== null) locks[r.key] = r.tx;
        break;
      case 'no':
        txs[r.tx] = {
          state: 'ABORTED', coord: r.coord, parts: r.parts, key: null, value: null, began: r.began, vote: 'no',
          votedAt: r.at, decidedAt: r.at, by: null, hops: 0, waited: 0, recovered: false, term: null,
        };
        break;
      case 'precommit': {
        const t = txs[r.tx];
        if (t !== undefined && t.state === 'READY') txs[r.tx] = { ...t, state: 'PRECOMMIT' };
        break;
      }
      case 'commit':
      case 'abort': {
        const t = txs[r.tx];
        const base: PartTx = t ?? {
          state: 'ABORTED', coord: r.by, parts: [], key: null, value: null, began: -1, vote: null,
          votedAt: -1, decidedAt: -1, by: null, hops: 0, waited: 0, recovered: false, term: null,
        };
        const state = r.kind === 'commit' ? 'COMMITTED' : 'ABORTED';
        txs[r.tx] = { ...base, state, decidedAt: r.at, by: r.by, hops: r.hops, waited: base.votedAt >= 0 ? r.at - base.votedAt : 0, recovered: false };
        if (base.key !== null) {
          if (state === 'COMMITTED') kv[base.key] = base.value;
          if (locks[base.key] === r.tx) delete locks[base.key];
        }
        break;
      }
      case 'coord-precommit':
      case 'coord-commit': {
        const known = coord[r.tx];
        coord[r.tx] = {
          phase: r.kind === 'coord-commit' ? 'COMMITTED' : 'PRECOMMIT', parts: r.parts, key: known?.key ?? null, value: known?.value ?? null,
          began: r.began, votes: Object.fromEntries(r.parts.map((p) => [p, 'yes' as const])), acks: [], op: null, presumed: false,
          recovered: r.kind === 'coord-precommit', hops: 0,
        };
        break;
      }
      case 'acceptor':
        acc[instanceKey(r.tx, r.ins)] = { mbal: r.mbal, bal: r.bal, val: r.val };
        break;
      case 'ballot':
        leads[r.tx] = {
          parts: r.parts, coord: r.coord, round: r.round, seen: 0,
          inst: Object.fromEntries(r.parts.map((p) => [p, { chosen: null, bal: -1, val: null, accepted: [], promised: [], prevBal: -1, prevVal: null }])),
          outcome: null, hops: 0,
        };
        break;
      default: {
        const never: never = r;
        void never;
      }
    }
  }
  return { ...initialState(kind), kv, locks, txs, coord, acc, leads, wal, durableLen: wal.length };
}
