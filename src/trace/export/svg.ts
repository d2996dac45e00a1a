/**
 * The space-time diagram as a standalone SVG document, for slides and papers:
 * the same scene as the viewer's canvas (src/trace/scene.ts: bands, label
 * placement, filters), painted in the light palette with a header (scenario,
 * protocol, seed, time window), lane names and a legend of the message types
 * below. Pure text out: no DOM, so the CLI and the viewer both use it.
 * Label widths are estimated from the character count (DejaVu Sans at 10 px
 * averages under 6 px a character; the estimate errs wide, so labels that
 * fit here fit on the page).
 */
import { assignTypeColours, typeColour, type TypeColour } from '../palette.js';
import { findPeriodic, type Periodic } from '../periodic.js';
import { AXIS_H, buildScene, LABEL_W, type Colour, type SceneFilter, type SceneItem } from '../scene.js';
import { formatTime, TraceModel } from '../spacetime.js';
import type { TraceDocument } from '../format.js';

export interface SvgOptions {
  /** The time window, µs (default: the whole run). */
  readonly view?: { readonly t0: number; readonly t1: number };
  readonly filter?: SceneFilter;
  readonly periodic?: Periodic;
  readonly colours?: ReadonlyMap<string, TypeColour>;
  /** Width in px (default 1200); the height follows from the number of lanes. */
  readonly width?: number;
  readonly laneHeight?: number;
}

const LIGHT: Record<string, string> = {
  bg: '#ffffff', fg: '#1f1f1f', muted: '#616161', lane: '#c4c4c4', drop: '#b86e00', dup: '#8a3fc7',
  violation: '#d32f2f', client: '#00897b', reply: '#388e3c', restart: '#388e3c', down: 'rgba(128,128,128,0.35)',
  highlight: '#c77700', divergence: '#c2185b', cursor: '#c77700', labelBg: '#f3f3f3',
  'side:1': 'rgba(60,170,230,0.2)', 'side:2': 'rgba(220,80,200,0.17)', 'side:3': 'rgba(120,200,80,0.2)', 'side:4': 'rgba(230,200,60,0.2)',
};
const CHAR_W = 6.2;
const HEADER_H = 30;
const LEGEND_ROW = 18;

export function escapeXml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'));
}

const n = (v: number): string => (Number.isInteger(v) ? String(v) : v.toFixed(1));

