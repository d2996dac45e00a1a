/**
 * A trace as a Mermaid sequence diagram (for Markdown docs and slides): one
 * participant per node, one message line per delivery (`->>`) or drop
 * (`-x`), in the order things happened, with its time; crashes, restarts,
 * partitions, client operations and violations as notes. A sequence diagram
 * has no time axis, so messages appear when they arrive.
 *
 * Routine periodic exchanges (src/trace/periodic.ts) are summarised: each
 * band of heartbeat rounds becomes one note ("×38 AppendEntries ⇄
 * AppendEntriesReply every 50ms"), unless `all` is set. Mermaid slows down on
 * huge diagrams, so after `maxMessages` lines the rest is summarised in a
 * final note.
 *
 * Mermaid's message text ends at a newline and treats `;` and `#` specially,
 * so labels are cleaned of those; participants get safe aliases (P1, P2, …)
 * shown as the node ids.
 */
import type { TraceDocument, TraceEvent } from '../format.js';
import { findPeriodic, type Periodic } from '../periodic.js';
import { formatTime, TraceModel } from '../spacetime.js';

export interface MermaidOptions {
  /** Include every routine periodic message instead of one note per band. */
  readonly all?: boolean;
  /** Leave routine periodic messages out altogether (no note either). */
  readonly hidePeriodic?: boolean;
  readonly maxMessages?: number;
  readonly periodic?: Periodic;
  /** Message types to leave out. */
  readonly hiddenTypes?: ReadonlySet<string>;
  /** The time window, µs (default: the whole run). */
  readonly view?: { readonly t0: number; readonly t1: number };
}

export function mermaidText(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/;/g, ',').replace(/#/g, 'no. ').replace(/[{}]/g, (c) => (c === '{' ? '(' : ')')).slice(0, 200);
}

export function exportMermaid(doc: TraceDocument | TraceModel, options: MermaidOptions = {}): string {
  const model = doc instanceof TraceModel ? doc : new TraceModel(doc);
  const periodic = options.periodic ?? findPeriodic(model);
  const max = options.maxMessages ?? 2000;
  const hidden = options.hiddenTypes ?? new Set<string>();
  const view = options.view ?? { t0: -Infinity, t1: Infinity };
  const alias = new Map(model.nodes.map((id, k) => [id, `P${k + 1}`]));
  const sc = model.doc.scenario;
  const lines = ['sequenceDiagram', `  title ${mermaidText(`${sc.name} (${sc.protocol}, seed ${sc.seed})`)}`];
  for (const id of model.nodes) lines.push(`  participant ${alias.get(id)} as ${mermaidText(id)}`);
  const all = alias.size ? `${alias.get(model.nodes[0]!)},${alias.get(model.nodes[model.nodes.length - 1]!)}` : '';
  const over = (node: string | undefined): string => (node !== undefined && alias.has(node) ? alias.get(node)! : all);
  const note = (where: string, text: string): void => { if (where) lines.push(`  Note over ${where}: ${mermaidText(text)}`); };
  const bandNoted = new Set<number>();
  let messages = 0, skipped = 0;

  for (const e of model.doc.events) {
    if (e.t < view.t0 || e.t > view.t1) continue;
    if (e.kind === 'deliver' || e.kind === 'drop') {
      const arrowIndex = model.arrowOfEvent[e.i]!;
      const arrow = arrowIndex < 0 ? undefined : model.arrows[arrowIndex];
      if (!arrow || hidden.has(arrow.msg.type)) continue;
      if (options.hidePeriodic && periodic.routine[arrowIndex!]) continue;
      if (!options.all && periodic.routine[arrowIndex!]) {
        const band = periodic.bandOf[arrowIndex!]!;
        if (band >= 0 && !bandNoted.has(band)) {
          bandNoted.add(band);
          const b = periodic.bands[band]!;
          const names = b.types.map((t) => model.types[t]!).join(' ⇄ ');
          note(`${alias.get(model.nodes[b.laneMin]!)},${alias.get(model.nodes[b.laneMax]!)}`, `×${b.rounds} ${names} every ${formatTime(Math.round(b.period))} (${formatTime(b.t0)} – ${formatTime(b.t1)}), from ${model.nodes[b.lane]}`);
        }
        if (band >= 0) continue;
      }
      if (messages >= max) { skipped++; continue; }
      messages++;
      const m = arrow.msg;
      const from = alias.get(m.from), to = alias.get(m.to);
      if (!from || !to) continue;
      const text = `${m.type} (${formatTime(e.t)})${e.kind === 'drop' ? ` dropped: ${e.reason}` : e.dup ? ' duplicate' : ''}`;
      lines.push(`  ${from}${e.kind === 'drop' ? '-x' : '->>'}${to}: ${mermaidText(text)}`);
      continue;
    }
    const text = noteText(e);
    if (text !== undefined) note(over('node' in e ? e.node : undefined), `${formatTime(e.t)} ${text}`);
  }
  if (skipped > 0) note(all, `… ${skipped} more messages (the diagram stops at ${max})`);
  return `${lines.join('\n')}\n`;
}

function noteText(e: TraceEvent): string | undefined {
  switch (e.kind) {
    case 'client': return `client ${e.op.name} ${e.op.id} ${JSON.stringify(e.op.args)}`;
    case 'reply': return `reply to ${e.op}: ${e.ok ? 'ok' : 'failed'}${e.result !== undefined ? ` ${JSON.stringify(e.result)}` : ''}`;
    case 'crash': return '✕ crashed';
    case 'restart': return '○ restarted';
    case 'pause': return 'paused';
    case 'resume': return 'resumed';
    case 'partition': return e.cut ? `cut ${e.cut[0]} ↛ ${e.cut[1]}` : `partition ${(e.groups ?? []).map((g) => `(${g.join(' ')})`).join(' | ')}`;
    case 'heal': return 'network healed';
    case 'violation': return `VIOLATION ${e.invariant}: ${e.message}`;
    case 'note': return e.text;
    case 'state': return e.role !== undefined ? `becomes ${e.role}` : undefined;
    default: return undefined;
  }
}
