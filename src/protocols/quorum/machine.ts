/**
 * The quorum store's handlers as pure functions `(state, input) → state`,
 * writing effects into the simulator's context. Each node is a replica
 * (replica.ts), a coordinator (coordinator.ts) and a client proxy
 * (src/protocols/_kit/client-proxy.ts); this module takes the inputs and
 * hands them on.
 *
 * - A client operation (`put KEY = VALUE`, `get KEY`) is taken by the node
 *   it lands on and, through the shared client proxy, coordinated there when
 *   that node is a home replica of the key, else forwarded to the first home
 *   replica it believes up (Dynamo §4.5). The proxy gives up after
 *   `client_timeout` with an unknown outcome (and suspects the coordinator
 *   it waited for), or retries `client_retries` times.
 * - Every handler ends in `finish`, which writes the data, the hints and the
 *   vector-clock counter to disk when they changed; the simulator holds this
 *   call's acknowledgements until the write is durable, so a replica never
 *   acknowledges what a crash could lose.
 * - Timers: `req:ID` (a request's round), `client:ID` (the proxy),
 *   `handoff` (while hints wait, §4.6), `sync` (anti-entropy, §4.7) and, in
 *   lww mode, `clock` (the node's clock, clock.ts).
 */
import type { ClientOp, Json, NodeId } from '../../engine/protocol.js';
import { clientTimerOp, onClientMessage, onClientTimeout, takeOperation } from '../_kit/client-proxy.js';
import { withKey } from '../_kit/records.js';
import { resumeClock, startClock, tickClock } from './clock.js';
import { clearSuspicion, onGetReply, onPutAck, onRequestTimer, requestTimerOp, startRequest, suspect, type ReadResponse } from './coordinator.js';
import { env, type Ctx, type Env } from './env.js';
import type { QuorumMessage } from './messages.js';
import { readParams } from './params.js';
import { onGet, onHandoff, onHandoffAck, onHandoffTimer, onPut, onRepair } from './replica.js';
import { durableChanged, initialState, parseDurable, toDurable, type Command, type QuorumState } from './state.js';
import { onMerkleSync, onMerkleTree, onSyncTimer } from './sync.js';

/** Ends a handler call: persists the durable part when it changed; starts the handoff timer when hints appeared. */
function finish(o: Env, next: QuorumState): QuorumState {
  if (durableChanged(o.orig, next)) o.ctx.persist(toDurable(next) as unknown as Json);
  if (next.hints !== o.orig.hints && isEmpty(o.orig.hints) && !isEmpty(next.hints)) o.ctx.setTimer('handoff', o.p.handoffEvery);
  return next;
}

function isEmpty(r: Readonly<Record<string, unknown>>): boolean {
  for (const _ in r) return false;
  return true;
}

/** The clock a node starts with (lww mode only), `clock_offset` ahead. */
function clockAt(ctx: Ctx, now: number) {
  const p = readParams(ctx.params);
  if (p.mode !== 'lww') return null;
  const offset = ctx.nodeParams[ctx.id]?.clock_offset;
  return startClock(typeof offset === 'number' ? offset : 0, p.clockTick, now);
}

/** The timers every live node runs: its clock (lww) and anti-entropy (staggered by a random first delay). */
function startTimers(o: Env): void {
  if (o.p.mode === 'lww') o.ctx.setTimer('clock', o.p.clockTick);
  if (o.p.antiEntropy > 0) o.ctx.setTimer('sync', o.ctx.randomInt(1, o.p.antiEntropy));
}

// ---------------------------------------------------------------- entry points

export function init(ctx: Ctx): QuorumState {
  const s = initialState(clockAt(ctx, ctx.now));
  startTimers(env(ctx, s));
  return s;
}

/** After a crash: the data, hints and counter come back from disk; requests, suspicions and the client table are gone. */
export function restart(durable: Json | undefined, ctx: Ctx): QuorumState {
  const d = parseDurable(durable);
  const p = readParams(ctx.params);
  const fresh = clockAt(ctx, ctx.now);
  const clock = fresh === null ? null : d.clock === null ? fresh : resumeClock(d.clock, p.clockTick, ctx.now);
  const s: QuorumState = { ...initialState(clock), store: d.store, hints: d.hints, counter: d.counter };
  const o = env(ctx, s);
  startTimers(o);
  if (!isEmpty(s.hints)) ctx.setTimer('handoff', p.handoffEvery);
  return s;
}

