/**
 * Faults a scenario scripts: crash, restart, pause, resume, clock drift,
 * partitions, one-way cuts and heal.
 *
 * - A crash loses volatile state: timers are cancelled, every write in
 *   flight is lost with the sends waiting for it, and the node's last state
 *   stays visible (status `crashed`) until a restart rebuilds it from its
 *   durable state (`onRestart`).
 * - A paused node receives nothing (deliveries to it are dropped) and its
 *   due timers wait for `resume`, which fires them at once.
 * - Drift multiplies a node's timer durations from then on.
 * - Partitions and cuts change what the network can reach; `heal` clears
 *   them and releases the messages that rules held until it.
 */
import type { Network } from './network.js';
import type { NodeId } from './protocol.js';
import type { EventQueue } from './queue.js';
import type { MessageRules } from './rules.js';
import type { NodeRuntime } from './runtime.js';
import type { Action, SourceRange } from './spec.js';
import { K, type TraceRecorder } from '../trace/recorder.js';

export type Lifecycle = 'crash' | 'restart' | 'pause' | 'resume';

/** What faults need from the simulation. */
export interface FaultHost {
  readonly now: number;
  readonly trace: TraceRecorder;
  readonly queue: EventQueue;
  readonly network: Network;
  readonly rules: MessageRules;
  readonly rt: readonly NodeRuntime[];
  readonly index: ReadonlyMap<NodeId, number>;
  touch(node: NodeRuntime): void;
  /** Loses every write in flight at `node` and what waits for them (a crash). */
  loseWrites(node: NodeRuntime, cause: number): void;
  /** Runs `onRestart` at `node`. */
  restart(node: NodeRuntime, cause: number): void;
  /** Queues a timer firing now (a timer that came due while paused). */
  fireTimerNow(node: NodeRuntime, token: number, name: string): void;
  /** Releases the messages held until the heal. */
  releaseHeld(): void;
}

export class Faults {
  constructor(private readonly host: FaultHost) {}

  lifecycle(kind: Lifecycle, node: NodeRuntime, cause: number, src: SourceRange | undefined): void {
    const h = this.host;
    const expected = kind === 'crash' || kind === 'pause' ? 'up' : kind === 'restart' ? 'crashed' : 'paused';
    if (node.status !== expected) {
      h.trace.setSource(h.trace.note(h.now, node.index, cause, `${kind} ${node.id}: ignored, the node is ${node.status}`), src);
      return;
    }
    const code = kind === 'crash' ? K.crash : kind === 'restart' ? K.restart : kind === 'pause' ? K.pause : K.resume;
    const ev = h.trace.simple(h.now, code, node.index, cause);
    h.trace.setSource(ev, src);
    h.touch(node);
    switch (kind) {
      case 'crash':
        // Rules first, while the node is still up: `on crash leader` asks who leads as it goes down.
        if (h.rules.other.length > 0) h.rules.fire('crash', h.now, node.index, undefined, ev);
        node.status = 'crashed';
        node.timers.clear();
        node.deferred = [];
        h.loseWrites(node, ev);
        break;
      case 'restart':
        node.status = 'up';
        if (h.rules.other.length > 0) h.rules.fire('restart', h.now, node.index, undefined, ev);
        h.restart(node, ev);
        break;
      case 'pause':
        node.status = 'paused';
        break;
      case 'resume': {
        node.status = 'up';
        const due = node.deferred;
        node.deferred = [];
        for (const d of due) if (node.timers.get(d.name) === d.token) h.fireTimerNow(node, d.token, d.name);
        break;
      }
    }
  }

  /** The network and clock actions: partition, cut, heal, drift (drift on the nodes already resolved). */
  network(a: Extract<Action, { kind: 'partition' | 'cut' | 'heal' }>, cause: number, src: SourceRange | undefined): void {
    const h = this.host;
    let ev: number;
    switch (a.kind) {
      case 'partition': {
        const groups = a.groups.map((g) => g.map((id) => h.index.get(id)).filter((x): x is number => x !== undefined));
        h.network.partition(groups);
        ev = h.trace.partition(h.now, cause, { groups: a.groups.map((g) => [...g]) });
        break;
      }
      case 'cut': {
        const from = h.index.get(a.from);
        const to = h.index.get(a.to);
        if (from !== undefined && to !== undefined) h.network.cutLink(from, to);
        ev = h.trace.partition(h.now, cause, { cut: [a.from, a.to] });
        break;
      }
      case 'heal':
        h.network.heal();
        ev = h.trace.simple(h.now, K.heal, -1, cause);
        h.trace.setSource(ev, src);
        h.releaseHeld();
        return;
    }
    h.trace.setSource(ev, src);
  }

  drift(node: NodeRuntime, rate: number, cause: number, src: SourceRange | undefined): void {
    const h = this.host;
    node.drift = rate > 0 && Number.isFinite(rate) ? rate : 1;
    h.trace.setSource(h.trace.note(h.now, node.index, cause, `drift: ${node.id}'s timers now take ${rate}x their duration`), src);
  }
}

