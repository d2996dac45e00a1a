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

/** A chart as a standalone SVG document (white background, system fonts). */
export async function chartSvg(spec: ChartSpec): Promise<string> {
  const config = { background: 'white', font: 'sans-serif', axis: { labelFontSize: 11, titleFontSize: 12 }, title: { fontSize: 13, anchor: 'start' } };
  const vegaSpec = compile({ ...spec, config } as Parameters<typeof compile>[0]).spec;
  const view = new View(parse(vegaSpec, undefined, { ast: true }), { renderer: 'none', expr: expressionInterpreter });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
