/**
 * Breakpoints on an event pattern: space-separated terms, all of which must
 * match. `field=value` compares a field (kind, node, type, from, to, name,
 * invariant, op; `type`, `from` and `to` look into the event's message, also
 * for deliver and drop events); a bare word must occur in the event's
 * one-line description (case-insensitive). Example: `kind=deliver type=AppendEntries to=n3`.
 */
import type { TraceEvent } from '../src/trace/format.js';
import { describeEvent, type TraceModel } from '../src/trace/spacetime.js';

export type Matcher = (e: TraceEvent) => boolean;

const FIELDS = new Set(['kind', 'node', 'type', 'from', 'to', 'name', 'invariant', 'op']);

/** Compiles a pattern; returns an error sentence for an unknown field. Empty patterns match nothing. */
export function compilePattern(model: TraceModel, pattern: string): { match: Matcher } | { error: string } {
  const terms = pattern.trim().split(/\s+/).filter(Boolean);
  if (!terms.length) return { match: () => false };
  const tests: Matcher[] = [];
  for (const term of terms) {
    const eq = term.indexOf('=');
    if (eq > 0) {
      const field = term.slice(0, eq), want = term.slice(eq + 1);
      if (!FIELDS.has(field)) return { error: `Unknown field "${field}" (use ${[...FIELDS].join(', ')}).` };
      tests.push((e) => fieldOf(model, e, field) === want);
    } else {
      const word = term.toLowerCase();
      tests.push((e) => describeEvent(model, e).toLowerCase().includes(word));
    }
  }
  return { match: (e) => tests.every((t) => t(e)) };
}

function fieldOf(model: TraceModel, e: TraceEvent, field: string): string | undefined {
  const msg = e.kind === 'send' ? e.msg : e.kind === 'deliver' || e.kind === 'drop' ? model.messages.get(e.msg)?.msg : undefined;
  switch (field) {
    case 'kind': return e.kind;
    case 'node': return 'node' in e ? e.node : undefined;
    case 'type': return msg?.type;
    case 'from': return msg?.from;
    case 'to': return msg?.to;
    case 'name': return e.kind === 'timer' ? e.name : e.kind === 'client' ? e.op.name : undefined;
    case 'invariant': return e.kind === 'violation' ? e.invariant : undefined;
    case 'op': return e.kind === 'client' ? e.op.id : e.kind === 'reply' ? e.op : undefined;
    default: return undefined;
  }
}
