/**
 * Message rules (`on send|deliver …`, `on timer|client|reply|crash|restart …`):
 * which rules a happening matches, and what a matching rule does to a
 * message (its disposition: drop, delay, duplicate, hold).
 *
 * A `send` rule is matched when a node sends, a `deliver` rule when a
 * message is about to be delivered; both may carry a disposition. The other
 * kinds only schedule actions (`{ crash n2 }`) after the event that matched.
 * A `next` rule fires once, an `every` rule on each match, each within its
 * optional time window. A pattern may name a role query instead of a node
 * (`on crash leader`): the event's node must be one the query names at that
 * instant — for a crash, just before the node goes down. Dispositions are applied by one function, the same
 * at send time (to the delivery time the network drew) and at delivery time
 * (to now).
 */
import type { Message } from './protocol.js';
import type { Disposition, RolePattern, RuleSpec } from './spec.js';

interface RuleState {
  readonly rule: RuleSpec;
  spent: boolean;
}

/** What a rule schedules: an action `delay` µs after the event that matched. */
export type RuleActionSink = (rule: RuleSpec, event: number) => void;

/** Whether the role query names node `node` (an index) right now. */
export type RoleTest = (role: RolePattern, node: number) => boolean;

export class MessageRules {
  readonly send: RuleState[] = [];
  readonly deliver: RuleState[] = [];
  /** Rules on timer / client / reply / crash / restart events. */
  readonly other: RuleState[] = [];

  constructor(rules: readonly RuleSpec[], private readonly ids: readonly string[], private readonly schedule: RuleActionSink, private readonly inRole: RoleTest = () => false) {
    for (const rule of rules) {
      const st = { rule, spent: false };
      if (rule.on === 'send') this.send.push(st);
      else if (rule.on === 'deliver') this.deliver.push(st);
      else this.other.push(st);
    }
  }

  /**
   * The first active rule of `rules` matching a message, or -1; every match
   * schedules its rule's actions and spends a `next` rule.
   */
  matchMessage(rules: RuleState[], now: number, type: string, from: number, to: number, event: number): number {
    let found = -1;
    for (let r = 0; r < rules.length; r++) {
      const st = rules[r];
      if (st.spent || !inWindow(st.rule, now)) continue;
      const p = st.rule.pattern;
      if (p.type !== undefined && p.type !== type) continue;
      if (p.from !== undefined && p.from !== this.ids[from]) continue;
      if (p.to !== undefined && p.to !== this.ids[to]) continue;
      if (st.rule.times === 'next') st.spent = true;
      this.schedule(st.rule, event);
      if (found < 0 && st.rule.disposition !== undefined) found = r;
    }
    return found;
  }

  /** Fires the rules on a timer / client / reply / crash / restart event at `node` (timer or op `name`). */
  fire(on: RuleSpec['on'], now: number, node: number, name: string | undefined, event: number): void {
    for (const st of this.other) {
      if (st.spent || st.rule.on !== on || !inWindow(st.rule, now)) continue;
      const p = st.rule.pattern;
      if (p.node !== undefined && p.node !== this.ids[node]) continue;
      if (p.name !== undefined && p.name !== name) continue;
      if (p.role !== undefined && !this.inRole(p.role, node)) continue;
      if (st.rule.times === 'next') st.spent = true;
      this.schedule(st.rule, event);
    }
  }
}

function inWindow(rule: RuleSpec, now: number): boolean {
  return (rule.from === undefined || now >= rule.from) && (rule.until === undefined || now <= rule.until);
}

/** Where a disposition sends a delivery: scheduling and holding, supplied by the simulator. */
export interface DeliverySink {
  /** Queue a delivery of `msg` (from, to, id) at time `at` with these flags. */
  schedule(at: number, from: number, to: number, id: number, msg: Message, flags: number, sendEvent: number): void;
  /** Keep a delivery back until the network heals. */
  holdUntilHeal(from: number, to: number, id: number, msg: Message, flags: number): void;
  /** Record that a rule dropped the message. */
  dropByRule(to: number, sendEvent: number, id: number): void;
}

/** Flag of a delivery that is a duplicate. */
export const F_DUP = 1;
/** Flag of a delivery whose deliver rules already ran (a rule delayed or held it). */
export const F_RULES_DONE = 2;

/**
 * Applies disposition `d` to a delivery that would happen at `at`. Returns
 * when the message itself should be delivered, or -1 when the rule dropped
 * it or holds it until the heal; extra copies are scheduled here (marked as
 * duplicates, with `copyFlags`).
 */
export function dispose(d: Disposition, at: number, from: number, to: number, id: number, msg: Message, flags: number, sendEvent: number, sink: DeliverySink): number {
  switch (d.kind) {
    case 'drop':
      sink.dropByRule(to, sendEvent, id);
      return -1;
    case 'delay':
      return at + d.by;
    case 'hold':
      if (d.until === undefined) {
        sink.holdUntilHeal(from, to, id, msg, flags);
        return -1;
      }
      return Math.max(at, d.until);
    case 'duplicate':
      for (let k = 0; k < d.copies; k++) sink.schedule(at, from, to, id, msg, flags | F_DUP, sendEvent);
      return at;
    default: {
      const never: never = d;
      throw new TypeError(`dispose: unknown disposition ${JSON.stringify(never)}`);
    }
  }
}
