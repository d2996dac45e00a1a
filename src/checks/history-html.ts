/**
 * The picture Porcupine and Knossos users rely on: a history drawn as one
 * lane per client, each operation a bar from its invocation to its
 * response (an unknown outcome fades out to the end), the operations of the
 * non-linearizable window marked, and the window's span shaded.
 *
 * One standalone HTML page of static SVG, built as a string (pure: no DOM,
 * no node:*): two drawings — the window with everything around it, large,
 * and the whole history, small. There is no script at all; the page's CSP
 * allows only its own nonce'd style, and every text from the history
 * (values, keys, client names) is escaped, so a hostile history renders as
 * text.
 */
import type { Json } from '../engine/protocol.js';
import { escapeHtml, pageHead } from '../shared/standalone-html.js';
import type { ModelInput, Operation } from './history.js';

export interface HistoryPageOptions {
  readonly title: string;
  /** The verdict line shown at the top. */
  readonly verdict: string;
  readonly ops: readonly Operation<ModelInput, Json>[];
  /** The failing window (absent when the history is linearizable or undecided). */
  readonly window?: readonly Operation<ModelInput, Json>[];
  /** The operation no order explains. */
  readonly culprit?: Operation<ModelInput, Json>;
  /** What the time axis counts (`event`, `µs`). */
  readonly unit: string;
  /** A fresh random nonce (letters and digits). */
  readonly nonce: string;
}

const NONCE = /^[A-Za-z0-9+/=_-]{8,128}$/;
const LABEL_W = 90;
const WIDTH = 1200;

/** A short label: `write 3`, `read → 3`, `cas 1→2 ✓`, `put x 1`, `get x → ?`. */
export function opLabel(op: Operation<ModelInput, Json>): string {
  const i = op.input;
  const key = 'key' in i ? ` ${i.key}` : '';
  const out = op.ret === null ? '?' : JSON.stringify(op.output ?? null);
  switch (i.op) {
    case 'read': case 'get': return `${i.op}${key} → ${out}`;
    case 'write': case 'put': case 'append': return `${i.op}${key} ${JSON.stringify(i.value)}`;
    case 'cas': return `cas${key} ${JSON.stringify(i.expected)}→${JSON.stringify(i.value)} ${op.ret === null ? '?' : op.output === true ? '✓' : '✗'}`;
  }
}

function clientOf(op: Operation<ModelInput, Json>): string {
  return op.client ?? '?';
}

function byClient(a: string, b: string): number {
  const na = /^\d+$/.test(a) ? Number(a) : NaN;
  const nb = /^\d+$/.test(b) ? Number(b) : NaN;
  if (!Number.isNaN(na) && !Number.isNaN(nb)) return na - nb;
  return a.localeCompare(b, 'en', { numeric: true });
}

interface Drawing {
  readonly from: number;
  readonly to: number;
  readonly laneHeight: number;
  readonly labels: boolean;
  readonly shade?: { from: number; to: number };
}

function drawing(ops: readonly Operation<ModelInput, Json>[], marked: ReadonlySet<Operation<ModelInput, Json>>, culprit: Operation<ModelInput, Json> | undefined, d: Drawing, unit: string): string {
  const lanes = [...new Set(ops.map(clientOf))].sort(byClient);
  const laneOf = new Map(lanes.map((c, k) => [c, k]));
  const span = Math.max(1, d.to - d.from);
  const plot = WIDTH - LABEL_W - 10;
  const x = (t: number) => LABEL_W + ((Math.min(Math.max(t, d.from), d.to) - d.from) / span) * plot;
  const top = 18;
  const height = top + lanes.length * d.laneHeight + 24;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img">`);
  if (d.shade) {
    const a = x(d.shade.from);
    const b = x(d.shade.to);
    parts.push(`<rect class="shade" x="${a.toFixed(1)}" y="${top - 4}" width="${Math.max(2, b - a).toFixed(1)}" height="${lanes.length * d.laneHeight + 8}"><title>the window</title></rect>`);
  }
  lanes.forEach((c, k) => {
    const y = top + k * d.laneHeight;
    parts.push(`<line class="lane" x1="${LABEL_W}" y1="${y + d.laneHeight / 2}" x2="${WIDTH - 10}" y2="${y + d.laneHeight / 2}"/>`);
    if (d.laneHeight >= 9) parts.push(`<text class="client" x="${LABEL_W - 6}" y="${y + d.laneHeight / 2 + 4}" text-anchor="end">${escapeHtml(c)}</text>`);
  });
  for (const op of ops) {
    if ((op.ret ?? Infinity) < d.from || op.call > d.to) continue;
    const lane = laneOf.get(clientOf(op))!;
    const y = top + lane * d.laneHeight + 2;
    const h = Math.max(2, d.laneHeight - 4);
    const a = x(op.call);
    const b = op.ret === null ? WIDTH - 10 : x(op.ret);
    const w = Math.max(2, b - a);
    const cls = ['op', op.ret === null ? 'unknown' : '', marked.has(op) ? 'window' : '', op === culprit ? 'culprit' : ''].filter(Boolean).join(' ');
    const label = opLabel(op);
    const when = `${op.call}${op.ret === null ? ' → no response' : ` → ${op.ret}`} ${unit}`;
    const where = op.line !== undefined ? `line ${op.line}, ` : '';
    parts.push(`<g class="${cls}"><title>${escapeHtml(`${label} — ${where}client ${clientOf(op)}, ${when}`)}</title><rect x="${a.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${h}" rx="2"/>`);
    if (d.labels && w > 7 * Math.min(label.length, 24)) parts.push(`<text x="${(a + 4).toFixed(1)}" y="${y + h - 5}">${escapeHtml(label.length > 24 ? `${label.slice(0, 23)}…` : label)}</text>`);
    parts.push('</g>');
  }
  const axisY = top + lanes.length * d.laneHeight + 16;
  const at = (t: number) => (unit === 'event' ? `event ${t}` : `${t} ${unit}`);
  parts.push(`<text class="axis" x="${LABEL_W}" y="${axisY}">${escapeHtml(at(d.from))}</text>`);
  parts.push(`<text class="axis" x="${WIDTH - 10}" y="${axisY}" text-anchor="end">${escapeHtml(at(d.to))}</text>`);
  parts.push('</svg>');
  return parts.join('\n');
}

