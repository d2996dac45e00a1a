/**
 * Message and event rules: `on [next|every] EVENT PATTERN [during A..B] {
 * DISPOSITION  [after D] ACTION … }`. `send`/`deliver` rules match messages
 * (type, from, to) and take one disposition (drop, delay, duplicate, hold);
 * timer, client, reply, crash and restart rules match by name and node.
 */
import type { NodeId } from '../../engine/protocol.js';
import type { Action, Disposition as SpecDisposition, RuleSpec, SourceRange } from '../../engine/spec.js';
import type { Disposition, Rule } from '../generated/ast.js';
import { didYouMean, listNames } from '../_names.js';
import { literalText, quantityTime } from '../_units.js';
import { compileAction } from './actions.js';
import { rangeOf, type CompileContext, type Writable } from './context.js';
import { singleNode } from './nodes.js';

export function compileRule(cx: CompileContext, r: Rule): RuleSpec | undefined {
  const ev = r.event;
  if (!ev) return undefined;
  const pattern: { type?: string; from?: NodeId; to?: NodeId; node?: NodeId; name?: string } = {};
  const vocabulary = cx.protocol.vocabulary;
  const messaging = ev.kind === 'send' || ev.kind === 'deliver';
  if (messaging) {
    if (ev.type) {
      const types = vocabulary.messages.map((m) => m.type);
      if (!types.includes(ev.type)) cx.error(ev, `unknown message type '${ev.type}'${didYouMean(ev.type, types)}; ${cx.protocol.name} sends ${listNames(types)}`, 'unknown-message', 'type');
      pattern.type = ev.type;
    }
    const from = singleNode(cx, ev.from, 'from');
    const to = singleNode(cx, ev.to, 'to');
    if (from) pattern.from = from;
    if (to) pattern.to = to;
  } else {
    if (ev.name) {
      if (ev.kind !== 'timer') {
        const ops = vocabulary.ops.map((o) => o.name);
        if (!ops.includes(ev.name)) cx.error(ev, `unknown operation '${ev.name}'${didYouMean(ev.name, ops)}; ${cx.protocol.name} has ${listNames(ops)}`, 'unknown-operation', 'name');
      }
      pattern.name = ev.name;
    }
    const node = singleNode(cx, ev.node, ev.kind);
    if (node) pattern.node = node;
  }
  let disposition: SpecDisposition | undefined;
  const actions: { delay: number; action: Action; source?: SourceRange }[] = [];
  for (const item of r.body) {
    if (item.$type === 'Disposition') {
      if (!messaging) {
        cx.error(item, `'${item.kind}' applies to messages: use it in an 'on send' or 'on deliver' rule`, 'disposition-not-allowed', 'kind');
        continue;
      }
      if (disposition) {
        cx.error(item, 'a rule takes one of drop, delay, duplicate, hold', 'repeated-disposition', 'kind');
        continue;
      }
      disposition = compileDisposition(cx, item);
    } else {
      const delay = item.delay ? cx.take(quantityTime(item.delay, 'after'), item, 'delay') : 0;
      const action = compileAction(cx, item.action);
      if (action && delay !== undefined) actions.push({ delay, action, source: rangeOf(item) });
    }
  }
  const spec: Writable<RuleSpec> = { on: ev.kind, pattern, times: r.times ?? 'every', actions, source: rangeOf(r) };
  if (r.from || r.until) {
    const from = cx.take(quantityTime(r.from, 'during'), r, 'from');
    const until = cx.take(quantityTime(r.until, 'during'), r, 'until');
    if (from !== undefined && until !== undefined && until < from) cx.error(r, `the window ${literalText(r.from)}..${literalText(r.until)} ends before it starts`, 'invalid-range', 'from');
    if (from !== undefined) spec.from = from;
    if (until !== undefined) spec.until = until;
  }
  if (disposition) spec.disposition = disposition;
  return spec;
}

function compileDisposition(cx: CompileContext, d: Disposition): SpecDisposition | undefined {
  switch (d.kind) {
    case 'drop':
      return { kind: 'drop' };
    case 'delay': {
      const by = cx.take(quantityTime(d.by, 'delay'), d, 'by');
      return by !== undefined ? { kind: 'delay', by } : undefined;
    }
    case 'duplicate': {
      const copies = d.copies ?? 1;
      if (!Number.isInteger(copies) || copies < 1) {
        cx.error(d, `duplicate expects a whole number of copies like 2, got ${copies}`, 'out-of-range', 'copies');
        return undefined;
      }
      return { kind: 'duplicate', copies };
    }
    case 'hold': {
      if (!d.until) return { kind: 'hold' };
      const until = cx.take(quantityTime(d.until, 'hold until'), d, 'until');
      return until !== undefined ? { kind: 'hold', until } : undefined;
    }
    default:
      return undefined;
  }
}
