/**
 * The run summary: the `expect` checks (held / failed, with a link to the
 * event where each failed or was satisfied) and the metrics as a plain SVG
 * bar chart (one bar per metric, scaled per chart to the largest value;
 * negative values are drawn to the left of the axis).
 */
import type { TraceCheck } from '../src/trace/format.js';
import { h, shorten, svg } from './dom.js';

export function renderChecks(checks: readonly TraceCheck[], onGoto: (index: number) => void): HTMLElement {
  const list = h('ul', { class: 'checks', 'aria-label': 'Checks' });
  for (const c of checks) {
    const item = h('li', { class: `check ${c.status === 'held' ? 'held' : 'failed'}` },
      h('span', { class: 'check-status' }, c.status === 'held' ? '✓' : '✗'),
      h('span', { class: 'check-name' }, shorten(String(c.name), 200)));
    if (typeof c.message === 'string') item.append(h('span', { class: 'check-message' }, shorten(c.message, 300)));
    if (typeof c.event === 'number') {
      const link = h('button', { class: 'link', type: 'button', 'aria-label': `Go to event ${c.event}` }, `#${c.event}`);
      const at = c.event;
      link.addEventListener('click', () => onGoto(at));
      item.append(link);
    }
    list.append(item);
  }
  if (!checks.length) list.append(h('li', { class: 'empty' }, 'No expect lines.'));
  return list;
}

export function renderMetrics(metrics: Readonly<Record<string, number>>): Element {
  const entries = Object.entries(metrics).filter(([, v]) => typeof v === 'number' && Number.isFinite(v)).slice(0, 60);
  if (!entries.length) return h('p', { class: 'empty' }, 'No metrics.');
  const rowH = 18, labelW = 150, barW = 200, valueW = 80;
  const max = Math.max(...entries.map(([, v]) => Math.abs(v)), 1e-12);
  const hasNeg = entries.some(([, v]) => v < 0);
  const zero = labelW + (hasNeg ? barW / 2 : 0);
  const scale = (hasNeg ? barW / 2 : barW) / max;
  const chart = svg('svg', { class: 'metrics-chart', width: labelW + barW + valueW, height: entries.length * rowH + 4, role: 'img', 'aria-label': 'Metrics bar chart' });
  entries.forEach(([name, v], k) => {
    const y = 2 + k * rowH;
    const w = Math.max(1, Math.abs(v) * scale);
    chart.append(svg('text', { x: 2, y: y + 12, class: 'label' }, shorten(name, 24)));
    chart.append(svg('rect', { x: v < 0 ? zero - w : zero, y: y + 2, width: w, height: rowH - 6, class: 'bar' }));
    chart.append(svg('text', { x: labelW + barW + 6, y: y + 12, class: 'bar-value' }, formatNumber(v)));
    chart.append(svg('title', {}, `${name}: ${v}`));
  });
  return chart;
}

function formatNumber(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(1) : v.toPrecision(4);
}
