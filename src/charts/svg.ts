/**
 * Charts to SVG with Vega (https://vega.github.io): Vega-Lite compiles the
 * specification, Vega lays it out and writes a static SVG with no DOM and no
 * script, so the same text goes to a file, into a standalone HTML page and
 * into the extension's webview under its strict CSP. Expressions run through
 * vega-interpreter (`ast: true`), never `new Function`, so nothing here needs
 * `unsafe-eval`. Why Vega: axes, scales (log), legends and step lines are
 * the library's, it renders headless in Node, and it is maintained by the
 * UW Interactive Data Lab with regular releases.
 */
import { parse, View } from 'vega';
import { compile } from 'vega-lite';
import { expressionInterpreter } from 'vega-interpreter';
import type { ChartSpec } from './sweep-charts.js';

/** What a chart is drawn on: `light` a white background (files, HTML pages), `dark` a transparent one with light text (VS Code's dark themes). */
export type ChartTheme = 'light' | 'dark';

const SIZES = { font: 'sans-serif', axis: { labelFontSize: 11, titleFontSize: 12 }, title: { fontSize: 13, anchor: 'start' } };

/** Vega-Lite configs: the light one white, the dark one transparent in VS Code's dark editor greys (text #cccccc, rules #6e6e6e, grid #3c3c3c). Several series take Vega's category colours in both. */
const CONFIGS: Record<ChartTheme, object> = {
  light: { ...SIZES, background: 'white' },
  dark: {
    ...SIZES,
    background: 'transparent',
    title: { ...SIZES.title, color: '#e0e0e0' },
    axis: { ...SIZES.axis, labelColor: '#cccccc', titleColor: '#cccccc', domainColor: '#6e6e6e', tickColor: '#6e6e6e', gridColor: '#3c3c3c' },
    legend: { labelColor: '#cccccc', titleColor: '#cccccc' },
    mark: { color: '#75aee8' }, // Vega's default blue, lightened: a one-series chart's line on a dark ground
  },
};

/** A chart as a standalone SVG document (system fonts). */
export async function chartSvg(spec: ChartSpec, theme: ChartTheme = 'light'): Promise<string> {
  const config = CONFIGS[theme];
  const vegaSpec = compile({ ...spec, config } as Parameters<typeof compile>[0]).spec;
  const view = new View(parse(vegaSpec, undefined, { ast: true }), { renderer: 'none', expr: expressionInterpreter });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
