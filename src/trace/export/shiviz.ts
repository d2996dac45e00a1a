/**
 * A trace as a ShiViz log (Beschastnikh et al., "Debugging distributed
 * systems", CACM 2016): each event at a node is two lines — what happened,
 * then `host {"host": n, …}`, the node's vector clock after the event. The
 * file starts with ShiViz's parsing regular expression and an empty
 * multiple-executions delimiter line, so it loads as it is.
 *
 * Vector clocks (Fidge 1988, Mattern 1989): every event at a node ticks the
 * node's own entry; a delivery first takes the entry-wise maximum with the
 * clock the sender had when it sent. Events a node does not perform (drops in
 * the network, partitions, heals) and state changes (each folded into the
 * event that caused it) are left out; only non-zero entries are written.
 */
import type { TraceDocument, TraceEvent } from '../format.js';
import { describeEvent, TraceModel } from '../spacetime.js';

export const SHIVIZ_REGEX = '(?<event>.*)\\n(?<host>\\S*) (?<clock>{.*})';

export function exportShiviz(doc: TraceDocument | TraceModel): string {
  const model = doc instanceof TraceModel ? doc : new TraceModel(doc);
  const events = model.doc.events;
  const clocks = new Map<string, Map<string, number>>(model.nodes.map((id) => [id, new Map()]));
  const sentWith = new Map<number, Map<string, number>>();
  // What each event changed in state, folded into its description.
  const changed = new Map<number, string[]>();
  for (const e of events) {
    if (e.kind === 'state' && e.cause !== null) {
      const list = changed.get(e.cause) ?? [];
      list.push(...e.changes.map((c) => c[0].join('.')));
      if (e.role !== undefined) list.push(`role → ${e.role}`);
      changed.set(e.cause, list);
    }
  }
  const out: string[] = [SHIVIZ_REGEX, ''];
  for (const e of events) {
    const host = hostOf(e);
    if (host === undefined) continue;
    const clock = clocks.get(host);
    if (!clock) continue;
    if (e.kind === 'deliver') {
      const theirs = sentWith.get(e.msg);
      if (theirs) for (const [k, v] of theirs) if ((clock.get(k) ?? 0) < v) clock.set(k, v);
    }
    clock.set(host, (clock.get(host) ?? 0) + 1);
    if (e.kind === 'send') sentWith.set(e.msg.id, new Map(clock));
    const what = changed.get(e.i);
    out.push(`${oneLine(describeEvent(model, e))} @${e.t}µs${what ? ` [${oneLine([...new Set(what)].slice(0, 12).join(', '))}]` : ''}`);
    out.push(`${safeHost(host)} ${JSON.stringify(Object.fromEntries([...clock].map(([k, v]) => [safeHost(k), v])))}`);
  }
  return `${out.join('\n')}\n`;
}

function hostOf(e: TraceEvent): string | undefined {
  switch (e.kind) {
    case 'drop': case 'state': case 'partition': case 'heal': return undefined;
    default: return 'node' in e ? e.node : undefined;
  }
}

const oneLine = (text: string): string => text.replace(/[\r\n]+/g, ' ');
/** ShiViz's host group is `\S*`: a node id with white space would not parse. */
const safeHost = (id: string): string => id.replace(/\s+/g, '_');