export function exportSvg(doc: TraceDocument | TraceModel, options: SvgOptions = {}): string {
  const model = doc instanceof TraceModel ? doc : new TraceModel(doc);
  const periodic = options.periodic ?? findPeriodic(model);
  const colours = options.colours ?? assignTypeColours(model.types);
  const width = Math.max(400, Math.round(options.width ?? 1200));
  const laneH = Math.max(24, options.laneHeight ?? 56);
  const plotH = AXIS_H + 8 + model.nodes.length * laneH;
  const view = options.view ?? { t0: model.start, t1: model.end };
  const filter = options.filter ?? { hiddenTypes: new Set<string>(), hidePeriodic: false };
  const scene = buildScene({ model, periodic, view, width, height: plotH, filter, measure: (t) => t.length * CHAR_W });
  const colour = (c: Colour): string => (c.startsWith('type:') ? typeColour(colours.get(c.slice(5)), 'light') : LIGHT[c] ?? LIGHT.fg!);

  const shownTypes = model.types.filter((t) => !filter.hiddenTypes.has(t));
  const perRow = Math.max(1, Math.floor((width - 20) / 190));
  const legendH = LEGEND_ROW * Math.ceil(shownTypes.length / perRow) + 10;
  const height = HEADER_H + plotH + legendH;
  const out: string[] = [];
  const markers = new Map<string, string>();
  const markerFor = (c: string): string => {
    let id = markers.get(c);
    if (!id) { id = `head${markers.size}`; markers.set(c, id); }
    return id;
  };
  const body: string[] = [];
  const sc = model.doc.scenario;
  body.push(`<text x="10" y="19" font-size="13" font-weight="bold" fill="${LIGHT.fg}">${escapeXml(sc.name)}</text>`);
  body.push(`<text x="${width - 10}" y="19" text-anchor="end" fill="${LIGHT.muted}">${escapeXml(`${sc.protocol} · seed ${sc.seed} · ${formatTime(Math.round(view.t0))} – ${formatTime(Math.round(view.t1))}`)}</text>`);
  body.push(`<g transform="translate(0 ${HEADER_H})">`);
  body.push(`<rect x="0" y="0" width="${width}" height="${AXIS_H}" fill="${LIGHT.labelBg}"/>`);
  for (const t of scene.ticks) body.push(`<path d="M${n(t.x)} ${AXIS_H - 5}V${AXIS_H}" stroke="${LIGHT.lane}"/><text x="${n(t.x + 2)}" y="${AXIS_H - 7}" fill="${LIGHT.muted}">${escapeXml(t.text)}</text>`);
  body.push(`<clipPath id="plot"><rect x="${LABEL_W}" y="0" width="${n(scene.plotW + 10)}" height="${plotH}"/></clipPath>`);
  body.push('<g clip-path="url(#plot)">');
  for (const item of scene.items) body.push(paint(item, colour, markerFor));
  body.push('</g>');
  body.push(`<rect x="0" y="${AXIS_H}" width="${LABEL_W}" height="${plotH - AXIS_H}" fill="${LIGHT.labelBg}"/>`);
  model.nodes.forEach((id, l) => {
    const text = id.length > 18 ? `${id.slice(0, 17)}…` : id;
    body.push(`<text x="6" y="${n(scene.y(l) + 4)}" font-size="12" fill="${LIGHT.fg}">${escapeXml(text)}</text>`);
  });
  body.push('</g>');
  shownTypes.forEach((t, k) => {
    const lx = 10 + (k % perRow) * 190, ly = HEADER_H + plotH + 14 + Math.floor(k / perRow) * LEGEND_ROW;
    const c = typeColour(colours.get(t), 'light');
    body.push(`<path d="M${lx} ${ly - 4}H${lx + 16}" stroke="${c}" stroke-width="2" marker-end="url(#${markerFor(c)})"/><text x="${lx + 24}" y="${ly}" fill="${LIGHT.fg}">${escapeXml(t.length > 26 ? `${t.slice(0, 25)}…` : t)}</text>`);
  });

  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Verdana, Arial, sans-serif" font-size="10">`);
  out.push(`<title>${escapeXml(`${sc.name} (${sc.protocol}, seed ${sc.seed})`)}</title>`);
  out.push('<defs>');
  for (const [c, id] of markers) out.push(`<marker id="${id}" viewBox="0 0 8 8" refX="8" refY="4" markerUnits="userSpaceOnUse" markerWidth="8" markerHeight="8" orient="auto"><path d="M0 0L8 4L0 8z" fill="${c}"/></marker>`);
  out.push('</defs>');
  out.push(`<rect width="${width}" height="${height}" fill="${LIGHT.bg}"/>`);
  out.push(...body);
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

function paint(item: SceneItem, colour: (c: Colour) => string, markerFor: (c: string) => string): string {
  switch (item.k) {
    case 'rect': {
      const fill = item.fill === 'none' ? 'none' : colour(item.fill);
      const alpha = item.alpha !== undefined ? ` fill-opacity="${item.alpha}"` : '';
      const stroke = item.stroke ? ` stroke="${colour(item.stroke)}"${item.strokeAlpha !== undefined ? ` stroke-opacity="${item.strokeAlpha}"` : ''}${item.strokeWidth ? ` stroke-width="${item.strokeWidth}"` : ''}` : '';
      return `<rect x="${n(item.x)}" y="${n(item.y)}" width="${n(Math.max(0, item.w))}" height="${n(Math.max(0, item.h))}" fill="${fill}"${alpha}${stroke}/>`;
    }
    case 'vline':
      return `<path d="M${n(item.x)} ${n(item.y0)}V${n(item.y1)}" stroke="${colour(item.stroke)}"${item.dash ? ' stroke-dasharray="4 3"' : ''}${item.alpha !== undefined ? ` stroke-opacity="${item.alpha}"` : ''}${item.width ? ` stroke-width="${item.width}"` : ''}/>`;
    case 'hline':
      return `<path d="M${n(item.x0)} ${n(item.y)}H${n(item.x1)}" stroke="${colour(item.stroke)}"/>`;
    case 'ticks':
      return `<path d="${item.xs.map((x) => `M${n(x)} ${n(item.y - item.h / 2)}v${item.h}`).join('')}" stroke="${colour(item.stroke)}" stroke-opacity="0.55"/>`;
    case 'segments': {
      const c = item.coords, parts: string[] = [];
      for (let k = 0; k < c.length; k += 4) parts.push(`M${n(c[k]!)} ${n(c[k + 1]!)}L${n(c[k + 2]!)} ${n(c[k + 3]!)}`);
      return `<path d="${parts.join('')}" stroke="${colour(item.colour)}" fill="none"/>`;
    }
    case 'arrow': {
      const c = colour(item.colour);
      const dash = item.dash ? ' stroke-dasharray="4 3"' : '';
      const faded = item.faded ? ' stroke-opacity="0.5"' : '';
      const head = item.head === 'arrow' ? ` marker-end="url(#${markerFor(c)})"` : '';
      let out = `<path d="M${n(item.x0)} ${n(item.y0)}L${n(item.x1)} ${n(item.y1)}" stroke="${c}" stroke-width="${item.emphasis ? 2.5 : 1.2}"${dash}${faded}${head}/>`;
      if (item.head === 'x') out += `<path d="M${n(item.x1 - 4)} ${n(item.y1 - 4)}l8 8m0 -8l-8 8" stroke="${c}"/>`;
      return out;
    }
    case 'mark':
      return mark(item, colour);
    case 'label': {
      const b = item.box;
      return `<rect x="${n(b.x)}" y="${n(b.y)}" width="${n(b.w)}" height="${n(b.h)}" fill="#ffffff" fill-opacity="0.85"/><text x="${n(b.x + 3)}" y="${n(b.y + b.h - 3)}" fill="${colour(item.colour)}">${escapeXml(b.text)}</text>`;
    }
  }
}

function mark(item: Extract<SceneItem, { k: 'mark' }>, colour: (c: Colour) => string): string {
  const { x, y, r, event: e } = item;
  const d = r + 1.5;
  const diamond = `M${n(x)} ${n(y - d)}L${n(x + d)} ${n(y)}L${n(x)} ${n(y + d)}L${n(x - d)} ${n(y)}Z`;
  switch (e.kind) {
    case 'timer': return `<path d="M${n(x)} ${n(y - r - 2)}V${n(y + r + 2)}" stroke="${colour('muted')}"/>`;
    case 'client': return `<path d="${diamond}" fill="${colour('client')}"/>`;
    case 'reply': return `<path d="${diamond}" fill="none" stroke="${colour(e.ok ? 'reply' : 'violation')}" stroke-width="1.5"/>`;
    case 'crash': return `<path d="M${n(x - r - 1)} ${n(y - r - 1)}L${n(x + r + 1)} ${n(y + r + 1)}M${n(x + r + 1)} ${n(y - r - 1)}L${n(x - r - 1)} ${n(y + r + 1)}" stroke="${colour('violation')}" stroke-width="2.5"/>`;
    case 'restart': case 'resume': return `<circle cx="${n(x)}" cy="${n(y)}" r="${n(r + 1)}" fill="none" stroke="${colour('restart')}" stroke-width="2"/>`;
    case 'pause': return `<path d="M${n(x - 2)} ${n(y - r)}V${n(y + r)}M${n(x + 2)} ${n(y - r)}V${n(y + r)}" stroke="${colour('muted')}" stroke-width="2"/>`;
    case 'violation': return `<circle cx="${n(x)}" cy="${n(y)}" r="${n(r + 2)}" fill="${colour('violation')}"/><text x="${n(x - 1.5)}" y="${n(y + 3)}" font-size="9" font-weight="bold" fill="#ffffff">!</text>`;
    case 'note': return `<path d="M${n(x)} ${n(y - r - 4)}L${n(x - 3)} ${n(y - r - 9)}L${n(x + 3)} ${n(y - r - 9)}Z" fill="${colour('fg')}"/>`;
    case 'state': return `<rect x="${n(x - 1.5)}" y="${n(y + r)}" width="3" height="3" fill="${colour('muted')}"/>`;
    case 'send': return `<circle cx="${n(x)}" cy="${n(y)}" r="1.8" fill="${colour(`type:${e.msg.type}`)}"/>`;
    case 'partition': case 'heal': return `<path d="M${n(x)} ${AXIS_H}V${n(y + 1000)}" stroke="${colour(e.kind === 'heal' ? 'restart' : 'drop')}"/>`;
    default: return '';
  }
}