const CSS = `
body { font: 13px system-ui, sans-serif; margin: 16px; color: #222; background: #fff; }
h1 { font-size: 18px; margin: 0 0 6px; }
p.verdict { font-weight: 600; margin: 4px 0 12px; white-space: pre-wrap; }
p.verdict.bad { color: #b00020; } p.verdict.good { color: #1b6e20; } p.verdict.unknown { color: #8a6d00; }
h2 { font-size: 14px; margin: 18px 0 4px; }
.scroll { overflow-x: auto; border: 1px solid #ddd; }
svg text { font: 11px ui-monospace, monospace; fill: #222; }
svg text.client, svg text.axis { fill: #666; }
.lane { stroke: #eee; }
.op rect { fill: #b9c7d8; stroke: #6b7f99; stroke-width: 0.5; }
.op.unknown rect { fill: #e4e4e4; stroke: #999; stroke-dasharray: 3 2; }
.op.window rect { fill: #f7c6c6; stroke: #b00020; stroke-width: 1.2; }
.op.culprit rect { fill: #e57373; stroke: #7f0016; stroke-width: 2; }
.shade { fill: #fff4c2; }
ul.legend { list-style: none; padding: 0; display: flex; gap: 16px; flex-wrap: wrap; }
ul.legend span { display: inline-block; width: 22px; height: 10px; vertical-align: middle; margin-right: 4px; border: 1px solid #666; }
.k-op { background: #b9c7d8; } .k-window { background: #f7c6c6; border-color: #b00020 !important; } .k-culprit { background: #e57373; } .k-unknown { background: #e4e4e4; border-style: dashed !important; } .k-shade { background: #fff4c2; }
ol.window li { font-family: ui-monospace, monospace; }
`;

/** The page (see the module header). */
export function historyPage(o: HistoryPageOptions): string {
  if (!NONCE.test(o.nonce)) throw new RangeError('historyPage: nonce must be 8-128 letters, digits or +/=_-');
  const window = o.window ?? [];
  const marked = new Set(window);
  let end = 1;
  let start = Infinity;
  for (const op of o.ops) {
    end = Math.max(end, (op.ret ?? op.call) + 1);
    start = Math.min(start, op.call);
  }
  if (start === Infinity) start = 0;
  const lanes = new Set(o.ops.map(clientOf)).size;
  const sections: string[] = [];
  const verdictClass = /^not linearizable/.test(o.verdict) ? 'bad' : /^linearizable/.test(o.verdict) ? 'good' : 'unknown';
  if (window.length > 0) {
    const wFrom = Math.min(...window.map((op) => op.call));
    const wTo = Math.max(...window.map((op) => op.ret ?? op.call));
    const margin = Math.max(1, Math.round((wTo - wFrom) * 0.15));
    const from = wFrom - margin;
    const to = wTo + margin;
    const near = o.ops.filter((op) => (op.ret ?? Infinity) >= from && op.call <= to);
    sections.push(`<h2>The window: ${window.length} operation(s) that no order explains, with everything concurrent</h2>`);
    sections.push(`<div class="scroll">${drawing(near, marked, o.culprit, { from, to, laneHeight: 22, labels: true, shade: { from: wFrom, to: wTo } }, o.unit)}</div>`);
    sections.push(`<ol class="window">${window.map((op) => `<li>${escapeHtml(`${opLabel(op)} — client ${clientOf(op)}${op.line !== undefined ? `, line ${op.line}` : ''}, ${op.call} → ${op.ret === null ? 'no response' : op.ret}`)}</li>`).join('')}</ol>`);
  }
  const overviewLane = lanes > 40 ? 8 : lanes > 12 ? 12 : 22;
  sections.push(`<h2>The whole history: ${o.ops.length} operation(s), ${lanes} client(s)</h2>`);
  const shade = window.length > 0 ? { from: Math.min(...window.map((op) => op.call)), to: Math.max(...window.map((op) => op.ret ?? op.call)) } : undefined;
  sections.push(`<div class="scroll">${drawing(o.ops, marked, o.culprit, { from: start, to: end, laneHeight: overviewLane, labels: o.ops.length <= 60, ...(shade ? { shade } : {}) }, o.unit)}</div>`);
  const csp = `default-src 'none'; style-src 'nonce-${o.nonce}'`;
  return `${pageHead(csp, o.title)}
<style nonce="${o.nonce}">${CSS}</style>
</head>
<body>
<h1>${escapeHtml(o.title)}</h1>
<p class="verdict ${verdictClass}">${escapeHtml(o.verdict)}</p>
<ul class="legend"><li><span class="k-op"></span>operation (invocation → response)</li><li><span class="k-unknown"></span>unknown outcome</li><li><span class="k-window"></span>in the window</li><li><span class="k-culprit"></span>no valid place</li><li><span class="k-shade"></span>the window's span</li></ul>
${sections.join('\n')}
</body>
</html>
`;
}
