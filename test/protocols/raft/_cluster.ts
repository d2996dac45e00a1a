/**
 * A miniature deterministic driver for 3–5 Raft nodes, independent of the
 * simulator: one event list ordered by (time, sequence), a seeded PRNG
 * (mulberry32) for latency, loss, duplication, crashes and client load, and
 * instant persistence. After every step it checks the five invariants, and
 * it records the client history for the linearizability checker.
 */
import type { ClientOp, Context, Json, NodeId, Params } from '../../../src/engine/protocol.js';
import type { KvOperation } from '../../../src/checks/history.js';
import { kvInput } from '../../../src/checks/history.js';
import { withDefaults } from '../../../src/engine/defaults.js';
import { Monitors } from '../../../src/engine/monitors.js';
import { raftProtocol } from '../../../src/protocols/raft/index.js';
import { invariants } from '../../../src/protocols/raft/invariants.js';
import type { RaftMessage } from '../../../src/protocols/raft/messages.js';
import type { RaftState } from '../../../src/protocols/raft/state.js';
import { makeWorld } from './_context.js';
import { mulberry32 } from '../../_random.js';

const raft = withDefaults(raftProtocol);

export interface ClusterOptions {
  nodes: number;
  seed: number;
  loss: number;
  duplicate: number;
  /** Probability per 100ms tick that a random up node crashes (restarting 50–500ms later). */
  crash: number;
  until: number;
  params?: Params;
}

type Ev =
  | { t: number; seq: number; k: 'msg'; from: NodeId; to: NodeId; msg: RaftMessage }
  | { t: number; seq: number; k: 'timer'; node: NodeId; name: string; gen: number }
  | { t: number; seq: number; k: 'tick' }
  | { t: number; seq: number; k: 'restart'; node: NodeId };

export interface ClusterResult {
  violation: string | null;
  history: KvOperation[];
  states: Record<NodeId, RaftState>;
  steps: number;
}

