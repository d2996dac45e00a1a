/**
 * The quorum store's parameters, read from the cluster's `Params` with the
 * documented defaults (vocabulary.ts) filled in for anything absent or
 * malformed, so the handlers never throw on a bad parameter. Durations are µs.
 */
import type { Params } from '../../engine/protocol.js';
import { RING_HASHES, type RingHash } from '../ring/ring.js';

/**
 * How versions are kept and how reads and writes run.
 * - `vclock`: Dynamo with vector clocks (§4.4): concurrent writes become siblings.
 * - `lww`: Dynamo with last-writer-wins: the version with the highest timestamp of its coordinator's clock wins.
 * - `abd`: the ABD register (Attiya, Bar-Noy & Dolev 1995, multi-writer form): tags, two-phase reads and writes.
 */
export const MODES = ['vclock', 'lww', 'abd'] as const;
export type Mode = (typeof MODES)[number];

export interface QuorumParams {
  readonly mode: Mode;
  /** Replicas per key (Dynamo's N). */
  readonly n: number;
  /** Read replies a read waits for (R). */
  readonly r: number;
  /** Write acknowledgements a write waits for (W). */
  readonly w: number;
  /** Sloppy quorum with hinted handoff (§4.6): the first N healthy nodes, not the first N. */
  readonly sloppy: boolean;
  readonly readRepair: boolean;
  /** How long a coordinator waits for replies before it gives up on a round (µs). */
  readonly requestTimeout: number;
  /** Rounds a coordinator tries (each to fresh fallback nodes, with sloppy quorums) before it fails a request. */
  readonly rounds: number;
  /** How long the node that took a client operation waits for its answer before giving up (µs). */
  readonly clientTimeout: number;
  /** Retries of a client operation after `clientTimeout` (0: none). */
  readonly clientRetries: number;
  /** How long a node treats an unresponsive peer as down (µs). */
  readonly suspectFor: number;
  /** Period of hinted-handoff attempts (µs). */
  readonly handoffEvery: number;
  /** Period of Merkle-tree anti-entropy rounds (µs); 0 = off. */
  readonly antiEntropy: number;
  /** Ring points per node. */
  readonly vnodes: number;
  readonly hash: RingHash;
  /** Tick of a node's local clock (lww timestamps), µs. */
  readonly clockTick: number;
  readonly bugDropSiblings: boolean;
  readonly bugKeepDominated: boolean;
  readonly bugNoWriteBack: boolean;
}

export const DEFAULTS: QuorumParams = {
  mode: 'vclock',
  n: 3,
  r: 2,
  w: 2,
  sloppy: true,
  readRepair: true,
  requestTimeout: 50_000,
  rounds: 2,
  clientTimeout: 300_000,
  clientRetries: 0,
  suspectFor: 1_000_000,
  handoffEvery: 100_000,
  antiEntropy: 0,
  vnodes: 8,
  hash: 'md5',
  clockTick: 10_000,
  bugDropSiblings: false,
  bugKeepDominated: false,
  bugNoWriteBack: false,
};

const cache = new WeakMap<Params, QuorumParams>();

export function readParams(params: Params): QuorumParams {
  const hit = cache.get(params);
  if (hit) return hit;
  const p: QuorumParams = {
    mode: (MODES as readonly unknown[]).includes(params.mode) ? (params.mode as Mode) : DEFAULTS.mode,
    n: whole(params.n, DEFAULTS.n, 1),
    r: whole(params.r, DEFAULTS.r, 1),
    w: whole(params.w, DEFAULTS.w, 1),
    sloppy: typeof params.sloppy === 'boolean' ? params.sloppy : DEFAULTS.sloppy,
    readRepair: typeof params.read_repair === 'boolean' ? params.read_repair : DEFAULTS.readRepair,
    requestTimeout: whole(params.request_timeout, DEFAULTS.requestTimeout, 1),
    rounds: whole(params.rounds, DEFAULTS.rounds, 1),
    clientTimeout: whole(params.client_timeout, DEFAULTS.clientTimeout, 1),
    clientRetries: whole(params.client_retries, DEFAULTS.clientRetries, 0),
    suspectFor: whole(params.suspect_for, DEFAULTS.suspectFor, 0),
    handoffEvery: whole(params.handoff_every, DEFAULTS.handoffEvery, 1),
    antiEntropy: whole(params.anti_entropy, DEFAULTS.antiEntropy, 0),
    vnodes: whole(params.vnodes, DEFAULTS.vnodes, 1),
    hash: (RING_HASHES as readonly unknown[]).includes(params.hash) ? (params.hash as RingHash) : DEFAULTS.hash,
    clockTick: whole(params.clock_tick, DEFAULTS.clockTick, 1),
    bugDropSiblings: params.bug_drop_siblings === true,
    bugKeepDominated: params.bug_keep_dominated === true,
    bugNoWriteBack: params.bug_no_write_back === true,
  };
  cache.set(params, p);
  return p;
}

function whole(v: unknown, fallback: number, min: number): number {
  return typeof v === 'number' && Number.isFinite(v) && v >= min ? Math.floor(v) : fallback;
}