export function client(s: QuorumState, op: ClientOp, ctx: Ctx): QuorumState {
  const o = env(ctx, s);
  const cmd = command(s, op, ctx.id);
  if (typeof cmd === 'string') {
    ctx.reply(op.id, false, { error: cmd });
    return s;
  }
  if (Object.hasOwn(s.pending, op.id)) return s;
  return finish(o, takeOperation(o, s, cmd, ctx));
}

/** A client op as a command taken here (a write carries this node's context for the key), or why it is not one. */
function command(s: QuorumState, op: ClientOp, origin: NodeId): Command | string {
  const key = op.args?.key;
  if (typeof key !== 'string') return `${op.name}: the key must be a string`;
  switch (op.name) {
    case 'get':
      return { id: op.id, origin, op: 'get', key };
    case 'put': {
      const value = op.args.value;
      if (value === undefined) return 'put: missing value';
      return { id: op.id, origin, op: 'put', key, value, context: Object.hasOwn(s.contexts, key) ? s.contexts[key]! : null };
    }
    default:
      return `unknown operation ${op.name}; quorum supports put and get`;
  }
}

export function timer(s: QuorumState, name: string, ctx: Ctx): QuorumState {
  const o = env(ctx, s);
  switch (name) {
    case 'clock': {
      if (s.clock === null) return s;
      ctx.setTimer('clock', o.p.clockTick);
      const next = o.own(s);
      next.clock = tickClock(s.clock, ctx.now);
      return next;
    }
    case 'handoff': return finish(o, onHandoffTimer(s, o));
    case 'sync': return finish(o, onSyncTimer(s, o));
  }
  const req = requestTimerOp(name);
  if (req !== undefined) return finish(o, onRequestTimer(s, req, o));
  const op = clientTimerOp(name);
  if (op === undefined || !Object.hasOwn(s.pending, op)) return s;
  // No answer in time: suspect the coordinator it waited for, then retry elsewhere or give up.
  const server = o.server(s, s.pending[op]!.cmd);
  const next = server === null || server === ctx.id ? s : suspect(s, [server], o);
  return finish(o, onClientTimeout(o, next, op, ctx));
}

export function message(s: QuorumState, from: NodeId, msg: QuorumMessage, ctx: Ctx): QuorumState {
  const o = env(ctx, s);
  return finish(o, dispatch(clearSuspicion(s, from, o), from, msg, o));
}

function dispatch(s: QuorumState, from: NodeId, msg: QuorumMessage, o: Env): QuorumState {
  switch (msg.type) {
    case 'Get': return onGet(s, from, msg.body, o);
    case 'GetReply': return onGetReply(s, from, msg.body, o);
    case 'Put': return onPut(s, from, msg.body, o);
    case 'PutAck': return onPutAck(s, from, msg.body, o);
    case 'Repair': return onRepair(s, msg.body, o);
    case 'Handoff': return onHandoff(s, from, msg.body, o);
    case 'HandoffAck': return onHandoffAck(s, from, msg.body, o);
    case 'MerkleTree': return onMerkleTree(s, from, msg.body, o);
    case 'MerkleSync': return onMerkleSync(s, from, msg.body, o);
    case 'ClientRequest':
      // The node that took the operation chose this one as its coordinator: coordinate it.
      return startRequest(s, msg.body.cmd, o);
    case 'ClientResponse': {
      const b = msg.body as ReadResponse;
      let next = s;
      if (b.ok && typeof b.key === 'string' && b.context !== undefined && Object.hasOwn(s.pending, b.id)) {
        next = o.own(s);
        next.contexts = withKey(s.contexts, b.key, b.context);
      }
      return onClientMessage(o, next, from, msg, o.ctx)!;
    }
    case 'ClientRedirect':
      return onClientMessage(o, s, from, msg, o.ctx)!;
    default: {
      const never: never = msg;
      o.ctx.note(`ignored an unknown message ${(never as { type: string }).type}`);
      return s;
    }
  }
}