export function runCluster(o: ClusterOptions): ClusterResult {
  const rnd = mulberry32(o.seed);
  const ids = Array.from({ length: o.nodes }, (_, i) => `n${i + 1}`);
  const params: Params = { ...(o.params ?? {}) }; // a fresh object per run: the invariants' memo key
  const states: Record<NodeId, RaftState> = {};
  const durable: Record<NodeId, Json | undefined> = {};
  const down = new Set<NodeId>();
  const timerGen = new Map<string, number>();
  const queue: Ev[] = [];
  let seq = 0;
  let now = 0;
  let opCount = 0;
  const calls = new Map<string, { call: number; op: ClientOp }>();
  const history: KvOperation[] = [];
  type NoSeq<T> = T extends unknown ? Omit<T, 'seq'> : never;
  const push = (e: NoSeq<Ev>) => queue.push({ ...e, seq: seq++ } as Ev);

  const ctxOf = (id: NodeId): Context<RaftMessage> => {
    const nodeRnd = mulberry32(o.seed * 31 + Number(id.slice(1)));
    return {
      id, index: ids.indexOf(id), nodes: ids, params, nodeParams: {},
      get now() { return now; },
      random: nodeRnd,
      randomInt: (min, max) => min + Math.floor(nodeRnd() * (max - min + 1)),
      send(to, msg) {
        const copies = rnd() < o.duplicate ? 2 : 1;
        for (let c = 0; c < copies; c++) {
          if (rnd() < o.loss) continue;
          push({ t: now + 1000 + Math.floor(rnd() * 9000), k: 'msg', from: id, to, msg: JSON.parse(JSON.stringify(msg)) });
        }
      },
      setTimer(name, after) {
        const key = `${id}/${name}`;
        const gen = (timerGen.get(key) ?? 0) + 1;
        timerGen.set(key, gen);
        push({ t: now + after, k: 'timer', node: id, name, gen });
      },
      cancelTimer(name) {
        const key = `${id}/${name}`;
        timerGen.set(key, (timerGen.get(key) ?? 0) + 1);
      },
      persist(d) {
        durable[id] = JSON.parse(JSON.stringify(d));
        written[id]!.push(d);
      },
      reply(opId, ok, result) {
        const c = calls.get(opId);
        if (!c) return;
        calls.delete(opId);
        const input = kvInput(c.op.name, c.op.args)!;
        if (ok) history.push({ id: opId, call: c.call, ret: now, input, output: result ?? null });
      },
      note() {},
      metric() {},
    };
  };
  /** Writes issued by each node's current handler: instant storage completes them right after it (onDurable). */
  const written: Record<NodeId, Json[]> = Object.fromEntries(ids.map((id) => [id, []]));
  const settle = (id: NodeId) => {
    while (written[id]!.length > 0) states[id] = raft.onDurable!(states[id]!, written[id]!.shift()!, ctxs[id]!);
  };
  const ctxs = Object.fromEntries(ids.map((id) => [id, ctxOf(id)]));
  for (const id of ids) states[id] = raft.init(ctxs[id]!);
  push({ t: 100_000, k: 'tick' });

  const monitors = new Monitors(invariants);
  let steps = 0;
  let violation: string | null = null;
  while (queue.length > 0 && violation === null) {
    let best = 0;
    for (let i = 1; i < queue.length; i++) {
      const a = queue[i]!;
      const b = queue[best]!;
      if (a.t < b.t || (a.t === b.t && a.seq < b.seq)) best = i;
    }
    const ev = queue.splice(best, 1)[0]!;
    if (ev.t > o.until) break;
    now = ev.t;
    steps++;
    switch (ev.k) {
      case 'msg':
        if (down.has(ev.to)) break;
        states[ev.to] = raft.onMessage(states[ev.to]!, ev.from, ev.msg, ctxs[ev.to]!);
        break;
      case 'timer':
        if (down.has(ev.node) || timerGen.get(`${ev.node}/${ev.name}`) !== ev.gen) break;
        states[ev.node] = raft.onTimer(states[ev.node]!, ev.name, ctxs[ev.node]!);
        break;
      case 'restart':
        down.delete(ev.node);
        states[ev.node] = raft.onRestart(durable[ev.node], ctxs[ev.node]!);
        break;
      case 'tick': {
        push({ t: now + 20_000 + Math.floor(rnd() * 60_000), k: 'tick' });
        const up = ids.filter((id) => !down.has(id));
        if (rnd() < o.crash && up.length > 1) {
          const victim = up[Math.floor(rnd() * up.length)]!;
          down.add(victim);
          for (const key of [...timerGen.keys()]) if (key.startsWith(`${victim}/`)) timerGen.set(key, timerGen.get(key)! + 1);
          // The client ops it was proxying get no reply: their outcome is unknown.
          push({ t: now + 50_000 + Math.floor(rnd() * 450_000), k: 'restart', node: victim });
          break;
        }
        const target = up[Math.floor(rnd() * up.length)]!;
        const key = rnd() < 0.5 ? 'x' : 'y';
        const r = rnd();
        const id = `c${++opCount}`;
        const op: ClientOp = r < 0.4 ? { id, name: 'put', args: { key, value: opCount } }
          : r < 0.8 ? { id, name: 'get', args: { key } }
            : { id, name: 'cas', args: { key, expected: Math.floor(rnd() * opCount), value: opCount } };
        calls.set(id, { call: now, op });
        states[target] = raft.onClient(states[target]!, op, ctxs[target]!);
        break;
      }
    }
    for (const id of ids) if (!down.has(id)) settle(id);
    const world = makeWorld(states, params, now, [...down]);
    const found = monitors.check(world, world.nodes);
    if (found.length > 0) {
      violation = `${found[0]!.invariant}: ${found[0]!.message}`;
      break;
    }
  }
  for (const [id, c] of calls) history.push({ id, call: c.call, ret: null, input: kvInput(c.op.name, c.op.args)! });
  return { violation, history, states, steps };
}
